"""German date formats: one regex that finds them, a parser that remembers the style, a formatter that reproduces it.

Detection and surrogates share this module so a shifted date is written exactly in the style it was found in
("12.3.21" stays d.m.yy, "März 2021" stays month-year, "7/63" stays m/yy, "2006" stays a year), which keeps
documents natural and intervals intact. Short formats that are also numbers ("7/63", "2006", "05.11") are dates only
in a context :func:`date_context_ok` accepts: a lab value, score, dose or lymph node count is not a date.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember")
_MONTH_ABBR = ("Jan.", "Feb.", "Mär.", "Apr.", "Mai", "Jun.", "Jul.", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.")
_MONTH_LOOKUP = {m.lower(): i + 1 for i, m in enumerate(MONTHS)}
_MONTH_LOOKUP.update({a.lower().rstrip("."): i + 1 for i, a in enumerate(_MONTH_ABBR)})
_MONTH_LOOKUP.update({"maerz": 3, "sept": 9, "mrz": 3, "jänner": 1, "jän": 1, "feber": 2})  # Austrian "Jänner", "Feber"
_FULL_NAMES = {"maerz", "jänner", "feber", *(m.lower() for m in MONTHS)}
_FULL_MONTH_RE = r"(?:Jänner|Feber|Januar|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
# abbreviations with a dot, or without one ("Jan 2018", "1. Nov") when no letter follows
_MONTH_RE = (
    rf"(?:{_FULL_MONTH_RE[3:-1]}|Jän\.|Jan\.|Feb\.|Mär\.|Mrz\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Okt\.|Nov\.|Dez\."
    r"|(?:Jän|Jan|Feb|Mär|Mrz|Apr|Jun|Jul|Aug|Sept?|Okt|Nov|Dez)(?![^\W\d_]))"
)
_D = r"(?P<d>0?[1-9]|[12]\d|3[01])"
_M = r"(?P<m>0?[1-9]|1[0-2])"
_Y = r"(?P<y>(?:19|20)\d{2}|\d{2})"
_Y4 = r"(?P<y>(?:19|20)\d{2})"
_DAY = r"0?[1-9]|[12]\d|3[01]"
_MON = r"0?[1-9]|1[0-2]"
_DAY_TO = r"\.? ?[-–/] ?|\.? (?:und|u\.|bis) "  # "06-", "10.-", "10 und "
# a number that goes on: more digits, a slash, a decimal part
_GOES_ON = r"(?![\w/]|[.,]\d)"

# alternatives in priority order (the first that matches at a position wins); every one names its style
DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", r"(?<![\d.\-/])(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d\-])"),
    # "06-07.11.2024", "06/07.11.2024", "10.-12.03.2020", "10 und 11.10.2033", "3.-5.5.": a first day before a date
    ("d_range", rf"(?<![\w.,/+\-])(?P<d0>{_DAY})(?P<c>{_DAY_TO})(?P<d>{_DAY})\.({_M})\.(?:{_Y})?(?!\d)"),
    ("d_range_long", rf"(?<![\w.,/+\-])(?P<d0>{_DAY})(?P<c>{_DAY_TO})(?P<d>{_DAY})\.(?P<s1> ?)(?P<mon>{_MONTH_RE})(?P<s2> ?){_Y4}(?!\d)"),
    ("long", rf"(?<![\d.])(?P<d>0?[1-9]|[12]\d|3[01])\.\s?(?P<mon>{_MONTH_RE})(?:\s+(?P<y>(?:19|20)\d{{2}}))?(?![\w])"),
    ("long_glued", rf"(?<![\d.])({_D})\.(?P<s1> ?)(?P<mon>{_MONTH_RE}){_Y4}(?!\d)"),  # "5. März2063"
    ("dmy", rf"(?<![\d.,/])({_D})\.({_M})\.{_Y}(?![\d])"),
    # "21.10 2033", "15. 03. 2043", "8.11. 2064": spaces or a missing dot, only with a four-digit year
    ("dmy_spaced", rf"(?<![\d.,/])({_D})\.(?P<s1> ?)({_M})(?P<s2>\. ?| ){_Y4}(?!\d)"),
    ("dmy_slash", rf"(?<![\w.,/+])({_D})/({_M})/{_Y}{_GOES_ON}"),  # "14/3/2023", "21/06/1967", "3/11/66"
    ("month", rf"(?<![\w.])(?P<mon>{_MONTH_RE})\s+(?P<y>(?:19|20)\d{{2}})(?!\d)"),
    ("month_glued", rf"(?<![\w.])(?P<mon>{_MONTH_RE}){_Y4}(?!\d)"),  # "März2063"
    ("month_yy", rf"(?<![\w.])(?P<mon>{_MONTH_RE}) (?P<y>\d{{2}})(?![\w.,:/]\d|\w)"),  # "im August 27"
    ("mm_yyyy", r"(?<![\d.,/])(?P<m>0?[1-9]|1[0-2])(?P<sep>[/.])(?P<y>(?:19|20)\d{2})(?![\d.,/]\d|\d)"),
    ("m_range", rf"(?<![\w.,/+\-])(?P<m0>{_MON})[-–]({_M})/{_Y}{_GOES_ON}"),  # "01-12/64"
    ("m_yy", rf"(?<![\w.,/+])({_M})/(?P<y>\d{{2}}){_GOES_ON}"),  # "7/63", "03/23"
    ("dm", rf"(?<![\d.,/])({_D})\.({_M})\.(?![\d]|\s?\d{{2,4}}\b)"),
    ("dm_nodot", rf"(?<![\w.,/+\-])({_D})\.({_M})(?![\w.]|,\d)"),  # "05.11-18.11.2024"
    ("month_name", rf"(?<![\w.])(?P<mon>{_FULL_MONTH_RE})(?!\w| ?\d)"),  # "seit Ende Januar"
    ("year", rf"(?<![\w.,/+]){_Y4}(?![\w/]|[.,:]\d)"),  # "nach Enukleatio 2006.", "(2033)", "seit 2002"
)
DATE_RE = re.compile("|".join(f"(?P<{name}>{pat.replace('(?P<', f'(?P<{name}_')})" for name, pat in DATE_PATTERNS))
# styles without a day (the day is an anchor): never compared with a birth date
DAYLESS_STYLES = frozenset({"month", "month_glued", "month_yy", "month_name", "mm_yyyy", "m_range", "m_yy", "year"})


@dataclass(frozen=True)
class ParsedDate:
    """A date plus what is needed to write it back the same way."""

    date: _dt.date
    style: str  # one of the names in DATE_PATTERNS
    pad: bool = True  # day and month with leading zeros (12.03.) or without (12.3.)
    short_year: bool = False
    abbr_month: bool = False
    has_year: bool = True
    sep: str = "/"
    abbr_dot: bool = True  # "Jan." or "Jan"
    seps: tuple[str, ...] = ()  # the literal separators of spaced, glued and range styles
    end: _dt.date | None = None  # the last day of a range; it moves with ``date``
    austrian: bool = False  # "Jänner" for January


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
    g = {k[len(style) + 1 :]: v for k, v in m.groupdict().items() if k.startswith(style + "_") and v is not None}
    mon = g.get("mon")
    month = _MONTH_LOOKUP.get(mon.lower().rstrip(".")) if mon else int(g.get("m", 7))
    # dates without a day are anchored mid-month, bare years at 1 July, so a shift moves them coherently
    day = int(g.get("d0", g.get("d", 15 if mon or "m" in g else 1)))
    has_year = "y" in g
    year = _year(g["y"]) if has_year else (2000 if (day, month) == (29, 2) else 2001)
    try:
        d = _dt.date(year, month, day)
        end = None
        if style in ("d_range", "d_range_long"):
            end = _dt.date(year, month, int(g["d"]))
        elif style == "m_range":
            end = _dt.date(year, int(g["m"]), 15)
            d = _dt.date(year, int(g["m0"]), 15)
    except ValueError:
        return None
    if end is not None and end <= d:
        return None
    numbers = [g[k] for k in ("d0", "d", "m0", "m") if k in g]
    # "12.3.21" pads nothing, "02.12.21" pads both; "12.12.21" says nothing and gets the common padded form (a day
    # before a month name only when it has a zero: "12. März")
    pad = any(n.startswith("0") for n in numbers) or not (mon or any(len(n) == 1 for n in numbers))
    abbr = bool(mon) and mon.rstrip(".").lower() not in _FULL_NAMES
    seps = tuple(g[k] for k in ("s1", "s2", "c") if k in g)
    return ParsedDate(
        date=d,
        style=style,
        pad=pad,
        short_year=has_year and len(g["y"]) == 2,
        abbr_month=abbr,
        has_year=has_year,
        sep=g.get("sep", "/"),
        abbr_dot=not mon or mon.endswith("."),
        seps=seps,
        end=end,
        austrian=bool(mon) and mon.lower().startswith("jän"),
    )


def _month_name(p: ParsedDate, month: int) -> str:
    name = ("Jän." if p.abbr_month else "Jänner") if p.austrian and month == 1 else (_MONTH_ABBR if p.abbr_month else MONTHS)[month - 1]
    return name if p.abbr_dot or not p.abbr_month else name.rstrip(".")


def render(p: ParsedDate, d: _dt.date) -> str:
    """Write ``d`` in the style of ``p`` (a range's end moves by as many days as its start)."""
    day = f"{d.day:02d}" if p.pad else str(d.day)
    month = f"{d.month:02d}" if p.pad else str(d.month)
    year = f"{d.year % 100:02d}" if p.short_year else str(d.year)
    mon = _month_name(p, d.month)
    if p.style == "iso":
        return f"{d.year}-{d.month:02d}-{d.day:02d}"
    if p.style == "long":
        return f"{d.day}. {mon} {year}" if p.has_year else f"{d.day}. {mon}"
    if p.style == "long_glued":
        return f"{day}.{p.seps[0]}{mon}{year}"
    if p.style == "dmy":
        return f"{day}.{month}.{year}"
    if p.style == "dmy_spaced":
        return f"{day}.{p.seps[0]}{month}{p.seps[1]}{year}"
    if p.style == "dmy_slash":
        return f"{day}/{month}/{year}"
    if p.style == "month":
        return f"{mon} {year}"
    if p.style == "month_glued":
        return f"{mon}{year}"
    if p.style == "month_yy":
        return f"{mon} {year}"
    if p.style == "month_name":
        return mon
    if p.style == "mm_yyyy":
        return f"{month}{p.sep}{d.year}"
    if p.style == "m_yy":
        return f"{month}/{year}"
    if p.style == "year":
        # 1 July moved by at most 180 days never leaves its year, and a kept year would be a leak: a bare year
        # moves one year in the direction of the patient's shift, so all of a patient's bare years move alike
        return str(p.date.year + (1 if d > p.date else -1))
    if p.style in ("d_range", "d_range_long", "m_range"):
        assert p.end is not None
        e = d + (p.end - p.date)
        if p.style == "m_range":
            # "01-12/64" while both ends stay in one year, else each end with its year: "12/64-01/65"
            (m1, y1), (m2, y2) = (
                (f"{x.month:02d}" if p.pad else str(x.month), f"{x.year % 100:02d}" if p.short_year else str(x.year)) for x in (d, e)
            )
            return f"{m1}-{m2}/{y2}" if y1 == y2 else f"{m1}/{y1}-{m2}/{y2}"
        e_day, e_month = (f"{e.day:02d}", f"{e.month:02d}") if p.pad else (str(e.day), str(e.month))
        e_year = f"{e.year % 100:02d}" if p.short_year else str(e.year)
        conn = p.seps[-1]
        # "06-07.11.2024" while both days stay in one month, else the first day with its month: "31.10.-01.11.2024"
        first, conn = (day, conn) if (d.month, d.year) == (e.month, e.year) else (f"{day}.{month}.", conn.lstrip("."))
        if p.style == "d_range_long":
            return f"{first}{conn}{e_day}.{p.seps[0]}{_month_name(p, e.month)}{p.seps[1]}{e.year}"
        return f"{first}{conn}{e_day}.{e_month}.{e_year if p.has_year else ''}"
    if p.style == "dm_nodot":
        return f"{day}.{month}"
    return f"{day}.{month}."


# -- context: when a short format is a date ---------------------------------------------------------------
# a quantity follows: a unit, a time span, a count noun ("2000 mg", "3/12 Stanzen", "2019 U/l")
_UNIT_AFTER = re.compile(
    r"[ \t]*(?:mg|µg|μg|ug|mcg|ng|pg|g|kg|ml|mL|dl|l|µl|μl|nl|IE|I\.E\.|IU|U|E|Einheiten|Units?|[mµμnp]?mol|mosmol|kcal|kJ"
    r"|c?Gy|GY|mGy|mSv|M?Bq|mm|cm|m|km|µm|min|h|Std|sec|ms|Hz|mmHg|°|x|×|%|‰|€|EUR|Euro|Zellen|Stück|Stk|Tbl|Tabl"
    r"|Tabletten|Kps|Kapseln|Hübe|Hub|Tropfen|Trpf|Kopien|Schritte|Meter|Punkte[n]?|Pkt|Uhr|Jahre[n]?|J|Monate[n]?"
    r"|Wochen|Tage[n]?|Stunden|Zyklen|Stanzen|Stanzzylinder|Zylinder|Biopsien|Proben|Präparate[n]?|Fragmente[n]?"
    r"|LK|Lymphknoten|Metastasen|Herde[n]?|Läsionen|positiv|befallen|tumorfrei)(?![^\W\d_])"
    r"|[ \t]*\([ \t]*(?:[<>≤≥]|\d+(?:[,.]\d+)?[ \t]*[-–])"  # a reference range: "1985 (< 125)", "2019 (135-145)"
    r"|[ \t]+\d+(?:[,.]\d+)?(?:[ \t]?-[ \t]?\d+(?:[,.]\d+)?){2,}"
)  # a dosing scheme: "5/80 1-0-0"
# a number, score, ratio, count or identifier precedes ("Zi. 2019", "NRS 5/10", "Visus 1/10", "pN1 (2/14)", "BWK 11/12")
_QUANTITY_BEFORE = re.compile(
    r"(?:\b(?:Nr|No|Zi|Zimmer|Raum|Bett|Tel|Telefon|Fax|App|Apparat|Durchwahl|DW|Hausruf|Pieper|Piepser|Funk|Postfach"
    r"|PF|PLZ|Kostenstelle|KST|Code|Kennung|Haus|Gebäude|Ebene|Station|Stat|Seite|S|NRS|VAS|NAS|Visus|Sehschärfe|MMST|MMSE|MoCA|GCS"
    r"|Score|Scale|Glasgow|Punkte|Pkt|Kraftgrad|KG|RR|BD|Blutdruck|Ratio|Quotient|Verhältnis|Titer|Verdünnung|Apgar|APGAR"
    r"|Borg|Skala|positiv|negativ|grenzwertig|ANA|[pc]?-?ANCA|AMA|ASMA|Ig ?[AGMDE]|\w*[Aa]ntikörper\w*"
    r"|Stufe|Grad|Dosis|ca|je|jeweils|insgesamt|Gesamt|Zyklus|Tag|Woche|Kurs|Block|Fraktion(?:en)?|Sitzung|Insulin\w*"
    r"|[BLH]WK|[BLH]WS|Th|TH|Segment|Schmerz\w*|\w*[Ll]ymphknoten\w*|LK|\w*[Ss]tanze[n]?|\w*[Bb]iopsie[n]?|Zylinder[n]?"
    r"|\w*[Mm]etastase[n]?|[yrcp]{0,2}N-?[0-3Xx][abc]?)\.?:?|[<>≤≥~±+×=]|\b\w*(?:straße|strasse|str\.|weg|gasse|allee"
    r"|platz|ring))[ \t]*\(?[ \t]*$"
)
# a word that introduces a date ("im August 27", "seit Ende Januar", "am 05.11")
_DATE_WORD = re.compile(
    r"\b(?:[Ii]m|[Aa]m|[Vv]om|[Ss]eit|[Aa]b|[Bb]is|[Vv]on|[Zz]um|[Dd]en|[Zz]wischen|[Ee]nde|[Aa]nfang|[Mm]itte|[Bb]eginn"
    r"|[Ss]tand|Datum|[Ss]ommer|[Ww]inter|[Hh]erbst|[Ff]rühjahr|[Ff]rühling|[Ss]pätsommer|ED|Erstdiagnose|zuletzt)\.?:?[ \t]+\(?$"
)
# a date (or year) before a range dash: "10/63-12/63", "2028-2030"
_RANGE_BEFORE = re.compile(r"(?:\d{1,2}[./]\d{2,4}|(?<!\d)(?:19|20)\d\d|\d{1,2}\.)[ \t]?[-–][ \t]?$")
_RANGE_AFTER = re.compile(r"[ \t]?(?:[-–]|bis|und|u\.)[ \t]?\d{1,2}\.\d{1,2}\.")
_YEAR_DASH_AFTER = re.compile(r"[-–](?:(?:19|20)\d\d|\d{2})(?!\d)")
_TITRES = frozenset({"1/16", "1/20", "1/32", "1/40", "1/64", "1/80"})
# styles that are numbers or words too, checked in context; the older formats are unambiguous
_CONTEXTUAL = frozenset(
    {
        "d_range",
        "d_range_long",
        "dmy_spaced",
        "dmy_slash",
        "month_yy",
        "month_name",
        "m_range",
        "m_yy",
        "dm_nodot",
        "year",
        "long_glued",
        "month_glued",
    }
)


def date_context_ok(text: str, start: int, end: int, style: str) -> bool:
    """Whether the date ``text[start:end]`` found by :data:`DATE_RE` is a date where it stands: a short format
    ("7/63", "2006", "05.11", "August 27") is one only outside quantities, scores, counts and identifiers."""
    if style not in _CONTEXTUAL:
        return True
    found, before, after = text[start:end], text[max(0, start - 40) : start], text[end : end + 40]
    if _UNIT_AFTER.match(after):
        return False
    if style in ("year", "m_yy", "m_range", "dmy_slash"):
        if _QUANTITY_BEFORE.search(before):
            return False
        if before.endswith(("-", "–")) and not _RANGE_BEFORE.search(before):
            return False  # "ICD-10", "A-2020", "5-2019": part of a code
    if style == "year" and after[:1] in ("-", "–") and not _YEAR_DASH_AFTER.match(after):
        return False  # "2021-12345": an identifier
    if style in ("m_yy", "m_range") and (found.endswith(("/10", "/15", "/30")) or found in _TITRES):
        # "5/10", "8/15": a score out of 10, 15, 30; "1/80": a titre; unless a date is expected ("ED 5/10")
        return bool(_DATE_WORD.search(before))
    if style == "year" and re.search(r"\d:$", before):
        return False  # "1:2000": a titre
    if style in ("month_yy", "month_name"):
        return bool(_DATE_WORD.search(before))
    if style == "dm_nodot":
        # "am 05.11", "am 5.3", "05.11-18.11.2024"; "ab 2.5" is a dose written with a decimal point
        return bool(
            _RANGE_AFTER.match(after)
            or (_DATE_WORD.search(before) and re.search(r"\.\d\d$", found))
            or re.search(r"\b(?:[Aa]m|[Vv]om|[Dd]en)[ \t]+$", before)
        )
    if style in ("d_range", "d_range_long") and not re.match(r"\d+\.? ?[-–/]", found):
        return bool(_DATE_WORD.search(before))  # "vom 10 und 11.10.": only where a date is expected
    return True


def formats_of(d: _dt.date) -> set[str]:
    """The spellings of ``d`` a German document is likely to use (for leak checks and master-list matching)."""
    return {
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{d.day}.{d.month}.{d.year}",
        f"{d.day}.{d.month}.{d.year % 100:02d}",
        f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
        f"{d.day}. {MONTHS[d.month - 1]} {d.year}",
        d.isoformat(),
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02d}/{d.month:02d}/{d.year}",
    }
