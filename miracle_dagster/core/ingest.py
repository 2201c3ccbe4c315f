"""Reading one (specialty, year) partition of raw reports from a source, and validating it.

Principle: nothing is silently dropped. Every input row ends up either in ``ValidationResult.valid`` or in
``ValidationResult.rejected`` with a machine-friendly ``reason`` and a human ``detail``, and
``rows_in == rows_out + rows_rejected`` always holds (checked at the end of :func:`validate_reports`).
Bad input never crashes the read: it becomes a rejected row. Only problems with the *source itself*
(missing root folder, unreachable database, failing query) raise :class:`SourceError`.

Rejected rows never carry the document text (PHI, and possibly huge): only ids, reason, detail, source.

Sources
-------
* Folder: ``root/<specialty>/<year>/**/*.{jsonl,jsonl.gz,json,json.gz,csv,csv.gz,parquet}``; files are read
  in sorted order of their path relative to the partition folder (this order decides which copy of a
  duplicated document_id is kept). Files and folders whose name starts with ``_`` or ``.`` are ignored
  (``_SUCCESS``, ``.DS_Store``, ``_meta/``); other files with an unknown extension are not rows: they are
  listed in ``RawBatch.skipped_files`` and logged as a warning.
* SQL: any SQLAlchemy URL plus a query with bound parameters ``:specialty`` and/or ``:year``.

Read-time handling of bad bytes
-------------------------------
* JSONL: each line is decoded from bytes on its own; an undecodable line is one rejected row
  (``undecodable_bytes``), a line that is not a JSON object is one rejected row (``malformed_json``).
  Blank lines are not records and are skipped.
* CSV: the file is decoded strictly as UTF-8 (a leading BOM is removed). If that fails, the file is
  decoded with ``surrogateescape`` and parsed anyway, and *only the records that contain an undecodable
  byte* are rejected (``undecodable_bytes``) -- record-level fallback, which (unlike a per-line fallback)
  keeps quoted multi-line text fields intact. If the header itself is undecodable, every record of the
  file is rejected. Records with a different number of fields than the header are ``malformed_csv``.
  The delimiter (``,`` ``;`` or tab) is taken from the header line.
* JSON (``.json``): a top-level array of objects (or a single object). Undecodable bytes inside a string
  value reject only that element (same surrogateescape technique as CSV).
* Parquet: via pyarrow; binary columns are decoded strictly per value.
* A file that cannot be read at all (corrupt gzip / parquet, JSON that does not parse) is ONE rejected row
  with reason ``unreadable_file`` (or ``malformed_json``): the number of documents in it is unknown.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import logging
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from miracle_dagster.core.schema import (
    DISCHARGE_LETTER,
    DOCUMENT_TYPES,
    OPERATION_NOTE,
    OPTIONAL_REPORT_COLUMNS,
    PATHOLOGY_REPORT,
    RADIOLOGY_REPORT,
    REQUIRED_REPORT_COLUMNS,
)

log = logging.getLogger(__name__)

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

_DETAIL_VALUE_CHARS = 40  # raw field values quoted in ``detail`` are cut to this length


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


# --------------------------------------------------------------------------------------------------
# small helpers


def _rejection(
    reason: str,
    detail: str,
    source: str,
    document_id: Any = None,
    patient_id: Any = None,
) -> dict[str, Any]:
    return {
        "document_id": _id_or_none(document_id),
        "patient_id": _id_or_none(patient_id),
        "reason": reason,
        "detail": detail,
        "source": source,
    }


def _rejected_frame(records: Iterable[Mapping[str, Any]] = ()) -> pd.DataFrame:
    return pd.DataFrame(list(records), columns=list(REJECTED_COLUMNS), dtype=object)


def _rows_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    if not records:
        return pd.DataFrame(columns=[SOURCE_COLUMN], dtype=object)
    return pd.DataFrame(records, dtype=object)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:  # numpy NaN / NaT scalars
        return bool(pd.isna(value)) if not isinstance(value, (str, bytes, list, dict, tuple)) else False
    except (TypeError, ValueError):
        return False


def _short(value: Any) -> str:
    s = str(value)
    return s if len(s) <= _DETAIL_VALUE_CHARS else s[:_DETAIL_VALUE_CHARS] + "…"


def _id_to_str(value: Any) -> str | None:
    """Normalize an id to a stripped string; None when missing/empty. Raises TypeError for containers."""
    if _is_missing(value):
        return None
    if isinstance(value, (list, dict, tuple, set)):
        raise TypeError(type(value).__name__)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        f = float(value)
        s = str(int(f)) if f.is_integer() else repr(f)
    elif hasattr(value, "item") and not isinstance(value, str):  # numpy integer scalar
        s = str(value.item())
    else:
        s = str(value)
    s = s.strip()
    return s or None


def _id_or_none(value: Any) -> str | None:
    try:
        return _id_to_str(value)
    except TypeError:
        return None


def _decode_strict(value: Any) -> Any:
    """bytes / memoryview -> str (strict UTF-8); everything else unchanged. Raises UnicodeDecodeError."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    return value


