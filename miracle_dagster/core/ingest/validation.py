"""Validation of a raw batch against the report schema: every row is either valid or rejected."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Mapping

import pandas as pd

from miracle_dagster.core.ingest.normalize import build_metadata, norm_specialty, normalize_document_type, parse_report_date
from miracle_dagster.core.ingest.records import (
    DATE_OUTSIDE_PARTITION,
    DUPLICATE_DOCUMENT_ID,
    EMPTY_TEXT,
    ID_COLUMNS,
    INVALID_CHARACTERS,
    INVALID_DATE,
    INVALID_TYPE,
    MISSING_FIELD,
    REPORT_COLUMNS,
    SOURCE_COLUMN,
    SPECIALTY_MISMATCH,
    TEXT_TOO_LARGE,
    TEXT_TOO_SHORT,
    UNDECODABLE_BYTES,
    UNKNOWN_DOCUMENT_TYPE,
    RawBatch,
    ValidationResult,
    rejected_frame,
    rejection_record,
)
from miracle_dagster.core.ingest.values import decode_strict, id_to_str, is_missing, safe_id, shorten
from miracle_dagster.core.schema import DOCUMENT_TYPES

_BAD_CHAR_RE = re.compile("[\x00\ud800-\udfff]")


def _blank(value: Any) -> bool:
    """Missing, or a string of whitespace only."""
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def _validate_row(
    record: Mapping[str, Any], specialty: str, year: str, max_chars: int, min_chars: int
) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
    """(normalized row, None) or (None, (reason, detail))."""
    out: dict[str, Any] = {}
    for col in ID_COLUMNS:
        try:
            value = id_to_str(record.get(col))
        except TypeError as exc:
            return None, (f"{INVALID_TYPE}:{col}", f"{col} is a {exc}, expected a string or number")
        if value is None:
            return None, (f"{MISSING_FIELD}:{col}", f"{col} is missing or empty")
        out[col] = value

    raw_spec = record.get("specialty")
    if _blank(raw_spec):
        pass  # the partition tells the specialty
    elif not isinstance(raw_spec, str) or norm_specialty(raw_spec) != norm_specialty(specialty):
        return None, (SPECIALTY_MISMATCH, f"specialty {shorten(raw_spec)!r} but partition is {specialty!r}")
    out["specialty"] = specialty

    raw_type = record.get("document_type")
    if _blank(raw_type):
        return None, (f"{MISSING_FIELD}:document_type", "document_type is missing or empty")
    doc_type = normalize_document_type(raw_type)
    if doc_type is None:
        return None, (UNKNOWN_DOCUMENT_TYPE, f"document_type {shorten(raw_type)!r} is not one of {list(DOCUMENT_TYPES)}")
    out["document_type"] = doc_type

    raw_date = record.get("date")
    if _blank(raw_date):
        return None, (f"{MISSING_FIELD}:date", "date is missing or empty")
    try:
        date = parse_report_date(raw_date)
    except (ValueError, TypeError, OverflowError) as exc:
        return None, (INVALID_DATE, f"cannot parse date {shorten(raw_date)!r}: {shorten(exc)}")
    if str(date.year) != str(year):
        return None, (DATE_OUTSIDE_PARTITION, f"date {date.isoformat()} is not in partition year {year}")
    out["date"] = date.isoformat()

    text = record.get("text")
    if is_missing(text):
        return None, (f"{MISSING_FIELD}:text", "text is missing")
    try:
        text = decode_strict(text)
    except UnicodeDecodeError as exc:
        return None, (UNDECODABLE_BYTES, f"text is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    if not isinstance(text, str):
        return None, (f"{INVALID_TYPE}:text", f"text is a {type(text).__name__}, expected a string")
    if not text.strip():
        return None, (EMPTY_TEXT, f"text is empty or whitespace only ({len(text)} characters)")
    bad = _BAD_CHAR_RE.search(text)
    if bad:
        kind = "NUL character" if bad.group() == "\x00" else f"lone surrogate U+{ord(bad.group()):04X}"
        return None, (INVALID_CHARACTERS, f"text contains a {kind} at position {bad.start()}")
    if len(text) > max_chars:
        return None, (TEXT_TOO_LARGE, f"text has {len(text)} characters, more than {max_chars}")
    if len(text.strip()) < min_chars:
        stripped = len(text.strip())
        return None, (TEXT_TOO_SHORT, f"text has {stripped} characters without edge whitespace, fewer than {min_chars}")
    out["text"] = text  # kept exactly as is

    out["metadata"] = build_metadata(record)
    return out, None


def validate_reports(
    batch: RawBatch,
    specialty: str,
    year: str,
    max_chars: int = 200_000,
    min_chars: int = 20,
) -> ValidationResult:
    """Check every row of ``batch`` against the report schema for partition (specialty, year).

    Each row gets the first failing check's reason, in this order: ids (``missing_field:<id>`` /
    ``invalid_type:<id>``), ``specialty_mismatch`` (a missing specialty takes the partition's; comparison
    ignores case and ``-``/space vs ``_``), document type (``missing_field:document_type``,
    ``unknown_document_type``), date (``missing_field:date``, ``invalid_date``, ``date_outside_partition``),
    text (``missing_field:text``, ``undecodable_bytes``, ``invalid_type:text``, ``empty_text``,
    ``invalid_characters``, ``text_too_large`` (len(text) > max_chars), ``text_too_short``
    (len(text.strip()) < min_chars)), then ``duplicate_document_id``: among rows that passed all other
    checks, the first occurrence (source order) is kept -- so a broken first copy does not cost the good
    second one.
    """
    year = str(year)
    valid_rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = list(batch.rejected.to_dict("records")) if len(batch.rejected) else []
    first_seen: dict[str, tuple[dict[str, Any], str]] = {}

    records = batch.rows.to_dict("records") if len(batch.rows) else []
    for index, record in enumerate(records, start=1):
        source = record.get(SOURCE_COLUMN)
        source = f"row:{index}" if is_missing(source) else str(source)
        row, problem = _validate_row(record, specialty, year, max_chars, min_chars)
        if problem is not None:
            reason, detail = problem
            rejected.append(rejection_record(reason, detail, source, safe_id(record.get("document_id")), safe_id(record.get("patient_id"))))
            continue
        doc_id = row["document_id"]
        if doc_id in first_seen:
            kept, kept_source = first_seen[doc_id]
            if kept == row:
                how = "identical content"
            elif kept["text"] == row["text"]:
                how = "same text, other fields differ"
            else:
                how = "different content"
            rejected.append(
                rejection_record(
                    DUPLICATE_DOCUMENT_ID,
                    f"document_id already seen at {kept_source} ({how}); first occurrence kept",
                    source,
                    doc_id,
                    row["patient_id"],
                )
            )
            continue
        first_seen[doc_id] = (row, source)
        valid_rows.append(row)

    valid = pd.DataFrame(valid_rows, columns=list(REPORT_COLUMNS), dtype=object)
    rejected_df = rejected_frame(rejected)
    by_reason = dict(sorted(Counter(rejected_df["reason"]).items()))
    counts: dict[str, Any] = {
        "rows_in": batch.rows_in,
        "rows_out": len(valid),
        "rows_rejected": len(rejected_df),
        "rejected_by_reason": by_reason,
    }
    if counts["rows_in"] != counts["rows_out"] + counts["rows_rejected"]:  # pragma: no cover - a bug here
        raise RuntimeError(f"row accounting broken: {counts}")
    return ValidationResult(valid=valid, rejected=rejected_df, counts=counts)
