"""German number and date formatting plus small text helpers shared by the generator."""

from __future__ import annotations

import datetime as _dt
import re

_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def fmt_decimal(x: float, nd: int = 1) -> str:
    """German decimal formatting: 11.2 -> '11,2'."""
    if nd <= 0:
        return str(int(round(x)))
    return f"{x:.{nd}f}".replace(".", ",")


def fmt_date(d: _dt.date, style: str) -> str:
    if style == "dmy":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "dmy_short":  # 12.3.21
        return f"{d.day}.{d.month}.{d.year % 100:02d}"
    if style == "dmy2":  # 12.03.21
        return f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}"
    if style == "long":  # 12. März 2021
        return f"{d.day}. {_MONTHS[d.month - 1]} {d.year}"
    if style == "month":  # März 2021
        return f"{_MONTHS[d.month - 1]} {d.year}"
    if style == "mm_yyyy":  # 03/2021
        return f"{d.month:02d}/{d.year}"
    if style == "dm":  # 12.03.
        return f"{d.day:02d}.{d.month:02d}."
    raise ValueError(style)


DOC_DATE_STYLES = ("dmy",) * 8 + ("dmy_short", "dmy2", "long", "long")
STAY_DATE_STYLES = ("dmy",) * 6 + ("dm", "dm", "dmy_short", "long")
HIST_DATE_STYLES = ("mm_yyyy", "mm_yyyy", "month", "month", "dmy", "dmy_short", "long")


def age_on(birth: _dt.date, on: _dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def ascii_slug(s: str) -> str:
    s = s.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e"), ("è", "e"), ("á", "a")):
        s = s.replace(a, b)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "x"
