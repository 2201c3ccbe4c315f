"""Per-format parsing of one data file (JSONL, JSON, CSV, Parquet) into rows and read-time rejections.

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
import io
import json
import sys
from typing import Any

from miracle_dagster.core.ingest.records import (
    MALFORMED_CSV,
    MALFORMED_JSON,
    SOURCE_COLUMN,
    UNDECODABLE_BYTES,
    UNREADABLE_FILE,
    collect_decoded,
    column_renames,
    rejection_record,
    rename_record,
)
from miracle_dagster.core.ingest.values import SURROGATE_ESCAPE_RE, safe_id


def _ids_from_broken_json(line: bytes) -> tuple[Any, Any]:
    """Best effort: ids of a JSONL line whose bytes are not UTF-8 (so the rejection can be traced)."""
    try:
        obj = json.loads(line.decode("utf-8", errors="surrogateescape"))
    except ValueError:
        return None, None
    if not isinstance(obj, dict):
        return None, None
    renames = column_renames(obj.keys())
    obj = rename_record(obj, renames)
    return safe_id(obj.get("document_id")), safe_id(obj.get("patient_id"))


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def parse_jsonl(data: bytes, label: str) -> tuple[list[dict], list[dict]]:
    rows: list[dict] = []
    rejected: list[dict] = []
    data = _strip_bom(data)
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        source = f"{label}:{lineno}"
        if not raw.strip():
            continue  # blank line: not a record
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            doc_id, pat_id = _ids_from_broken_json(raw)
            rejected.append(
                rejection_record(
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
            rejected.append(rejection_record(MALFORMED_JSON, f"not valid JSON: {exc}", source))
            continue
        if not isinstance(obj, dict):
            rejected.append(rejection_record(MALFORMED_JSON, f"expected a JSON object, got {type(obj).__name__}", source))
            continue
        obj[SOURCE_COLUMN] = source
        rows.append(obj)
    return rows, rejected


def _has_escaped_bytes(value: Any) -> bool:
    if isinstance(value, str):
        return bool(SURROGATE_ESCAPE_RE.search(value))
    if isinstance(value, dict):
        return any(_has_escaped_bytes(k) or _has_escaped_bytes(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_escaped_bytes(v) for v in value)
    return False


def _decode(data: bytes) -> tuple[str, bool]:
    """UTF-8 without BOM; on failure decode with surrogateescape so bad records can be singled out."""
    data = _strip_bom(data)
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="surrogateescape"), False


def parse_json(data: bytes, label: str) -> tuple[list[dict], list[dict]]:
    content, strict_ok = _decode(data)
    try:
        obj = json.loads(content)
    except ValueError as exc:
        reason = MALFORMED_JSON if strict_ok else UNDECODABLE_BYTES
        return [], [rejection_record(reason, f"whole file unreadable, not valid JSON: {exc}", label)]
    items = obj if isinstance(obj, list) else [obj]
    rows: list[dict] = []
    rejected: list[dict] = []
    for index, item in enumerate(items, start=1):
        source = f"{label}:{index}"
        if not isinstance(item, dict):
            rejected.append(rejection_record(MALFORMED_JSON, f"expected a JSON object, got {type(item).__name__}", source))
            continue
        if not strict_ok and _has_escaped_bytes(item):
            renamed = rename_record(item, column_renames(item.keys()))
            rejected.append(
                rejection_record(
                    UNDECODABLE_BYTES,
                    "element contains bytes that are not valid UTF-8",
                    source,
                    safe_id(renamed.get("document_id")),
                    safe_id(renamed.get("patient_id")),
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


def parse_csv(data: bytes, label: str) -> tuple[list[dict], list[dict]]:
    _raise_csv_field_limit()
    content, strict_ok = _decode(data)
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
        return rows, [rejection_record(MALFORMED_CSV, f"cannot parse CSV header: {exc}", f"{label}:1")]
    header_bad = not strict_ok and _has_escaped_bytes(header)
    renames = column_renames(header)
    names = [str(renames.get(h, h)) for h in header]
    start_line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(
                rejection_record(
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
        doc_id = safe_id(record.get("document_id"))
        pat_id = safe_id(record.get("patient_id"))
        if header_bad:
            rejected.append(rejection_record(UNDECODABLE_BYTES, "CSV header is not valid UTF-8", source, doc_id, pat_id))
            continue
        if len(values) != len(names):
            rejected.append(rejection_record(MALFORMED_CSV, f"expected {len(names)} fields, got {len(values)}", source, doc_id, pat_id))
            continue
        if not strict_ok and _has_escaped_bytes(values):
            bad = [n for n, v in zip(names, values) if _has_escaped_bytes(v)]
            rejected.append(rejection_record(UNDECODABLE_BYTES, f"column(s) {', '.join(bad)} not valid UTF-8", source, doc_id, pat_id))
            continue
        record[SOURCE_COLUMN] = source
        rows.append(record)
    return rows, rejected


def parse_parquet(data: bytes, label: str) -> tuple[list[dict], list[dict]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for corrupt files
        return [], [rejection_record(UNREADABLE_FILE, f"cannot read parquet: {type(exc).__name__}: {exc}", label)]
    pandas_meta = table.schema.pandas_metadata or {}
    index_cols = [c for c in pandas_meta.get("index_columns", []) if isinstance(c, str)]
    if index_cols:
        table = table.drop_columns([c for c in index_cols if c in table.column_names])
    rows: list[dict] = []
    rejected: list[dict] = []
    # to_pylist keeps Python ints (no float upcast for nullable ids) and bytes for binary columns
    for index, record in enumerate(table.to_pylist(), start=1):
        collect_decoded(record, f"{label}:{index}", rows, rejected)
    return rows, rejected
