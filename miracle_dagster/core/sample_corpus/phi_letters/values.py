"""The PHI values themselves, in the formats real letters write them: dates, towns, streets, phones, record numbers, wards.

Each is a pure function of the ``random.Random`` it is given (and a Faker for real street and town names), so the letter
modules only decide where a value goes and which label it gets, never how it is spelled.
"""

from __future__ import annotations

import datetime as _dt
import random
import re

from faker import Faker

_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember")
_MON = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
_ROOTS = ("Opf", "Wies", "Holz", "Bären", "Depp", "Blumen", "Linden", "Birken", "Tannen", "Rosen", "Kirch", "Moos", "Eichen", "Hasel",
          "Stein", "Brunn", "Erlen", "Fuchs", "Hirsch", "Wolfs", "Mühl", "Sonnen", "Kalten", "Reh", "Otter", "Adler", "Grün", "Lauter",
          "Schön", "Wald", "Buch", "Aichel", "Hollers", "Gingen", "Zwiesel", "Krähen", "Dachs", "Schlehen")
_SUFFIXES = ("ing", "ental", "hausen", "dorf", "tal", "bach", "berg", "heim", "au", "feld", "brunn", "stetten", "kirchen", "hofen",
             "stadt", "burg", "weiler", "ried", "wang", "egg")
SAINTS = ("Johann", "Anna", "Peter", "Martin", "Georg", "Veit", "Leonhard", "Michael", "Florian", "Wolfgang", "Gallen", "Marien")
_SAINT_TAILS = ("am Bergle", "im Tale", "im Walde", "am See", "im Moos", "an der Aue", "am Hang", "in der Au")


