"""Synthetic German, Austrian and Swiss clinical letters with exact PHI spans, as training data for a PHI detector.

The sample corpus (:mod:`.generator`) writes one template family; a detector trained only on it misses the formats
real letters use. These letters put their PHI in those formats (letterheads over several lines, Austrian and Swiss
addresses and phones, dates in every spelling, titles in every spelling, ward and record codes, messy layout) around
clinical filler from the sample-corpus phrase pools, so the model learns the formats rather than one template.

Span conventions (those of the sample corpus, except wards, whose code alone is the span as in GraSCCo):

- zip and city are ONE ``POSTAL_CITY`` span, a country prefix included (``A-2236 Opfing``, ``CH-8001 Zürich``); a bare
  town (``Berlin, den ...``, ``lebt in Jena``) is ``POSTAL_CITY`` too. Street and house number are one ``STREET`` span.
- titles, roles and forms of address (``Dr. med.``, ``Prof.``, ``OA``, ``Prim.``, ``Herr``) stay outside name spans;
  an initial keeps its dot inside (``Frau [I.]``, ``[H. BLASENSTEIN]``).
- the hospital span covers all its name lines, newlines inside; the department line stays outside.
- a ward or room is only its code (``Station [O-11]``, ``Zi: [119]``), typed :data:`WARD_TYPE`.
- a birth date is ``BIRTH_DATE``, every other date ``DATE``; ``8.3. - 22.3.2025`` is two spans, ``01-12/64`` one.
- a phone's extension marker stays outside (``+43 (453) 14`` + ``-DW``); a web address is typed ``EMAIL``
  (as GraSCCo's CONTACT_URL maps to it).

Deterministic: document ``i`` of ``seed`` draws from its own ``random.Random`` and reseeds the shared Faker instances.
"""

from __future__ import annotations

import datetime as _dt
import random
import re
from typing import Any, Sequence

from faker import Faker

from miracle_dagster.core.sample_corpus.formatting import ascii_slug, fmt_decimal
from miracle_dagster.core.sample_corpus.people import RELATIONS
from miracle_dagster.core.sample_corpus.phrases_common import ALLERGIES, COMORBIDITIES, GENDER, HISTORY, LABS, MEDS, SLOTS
from miracle_dagster.core.sample_corpus.phrases_diagnoses import DX
from miracle_dagster.core.sample_corpus.phrases_letters import ANAM_MORE, AZ, COURSE_END, EXAM_GENERIC, EZ, GREETINGS, PROC_GENERIC
from miracle_dagster.core.sample_corpus.phrases_radiology import RAD
from miracle_dagster.core.schema import PHI_TYPES

WARD_TYPE = "ORGANIZATION"  # GraSCCo files ward codes under ID (-> ORDER_ID); the project's wards are organisations
_TYPES = frozenset(PHI_TYPES)
_TOKEN = re.compile(r"\{([^{}]+)\}")

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------

_LOCALE = {"DE": "de_DE", "AT": "de_AT", "CH": "de_CH"}
_FOREIGN = ("ro_RO", "pl_PL", "tr_TR", "hr_HR", "es_ES", "fr_FR", "it_IT", "cs_CZ", "hu_HU", "pt_PT")
_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember")
_MON = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
_ROOTS = ("Opf", "Wies", "Holz", "Bären", "Depp", "Blumen", "Linden", "Birken", "Tannen", "Rosen", "Kirch", "Moos", "Eichen", "Hasel",
          "Stein", "Brunn", "Erlen", "Fuchs", "Hirsch", "Wolfs", "Mühl", "Sonnen", "Kalten", "Reh", "Otter", "Adler", "Grün", "Lauter",
          "Schön", "Wald", "Buch", "Aichel", "Hollers", "Gingen", "Zwiesel", "Krähen", "Dachs", "Schlehen")
_SUFFIXES = ("ing", "ental", "hausen", "dorf", "tal", "bach", "berg", "heim", "au", "feld", "brunn", "stetten", "kirchen", "hofen",
             "stadt", "burg", "weiler", "ried", "wang", "egg")
_SAINTS = ("Johann", "Anna", "Peter", "Martin", "Georg", "Veit", "Leonhard", "Michael", "Florian", "Wolfgang", "Gallen", "Marien")
_SAINT_TAILS = ("am Bergle", "im Tale", "im Walde", "am See", "im Moos", "an der Aue", "am Hang", "in der Au")
_CHAINS = ("ARCOS", "Helvita", "Mediclin", "Sanaris", "Vivantes", "Asklepia", "Paracel", "Ameos", "Salus", "Regiomed", "Lukas")
_UNI_PEOPLE = ("Otto-Waalkes", "Heinz-Erhardt", "Loriot", "Karl-Valentin", "Gottfried-Benn", "Hedwig-Dohm", "Bertha-Benz", "Paula-Modersohn")
_DEPTS: dict[str, tuple[str, ...]] = {
    "cardiology": ("Klinik für Kardiologie", "Medizinische Klinik II – Kardiologie", "Abteilung für Innere Medizin und Kardiologie",
                   "Universitätsklinik für Innere Medizin III – Kardiologie", "Herzzentrum"),
    "internal_medicine": ("Klinik für Innere Medizin", "II. Medizinische Abteilung", "Abteilung für Innere Medizin", "Medizinische Klinik",
                          "Zentrum für Innere Medizin", "Klinik für Gastroenterologie und Hepatologie"),
    "oncology": ("Klinik für Onkologie", "KLINIK FÜR ONKOLOGIE", "Abteilung für Hämatologie und Onkologie", "Onkologisches Zentrum",
                 "Universitätsklinik für Innere Medizin V – Hämatologie und Onkologie"),
    "neurology": ("Klinik für Neurologie", "Abteilung für Neurologie", "Neurologische Klinik mit Stroke Unit", "Universitätsklinik für Neurologie"),
    "surgery": ("Klinik für Allgemein- und Viszeralchirurgie", "Chirurgische Abteilung", "Abteilung für Chirurgie", "Klinik für Unfallchirurgie",
                "Universitätsklinik für Viszeral-, Transplantations- und Thoraxchirurgie"),
}
_INSURERS = {"DE": ("AOK Bayern", "AOK Nordost", "Techniker Krankenkasse", "BARMER", "DAK-Gesundheit", "IKK classic", "Knappschaft"),
             "AT": ("ÖGK", "BVA", "BVAEB", "SVS", "WGKK", "KFA Wien"),
             "CH": ("Helsana", "CSS", "Swica", "Sanitas", "Concordia", "Visana")}
_ROLES = {"m": ("Oberarzt", "Oberarzt", "Facharzt für Innere Medizin", "Assistenzarzt", "Stationsarzt", "Leitender Oberarzt", "Chefarzt",
                "Arzt in Ausbildung"),
          "f": ("Oberärztin", "Oberärztin", "Fachärztin für Innere Medizin", "Assistenzärztin", "Stationsärztin", "Leitende Oberärztin", "Chefärztin",
                "Ärztin in Ausbildung")}
_ROLE_SHORT = {"m": ("OA", "OA", "Hr. OA", "Ass.-Arzt", "FA", "Prim.", "CA"), "f": ("OÄ", "OÄ", "Fr. OÄ", "Ass.-Ärztin", "FÄ", "Primaria", "CÄ")}
_TITLES = {
    "DE": ("Dr. med.", "Dr. med.", "Dr.", "Dr.med.", "Prof. Dr. med.", "PD Dr. med.", "Priv.-Doz. Dr.", "Dr  med.", "Dipl.-Med.", "Prof. Dr.", ""),
    "AT": ("Dr.", "Dr.", "OA Dr.", "Prim. Dr.", "Univ.-Prof. Dr.", "o.Univ. Prof. Dr.", "Ao. Univ.-Prof. Dr.", "Ass.Dr.", "Dr. med. univ.",
           "Priv. Doz.", "OA Dr. med.", "Prim. Univ.-Doz. Dr.", "Dr.med."),
    "CH": ("Dr. med.", "Dr. med.", "Prof. Dr. med.", "PD Dr. med.", "med. pract.", "dipl. Ärztin", "Dr. med. FMH", "Dr."),
}
_HEADS = ("Klinikvorstand: o.Univ. Prof. Dr. ", "Ärztlicher Direktor: Univ.-Prof. Dr. med. ", "Chefarzt: Prof. Dr. med. ", "Chefärztin: Dr. med. ",
          "Vorstand: Prim. Dr. ", "Direktor: Prof. Dr. ", "Leitung: PD Dr. med. ", "Primaria: Dr. ", "Chefarzt Dr. med. ", "Vostand: PD Dr. ",
          "Direktorin: Univ.-Prof. Dr. ", "Chefarzt: Dr. med. ")
_THERAPY_HIST = ("6x PCT m. Folfox", "Radiatio", "4 Zyklen Carboplatin/Paclitaxel", "Chemotherapie nach FLOT-Schema", "Immuntherapie mit Pembrolizumab",
                 "Antikoagulation mit Phenprocoumon", "Kortisonstoßtherapie", "Physiotherapie")
_DEKURS = ("Visite: beschwerdefrei, keine Übelkeit.", "Vitalparameter stabil, afebril.", "Mobilisation an den Bettrand gelingt.",
           "Schmerzen unter Analgesie gut kontrolliert (NRS 2).", "Kostaufbau problemlos.", "Laborkontrolle veranlasst.",
           "Wundverhältnisse reizlos, VW-Wechsel.", "Nächtliche Unruhe, Melperon b.B. verabreicht.", "Ausscheidung unauffällig.",
           "Physiotherapie fortgeführt.", "Sozialdienst bzgl. Entlassungsplanung kontaktiert.", "Aufklärungsgespräch geführt, Einverständnis liegt vor.",
           "RR {sys}/{dia} mmHg, HF {hf}/min.", "Temp. {fever} °C, Blutkulturen abgenommen.", "Drainage entfernt.", "BZ-Tagesprofil unauffällig.")