def _decode_record_values(record: dict[str, Any], source: str) -> tuple[dict[str, Any] | None, dict | None]:
    """Decode bytes values of a record strictly; returns (record, None) or (None, rejection)."""
    out = {}
    for key, value in record.items():
        try:
            out[key] = _decode_strict(value)
        except UnicodeDecodeError as exc:
            return None, _rejection(
                UNDECODABLE_BYTES,
                f"column {key!r} is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                source,
                _safe_id(record.get("document_id")),
                _safe_id(record.get("patient_id")),
            )
    return out, None


def _safe_id(value: Any) -> Any:
    """An id for a rejected row, even if it came as (possibly undecodable) bytes."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(value, str) and _SURROGATE_ESCAPE_RE.search(value):
        return None
    return value


_SCHEMA_LOWER = {c.lower(): c for c in REPORT_COLUMNS}


def _column_renames(columns: Iterable[Any], column_map: Mapping[str, str] | None = None) -> dict[Any, Any]:
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


def _rename_record(record: Mapping[Any, Any], renames: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(renames.get(k, k)): v for k, v in record.items()}


# --------------------------------------------------------------------------------------------------
# folder source


def _check_partition_key(specialty: str, year: str) -> None:
    for name, value in (("specialty", specialty), ("year", year)):
        if (
            not isinstance(value, str)
            or not value
            or value.startswith((".", "_"))
            or "/" in value
            or "\\" in value
        ):
            raise ValueError(f"invalid partition {name}: {value!r}")


def list_folder_partitions(root: Path | str) -> list[tuple[str, str]]:
    """(specialty, year) pairs present under ``root`` (folders starting with ``_`` or ``.`` are ignored)."""
    root = Path(root)
    if not root.is_dir():
        raise SourceError(f"source folder does not exist or is not a folder: {root}")
    out = []
    for spec_dir in sorted(root.iterdir()):
        if not spec_dir.is_dir() or spec_dir.name.startswith(("_", ".")):
            continue
        for year_dir in sorted(spec_dir.iterdir()):
            if year_dir.is_dir() and not year_dir.name.startswith(("_", ".")):
                out.append((spec_dir.name, year_dir.name))
    return out


def _file_kind(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in FILE_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return None


def read_folder_partition(
    root: Path | str,
    specialty: str,
    year: str,
    column_map: Mapping[str, str] | None = None,
) -> RawBatch:
    """Read every data file under ``root/<specialty>/<year>/`` (recursively, sorted by relative path).

    A missing root folder raises :class:`SourceError`; a missing partition folder gives an empty batch.
    """
    root = Path(root)
    if not root.is_dir():
        raise SourceError(f"source folder does not exist or is not a folder: {root}")
    _check_partition_key(specialty, year)
    part_dir = root / specialty / year
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    files: list[str] = []
    skipped: list[str] = []
    rename_cache: dict[tuple, dict] = {}
    if not part_dir.is_dir():
        log.info("partition folder %s does not exist: empty batch", part_dir)
        return RawBatch(_rows_frame([]), _rejected_frame(), files, skipped)

    candidates = []
    for path in part_dir.rglob("*"):
        rel = path.relative_to(part_dir)
        if any(part.startswith(("_", ".")) for part in rel.parts) or not path.is_file():
            continue
        candidates.append((rel.as_posix(), path))
    for rel, path in sorted(candidates):
        kind = _file_kind(path)
        if kind is None:
            skipped.append(rel)
            log.warning("skipping %s: not a known data file (%s)", path, ", ".join(FILE_SUFFIXES))
            continue
        files.append(rel)
        try:
            data = path.read_bytes()
            if kind.endswith(".gz"):
                data = gzip.decompress(data)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            rejected.append(_rejection(UNREADABLE_FILE, f"cannot read file: {type(exc).__name__}: {exc}", rel))
            continue
        if kind.startswith(".jsonl"):
            file_rows, file_rej = _parse_jsonl(data, rel)
        elif kind.startswith(".json"):
            file_rows, file_rej = _parse_json(data, rel)
        elif kind.startswith(".csv"):
            file_rows, file_rej = _parse_csv(data, rel)
        else:
            file_rows, file_rej = _parse_parquet(data, rel)
        for record in file_rows:
            keys = tuple(record.keys())
            if keys not in rename_cache:
                rename_cache[keys] = _column_renames(keys, column_map)
            rows.append(_rename_record(record, rename_cache[keys]))
        rejected.extend(file_rej)
    return RawBatch(_rows_frame(rows), _rejected_frame(rejected), files, skipped)


def _ids_from_broken_json(line: bytes) -> tuple[Any, Any]:
    """Best effort: ids of a JSONL line whose bytes are not UTF-8 (so the rejection can be traced)."""
    try:
        obj = json.loads(line.decode("utf-8", errors="surrogateescape"))
    except ValueError:
        return None, None
    if not isinstance(obj, dict):
        return None, None
    renames = _column_renames(obj.keys())
    obj = _rename_record(obj, renames)
    return _safe_id(obj.get("document_id")), _safe_id(obj.get("patient_id"))


def _parse_jsonl(data: bytes, label: str) -> tuple[list[dict], list[dict]]:
    rows: list[dict] = []
    rejected: list[dict] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        source = f"{label}:{lineno}"
        if not raw.strip():
            continue  # blank line: not a record
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            doc_id, pat_id = _ids_from_broken_json(raw)
            rejected.append(
                _rejection(
                    UNDECODABLE_BYTES,
                    f"line is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                    source,
                    doc_id,
                    pat_id,
                )
            )
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            rejected.append(_rejection(MALFORMED_JSON, f"not valid JSON: {exc}", source))
            continue
        if not isinstance(obj, dict):
            rejected.append(_rejection(MALFORMED_JSON, f"expected a JSON object, got {type(obj).__name__}", source))
            continue
        obj[SOURCE_COLUMN] = source
        rows.append(obj)
    return rows, rejected


_SURROGATE_ESCAPE_RE = re.compile("[\udc80-\udcff]")


def _has_escaped_bytes(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_SURROGATE_ESCAPE_RE.search(value))
    if isinstance(value, dict):
        return any(_has_escaped_bytes(k) or _has_escaped_bytes(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_escaped_bytes(v) for v in value)
    return False


def _parse_json(data: bytes, label: str) -> tuple[list[dict], list[dict]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        content = data.decode("utf-8")
        strict_ok = True
    except UnicodeDecodeError:
        content = data.decode("utf-8", errors="surrogateescape")
        strict_ok = False
    try:
        obj = json.loads(content)
    except ValueError as exc:
        reason = MALFORMED_JSON if strict_ok else UNDECODABLE_BYTES
        return [], [_rejection(reason, f"whole file unreadable, not valid JSON: {exc}", label)]
    items = obj if isinstance(obj, list) else [obj]
    rows: list[dict] = []
    rejected: list[dict] = []
    for index, item in enumerate(items, start=1):
        source = f"{label}:{index}"
        if not isinstance(item, dict):
            rejected.append(_rejection(MALFORMED_JSON, f"expected a JSON object, got {type(item).__name__}", source))
            continue
        if not strict_ok and _has_escaped_bytes(item):
            renamed = _rename_record(item, _column_renames(item.keys()))
            rejected.append(
                _rejection(
                    UNDECODABLE_BYTES,
                    "element contains bytes that are not valid UTF-8",
                    source,
                    _safe_id(renamed.get("document_id")),
                    _safe_id(renamed.get("patient_id")),
                )
            )
            continue
        item[SOURCE_COLUMN] = source
        rows.append(item)
    return rows, rejected


def _raise_csv_field_limit() -> None:
    # The csv module refuses fields longer than 131072 characters by default; clinical texts can be longer.
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10


def _parse_csv(data: bytes, label: str) -> tuple[list[dict], list[dict]]:
    _raise_csv_field_limit()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        content = data.decode("utf-8")
        strict_ok = True
    except UnicodeDecodeError:
        content = data.decode("utf-8", errors="surrogateescape")
        strict_ok = False
    rows: list[dict] = []
    rejected: list[dict] = []
    first_line = content.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return rows, rejected  # empty file
    except csv.Error as exc:
        return rows, [_rejection(MALFORMED_CSV, f"cannot parse CSV header: {exc}", f"{label}:1")]
    header_bad = not strict_ok and _has_escaped_bytes(header)
    renames = _column_renames(header)
    names = [str(renames.get(h, h)) for h in header]
    start_line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(
                _rejection(
                    MALFORMED_CSV,
                    f"CSV parse error ({exc}); the rest of the file from this line on was not read",
                    f"{label}:{start_line}",
                )
            )
            break
        source = f"{label}:{start_line}"  # line where the record starts (records may span lines)
        start_line = reader.line_num + 1
        if not values:
            continue  # blank line: not a record
        record = dict(zip(names, values))
        doc_id = _safe_id(record.get("document_id"))
        pat_id = _safe_id(record.get("patient_id"))
        if header_bad:
            rejected.append(_rejection(UNDECODABLE_BYTES, "CSV header is not valid UTF-8", source, doc_id, pat_id))
            continue
        if len(values) != len(names):
            rejected.append(
                _rejection(MALFORMED_CSV, f"expected {len(names)} fields, got {len(values)}", source, doc_id, pat_id)
            )
            continue
        if not strict_ok and _has_escaped_bytes(values):
            bad = [n for n, v in zip(names, values) if _has_escaped_bytes(v)]
            rejected.append(
                _rejection(UNDECODABLE_BYTES, f"column(s) {', '.join(bad)} not valid UTF-8", source, doc_id, pat_id)
            )
            continue
        record[SOURCE_COLUMN] = source
        rows.append(record)
    return rows, rejected


def _parse_parquet(data: bytes, label: str) -> tuple[list[dict], list[dict]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for corrupt files
        return [], [_rejection(UNREADABLE_FILE, f"cannot read parquet: {type(exc).__name__}: {exc}", label)]
    pandas_meta = table.schema.pandas_metadata or {}
    index_cols = [c for c in pandas_meta.get("index_columns", []) if isinstance(c, str)]
    if index_cols:
        table = table.drop_columns([c for c in index_cols if c in table.column_names])
    rows: list[dict] = []
    rejected: list[dict] = []
    # to_pylist keeps Python ints (no float upcast for nullable ids) and bytes for binary columns
    for index, record in enumerate(table.to_pylist(), start=1):
        source = f"{label}:{index}"
        decoded, rejection = _decode_record_values(record, source)
        if rejection is not None:
            rejected.append(rejection)
            continue
        decoded[SOURCE_COLUMN] = source
        rows.append(decoded)
    return rows, rejected


# --------------------------------------------------------------------------------------------------
# SQL source


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (also for URLs SQLAlchemy cannot parse)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        # never echo a URL we cannot parse: we cannot tell where its password is
        scheme = str(url).split("://", 1)[0] if "://" in str(url) else "?"
        scheme = scheme if re.fullmatch(r"[\w+.\-]{1,40}", scheme) else "?"
        return f"{scheme}://<unparseable URL, not shown>"


def _scrub(message: str, url: str) -> str:
    """Remove the password (raw and URL-decoded) and the raw URL from an error message."""
    from urllib.parse import unquote

    from sqlalchemy.engine import make_url

    secrets: set[str] = {str(url)}
    try:
        password = make_url(url).password
    except Exception:
        m = re.search(r"://[^/@:]*:([^@/]*)@", str(url))
        password = m.group(1) if m else None
    if password:
        secrets.update({str(password), unquote(str(password))})
    masked = mask_url(url)
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            message = message.replace(secret, masked if secret == str(url) else "***")
    return message


_PARTITION_PARAMS = ("specialty", "year")


def read_sql_partition(
    url: str,
    query: str,
    specialty: str,
    year: str,
    column_map: Mapping[str, str] | None = None,
) -> RawBatch:
    """Run ``query`` against ``url`` with ``:specialty`` / ``:year`` bound (only those the query uses;
    both are bound as strings) and return the rows as a :class:`RawBatch`.

    Column names are mapped case-insensitively to the schema after ``column_map`` renames
    (e.g. ``{"doc_id": "document_id"}``). Values that come back as bytes are decoded strictly as UTF-8;
    undecodable ones make the row a rejected row. Connection and query errors raise :class:`SourceError`
    whose message never contains the password.
    """
    from sqlalchemy import create_engine, text

    masked = mask_url(url)
    # Errors are raised *after* leaving the except blocks, so the SourceError has neither __cause__ nor
    # __context__: the driver's exception could carry the connection string.
    error: str | None = None
    try:
        stmt = text(query)
        used = set(stmt.compile().params)
    except Exception as exc:
        error = f"invalid SQL query for {masked}: {type(exc).__name__}: {_scrub(str(exc), url)}"
    if error is not None:
        raise SourceError(error)
    unknown = used - set(_PARTITION_PARAMS)
    if unknown:
        raise SourceError(
            f"query uses bind parameter(s) {sorted(unknown)}; only :specialty and :year are supplied"
        )
    params = {name: value for name, value in (("specialty", specialty), ("year", str(year))) if name in used}
    if not used:
        log.warning("SQL query binds neither :specialty nor :year; rows of other partitions will be rejected")

    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    engine = None
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            result = conn.execute(stmt, params)
            keys = list(result.keys())
            renames = _column_renames(keys, column_map)
            names = [str(renames[k]) for k in keys]
            for rownum, values in enumerate(result, start=1):
                source = f"sql:{rownum}"
                record = dict(zip(names, values))
                decoded, rejection = _decode_record_values(record, source)
                if rejection is not None:
                    rejected.append(rejection)
                    continue
                decoded[SOURCE_COLUMN] = source
                rows.append(decoded)
    except Exception as exc:  # driver missing, connection refused, SQL error, ...
        error = f"SQL source {masked} failed: {type(exc).__name__}: {_scrub(str(exc), url)}"
    finally:
        if engine is not None:
            engine.dispose()
    if error is not None:
        raise SourceError(error)
    return RawBatch(_rows_frame(rows), _rejected_frame(rejected))


# --------------------------------------------------------------------------------------------------
# validation


def _alias_key(value: str) -> str:
    return re.sub(r"[\W_]+", "", value.casefold())


_DOCUMENT_TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    DISCHARGE_LETTER: (
        "Arztbrief",
        "Entlassbrief",
        "Entlassungsbrief",
        "Entlassbericht",
        "Entlassungsbericht",
        "Epikrise",
        "Discharge letter",
        "Discharge summary",
    ),
    RADIOLOGY_REPORT: (
        "Radiologiebefund",
        "Befundbericht Radiologie",
        "Radiologischer Befund",
        "Radiologischer Befundbericht",
        "Röntgenbefund",
        "CT-Befund",
        "MRT-Befund",
        "Radiology report",
    ),
    PATHOLOGY_REPORT: (
        "Pathologiebefund",
        "Befundbericht Pathologie",
        "Pathologischer Befund",
        "Histologiebefund",
        "Histologischer Befund",
        "Pathology report",
    ),
    OPERATION_NOTE: (
        "OP-Bericht",
        "Operationsbericht",
        "OP-Protokoll",
        "Operationsprotokoll",
        "Operation note",
        "Operative note",
        "Operative report",
    ),
}

DOCUMENT_TYPE_ALIASES: dict[str, str] = {_alias_key(t): t for t in DOCUMENT_TYPES}
for _canonical, _aliases in _DOCUMENT_TYPE_ALIASES.items():
    for _alias in _aliases:
        DOCUMENT_TYPE_ALIASES[_alias_key(_alias)] = _canonical


def normalize_document_type(value: Any) -> str | None:
    """Canonical document type for a type name or a known (German) alias, case-insensitive; else None."""
    if not isinstance(value, str):
        return None
    return DOCUMENT_TYPE_ALIASES.get(_alias_key(value))


def _norm_specialty(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().casefold())


_GERMAN_DATE_RE = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*Uhr)?)?$"
)


def parse_report_date(value: Any) -> dt.date:
    """ISO date/datetime (string or object, incl. pandas Timestamp) or German ``12.03.2021`` [``14:30``].

    Timezone-aware datetimes keep their own local date (no conversion to UTC).
    Raises ValueError for anything else (incl. two-digit years and epoch numbers).
    """
    if isinstance(value, pd.Timestamp):
        if value is pd.NaT:
            raise ValueError("NaT")
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "dtype") and str(getattr(value, "dtype", "")).startswith("datetime64"):
        return pd.Timestamp(value).date()
    if not isinstance(value, str):
        raise ValueError(f"unsupported date type {type(value).__name__}")
    s = value.strip()
    m = _GERMAN_DATE_RE.match(s)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if not re.match(r"^\d{4}-?\d{2}-?\d{2}", s):
        raise ValueError("not an ISO or German (DD.MM.YYYY) date")
    try:
        return dt.datetime.fromisoformat(s).date()
    except ValueError:
        pass
    # e.g. 2021-03-12 10:00:00.123456789 or other variants fromisoformat rejects
    ts = pd.Timestamp(s)
    if ts is pd.NaT:
        raise ValueError("not a date")
    return ts.date()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if _is_missing(value):
        return None
    if isinstance(value, (dt.date, dt.datetime, dt.time, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    if hasattr(value, "tolist"):  # numpy arrays / scalars
        return _jsonable(value.tolist())
    if isinstance(value, float) and math.isinf(value):
        return str(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _build_metadata(record: Mapping[str, Any]) -> str | None:
    """Existing ``metadata`` (dict or JSON string) merged with extra unknown columns (metadata keys win).
    A metadata string that is not a JSON object is kept under ``_raw_metadata``. None if nothing."""
    meta: dict[str, Any] = {}
    raw = record.get("metadata")
    if not _is_missing(raw):
        if isinstance(raw, dict):
            meta = dict(raw)
        elif isinstance(raw, str):
            if raw.strip():
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    meta = parsed
                else:
                    meta = {"_raw_metadata": raw}
        else:
            meta = {"_raw_metadata": _jsonable(raw)}
    for key, value in record.items():
        if key in REPORT_COLUMNS or key == SOURCE_COLUMN or key in meta:
            continue
        if _is_missing(value) or (isinstance(value, str) and value == ""):
            continue  # absent in this row (columns are the union over all rows/files)
        meta[key] = value
    if not meta:
        return None
    return json.dumps(_jsonable(meta), ensure_ascii=False, sort_keys=True)


_BAD_CHAR_RE = re.compile("[\x00\ud800-\udfff]")


def _validate_row(
    record: Mapping[str, Any], specialty: str, year: str, max_chars: int, min_chars: int
) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
    """(normalized row, None) or (None, (reason, detail))."""
    out: dict[str, Any] = {}
    for col in ID_COLUMNS:
        try:
            value = _id_to_str(record.get(col))
        except TypeError as exc:
            return None, (f"{INVALID_TYPE}:{col}", f"{col} is a {exc}, expected a string or number")
        if value is None:
            return None, (f"{MISSING_FIELD}:{col}", f"{col} is missing or empty")
        out[col] = value

    raw_spec = record.get("specialty")
    if _is_missing(raw_spec) or (isinstance(raw_spec, str) and not raw_spec.strip()):
        pass  # the partition tells the specialty
    elif not isinstance(raw_spec, str) or _norm_specialty(raw_spec) != _norm_specialty(specialty):
        return None, (SPECIALTY_MISMATCH, f"specialty {_short(raw_spec)!r} but partition is {specialty!r}")
    out["specialty"] = specialty

    raw_type = record.get("document_type")
    if _is_missing(raw_type) or (isinstance(raw_type, str) and not raw_type.strip()):
        return None, (f"{MISSING_FIELD}:document_type", "document_type is missing or empty")
    doc_type = normalize_document_type(raw_type)
    if doc_type is None:
        return None, (UNKNOWN_DOCUMENT_TYPE, f"document_type {_short(raw_type)!r} is not one of {list(DOCUMENT_TYPES)}")
    out["document_type"] = doc_type

    raw_date = record.get("date")
    if _is_missing(raw_date) or (isinstance(raw_date, str) and not raw_date.strip()):
        return None, (f"{MISSING_FIELD}:date", "date is missing or empty")
    try:
        date = parse_report_date(raw_date)
    except (ValueError, TypeError, OverflowError) as exc:
        return None, (INVALID_DATE, f"cannot parse date {_short(raw_date)!r}: {_short(exc)}")
    if str(date.year) != str(year):
        return None, (DATE_OUTSIDE_PARTITION, f"date {date.isoformat()} is not in partition year {year}")
    out["date"] = date.isoformat()

    text = record.get("text")
    if _is_missing(text):
        return None, (f"{MISSING_FIELD}:text", "text is missing")
    try:
        text = _decode_strict(text)
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

    out["metadata"] = _build_metadata(record)
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
        source = f"row:{index}" if _is_missing(source) else str(source)
        row, problem = _validate_row(record, specialty, year, max_chars, min_chars)
        if problem is not None:
            reason, detail = problem
            rejected.append(
                _rejection(
                    reason, detail, source, _safe_id(record.get("document_id")), _safe_id(record.get("patient_id"))
                )
            )
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
                _rejection(
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
    rejected_df = _rejected_frame(rejected)
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
