"""Value-level helpers: missing values, ids, short quotes for details, strict UTF-8 decoding."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

_DETAIL_VALUE_CHARS = 40  # raw field values quoted in ``detail`` are cut to this length


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:  # numpy NaN / NaT scalars
        return bool(pd.isna(value)) if not isinstance(value, (str, bytes, list, dict, tuple)) else False
    except (TypeError, ValueError):
        return False


def shorten(value: Any) -> str:
    s = str(value)
    return s if len(s) <= _DETAIL_VALUE_CHARS else s[:_DETAIL_VALUE_CHARS] + "…"


def id_to_str(value: Any) -> str | None:
    """Normalize an id to a stripped string; None when missing/empty. Raises TypeError for containers."""
    if is_missing(value):
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


def id_or_none(value: Any) -> str | None:
    try:
        return id_to_str(value)
    except TypeError:
        return None


def decode_strict(value: Any) -> Any:
    """bytes / memoryview -> str (strict UTF-8); everything else unchanged. Raises UnicodeDecodeError."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    return value


SURROGATE_ESCAPE_RE = re.compile("[\udc80-\udcff]")


def safe_id(value: Any) -> Any:
    """An id for a rejected row, even if it came as (possibly undecodable) bytes."""
    if isinstance(value, (memoryview, bytes, bytearray)):
        try:
            return decode_strict(value)
        except UnicodeDecodeError:
            return None
    if isinstance(value, str) and SURROGATE_ESCAPE_RE.search(value):
        return None
    return value
