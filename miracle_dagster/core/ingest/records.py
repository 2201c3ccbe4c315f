"""Shared records: constants and reason codes, the batch/result dataclasses, rejections, column mapping."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import pandas as pd

from miracle_dagster.core.ingest.values import decode_strict, id_or_none, safe_id
from miracle_dagster.core.schema import OPTIONAL_REPORT_COLUMNS, REQUIRED_REPORT_COLUMNS

log = logging.getLogger(__package__)  # the package logger, as before the split into modules


SOURCE_COLUMN = "_source"
REPORT_COLUMNS = REQUIRED_REPORT_COLUMNS + OPTIONAL_REPORT_COLUMNS
REJECTED_COLUMNS = ("document_id", "patient_id", "reason", "detail", "source")
ID_COLUMNS = ("document_id", "patient_id", "case_id")

# Reason codes (``missing_field``, ``invalid_type`` get ``:<column>`` appended).
UNDECODABLE_BYTES = "undecodable_bytes"
MALFORMED_JSON = "malformed_json"
MALFORMED_CSV = "malformed_csv"
UNREADABLE_FILE = "unreadable_file"
MISSING_FIELD = "missing_field"  # + ":<name>"
INVALID_TYPE = "invalid_type"  # + ":<name>", e.g. a list where an id or the text is expected
EMPTY_TEXT = "empty_text"
TEXT_TOO_SHORT = "text_too_short"
TEXT_TOO_LARGE = "text_too_large"
INVALID_CHARACTERS = "invalid_characters"
INVALID_DATE = "invalid_date"
DATE_OUTSIDE_PARTITION = "date_outside_partition"
SPECIALTY_MISMATCH = "specialty_mismatch"
UNKNOWN_DOCUMENT_TYPE = "unknown_document_type"
DUPLICATE_DOCUMENT_ID = "duplicate_document_id"

REASONS = (
    UNDECODABLE_BYTES,
    MALFORMED_JSON,
    MALFORMED_CSV,
    UNREADABLE_FILE,
    MISSING_FIELD,
    INVALID_TYPE,
    EMPTY_TEXT,
    TEXT_TOO_SHORT,
    TEXT_TOO_LARGE,
    INVALID_CHARACTERS,
    INVALID_DATE,
    DATE_OUTSIDE_PARTITION,
    SPECIALTY_MISMATCH,
    UNKNOWN_DOCUMENT_TYPE,
    DUPLICATE_DOCUMENT_ID,
)

FILE_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz", ".csv", ".csv.gz", ".parquet")


class SourceError(RuntimeError):
    """The source itself is unusable (missing root, unreachable database, failing query).

    Messages never contain a database password.
    """


@dataclass
class RawBatch:
    """Rows of one partition as read, before validation.

    rows: every readable record with its columns as found (names mapped case-insensitively to the schema),
        object dtype, plus ``_source`` ("file:line" / "file:index" / "sql:rownum").
    rejected: read-time rejections, columns ``REJECTED_COLUMNS``.
    files: the files read (folder source), relative to the partition folder.
    skipped_files: files in the partition folder that were not read (unknown extension).
    """

    rows: pd.DataFrame
    rejected: pd.DataFrame
    files: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return len(self.rows) + len(self.rejected)


@dataclass
class ValidationResult:
    valid: pd.DataFrame  # exactly REPORT_COLUMNS, object dtype
    rejected: pd.DataFrame  # exactly REJECTED_COLUMNS
    counts: dict[str, Any]  # rows_in, rows_out, rows_rejected (ints), rejected_by_reason (dict[str, int])


# rejected rows and frames


def rejection_record(
    reason: str,
    detail: str,
    source: str,
    document_id: Any = None,
    patient_id: Any = None,
) -> dict[str, Any]:
    return {
        "document_id": id_or_none(document_id),
        "patient_id": id_or_none(patient_id),
        "reason": reason,
        "detail": detail,
        "source": source,
    }


def rejected_frame(records: Iterable[Mapping[str, Any]] = ()) -> pd.DataFrame:
    return pd.DataFrame(list(records), columns=list(REJECTED_COLUMNS), dtype=object)


def rows_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    if not records:
        return pd.DataFrame(columns=[SOURCE_COLUMN], dtype=object)
    return pd.DataFrame(records, dtype=object)


def _decode_record_values(record: dict[str, Any], source: str) -> tuple[dict[str, Any] | None, dict | None]:
    """Decode bytes values of a record strictly; returns (record, None) or (None, rejection)."""
    out = {}
    for key, value in record.items():
        try:
            out[key] = decode_strict(value)
        except UnicodeDecodeError as exc:
            return None, rejection_record(
                UNDECODABLE_BYTES,
                f"column {key!r} is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                source,
                safe_id(record.get("document_id")),
                safe_id(record.get("patient_id")),
            )
    return out, None


def collect_decoded(record: dict[str, Any], source: str, rows: list[dict], rejected: list[dict]) -> None:
    """Append the strictly decoded ``record`` (tagged with its ``source``) to ``rows``, or its rejection to
    ``rejected`` (binary values from Parquet / SQL)."""
    decoded, rejection = _decode_record_values(record, source)
    if rejection is not None:
        rejected.append(rejection)
        return
    decoded[SOURCE_COLUMN] = source
    rows.append(decoded)


# source column names -> schema names
_SCHEMA_LOWER = {c.lower(): c for c in REPORT_COLUMNS}


def column_renames(columns: Iterable[Any], column_map: Mapping[str, str] | None = None) -> dict[Any, Any]:
    """Map source column names to schema names: ``column_map`` first (keys case-insensitive), then a
    case-insensitive / whitespace-insensitive match against the schema. If two source columns would get the
    same name, an exact match wins and the other keeps its original name (ends up in metadata)."""
    cmap = {str(k).strip().lower(): v for k, v in (column_map or {}).items()}
    proposed: dict[Any, Any] = {}
    for col in columns:
        key = str(col).strip().lower()
        if key in cmap:
            proposed[col] = cmap[key]
        elif key in _SCHEMA_LOWER:
            proposed[col] = _SCHEMA_LOWER[key]
        else:
            proposed[col] = col
    renames: dict[Any, Any] = {}
    taken: dict[Any, Any] = {}
    # exact names first so they win collisions
    for col in sorted(proposed, key=lambda c: proposed[c] != c):
        target = proposed[col]
        if target in taken:
            log.warning("column %r would collide with %r as %r; kept under its own name", col, taken[target], target)
            target = col
        taken[target] = col
        renames[col] = target
    return renames


def rename_record(record: Mapping[Any, Any], renames: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(renames.get(k, k)): v for k, v in record.items()}
