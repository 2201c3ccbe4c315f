"""Field normalization: document type aliases, specialty, report dates, metadata JSON."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, Mapping

import pandas as pd

from miracle_dagster.core.ingest.records import REPORT_COLUMNS, SOURCE_COLUMN
from miracle_dagster.core.ingest.values import is_missing
from miracle_dagster.core.schema import (
    DISCHARGE_LETTER,
    DOCUMENT_TYPES,
    OPERATION_NOTE,
    PATHOLOGY_REPORT,
    RADIOLOGY_REPORT,
)


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


def norm_specialty(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().casefold())


_GERMAN_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*Uhr)?)?$")


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
    if is_missing(value):
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


def build_metadata(record: Mapping[str, Any]) -> str | None:
    """Existing ``metadata`` (dict or JSON string) merged with extra unknown columns (metadata keys win).
    A metadata string that is not a JSON object is kept under ``_raw_metadata``. None if nothing."""
    meta: dict[str, Any] = {}
    raw = record.get("metadata")
    if not is_missing(raw):
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
        if is_missing(value) or (isinstance(value, str) and value == ""):
            continue  # absent in this row (columns are the union over all rows/files)
        meta[key] = value
    if not meta:
        return None
    return json.dumps(_jsonable(meta), ensure_ascii=False, sort_keys=True)