_EVENTS = ("Z.n. SHT", "Z.n. Apoplex", "Z.n. Myokardinfarkt", "Z.n. Appendektomie", "Z.n. Radiusfraktur li.", "Z.n. Hüft-TEP bds.",
           "Z.n. Sigmoideostomie", "Z.n. Pneumonie", "Z.n. Adenom-Enukleation", "Z.n. Lymphadenektomie", "Z.n. Cholezystektomie",
           "Z.n. Hepatitis B", "Z.n. Lungenembolie", "Psychose (ED", "Diabetes mellitus Typ 2 (ED", "Arterielle Hypertonie, bekannt")


_FAKERS: dict[str, Faker] = {}


def _faker(locale: str, rng: random.Random) -> Faker:
    """One Faker per locale, built once (~60 ms each) and reseeded from ``rng`` at every use: deterministic and cheap."""
    fk = _FAKERS.get(locale)
    if fk is None:
        fk = _FAKERS[locale] = Faker(locale)
    fk.seed_instance(rng.randrange(2**32))
    return fk


def _digits(rng: random.Random, n: int, lead_zero: bool = False) -> str:
    first = "0" if lead_zero else str(rng.randint(1, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _close(lead: str) -> str:
    """The ``)`` a label that opened a parenthesis needs after its value (``(geb. `` + date + ``)``)."""
    return ")" if lead.rfind("(") > lead.rfind(")") else ""


def _age_on(birth: _dt.date, on: _dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------------------------------
# Dates: every spelling seen in real letters
# --------------------------------------------------------------------------------------------------

FULL_STYLES = ("dmy", "dmy", "dmy", "dmy_nz", "dmy_nz", "dmy_short", "dmy2", "slash", "slash0", "slash_short", "long", "long_glued", "long_abbr",
               "iso", "dm_y", "spaced", "dm_space_y", "dash")
PART_STYLES = ("dm", "dm0", "dm_nodot", "d_mon", "d_mon")
HIST_STYLES = ("mon_y", "month_y", "month_yy", "m_yy", "mm_yy", "mm_yyyy", "m_yyyy", "year", "year", "year")


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
# Places, addresses, phones, identifiers
# --------------------------------------------------------------------------------------------------

def invented_place(rng: random.Random) -> str:
    """A plausible town that exists nowhere (``Opfing``, ``Alt-Neudorf``, ``St. Johann am Bergle``): real letters are
    pseudonymised with such names, and a detector must not learn a list of real cities."""
    r = rng.random()
    if r < 0.12:
        return f"St. {rng.choice(_SAINTS)} {rng.choice(_SAINT_TAILS)}"
    base = rng.choice(_ROOTS) + rng.choice(_SUFFIXES)
    if r < 0.22:
        return rng.choice(("Ober", "Unter", "Nieder", "Hohen")) + base.lower()
    if r < 0.42:
        return rng.choice(("Alt-", "Neu-", "Bad ", "Groß-", "Klein-", "Markt ")) + base
    return base


def _place(rng: random.Random, fk: Faker) -> str:
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


def _area(rng: random.Random, country: str) -> str:
    if country == "CH":
        return rng.choice(("044", "031", "061", "071", "052", "056", "062", "081", "041", "043"))
    if country == "AT":
        return rng.choice(("01", "0" + _digits(rng, 3), "0" + _digits(rng, 4), "0316", "0512", "0662", "0732"))
    return "0" + _digits(rng, rng.choice((2, 3, 3, 4)))


def hospital_numbers(rng: random.Random, country: str) -> tuple[str, str, str]:
    """(phone, fax, text after the phone): one switchboard, phone and fax on neighbouring extensions, in one spelling."""
    area, pre = _area(rng, country), _digits(rng, rng.choice((2, 3, 3, 4)))
    ext, fext = _digits(rng, rng.choice((2, 3, 4))), _digits(rng, rng.choice((3, 4, 5)))
    if country == "CH":
        n = f"{pre[:3].ljust(3, '0')} {_digits(rng, 2)} {_digits(rng, 2)}"
        f = n[:-2] + _digits(rng, 2)
        style = rng.randint(0, 2)
        a = ("+41 " + area[1:], area, "+41 (0)" + area[1:])[style]
        return f"{a} {n}", f"{a} {f}", ""
    if country == "AT":
        style = rng.randint(0, 5)
        if style == 1:
            return f"+43 ({area[1:]}) {pre}", f"+43 ({area[1:]}) {pre}-{_digits(rng, 3)}-{fext}", "-DW"
        fmt = ("+43(0){a} {p}-{e}", "", "{A}/{p}-{e}", "+43 {a} {p}-{e}", "{A} {p}-{e}", "+43 (0) {a} / {p} {e}")[style]
    else:
        fmt = rng.choice(("({A}) {p} - {e}", "{A}/{p}-{e}", "{A}-{p}-{e}", "+49 (0){a} {p}{e}", "{A} {p}-{e}", "+49 {a} {p}-{e}", "{A} / {p} {e}"))
    if rng.random() < 0.15:
        ext = "0"
    return fmt.format(A=area, a=area[1:], p=pre, e=ext), fmt.format(A=area, a=area[1:], p=pre, e=fext), ""


def private_phone(rng: random.Random, country: str) -> str:
    if country == "AT":
        pre = rng.choice(("664", "676", "699", "650", "660"))
        return rng.choice((f"0{pre}/{_digits(rng, 7)}", f"+43 {pre} {_digits(rng, 7)}", f"0{pre} {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
                           f"0{pre}-{_digits(rng, 8)}"))
    if country == "CH":
        pre = rng.choice(("79", "78", "76", "77"))
        n = f"{_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}"
        return rng.choice((f"0{pre} {n}", f"+41 {pre} {n}", f"0{pre}/{n}"))
    pre = rng.choice(("151", "160", "170", "171", "172", "176", "157"))
    return rng.choice((f"0{pre} {_digits(rng, 7)}", f"0{pre}/{_digits(rng, 8)}", f"+49 {pre} {_digits(rng, 7)}", f"(0{pre}) {_digits(rng, 7)}",
                       f"{_area(rng, 'DE')}-{_digits(rng, 6)}"))


def case_id(rng: random.Random, year: int) -> str:
    return rng.choice((f"A-{year}{_digits(rng, 6)}", _digits(rng, 8), _digits(rng, 9), _digits(rng, 10), f"{year}/{_digits(rng, 5)}",
                       f"{year % 100:02d}{_digits(rng, 7)}", f"A-{_digits(rng, 9)}"))


def patient_id(rng: random.Random) -> str:
    return rng.choice((_digits(rng, 6), _digits(rng, 10), _digits(rng, 10, lead_zero=True), "P" + _digits(rng, 7), _digits(rng, 8)))


def insurance_id(rng: random.Random, country: str, birth: _dt.date) -> str:
    if country == "AT":
        return rng.choice((f"{_digits(rng, 4)} {birth:%d%m%y}", f"{_digits(rng, 4)}{birth:%d%m%y}"))
    if country == "CH":
        return f"756.{_digits(rng, 4)}.{_digits(rng, 4)}.{_digits(rng, 2)}"
    return rng.choice((rng.choice("ABCDEFGHKLMNRSTWZ") + _digits(rng, 9), _digits(rng, 10)))


def order_id(rng: random.Random, year: int) -> str:
    y2 = f"{year % 100:02d}"
    return rng.choice((f"{_digits(rng, 4)}{rng.choice('abc')}/{y2}", f"{_digits(rng, 5)}/{year}", f"H/{_digits(rng, 5)}/{y2}", _digits(rng, 10),
                       f"R-{year}-{_digits(rng, 4)}", f"E{y2}-{_digits(rng, 5)}", f"{y2}{_digits(rng, 6)}"))


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


_FAMOUS = ("{chain}-KLINIK {P}", "Diakonissenkrankenhaus {p}", "Krankenhaus der Samariter {p}", "Spital der barmherzigen Schwestern {sp}",
           "UNIKLINIK {P}", "Städt. Klinikum {p}", "Landesnervenklinik der Medizinischen Hochschule {p}")


def hospital_lines(rng: random.Random, country: str, place: str, fk: Faker) -> list[str]:
    """The hospital's name over 1-3 lines (``ARCOS-KLINIK FLENSBURG / Akademisches Lehrkrankenhaus / der ...``)."""
    saint_place = f"St. {rng.choice(_SAINTS)} {rng.choice(_SAINT_TAILS)}"
    common = ("{chain}-Klinik {p}", "Krankenhaus der Samariter {p}", "Städt. Klinikum {p}", "Klinikum {p}", "Universitätsklinikum {p}",
              "Rehabilitationskrankenhaus {sp}", "Evangelisches Krankenhaus {p}", "Landesnervenklinik der Medizinischen Hochschule {p}")
    own = {
        "DE": ("Diakonissenkrankenhaus {p}", "UNIKLINIK {P}", "Kreiskrankenhaus {p}", "Klinikum {p}-{nord}", "St.-{s}-Hospital {p}",
               "Marienhospital {p}", "Bezirkskrankenhaus {p}", "Städtisches Krankenhaus {p}", "KH der Diakonissen {p}"),
        "AT": ("LKH {p}", "Landeskrankenhaus {p}", "Landesklinikum {p}", "Spital der barmherzigen Schwestern {sp}", "Krankenhaus der Barmherzigen Brüder {p}",
               "Ordensklinikum {p}", "Allgemeines Krankenhaus {p}", "Krankenanstaltenverbund {p}", "Sanatorium {p}"),
        "CH": ("Kantonsspital {p}", "Spital {p}", "Universitätsspital {p}", "Regionalspital {p}", "Stadtspital {p}", "Psychiatrische Klinik {p}",
               "Bürgerspital {p}", "Klinik {s} {p}"),
    }[country]
    tpl = rng.choice(own + own + common + _FAMOUS)
    name = tpl.format(chain=rng.choice(_CHAINS), p=place, P=place.upper(), sp=saint_place, s=rng.choice(_SAINTS),
                      nord=rng.choice(("Nord", "Süd", "Mitte", "West")))
    lines = [name]
    if rng.random() < 0.35:
        uni = invented_place(rng) if rng.random() < 0.6 else fk.city()
        aff = rng.choice((("Akademisches Lehrkrankenhaus", f"der {rng.choice(_UNI_PEOPLE)}-Universität {uni}"),
                          (f"Lehrkrankenhaus der Medizinischen Universität {uni}",),
                          (f"Akademisches Lehrkrankenhaus der Universität {uni}",),
                          ("Akademisches Lehrkrankenhaus", f"der Medizinischen Hochschule {uni}")))
        lines += list(aff)
    if rng.random() < 0.3:
        lines[0] = lines[0].upper()
    return lines


# --------------------------------------------------------------------------------------------------
# The document builder
# --------------------------------------------------------------------------------------------------

class _Doc:
    """Appends text and records each PHI span at its write offset, so no span is ever searched for afterwards."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str]] = []

    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.pos += len(s)

    def phi(self, s: str, typ: str) -> None:
        if typ not in _TYPES or not s or s != s.strip():  # pragma: no cover - programming error
            raise ValueError(f"bad PHI piece {s!r} ({typ})")
        self.spans.append((self.pos, self.pos + len(s), typ))
        self.add(s)

    def last(self) -> str:
        return self.parts[-1][-1] if self.parts else "\n"

    def text(self) -> str:
        return "".join(self.parts)


def _person(fk: Faker, rng: random.Random, sex: str | None = None, last: str | None = None) -> dict[str, str]:
    sex = sex or rng.choice("mf")
    first = fk.first_name_male() if sex == "m" else fk.first_name_female()
    if last is None:
        last = fk.last_name()
        r = rng.random()
        if r < 0.06:
            last = f"{last}-{fk.last_name()}"
        elif r < 0.09:
            last = f"{rng.choice(('von', 'de', 'van der', 'zu'))} {last}"
    return {"first": first, "last": last, "sex": sex}


def initial(first: str, rng: random.Random) -> str:
    if "-" in first:
        return "-".join(p[0] + "." for p in first.split("-") if p)
    if first[:2] in ("Ch", "Th", "St", "Ph") and rng.random() < 0.5:
        return first[:2] + "."
    return first[0] + "."


class _Letter:
    """One letter: its world (country, hospital, patient, staff, timeline) and the blocks that write it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.d = _Doc()
        c = self.country = rng.choices(("DE", "AT", "CH"), (0.5, 0.32, 0.18))[0]
        self.at = c == "AT"
        fk = self.fk = _faker(_LOCALE[c], rng)
        self.year = rng.randint(1996, 2066)
        self.today = _dt.date(self.year, rng.randint(1, 12), rng.randint(1, 28))
        self.dis = self.today - _dt.timedelta(days=rng.choice((0, 1, 2, 3, 5, 7, 14, 21)))
        self.adm = self.dis - _dt.timedelta(days=rng.randint(1, 21))
        age = int(min(97, max(1, rng.gauss(60, 19))))
        self.birth = _dt.date(self.today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        self.age = _age_on(self.birth, self.today)
        self.date_style = rng.choice(FULL_STYLES)
        # hospital
        self.place = _place(rng, fk)
        self.hosp = hospital_lines(rng, c, self.place, fk)
        self.h_street, self.h_pc = street(rng, fk, c), postal_city(rng, c, self.place)
        self.h_phone, self.h_fax, self.h_dw = hospital_numbers(rng, c)
        self.dx_key = rng.choice(sorted(DX))
        self.dept = rng.choice(_DEPTS[self.dx_key])
        tld = {"DE": "de", "AT": "at", "CH": "ch"}[c]
        self.domain = ascii_slug(self.hosp[0].split(" ")[0] + "-" + self.place)[:28].strip("-") + "." + tld
        self.chief = self._staff_person(chief=True)
        self.doctors = [self._staff_person() for _ in range(rng.randint(2, 4))]
        self.wards = [ward_code(rng) for _ in range(2)]
        # patient
        pfk = fk if rng.random() < 0.72 else (_faker(rng.choice(_FOREIGN), rng) if rng.random() < 0.4 else _faker(rng.choice(list(_LOCALE.values())), rng))
        self.p = _person(pfk, rng)
        self.p_street, self.p_pc = street(rng, fk, c), postal_city(rng, c, _place(rng, fk))
        self.p_phone = private_phone(rng, c)
        self.ids = {"PATIENT_ID": patient_id(rng), "CASE_ID": case_id(rng, self.year), "INSURANCE_ID": insurance_id(rng, c, self.birth)}
        rsex = rng.choice("mf")
        self.rel = _person(fk, rng, rsex, last=self.p["last"] if rng.random() < 0.6 else None)
        self.rel["relation"], self.rel["relation_obl"] = rng.choices(RELATIONS[rsex], (3, 4, 1, 1, 1))[0]  # partners and children most
        self.rel_phone = private_phone(rng, c)
        self.gp = self._staff_person(gp=True)
        self.gp_street, self.gp_pc = street(rng, fk, c), postal_city(rng, c, _place(rng, fk))
        dxs = [x for x in DX[self.dx_key] if x.get("sex") in (None, self.p["sex"])]
        self.dx = rng.choice(dxs)
        self.g = dict(GENDER[self.p["sex"]])
        self.g["der_die"] = "der" if self.p["sex"] == "m" else "die"
        self.g["gp_acc"] = "den Hausarzt" if self.gp["sex"] == "m" else "die Hausärztin"
        self.cache: dict[str, str] = {}
        self.g["sym"] = self.fill(rng.choice(self.dx["sym"])) if self.dx["sym"] else "unklaren Beschwerden"

    # -- people ------------------------------------------------------------------------------
    def _staff_person(self, chief: bool = False, gp: bool = False) -> dict[str, Any]:
        rng = self.rng
        foreign = rng.random() < 0.15
        loc = rng.choice(_FOREIGN) if foreign else _LOCALE[self.country]
        p: dict[str, Any] = _person(_faker(loc, rng), rng)
        if loc in ("es_ES", "pt_PT") and p["sex"] == "f" and rng.random() < 0.8:
            p["title"] = "Dra."
        elif loc in ("cs_CZ",) and rng.random() < 0.6:
            p["title"] = "MUDr."
        elif chief:
            p["title"] = rng.choice(("Prof. Dr. med.", "Univ.-Prof. Dr.", "Prim. Dr." if self.at else "PD Dr. med.", "Dr. med."))
        elif gp:
            p["title"] = rng.choice(("Dr. med.", "Dr.", "Dr. med.", "Dipl.-Med.", "med. pract." if self.country == "CH" else "Dr.med.", ""))
        else:
            p["title"] = rng.choice(_TITLES[self.country])
        p["role"] = rng.choice(_ROLES[p["sex"]]) if not chief else rng.choice(
            ("Chefarzt", "Direktor", "Primar", "Klinikvorstand") if p["sex"] == "m" else ("Chefärztin", "Direktorin", "Primaria", "Klinikvorständin"))
        return p

    def staff_name(self, p: dict[str, Any], allow_reversed: bool = True, upper_p: float = 0.05) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            s = f"{p['first']} {p['last']}"
        elif r < 0.68:
            s = f"{initial(p['first'], rng)} {p['last']}"
        elif r < 0.86 or not allow_reversed:
            s = p["last"]
        elif r < 0.94:
            s = f"{p['last']} {p['first']}"
        else:
            s = f"{p['last']}, {p['first']}"
        return s.upper() if rng.random() < upper_p else s

    def staff(self, p: dict[str, Any], title: bool = True, role: bool = False, name: str | None = None) -> None:
        d, rng = self.d, self.rng
        if role:
            d.add(rng.choice(_ROLE_SHORT[p["sex"]]) + " ")
        if title and p["title"]:
            d.add(p["title"] + " ")
        d.phi(name or self.staff_name(p), "STAFF_NAME")

    def pname_full(self) -> str:
        p, rng = self.p, self.rng
        first, last = p["first"], p["last"]
        return rng.choices((f"{first} {last}", f"{last.upper()}, {first}", f"{last}, {first}", f"{first} {last.upper()}", f"{last} {first}",
                            f"{last.upper()} {first}"), (45, 12, 12, 10, 14, 7))[0]

    def pname_short(self) -> str:
        """The surname, sometimes only its initial (``Frau I.``, ``Pat. M.``) or upper case."""
        r, last = self.rng.random(), self.p["last"]
        return last if r < 0.8 else (last.split(" ")[-1][0] + "." if r < 0.93 else last.upper())

    def mister(self, case: str = "nom") -> str:
        m = self.p["sex"] == "m"
        return self.rng.choice((("Herr" if case == "nom" else "Herrn", "Hr.") if m else ("Frau", "Fr.")))

    # -- PHI writers -------------------------------------------------------------------------
    def date(self, day: _dt.date, styles: Sequence[str] = FULL_STYLES, typ: str = "DATE") -> None:
        style = self.date_style if self.rng.random() < 0.6 and self.date_style in styles else self.rng.choice(styles)
        self.d.phi(fmt_date(day, style, self.at and self.rng.random() < 0.6), typ)

    def bdate(self) -> None:
        self.date(self.birth, FULL_STYLES, "BIRTH_DATE")

    def hist_day(self) -> _dt.date:
        lo = self.birth + _dt.timedelta(days=365 * min(16, self.age))
        span = max(30, (self.adm - lo).days)
        return lo + _dt.timedelta(days=self.rng.randint(0, span))

    def hist(self) -> None:
        self.date(self.hist_day(), HIST_STYLES)

    def stay_day(self, n: int) -> _dt.date:
        return min(self.adm + _dt.timedelta(days=n), self.dis)

    def stay_range(self) -> None:
        """``vom 8.3. - 22.3.2025`` / ``vom 03.05.2023 bis zum 08.05.2023`` / ``(05.11-18.11.2024)``: two DATE spans."""
        d, rng = self.d, self.rng
        short = rng.random() < 0.35 and self.adm.year == self.dis.year
        d.add(rng.choice(("vom ", "vom ", "von ")))
        self.date(self.adm, PART_STYLES[:3] if short else FULL_STYLES)
        d.add(rng.choice((" bis ", " bis zum ", " - ", " – ", "-")))
        self.date(self.dis)

    def relative(self, case: str = "nom") -> None:
        """``die Tochter Frau Sabine Koch`` / ``dem Ehemann Peter Koch`` / ``der Sohn, Herr Koch,``."""
        d, rng, r = self.d, self.rng, self.rel
        m = r["sex"] == "m"
        art = {"nom": ("der ", "die "), "dat": ("dem ", "der "), "akk": ("den ", "die ")}[case]
        d.add((art[0] if m else art[1]) + (r["relation"] if case == "nom" else r["relation_obl"]) + " ")
        if rng.random() < 0.4:
            d.add(("Herr " if case == "nom" else "Herrn ") if m else "Frau ")
        d.phi(f"{r['first']} {r['last']}" if rng.random() < 0.7 else (r["last"] if rng.random() < 0.7 else r["first"]), "RELATIVE_NAME")

    def ward(self, lead: bool = True) -> None:
        if lead:
            self.d.add(self.rng.choice(("Station ", "Station ", "Station: ", "Stat. ", "")))
        self.d.phi(self.rng.choice(self.wards), WARD_TYPE)

    def ext_org(self) -> None:
        rng = self.rng
        fk = self.fk
        org = rng.choice(("Krankenhaus {c}", "Universitätsklinik {c}", "KH der Diakonissen", "ÖHK {c}", "Klinikum {c}", "Rehaklinik {c}",
                          "Rehabilitationszentrum {c}", "Kantonsspital {c}", "LKH {c}", "Ambulatorium {c}", "Pflegeheim Haus {s}",
                          "Reha-Zentrum am See {c}"))
        self.d.phi(org.format(c=_place(rng, fk), s=rng.choice(_SAINTS)), "ORGANIZATION")

    def age_phrase(self) -> None:
        """``82-jährige Pat.`` / ``55-j. Patient`` / ``49jähr. Pat.`` / ``80 jährige``: the age alone is the AGE span."""
        d, rng = self.d, self.rng
        f = self.p["sex"] == "f"
        d.phi(str(self.age), "AGE")
        d.add(rng.choice(("-jährige" + ("" if f else "r"), "-j.", "jähr.", " jährige" + ("" if f else "r"), "-jähr.")) + " ")
        d.add(rng.choice(("Pat.", "Patientin" if f else "Patient")))

    # -- template filler ---------------------------------------------------------------------
    def slot(self, key: str) -> str:
        v = self.cache.get(key)
        if v is None:
            if key == "oside":
                v = "rechts" if self.slot("side") == "links" else "links"
            elif key == "sa":
                v = "li." if self.slot("side") == "links" else "re."
            else:
                v = SLOTS[key](self.rng)
            self.cache[key] = v
        return v

    def fill(self, tpl: str) -> str:
        """A template without PHI slots as plain text."""
        return _TOKEN.sub(lambda m: self.g[m.group(1)] if m.group(1) in self.g else self.slot(m.group(1)), tpl)

    def say(self, tpl: str) -> None:
        """Write a phrase-pool template: lower-case slots are filler, upper-case ones write PHI through :meth:`phi_slot`."""
        pos, buf = 0, []
        for m in _TOKEN.finditer(tpl):
            buf.append(tpl[pos:m.start()])
            pos = m.end()
            key = m.group(1)
            if key in self.g:
                buf.append(self.g[key])
            elif key in SLOTS or key in ("oside", "sa"):
                buf.append(self.slot(key))
            else:
                self.d.add("".join(buf))
                buf = []
                self.phi_slot(key)
        buf.append(tpl[pos:])
        self.d.add("".join(buf))

    def phi_slot(self, key: str) -> None:
        d, rng = self.d, self.rng
        if key[:2] in ("D+", "DS"):
            self.date(self.stay_day(int(key[3:] if key[:2] == "DS" else key[2:])), FULL_STYLES + PART_STYLES)
        elif key[:2] == "D-":
            self.date(self.adm - _dt.timedelta(days=int(key[2:])))
        elif key[:2] == "DF":
            self.date(self.today + _dt.timedelta(days=int(key[3:])))
        elif key == "D0":
            self.date(self.adm)
        elif key == "DE":
            self.date(self.dis)
        elif key == "APPT":
            self.date(self.today + _dt.timedelta(days=rng.randint(7, 120)))
            d.add(rng.choice((f" um {rng.randint(7, 15)}:{rng.choice(('00', '15', '30', '45'))} Uhr", f" um {rng.randint(7, 15)} Uhr", "")))
        elif key == "PNAME":
            d.phi(self.pname_short(), "PATIENT_NAME")
        elif key == "PFULL":
            d.phi(self.pname_full(), "PATIENT_NAME")
        elif key == "PAGE":
            d.phi(str(self.age), "AGE")
        elif key == "BDATE":
            self.bdate()
        elif key == "HIST":
            self.hist()
        elif key == "HISTM":
            self.date(self.hist_day(), ("mon_y", "month_y", "mm_yyyy", "m_yy"))
        elif key in ("RELNOM", "RELDAT", "RELAKK"):
            self.relative({"RELNOM": "nom", "RELDAT": "dat", "RELAKK": "akk"}[key])
        elif key == "RELPHONE":
            d.phi(self.rel_phone, "PHONE")
        elif key == "GP":
            self.staff(self.gp, name=self.staff_name(self.gp, allow_reversed=False))
        elif key == "DOC":
            doc = rng.choice(self.doctors)
            self.staff(doc, name=doc["last"])
        elif key in ("EXTORG", "REHA"):
            self.ext_org()
        elif key == "WARD":
            self.ward()
        elif key == "HPHONE":
            d.phi(self.h_phone, "PHONE")
            d.add(self.h_dw)
        elif key == "wohnhaft":
            d.add("wohnhaft ")
            d.phi(self.p_street, "STREET")
            d.add(", ")
            d.phi(self.p_pc, "POSTAL_CITY")
        else:  # pragma: no cover - a new slot in the phrase pools
            raise KeyError(key)

    def usable(self, tpl: str) -> bool:
        return "{tnm}" not in tpl

    def pick(self, pool: Sequence[str], k: int) -> list[str]:
        pool = [t for t in pool if self.usable(t)]
        return self.rng.sample(pool, min(k, len(pool)))

    # -- layout ------------------------------------------------------------------------------
    def nl(self) -> None:
        r = self.rng.random()
        self.d.add(" \n" if r < 0.1 else ("\t\n" if r < 0.13 else "\n"))

    def gap(self) -> None:
        if self.d.last() != "\n":
            self.nl()
        self.d.add(self.rng.choice(("\n", "\n", "\n", " \n", "\n\n", "\n \n", " \n \n\n")))

    def heading(self, names: Sequence[str], inline_ok: bool = True) -> bool:
        """A section heading, sometimes upper case, sometimes followed by text on the same line."""
        d, rng = self.d, self.rng
        self.gap()
        name = rng.choice(names)
        if rng.random() < 0.25:
            name = name.upper()
        colon = rng.random() < 0.8
        inline = inline_ok and colon and rng.random() < 0.35
        d.add(name + (":" if colon else "") + (rng.choice((" ", "\t", "  ")) if inline else ""))
        if not inline:
            self.nl()
        return inline

    # -- blocks ------------------------------------------------------------------------------
    def contact(self) -> None:
        """Hospital address and switchboard in one of the usual layouts (German, Austrian zip-first, one line)."""
        d, rng = self.d, self.rng
        if rng.random() < 0.3:
            d.phi(self.h_pc, "POSTAL_CITY")
            d.add(", ")
            d.phi(self.h_street, "STREET")
            d.add(rng.choice((",\n", "\n", ", ")))
        else:
            d.phi(self.h_street, "STREET")
            d.add(rng.choice((", ", " · ", " | ", "\n", "  ")))
            d.phi(self.h_pc, "POSTAL_CITY")
            self.nl()
        d.add(rng.choice(("Tel.: ", "Tel. ", "Telefon ", "Telefon: ", "T: ", "Sekretariat: Tel. ")))
        d.phi(self.h_phone, "PHONE")
        d.add(self.h_dw)
        if rng.random() < 0.8:
            d.add(rng.choice((", Fax: ", ", Fax ", " · Fax ", "\nFax: ", "  Fax.: ", " / F: ")))
            d.phi(self.h_fax, "FAX")
        self.nl()
        if rng.random() < 0.45:
            d.add(rng.choice(("E-Mail: ", "Mail: ", "E-mail: ", "")))
            staff = rng.choice(self.doctors)
            local = rng.choice((f"sekretariat.{ascii_slug(self.dept.split(' ')[-1])}", "ambulanz", "office", "info",
                                f"{ascii_slug(staff['first'])[:1]}.{ascii_slug(staff['last'])}"))
            d.phi(f"{local}@{self.domain}", "EMAIL")
            if rng.random() < 0.3:
                d.add(rng.choice((" | ", "  ", ", ")))
                d.phi("www." + self.domain, "EMAIL")
            self.nl()

    def letterhead(self) -> None:
        d, rng = self.d, self.rng
        style = rng.randint(0, 3)
        d.add(rng.choice(("", "", "", "\t", "    ", "\t\t\t")))
        if style == 0:  # "Diakonissenkrankenhaus Berlin – Ophthalmologisches Zentrum"
            d.phi(self.hosp[0], "ORGANIZATION")
            d.add(rng.choice((" – ", " - ", " | ", ", ")) + self.dept)
            self.nl()
        elif style == 1 and len(self.hosp) == 1:  # "Klinik für Allgemeinchirurgie des Diakonissenkrankenhauses Bärental"
            d.add(self.dept + rng.choice((" am ", " im ", "\n")))
            d.phi(self.hosp[0], "ORGANIZATION")
            self.nl()
        else:
            d.phi("\n".join(self.hosp), "ORGANIZATION")
            self.nl()
            d.add(self.dept.upper() if rng.random() < 0.2 else self.dept)
            self.nl()
        if rng.random() < 0.7:
            self.head_line()
        if rng.random() < 0.65:
            if rng.random() < 0.5:
                self.gap()
            self.contact()
        if rng.random() < 0.2:
            d.add(rng.choice(("Aufnahme: Telefon: ", "Ambulanz: Tel. ", "Bettenstation: ", "Terminvereinbarung: ")))
            d.phi(hospital_numbers(rng, self.country)[0], "PHONE")
            self.nl()

    def head_line(self) -> None:
        d, rng, p = self.d, self.rng, self.chief
        r = rng.random()
        if r < 0.2:  # CHEFARZT: DR. MED. H. BLASENSTEIN
            head = rng.choice(("CHEFARZT: DR. MED. ", "VORSTAND: PRIM. DR. ", "DIREKTOR: UNIV.-PROF. DR. "))
            d.add(head if p["sex"] == "m" else head.replace("CHEFARZT", "CHEFÄRZTIN").replace("DIREKTOR", "DIREKTORIN"))
            d.phi(f"{initial(p['first'], rng)} {p['last']}".upper(), "STAFF_NAME")
        else:
            head = rng.choice(_HEADS)
            if p["sex"] == "f":
                head = head.replace("Ärztlicher Direktor", "Ärztliche Direktorin").replace("Direktor:", "Direktorin:").replace("Chefarzt", "Chefärztin")
            else:
                head = head.replace("Direktorin", "Direktor").replace("Chefärztin", "Chefarzt").replace("Primaria", "Primar")
            d.add(head)
            d.phi(self.staff_name(p, allow_reversed=False, upper_p=0.0), "STAFF_NAME")
        self.nl()

    def recipient(self) -> None:
        d, rng = self.d, self.rng
        ind = rng.choice(("", "", "", "\t", "  ", "\t\t"))
        r = rng.random()
        gp = self.gp
        if r < 0.6:
            lead = rng.choice(("Herrn" if gp["sex"] == "m" else "Frau", "An", ""))
            d.add(ind + lead + "\n" + ind if lead else ind)
            if gp["title"]:
                d.add(gp["title"] + " ")
            d.phi(self.staff_name(gp, allow_reversed=False), "STAFF_NAME")
            self.nl()
            if rng.random() < 0.4:
                d.add(ind + rng.choice(("Facharzt für Allgemeinmedizin", "Praxis für Allgemeinmedizin", "Urologe", "Internist", "Arzt für Allgemeinmedizin",
                                        "Hausärztliche Gemeinschaftspraxis", "Fachärztin für Innere Medizin")))
                self.nl()
        elif r < 0.72:  # Gemeinschaftspraxis Drs. Leber und Krauth
            other = self._staff_person(gp=True)
            d.add(ind + rng.choice(("Gemeinschaftspraxis\n", "Praxis ", "An die Praxis\n")) + ind + "Drs. ")
            d.phi(gp["last"], "STAFF_NAME")
            d.add(rng.choice((" und ", " u. ", " & ", "/")))
            d.phi(other["last"], "STAFF_NAME")
            self.nl()
        elif r < 0.85:  # copy to the patient
            d.add(ind + ("Herrn" if self.p["sex"] == "m" else "Frau") + "\n" + ind)
            d.phi(self.pname_full(), "PATIENT_NAME")
            self.nl()
            d.add(ind)
            d.phi(self.p_street, "STREET")
            self.nl()
            d.add(ind)
            d.phi(self.p_pc, "POSTAL_CITY")
            self.nl()
            return
        else:  # another hospital
            unit = rng.choice(("Abteilung für Innere Medizin", "Universitätsklinik für Neurologie", "Chirurgische Ambulanz", "Sekretariat Prof. Dr. "))
            d.add(ind + rng.choice(("An die\n", "An das\n", "")) + ind + unit)
            if unit.endswith(" "):
                d.phi(self.staff_name(gp, allow_reversed=False), "STAFF_NAME")
            self.nl()
            d.add(ind)
            self.ext_org()
            self.nl()
        d.add(ind)
        d.phi(self.gp_street, "STREET")
        self.nl()
        d.add(ind)
        d.phi(self.gp_pc, "POSTAL_CITY")
        self.nl()

    def dateline(self) -> None:
        d, rng = self.d, self.rng
        self.gap()
        d.add(rng.choice(("", "", "\t\t\t\t\t\t\t", "\t\t\t", " " * rng.randint(20, 50))))
        r = rng.random()
        if r < 0.7:
            d.phi(self.place, "POSTAL_CITY")
            d.add(rng.choice((", den ", ", am ", ", ", ", ", " ")))
        elif r < 0.85:
            d.add(rng.choice(("Datum: ", "Datum:\t", "Dat.: ")))
        self.date(self.today, FULL_STYLES)
        self.nl()

    def id_block(self, full: bool = False) -> None:
        """Record numbers with their many labels (``Fallzahl: A-2029461541  SV: 6444030763``, ``FN:445544767``)."""
        d, rng = self.d, self.rng
        labels = {
            "CASE_ID": ("Fallzahl: ", "Fallzahl: \t", "Fallnummer: ", "Fallnummer:\t", "Fall-Nr.", "Fall-Nr.: ", "FN:", "FN: ", "Aufnahmezahl: ", "Fall: "),
            "PATIENT_ID": ("Pat.-Nr. ", "Pat.-Nr.: ", "PIZ: ", "Patienten-ID: ", "PID: ", "Pat.-ID ", "Patientennummer: "),
            "INSURANCE_ID": {"DE": ("Vers.-Nr.: ", "KV-Nr. ", "Versichertennummer: "), "AT": ("SV: ", "SV: ", "SV Nr.: ", "SV Nr.: \t", "SVNR: ", "VSNR "),
                             "CH": ("AHV-Nr.: ", "AHV-Nr. ", "Vers.-Nr. ")}[self.country],
        }
        keys = [k for k in ("CASE_ID", "PATIENT_ID", "INSURANCE_ID") if full or rng.random() < 0.55] or ["CASE_ID"]
        rng.shuffle(keys)
        sep = rng.choice(("  ", "\n", " | ", ", ", "\t"))
        for i, k in enumerate(keys):
            if i:
                d.add(sep)
            d.add(rng.choice(labels[k]))
            d.phi(self.ids[k], k)
        if rng.random() < 0.3:
            d.add(sep + rng.choice(("Versicherung: ", "Kostenträger: ", "KK: ")))
            d.phi(rng.choice(_INSURERS[self.country]), "ORGANIZATION")
        self.nl()

    def ward_line(self) -> None:
        """``Station: A31. OG. Viszeralchirurgie B /`` + ``Zi: 119``."""
        d, rng = self.d, self.rng
        d.add(rng.choice(("Station: ", "Station ", "Stat.: ", "Bettenstation: ")))
        self.ward(lead=False)
        if rng.random() < 0.6:
            d.add(rng.choice((", Zi: ", " /\nZi: ", ", Zimmer ", " Zi. ")))
            d.phi(str(rng.randint(1, 450)), WARD_TYPE)
        self.nl()

    def patient_block(self) -> None:
        d, rng = self.d, self.rng
        style = rng.randint(0, 3)
        if style == 0:  # Betr.: Asger Baastrup, geb. 5.7.54, Schleswiger Str. 95a, 24941 Flensburg
            d.add(rng.choice(("Betr.: ", "Betrifft: ", "Betreff: ", "Pat.: ", "Patient: " if self.p["sex"] == "m" else "Patientin: ")))
            d.phi(self.pname_full(), "PATIENT_NAME")
            lead = rng.choice((", geb. ", ", * ", ", *", " geb. am ", " (geb. "))
            d.add(lead)
            self.bdate()
            d.add(_close(lead))
            if rng.random() < 0.6:
                d.add(", ")
                d.phi(self.p_street, "STREET")
                d.add(", ")
                d.phi(self.p_pc, "POSTAL_CITY")
            self.nl()
        elif style == 1:  # Name: / Geb.-Datum: on their own lines
            d.add(rng.choice(("Name: ", "Patient/in: ", "Pat.-Name: ", "NAME: ")))
            d.phi(self.pname_full(), "PATIENT_NAME")
            d.add(rng.choice(("\n", "\t", "   ")))
            d.add(rng.choice(("Geburtsdatum: ", "geb.am: ", "Geb.-Dat.: ", "geb. ", "Geboren am ")))
            self.bdate()
            self.nl()
            if rng.random() < 0.4:
                d.add(rng.choice(("Adresse: ", "Anschrift: ", "wohnhaft: ")))
                d.phi(self.p_street, "STREET")
                d.add(rng.choice((", ", "\n\t")))
                d.phi(self.p_pc, "POSTAL_CITY")
                if rng.random() < 0.4:
                    d.add(", Tel.: ")
                    d.phi(self.p_phone, "PHONE")
                self.nl()
        elif style == 2:  # Frau\nChristine Muster\nHauptstraße 3a\nA-3337 St. Anna im Tale\n\ngeboren am: 03.03.1973
            d.add(("Herrn" if self.p["sex"] == "m" else "Frau") + "\n")
            d.phi(self.pname_full(), "PATIENT_NAME")
            self.nl()
            d.phi(self.p_street, "STREET")
            self.nl()
            d.phi(self.p_pc, "POSTAL_CITY")
            self.gap()
            d.add(rng.choice(("geboren am: ", "geb.: ", "Geb.Dat. ")))
            self.bdate()
            self.nl()
        else:  # one line, age too
            d.phi(self.pname_full(), "PATIENT_NAME")
            d.add(rng.choice((" (", ", ")) + ("m" if self.p["sex"] == "m" else "w") + ", ")
            d.phi(str(self.age), "AGE")
            d.add(rng.choice((" J.), *", " Jahre), geb. ", " a), * ")))
            self.bdate()
            self.nl()

    def salutation(self) -> None:
        d, rng, gp = self.d, self.rng, self.gp
        self.gap()
        r = rng.random()
        m = gp["sex"] == "m"
        if r < 0.55:
            lead = rng.choice(("Sehr geehrter Herr Kollege ", "Sehr geehrter Herr Kollege ", "Lieber Herr Kollege ", "Sehr geehrter Herr Dr. ",
                               "Sehr geehrter Herr ", "Lieber ") if m else
                              ("Sehr geehrte Frau Kollegin ", "Sehr geehrte Frau Kollegin ", "Liebe Frau Kollegin ", "Sehr geehrte Frau Dr. ",
                               "Sehr geehrte Frau ", "Liebe "))
            d.add(lead)
            d.phi(gp["first"] if lead in ("Lieber ", "Liebe ") else gp["last"], "STAFF_NAME")
            d.add(rng.choice((",", ",", "!", ", ")))
        else:
            d.add(rng.choice(("Sehr geehrte Kolleginnen und Kollegen,", "Sehr geehrte Damen und Herren,", "Liebe Kolleginnen, liebe Kollegen,",
                              "Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,", "Werte Kollegen!")))
        self.nl()
        self.gap()

    def intro(self, ambulant: bool = False) -> None:
        """``wir berichten über ... Frau Alissa Rieser geb. 01.07.1963, wohnhaft ..., die sich vom ... bis ... befand.``"""
        d, rng = self.d, self.rng
        f = self.p["sex"] == "f"
        lead = rng.choice(("wir berichten über ", "nachfolgend berichten wir über ", "wir berichten Ihnen über ", "vielen Dank für die Zuweisung ",
                           "im Folgenden berichten wir über "))
        d.add(lead)
        if lead.startswith("vielen"):
            d.add(("Ihrer Patientin, " if f else "Ihres Patienten, ") + ("Frau " if f else "Herrn "))
        else:
            d.add(rng.choice((("unsere gemeinsame Patientin " if f else "unseren gemeinsamen Patienten "), "Frau " if f else "Herrn ",
                              "die Patientin Frau " if f else "den Patienten Herrn ", "")))
        d.phi(self.pname_full(), "PATIENT_NAME")
        r = rng.random()
        if r < 0.8:
            lead = rng.choice((", geb. ", " geb. ", ", *", ", * ", ", geboren am ", " (* ", ", geb. am "))
            d.add(lead)
            self.bdate()
            d.add(_close(lead))
        if rng.random() < 0.3:
            d.add(", ")
            d.add(rng.choice(("Fallnummer: ", "Fall-Nr. ", "FN:")))
            d.phi(self.ids["CASE_ID"], "CASE_ID")
        if rng.random() < 0.3:
            d.add(", wohnhaft " if rng.random() < 0.5 else ", ")
            d.phi(self.p_street, "STREET")
            d.add(", ")
            d.phi(self.p_pc, "POSTAL_CITY")
        d.add(", " + ("die" if f else "der") + " sich ")
        if ambulant:
            d.add("am ")
            self.date(self.today - _dt.timedelta(days=rng.randint(0, 10)))
            d.add(rng.choice((" in unserer Ambulanz vorstellte.", " zur ambulanten Kontrolle vorstellte.", " in unserer Spezialambulanz befand.")))
        else:
            self.stay_range()
            tail = rng.choice((" in unserer stationären Behandlung befand.", " bei uns in stationärer Behandlung befand.",
                               " auf unserer Station ", " an unserer Abteilung aufhielt."))
            d.add(tail)
            if tail.endswith("Station "):
                d.phi(rng.choice(self.wards), WARD_TYPE)
                d.add(" befand.")
        self.nl()

    def diagnoses(self, ambulant: bool = False) -> None:
        d, rng = self.d, self.rng
        names = ("Diagnosen", "Diagnose", "HAUPT-/NEBENDIAGNOSEN", "Dg.", "Hauptdiagnose") + (("Diagnosen",) if ambulant else ("Entlassungsdiagnosen",))
        self.heading(names, inline_ok=False)
        bullet = rng.choice(("", "- ", "• ", "* ", "1."))
        n = [0]

        def line(text: str) -> None:
            n[0] += 1
            d.add(f"{n[0]}. " if bullet == "1." else bullet)
            self.say(text)

        line(self.dx["dx"] if self.usable(self.dx["dx"]) else self.dx["dx"].replace("{tnm}", "").strip())
        if rng.random() < 0.6:
            d.add(rng.choice((f" ({self.dx['icd']})", f" ICD-10: {self.dx['icd']}", f"\t{self.dx['icd']}")))
        self.nl()
        for text, icd, _, sex in rng.sample(COMORBIDITIES, rng.randint(1, 4)):
            if sex in (None, self.p["sex"]):
                line(text)
                if rng.random() < 0.35:
                    lead = rng.choice((" (ED ", ", seit ", " seit ", " ("))
                    d.add(lead)
                    self.hist()
                    d.add(_close(lead))
                self.nl()
        for _ in range(rng.randint(1, 4)):
            self.history_line(line)

    def history_line(self, line: Any) -> None:
        """``Z.n. SHT 1995`` / ``Psychose (ED 2019)`` / ``6x PCT m. Folfox (07/63-12/63)`` / ``Radiatio 01-12/64``."""
        d, rng = self.d, self.rng
        r = rng.random()
        if r < 0.3:
            text = rng.choice(HISTORY)
            if text[1] not in (None, self.p["sex"]):
                return
            line(text[0])
            lead = rng.choice((" ", " (", " "))
            d.add(lead)
            self.hist()
            d.add(_close(lead))
        elif r < 0.6:
            ev = rng.choice(_EVENTS)
            line(ev + " ")
            self.date(self.hist_day(), ("year", "year", "mm_yyyy", "m_yy"))
            if ev.endswith("(ED"):
                d.add(")")
        else:
            line(rng.choice(_THERAPY_HIST) + " ")
            a = self.hist_day()
            b = min(a + _dt.timedelta(days=rng.randint(60, 200)), self.adm)
            if rng.random() < 0.5 and a.year == b.year:  # 01-12/64
                d.phi(f"{a.month:02d}-{b.month:02d}/{a.year % 100:02d}" if rng.random() < 0.5 else f"{a.month}-{b.month}/{a.year}", "DATE")
            else:  # (07/63-12/63)
                st = rng.choice(("mm_yy", "m_yy", "mm_yyyy", "mon_y"))
                d.add("(")
                d.phi(fmt_date(a, st), "DATE")
                d.add(rng.choice(("-", " - ", " bis ")))
                d.phi(fmt_date(b, st), "DATE")
                d.add(")")
        self.nl()

    def anamnesis(self) -> None:
        d, rng = self.d, self.rng
        self.heading(("Anamnese", "Aktuelle Anamnese", "ANAMNESE", "Jetzige Anamnese", "Vorgeschichte"))
        r = rng.random()
        p = self.mister()
        if r < 0.35:
            d.add(p + " ")
            d.phi(self.pname_short(), "PATIENT_NAME")
            d.add(" ist " + ("eine " if self.p["sex"] == "f" else "ein "))
            self.age_phrase()
            d.add(rng.choice((f", {'die' if self.p['sex'] == 'f' else 'der'} sich mit {self.g['sym']} vorstellte. ",
                              f", {'die' if self.p['sex'] == 'f' else 'der'} uns wegen {self.g['sym']} zugewiesen wurde. ")))
        elif r < 0.7:
            d.add(rng.choice(("Die ", "Der ") if self.p["sex"] == "m" else ("Die ",)))
            self.age_phrase()
            d.add(" stellte sich am ")
            self.date(self.adm, FULL_STYLES + PART_STYLES)
            d.add(f" mit {self.g['sym']} vor. ")
        else:
            d.add(rng.choice(("Pat. ", p + " ")))
            d.phi(self.pname_short(), "PATIENT_NAME")
            d.add(f" wird mit {self.g['sym']} vorgestellt. ")
        for t in self.pick(self.dx["anam"], rng.randint(0, 2)) + self.pick(ANAM_MORE, rng.randint(1, 3)):
            self.say(t)
            d.add(" ")
        if rng.random() < 0.4:
            d.add(rng.choice(("Sozialanamnese: lebt ", "Lebt ", "Wohnt ")) + rng.choice(("allein ", "mit Partner ", "im Pflegeheim ", "")) + "in ")
            d.phi(invented_place(rng) if rng.random() < 0.5 else self.fk.city(), "POSTAL_CITY")
            d.add(". ")
        if rng.random() < 0.35:
            lead = rng.choice(("Fremdanamnese über ", "Angaben durch ", "Begleitet von "))
            d.add(lead)
            self.relative("dat" if lead.startswith("Begleitet") else "akk")
            if rng.random() < 0.5:
                d.add(" (Tel. ")
                d.phi(self.rel_phone, "PHONE")
                d.add(")")
            d.add(". ")
        if rng.random() < 0.3:
            smoker = "Raucherin" if self.p["sex"] == "f" else "Raucher"
            lead, tail = rng.choice((("Erstdiagnose im Alter von ", " Jahren. "), ("Im Alter von ", " Jahren Erstdiagnose. "),
                                     (f"{smoker} seit dem Alter von ", " Jahren. "), ("Seit dem Alter von ", f" Jahren {smoker}. ")))
            d.add(lead)
            d.phi(str(rng.randint(12, max(13, self.age))), "AGE")
            d.add(tail)
        if rng.random() < 0.25:
            d.add("FA: Vater mit ")
            d.phi(str(rng.randint(45, 95)), "AGE")
            d.add(" an Myokardinfarkt verstorben, Mutter mit ")
            d.phi(str(rng.randint(50, 101)), "AGE")
            d.add(rng.choice((" an \"Altersschwäche\".", " an Pankreas-CA verstorben.")))
        if rng.random() < 0.3:
            d.add(" Allergien: " + rng.choice((", ".join(rng.sample(ALLERGIES, 2)), "keine bekannt")) + ".")
        self.nl()

    def exam(self) -> None:
        d, rng = self.d, self.rng
        inline = self.heading(("Aufnahmebefund", "Status praesens", "Körperlicher Untersuchungsbefund", "STATUS BEI AUFNAHME", "Status somaticus"))
        if not inline and rng.random() < 0.5:
            self.age_phrase()
            d.add(f" in {rng.choice(AZ)} AZ und {rng.choice(EZ)} EZ.")
            self.nl()
        d.add(self.fill(rng.choice(("RR {sys}/{dia} mmHg, HF {hf}/min, SpO2 {spo2} %, Temp. {temp} °C.", "RR {sys}/{dia}, Puls {hf}/min, afebril."))))
        self.nl()
        sep = rng.choice((": ", ":\t", ": ", ":  "))
        for system, opts in EXAM_GENERIC.items():
            if rng.random() < 0.6:
                d.add(system + sep + rng.choice(opts))
                self.nl()

    def labs(self) -> None:
        d, rng = self.d, self.rng
        self.gap()
        lead = rng.choice(("Laborwerte vom ", "Labor vom ", "Aufnahmelabor (", "Labor ("))
        d.add(lead)
        self.date(self.stay_day(rng.randint(0, 3)), FULL_STYLES + PART_STYLES)
        d.add(_close(lead) + ":")
        if rng.random() < 0.3:
            lead = rng.choice((" Labor-Nr. ", " Auftragsnummer: ", " (Auftrag "))
            d.add(lead)
            d.phi(order_id(rng, self.year), "ORDER_ID")
            d.add(_close(lead))
        self.nl()
        keys = rng.sample(sorted(LABS), rng.randint(3, 8))
        sep = rng.choice((", ", "\n", "; "))
        for i, k in enumerate(keys):
            names, unit, ref, _, nd, _, _ = LABS[k]
            v = rng.uniform(ref[0] * 0.6, max(ref[1] * 1.6, 0.5))
            d.add(("" if i == 0 else sep) + f"{names[0]} {fmt_decimal(v, nd)} {unit}".rstrip())
        self.nl()

    def findings(self) -> None:
        """Diagnostics: the diagnosis' own findings, an imaging study and sometimes a histology number."""
        d, rng = self.d, self.rng
        self.heading(("Befunde", "Diagnostik", "Apparative Diagnostik", "Untersuchungen", "BEFUNDE"), inline_ok=False)
        dia = self.pick(self.dx["dia"], rng.randint(1, 3))
        for t in dia:
            self.say(t)
            self.nl()
        if rng.random() < 0.6 or not dia:
            exam = RAD[rng.choice(sorted(RAD))]
            lead = self.fill(rng.choice(exam["names"])) + rng.choice((" vom ", " am ", " ("))
            d.add(lead)
            self.date(self.stay_day(rng.randint(0, 5)), FULL_STYLES + PART_STYLES)
            d.add(_close(lead) + ": ")
            d.add(self.fill(" ".join(rng.sample(exam["normal"], min(2, len(exam["normal"]))))))
            self.nl()
        if rng.random() < 0.35:
            lead = rng.choice(("Histologie (HNr.:", "Histologie (E-Nr. ", "Histo-Nr. ", "Pathologie (Eingangsnr. ", "Histologie HNr.: "))
            d.add(lead)
            d.phi(f"{_digits(rng, 4)}{rng.choice('abc')}/{self.year % 100:02d}" if rng.random() < 0.5 else order_id(rng, self.year), "ORDER_ID")
            d.add(_close(lead) + rng.choice((": tumorfrei.", ": kein Malignitätsnachweis.", " ausstehend.", ": siehe Anlage.")))
            self.nl()

    def course(self) -> None:
        d, rng = self.d, self.rng
        self.heading(("Verlauf", "Klinischer Verlauf", "Therapie und Verlauf", "VERLAUF", "Stationärer Verlauf"))
        sents = self.pick(self.dx["course"], rng.randint(1, 3)) + self.pick(COURSE_END, 1)
        for i, t in enumerate(sents):
            self.say(t)
            d.add(" ")
            if i == 0 and rng.random() < 0.5:
                self.course_extra()
        self.nl()

    def course_extra(self) -> None:
        d, rng = self.d, self.rng
        r = rng.random()
        if r < 0.3:
            d.add("Am ")
            self.date(self.stay_day(rng.randint(1, 6)), FULL_STYLES + PART_STYLES)
            d.add(" Verlegung von der " + rng.choice(("Intensivstation ", "IMC ", "Stroke Unit ")))
            d.phi(f"{rng.choice(('I', 'ITS', 'IMC', 'I-'))}{rng.choice(('0', '', ''))}{rng.randint(1, 9)}", WARD_TYPE)
            d.add(" auf " + rng.choice(("Station ", "die Normalstation ", "")))
            d.phi(rng.choice(self.wards), WARD_TYPE)
            d.add(" zur weiteren Behandlung. ")
        elif r < 0.6:
            d.add("Am ")
            self.date(self.stay_day(rng.randint(1, 9)), FULL_STYLES + PART_STYLES)
            d.add(" kann " + self.mister() + " ")
            d.phi(self.pname_short(), "PATIENT_NAME")
            d.add(" wieder selbstständig mobilisiert werden. ")
        elif r < 0.8:
            d.add(rng.choice(("Pat. ", "Pt. ")))
            d.phi(self.p["last"][0] + ".", "PATIENT_NAME")
            d.add(" berichtet über eine deutliche Besserung. ")
        else:
            d.add("Die konsiliarische Mitbeurteilung durch " + rng.choice(("OA Dr. ", "Dr. ", "Fr. OÄ ", "Hr. OA ")))
            d.phi(rng.choice(self.doctors)["last"], "STAFF_NAME")
            d.add(" ergab keinen weiteren Handlungsbedarf. ")

    def meds(self) -> None:
        d, rng = self.d, self.rng
        self.heading(("Medikation", "Entlassungsmedikation", "Therapieempfehlung", "MEDIKATION BEI ENTLASSUNG", "Medikamente"), inline_ok=False)
        style = rng.randint(0, 2)
        for k in rng.sample(sorted(MEDS), rng.randint(2, 6)):
            names, doses, scheds = MEDS[k]
            name, dose, sched = rng.choice(names), rng.choice(doses), rng.choice(scheds)
            d.add((f"{name} {dose} {sched}", f"{name} {dose}\t{sched}", f"- {name:<24}{dose:<10}{sched}")[style])
            self.nl()

    def procedure(self) -> None:
        d, rng = self.d, self.rng
        self.heading(("Procedere", "Prozedere", "Empfehlungen", "Weiteres Procedere", "PROCEDERE"))
        for t in self.pick(self.dx["proc"], rng.randint(0, 2)) + self.pick(PROC_GENERIC, rng.randint(1, 2)):
            self.say(t)
            d.add(" ")
        r = rng.random()
        if r < 0.3:
            d.add("Wiedervorstellung in 14 Tagen (")
            a = self.today + _dt.timedelta(days=rng.randint(10, 14))
            d.phi(fmt_date(a, rng.choice(("dm_nodot", "dm", "dm0"))), "DATE")
            d.add("-")
            self.date(a + _dt.timedelta(days=rng.randint(3, 14)))
            d.add(") erforderlich. ")
        elif r < 0.55:
            d.add(rng.choice(("Am ", "Termin am ", "Kontrolle am ")))
            self.date(self.today + _dt.timedelta(days=rng.randint(7, 90)), FULL_STYLES + ("d_mon",))
            where = rng.choice(("auf Station ", "in unserer Ambulanz ", "an der Ambulanz "))
            d.add(f" um {rng.randint(7, 14)} Uhr " + where)
            if where.endswith("Station "):
                d.phi(rng.choice(self.wards), WARD_TYPE)
                d.add(" ")
            d.add("vereinbart. ")
        elif r < 0.8:
            d.add(rng.choice(("Für Rückfragen stehen wir unter der Nummer ", "Terminvereinbarung unter ", "Rückmeldung unter der Nummer ")))
            d.phi(self.h_phone if rng.random() < 0.5 else hospital_numbers(rng, self.country)[0], "PHONE")
            d.add(rng.choice(("\n(", " (")) + rng.choice(("OA Dr. ", "OÄ Dr. ", "Dr. ")))
            d.phi(rng.choice(self.doctors)["last"], "STAFF_NAME")
            d.add(") " + rng.choice(("zur Verfügung. ", "erbeten. ")))
        if rng.random() < 0.2:
            d.add(rng.choice(("Anschlussheilbehandlung geplant: ", "Rehabilitation beantragt: ", "Weiterbetreuung durch: ")))
            self.ext_org()
            d.add(", Aufnahme am ")
            self.date(self.today + _dt.timedelta(days=rng.randint(5, 40)))
            d.add(".")
        self.nl()

    def signature(self) -> None:
        d, rng = self.d, self.rng
        self.gap()
        d.add(rng.choice(GREETINGS + ("Mit freundlichen Grüßen,", "Mit den besten Grüßen", "Hochachtungsvoll", "Mit kollegialen Grüßen\nIhr")))
        self.nl()
        self.gap()
        people = [self.chief] + rng.sample(self.doctors, rng.randint(1, min(2, len(self.doctors))))
        rng.shuffle(people)
        style = rng.randint(0, 4)
        if style == 4:  # Drs. Leber und Krauth
            d.add("Drs. ")
            d.phi(people[0]["last"], "STAFF_NAME")
            d.add(rng.choice((" und ", " u. ", " / ")))
            d.phi(people[1]["last"], "STAFF_NAME")
            self.nl()
            return
        sep = rng.choice(("\t", "  ", "     ", " ", "\t\t"))
        for i, p in enumerate(people):
            if i:
                d.add("\n" if style in (0, 3) else sep)
            if style == 3:
                d.add(rng.choice(_ROLE_SHORT[p["sex"]]) + " ")
                if rng.random() < 0.5:
                    d.add("Dr. ")
                d.phi(p["last"] if rng.random() < 0.5 else f"{p['last']} {p['first']}", "STAFF_NAME")
            else:
                self.staff(p, role=style == 2 and rng.random() < 0.5)
            if style == 0 and rng.random() < 0.7:
                d.add("\n" + p["role"])
            elif style == 1 and rng.random() < 0.3:
                d.add(", " + p["role"])
        self.nl()
        if rng.random() < 0.25:
            d.add(rng.choice(("Elektronisch vidiert: ", "Vidiert: ", "Freigegeben: ", "dikt.: ")))
            self.staff(rng.choice(self.doctors), title=rng.random() < 0.5)
            d.add(rng.choice((", ", " am ", " ")))
            self.date(self.today, FULL_STYLES)
            self.nl()

    def copy_to(self) -> None:
        d, rng = self.d, self.rng
        self.gap()
        d.add(rng.choice(("Kopie an: ", "cc: ", "Nachrichtlich: ", "Ergeht an: ")))
        if rng.random() < 0.6:
            d.add(rng.choice(("Hausarzt ", "HA ", "")))
            self.staff(self.gp, name=self.staff_name(self.gp, allow_reversed=False))
            if rng.random() < 0.5:
                d.add(", ")
                d.phi(self.gp_street, "STREET")
                d.add(", ")
                d.phi(self.gp_pc, "POSTAL_CITY")
        else:
            self.ext_org()
        self.nl()

    # -- letter types ------------------------------------------------------------------------
    def discharge(self, title: str, target: int) -> None:
        d, rng = self.d, self.rng
        self.letterhead()
        self.gap()
        if rng.random() < 0.75:
            self.recipient()
        self.dateline()
        if rng.random() < 0.5:
            self.gap()
            self.id_block()
        if rng.random() < 0.25:
            self.ward_line()
        self.gap()
        d.add(title.upper() if rng.random() < 0.4 else title)
        self.nl()
        self.salutation()
        self.intro()
        self.diagnoses()
        for block in (self.anamnesis, self.exam, self.labs, self.findings, self.course, self.meds, self.procedure):
            if d.pos < target or block in (self.course, self.procedure):
                block()
        self.signature()
        if rng.random() < 0.3:
            self.copy_to()
        if rng.random() < 0.15:
            self.gap()
            self.contact()

    def ambulant(self, title: str, target: int) -> None:
        d, rng = self.d, self.rng
        self.letterhead()
        self.gap()
        self.recipient()
        self.dateline()
        self.gap()
        d.add(title)
        self.nl()
        if rng.random() < 0.5:
            self.id_block()
        self.salutation()
        self.intro(ambulant=True)
        self.diagnoses(ambulant=True)
        for block in (self.anamnesis, self.exam, self.findings, self.meds):
            if d.pos < target:
                block()
        self.procedure()
        self.signature()

    def report(self, title: str, target: int) -> None:
        """Befundbericht: patient block, study, findings, impression."""
        d, rng = self.d, self.rng
        self.letterhead()
        self.gap()
        self.patient_block()
        self.id_block(full=rng.random() < 0.4)
        if rng.random() < 0.4:
            d.add(rng.choice(("Zuweiser: ", "Einsender: ", "Überweisung von: ")))
            self.staff(self.gp, name=self.staff_name(self.gp, allow_reversed=False))
            self.nl()
        self.dateline()
        self.gap()
        d.add(title.upper() if rng.random() < 0.5 else title)
        self.nl()
        exam = RAD[rng.choice(sorted(RAD))]
        d.add("Untersuchung: " + self.fill(rng.choice(exam["names"])) + rng.choice((" vom ", " am ", ", ")))
        self.date(self.today - _dt.timedelta(days=rng.randint(0, 3)))
        self.nl()
        if rng.random() < 0.5:
            d.add(rng.choice(("Auftrags-Nr.: ", "Befund-Nr. ", "Unsere Nr.: ")))
            d.phi(order_id(rng, self.year), "ORDER_ID")
            self.nl()
        self.heading(("Klinische Angaben", "Fragestellung", "Indikation"))
        d.add(self.fill(rng.choice(exam["ind"])) + ".")
        self.nl()
        if rng.random() < 0.5:
            d.add("Voruntersuchung vom ")
            self.hist()
            d.add(" zum Vergleich vorliegend.")
            self.nl()
        self.heading(("Befund", "Befundbeschreibung", "BEFUND"), inline_ok=False)
        patterns = list(exam["pat"].values())
        pat = rng.choice(patterns) if patterns and rng.random() < 0.6 else None
        lines = list(rng.sample(exam["normal"], min(len(exam["normal"]), rng.randint(3, 6))))
        if pat:
            lines = list(pat["f"]) + lines[:3]
        for t in lines:
            d.add(self.fill(t))
            self.nl()
        self.heading(("Beurteilung", "BEURTEILUNG", "Zusammenfassung"))
        d.add(self.fill(rng.choice(pat["b"] if pat else exam["imp"])))
        self.nl()
        for block in (self.anamnesis, self.findings):
            if d.pos < target - 400:
                block()
        self.signature()

    def dekurs(self, title: str, target: int) -> None:
        """Austrian-style progress notes: dated entries signed by name (``21/3/2017 08:30 OA Dr. Huber Karina: ...``)."""
        d, rng = self.d, self.rng
        d.phi(self.hosp[0], "ORGANIZATION")
        self.nl()
        d.add(self.dept)
        self.nl()
        self.gap()
        d.add(title.upper() if rng.random() < 0.5 else title)
        self.nl()
        d.add(rng.choice(("Pat.: ", "Patient/in: ", "")))
        d.phi(self.pname_full(), "PATIENT_NAME")
        d.add(rng.choice((", geb. ", " *", ", geb.am: ")))
        self.bdate()
        d.add(rng.choice((", ", "\n")))
        self.ward_line()
        self.id_block()
        self.gap()
        day = self.adm
        entries = 0
        while d.pos < target or entries < 3:
            self.date(day, FULL_STYLES)
            d.add(rng.choice((f" {rng.randint(6, 20):02d}:{rng.choice(('00', '10', '30', '45'))}", "", " -")))
            d.add(rng.choice(("\t", " ", "  ")))
            p = rng.choice(self.doctors + [self.chief])
            if rng.random() < 0.6:
                d.add(rng.choice(_ROLE_SHORT[p["sex"]]) + " ")
            d.add(rng.choice(("Dr. ", "Dr.med. ", "")))
            d.phi(self.staff_name(p), "STAFF_NAME")
            d.add(": ")
            r = rng.random()
            if r < 0.4:
                d.add(rng.choice(("Pat. ", "Pt. ", self.mister() + " ")))
                d.phi(self.pname_short(), "PATIENT_NAME")
                d.add(" " + rng.choice(("beschwerdefrei, mobil.", "klagt über Schmerzen, Analgesie angepasst.", "schläft gut, isst gut.",
                                        "afebril, Wunde reizlos.", "wach, orientiert, kooperativ.")) + " ")
            for t in self.pick(_DEKURS, rng.randint(0 if r < 0.4 else 1, 2)) + self.pick(tuple(self.dx["course"]) + tuple(self.dx["dia"]), rng.randint(0, 1)):
                self.say(t)
                d.add(" ")
            if rng.random() < 0.2:
                d.add(" Telefonat mit ")
                self.relative("dat")
                d.add(".")
            self.nl()
            entries += 1
            day = day + _dt.timedelta(days=rng.randint(1, 3))
        self.signature()


_KINDS = (("Arztbrief", "discharge"), ("Entlassungsbrief", "discharge"), ("Vorläufiger Entlassungsbrief", "discharge"),
          ("Kurzarztbrief", "discharge"), ("Verlegungsbericht", "discharge"), ("Befundbericht", "report"), ("Ambulanzbrief", "ambulant"),
          ("Ambulanter Befundbericht", "ambulant"), ("Dekurs", "dekurs"), ("Konsiliarbefund", "report"))


def _one(rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    letter = _Letter(rng)
    title, kind = rng.choice(_KINDS)
    bom = rng.random() < 0.12
    if bom:
        letter.d.add("\ufeff")
    getattr(letter, kind)(title, rng.randint(900, 3000))
    return letter.d.text(), letter.d.spans


def phi_training_documents(n: int, seed: int = 0) -> list[dict]:
    """``n`` letters ``{"document_id", "text", "spans": [(start, end, type), ...]}`` with sorted, non-overlapping,
    whitespace-trimmed spans of :data:`~miracle_dagster.core.schema.PHI_TYPES`; 800-4,000 characters each.

    Document ``i`` depends only on ``(seed, i)``: a larger ``n`` extends the list, it never changes earlier letters."""
    out = []
    for i in range(n):
        rng = random.Random(f"phi-letters:{seed}:{i}")
        for _ in range(50):  # redraw a letter outside the length bounds (rare)
            text, spans = _one(rng)
            if 800 <= len(text) <= 4000:
                break
        out.append({"document_id": f"phi-{seed}-{i:05d}", "text": text, "spans": spans})
    return out
