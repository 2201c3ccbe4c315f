"""German date formats: one regex that finds them, a parser that remembers the style, a formatter that reproduces it.

Detection and surrogates share this module so a shifted date is written exactly in the style it was found in
("12.3.21" stays d.m.yy, "März 2021" stays month-year), which keeps documents natural and intervals intact.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember")
_MONTH_ABBR = ("Jan.", "Feb.", "Mär.", "Apr.", "Mai", "Jun.", "Jul.", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.")
_MONTH_LOOKUP = {m.lower(): i + 1 for i, m in enumerate(MONTHS)}
_MONTH_LOOKUP.update({a.lower().rstrip("."): i + 1 for i, a in enumerate(_MONTH_ABBR)})
_MONTH_LOOKUP.update({"maerz": 3, "sept": 9, "mrz": 3})
_MONTH_RE = (r"(?:Januar|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
             r"|Jan\.|Feb\.|Mär\.|Mrz\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Okt\.|Nov\.|Dez\.)")
_D = r"(?P<d>0?[1-9]|[12]\d|3[01])"
_M = r"(?P<m>0?[1-9]|1[0-2])"
_Y = r"(?P<y>(?:19|20)\d{2}|\d{2})"

# alternatives in priority order; every one names its style
DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", r"(?<![\d.\-/])(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d\-])"),
    ("long", rf"(?<![\d.])(?P<d>0?[1-9]|[12]\d|3[01])\.\s?(?P<mon>{_MONTH_RE})(?:\s+(?P<y>(?:19|20)\d{{2}}))?(?![\w])"),
    ("dmy", rf"(?<![\d.,/])({_D})\.({_M})\.{_Y}(?![\d])"),
    ("month", rf"(?<![\w.])(?P<mon>{_MONTH_RE})\s+(?P<y>(?:19|20)\d{{2}})(?!\d)"),
    ("mm_yyyy", r"(?<![\d.,/])(?P<m>0?[1-9]|1[0-2])(?P<sep>[/.])(?P<y>(?:19|20)\d{2})(?![\d.,/]\d|\d)"),
    ("dm", rf"(?<![\d.,/])({_D})\.({_M})\.(?![\d]|\s?\d{{2,4}}\b)"),
)
DATE_RE = re.compile("|".join(f"(?P<{name}>{pat.replace('(?P<', f'(?P<{name}_')})" for name, pat in DATE_PATTERNS))


@dataclass(frozen=True)
class ParsedDate:
    """A date plus what is needed to write it back the same way."""

    date: _dt.date
    style: str  # iso | long | dmy | month | mm_yyyy | dm
    pad: bool = True  # day and month with leading zeros (12.03.) or without (12.3.)
    short_year: bool = False
    abbr_month: bool = False
    has_year: bool = True
    sep: str = "/"


def _year(y: str) -> int:
    if len(y) == 4:
        return int(y)
    yy = int(y)  # two-digit years: the century only matters for leap days, the style keeps two digits
    return 2000 + yy if yy <= (_dt.date.today().year % 100) + 1 else 1900 + yy


def parse(text: str) -> ParsedDate | None:
    """Parse one date as found by :data:`DATE_RE` (the whole string must be a date); None if it is not valid."""
    m = DATE_RE.fullmatch(text.strip())
    if not m:
        return None
    style = m.lastgroup
    g = {k[len(style) + 1:]: v for k, v in m.groupdict().items() if k.startswith(style + "_") and v is not None}
    mon = g.get("mon")
    month = _MONTH_LOOKUP.get(mon.lower().rstrip(".")) if mon else int(g["m"])
    day = int(g.get("d", 15))  # month-only dates are anchored mid-month so a shift moves them coherently
    has_year = "y" in g
    year = _year(g["y"]) if has_year else (2000 if (day, month) == (29, 2) else 2001)
    try:
        d = _dt.date(year, month, day)
    except ValueError:
        return None
    numbers = [g[k] for k in ("d", "m") if k in g]
    # "12.3.21" pads nothing, "02.12.21" pads both; "12.12.21" says nothing and gets the common padded form
    pad = any(n.startswith("0") for n in numbers) or not any(len(n) == 1 for n in numbers)
    return ParsedDate(date=d, style=style, pad=pad, short_year=has_year and len(g["y"]) == 2,
                      abbr_month=bool(mon) and (mon.endswith(".") or mon.lower() == "mrz"), has_year=has_year, sep=g.get("sep", "/"))


def render(p: ParsedDate, d: _dt.date) -> str:
    """Write ``d`` in the style of ``p``."""
    day = f"{d.day:02d}" if p.pad else str(d.day)
    month = f"{d.month:02d}" if p.pad else str(d.month)
    year = f"{d.year % 100:02d}" if p.short_year else str(d.year)
    mon = (_MONTH_ABBR if p.abbr_month else MONTHS)[d.month - 1]
    if p.style == "iso":
        return f"{d.year}-{d.month:02d}-{d.day:02d}"
    if p.style == "long":
        return f"{d.day}. {mon} {year}" if p.has_year else f"{d.day}. {mon}"
    if p.style == "dmy":
        return f"{day}.{month}.{year}"
    if p.style == "month":
        return f"{mon} {year}"
    if p.style == "mm_yyyy":
        return f"{month}{p.sep}{d.year}"
    return f"{day}.{month}."


def formats_of(d: _dt.date) -> set[str]:
    """The spellings of ``d`` a German document is likely to use (for leak checks and master-list matching)."""
    return {
        f"{d.day:02d}.{d.month:02d}.{d.year}", f"{d.day}.{d.month}.{d.year}", f"{d.day}.{d.month}.{d.year % 100:02d}",
        f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}", f"{d.day}. {MONTHS[d.month - 1]} {d.year}", d.isoformat(),
    }