def digits(rng: random.Random, n: int, lead_zero: bool = False) -> str:
    first = "0" if lead_zero else str(rng.randint(1, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def age_on(birth: _dt.date, on: _dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------------------------------
# Dates: every spelling seen in real letters
# --------------------------------------------------------------------------------------------------

FULL_STYLES = ("dmy", "dmy", "dmy", "dmy_nz", "dmy_nz", "dmy_short", "dmy2", "slash", "slash0", "slash_short", "long", "long_glued", "long_abbr",
               "iso", "dm_y", "spaced", "dm_space_y", "dash")
PART_STYLES = ("dm", "dm0", "dm_nodot", "d_mon", "d_mon")
HIST_STYLES = ("mon_y", "month_y", "month_yy", "m_yy", "mm_yy", "mm_yyyy", "m_yyyy", "year", "year", "year")
DAY_STYLES = FULL_STYLES + PART_STYLES  # a day of the stay, which may leave out its year


def fmt_date(d: _dt.date, style: str, austrian: bool = False) -> str:
    """``d`` in one of :data:`FULL_STYLES`, :data:`PART_STYLES` or :data:`HIST_STYLES` (Austrians write Jänner)."""
    name = "Jänner" if austrian and d.month == 1 else _MONTHS[d.month - 1]
    mon = "Jän" if austrian and d.month == 1 else _MON[d.month - 1]
    y2 = f"{d.year % 100:02d}"
    return {
        "dmy": f"{d.day:02d}.{d.month:02d}.{d.year}", "dmy_nz": f"{d.day}.{d.month}.{d.year}", "dmy_short": f"{d.day}.{d.month}.{y2}",
        "dmy2": f"{d.day:02d}.{d.month:02d}.{y2}", "slash": f"{d.day}/{d.month}/{d.year}", "slash0": f"{d.day:02d}/{d.month:02d}/{d.year}",
        "slash_short": f"{d.day}/{d.month}/{y2}", "long": f"{d.day}. {name} {d.year}", "long_glued": f"{d.day}. {name}{d.year}",
        "long_abbr": f"{d.day}. {mon}. {d.year}", "iso": d.isoformat(), "dm_y": f"{d.day:02d}.{d.month:02d} {d.year}",
        "spaced": f"{d.day:02d}. {d.month:02d}. {d.year}", "dm_space_y": f"{d.day}.{d.month}. {d.year}", "dash": f"{d.day:02d}-{d.month:02d}-{d.year}",
        "dm": f"{d.day}.{d.month}.", "dm0": f"{d.day:02d}.{d.month:02d}.", "dm_nodot": f"{d.day:02d}.{d.month:02d}", "d_mon": f"{d.day}. {mon}",
        "mon_y": f"{mon} {d.year}", "month_y": f"{name} {d.year}", "month_yy": f"{name} {y2}", "m_yy": f"{d.month}/{y2}",
        "mm_yy": f"{d.month:02d}/{y2}", "mm_yyyy": f"{d.month:02d}/{d.year}", "m_yyyy": f"{d.month}/{d.year}", "year": str(d.year),
    }[style]


# --------------------------------------------------------------------------------------------------
# Places and addresses
# --------------------------------------------------------------------------------------------------

def saint_place(rng: random.Random) -> str:
    return f"St. {rng.choice(SAINTS)} {rng.choice(_SAINT_TAILS)}"


def invented_place(rng: random.Random) -> str:
    """A plausible town that exists nowhere (``Opfing``, ``Alt-Neudorf``, ``St. Johann am Bergle``): real letters are
    pseudonymised with such names, and a detector must not learn a list of real cities."""
    r = rng.random()
    if r < 0.12:
        return saint_place(rng)
    base = rng.choice(_ROOTS) + rng.choice(_SUFFIXES)
    if r < 0.22:
        return rng.choice(("Ober", "Unter", "Nieder", "Hohen")) + base.lower()
    if r < 0.42:
        return rng.choice(("Alt-", "Neu-", "Bad ", "Groß-", "Klein-", "Markt ")) + base
    return base


def town(rng: random.Random, fk: Faker) -> str:
    return fk.city() if rng.random() < 0.55 else invented_place(rng)


def _zip(rng: random.Random, country: str) -> str:
    return f"{rng.randint(1067, 99998):05d}" if country == "DE" else str(rng.randint(1010, 9992))


def postal_city(rng: random.Random, country: str, city: str) -> str:
    prefix = {"DE": ("", "", "", "", "D-"), "AT": ("A-", "A-", "", "AT-"), "CH": ("CH-", "", "", "CH-")}[country]
    return f"{rng.choice(prefix)}{_zip(rng, country)} {city}"


def street(rng: random.Random, fk: Faker, country: str) -> str:
    name = fk.street_name()
    r = rng.random()
    if country == "AT" and r < 0.15:
        name = rng.choice(("Sonnblick", "Am Bergle", "Heldenplatz", "Kirchgasse", "Hauptplatz", "Im Winkel", "Moosweg", "Dorfstraße"))
    if rng.random() < 0.2:
        name = re.sub(r"(?i)stra(ß|ss)e$", "str.", name)
        name = re.sub(r" str\.$", " Str.", name)
    n = str(rng.choice((rng.randint(1, 40), rng.randint(1, 160))))
    r = rng.random()
    if r < 0.12:
        n += rng.choice("abc")
    elif r < 0.2:
        n += " " + rng.choice("abc")
    elif r < 0.26:
        n += f"-{int(n) + rng.randint(1, 4)}"
    elif r < 0.34 and country == "AT":
        n += f"/{rng.randint(1, 9)}/{rng.randint(1, 30)}"
    return f"{name} {n}"


# --------------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------------

def _area(rng: random.Random, country: str) -> str:
    if country == "CH":
        return rng.choice(("044", "031", "061", "071", "052", "056", "062", "081", "041", "043"))
    if country == "AT":
        return rng.choice(("01", "0" + digits(rng, 3), "0" + digits(rng, 4), "0316", "0512", "0662", "0732"))
    return "0" + digits(rng, rng.choice((2, 3, 3, 4)))


def hospital_numbers(rng: random.Random, country: str) -> tuple[str, str, str]:
    """(phone, fax, text after the phone): one switchboard, phone and fax on neighbouring extensions, in one spelling."""
    area, pre = _area(rng, country), digits(rng, rng.choice((2, 3, 3, 4)))
    ext, fext = digits(rng, rng.choice((2, 3, 4))), digits(rng, rng.choice((3, 4, 5)))
    if country == "CH":
        n = f"{pre[:3].ljust(3, '0')} {digits(rng, 2)} {digits(rng, 2)}"
        f = n[:-2] + digits(rng, 2)
        style = rng.randint(0, 2)
        a = ("+41 " + area[1:], area, "+41 (0)" + area[1:])[style]
        return f"{a} {n}", f"{a} {f}", ""
    if country == "AT":
        style = rng.randint(0, 5)
        if style == 1:
            return f"+43 ({area[1:]}) {pre}", f"+43 ({area[1:]}) {pre}-{digits(rng, 3)}-{fext}", "-DW"
        fmt = ("+43(0){a} {p}-{e}", "", "{A}/{p}-{e}", "+43 {a} {p}-{e}", "{A} {p}-{e}", "+43 (0) {a} / {p} {e}")[style]
    else:
        fmt = rng.choice(("({A}) {p} - {e}", "{A}/{p}-{e}", "{A}-{p}-{e}", "+49 (0){a} {p}{e}", "{A} {p}-{e}", "+49 {a} {p}-{e}", "{A} / {p} {e}"))
    if rng.random() < 0.15:
        ext = "0"
    return fmt.format(A=area, a=area[1:], p=pre, e=ext), fmt.format(A=area, a=area[1:], p=pre, e=fext), ""


def private_phone(rng: random.Random, country: str) -> str:
    if country == "AT":
        pre = rng.choice(("664", "676", "699", "650", "660"))
        return rng.choice((f"0{pre}/{digits(rng, 7)}", f"+43 {pre} {digits(rng, 7)}", f"0{pre} {digits(rng, 3)} {digits(rng, 2)} {digits(rng, 2)}",
                           f"0{pre}-{digits(rng, 8)}"))
    if country == "CH":
        pre = rng.choice(("79", "78", "76", "77"))
        n = f"{digits(rng, 3)} {digits(rng, 2)} {digits(rng, 2)}"
        return rng.choice((f"0{pre} {n}", f"+41 {pre} {n}", f"0{pre}/{n}"))
    pre = rng.choice(("151", "160", "170", "171", "172", "176", "157"))
    return rng.choice((f"0{pre} {digits(rng, 7)}", f"0{pre}/{digits(rng, 8)}", f"+49 {pre} {digits(rng, 7)}", f"(0{pre}) {digits(rng, 7)}",
                       f"{_area(rng, 'DE')}-{digits(rng, 6)}"))


# --------------------------------------------------------------------------------------------------
# Record numbers and ward codes
# --------------------------------------------------------------------------------------------------

def case_id(rng: random.Random, year: int) -> str:
    return rng.choice((f"A-{year}{digits(rng, 6)}", digits(rng, 8), digits(rng, 9), digits(rng, 10), f"{year}/{digits(rng, 5)}",
                       f"{year % 100:02d}{digits(rng, 7)}", f"A-{digits(rng, 9)}"))


def patient_id(rng: random.Random) -> str:
    return rng.choice((digits(rng, 6), digits(rng, 10), digits(rng, 10, lead_zero=True), "P" + digits(rng, 7), digits(rng, 8)))


def insurance_id(rng: random.Random, country: str, birth: _dt.date) -> str:
    if country == "AT":
        return rng.choice((f"{digits(rng, 4)} {birth:%d%m%y}", f"{digits(rng, 4)}{birth:%d%m%y}"))
    if country == "CH":
        return f"756.{digits(rng, 4)}.{digits(rng, 4)}.{digits(rng, 2)}"
    return rng.choice((rng.choice("ABCDEFGHKLMNRSTWZ") + digits(rng, 9), digits(rng, 10)))


def order_id(rng: random.Random, year: int) -> str:
    y2 = f"{year % 100:02d}"
    return rng.choice((f"{digits(rng, 4)}{rng.choice('abc')}/{y2}", f"{digits(rng, 5)}/{year}", f"H/{digits(rng, 5)}/{y2}", digits(rng, 10),
                       f"R-{year}-{digits(rng, 4)}", f"E{y2}-{digits(rng, 5)}", f"{y2}{digits(rng, 6)}"))


def ward_code(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return f"{rng.choice('ABCKNOM')}{rng.randint(1, 4)}{rng.randint(0, 9)}"
    if r < 0.5:
        return f"{rng.choice('OABCKN')}-{rng.randint(1, 24)}"
    if r < 0.68:
        pre = rng.choice(('PSY', 'PSY', 'PSY', 'PS', 'KJPP', 'INT', 'IMC', 'CH', 'NEU', 'ONK', 'GER', 'UCH'))
        return f"{pre}{rng.choice(('', '', '-'))}{rng.randint(1, 15)}"
    if r < 0.82:
        return f"{rng.choice('ABCDEFGHKLMN')}{rng.randint(1, 9)}"
    if r < 0.92:
        return f"{rng.randint(1, 9)}{rng.choice('ABC')}"
    return f"I{rng.randint(0, 1)}{rng.randint(1, 9)}"
