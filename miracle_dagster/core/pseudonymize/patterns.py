"""Regular expressions for PHI with a recognisable shape or label: contacts, identifiers, addresses, ages, organisations.

Each :class:`Rule` names the PHI part of its match as group ``v``; the rest is context (a label such as "Fallnummer:"
or "Tel."). Priority decides overlaps: labelled identifiers beat bare formats, every regex beats a name guess.
Separators are spaces, never ``\\s``: a PHI item does not continue on the next line, a letterhead line does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from miracle_dagster.core.pseudonymize.vocab import is_medical

_CAP = r"[A-ZÄÖÜ][a-zäöüßéèáàçëïñ]+"
_CAPW = rf"{_CAP}(?:-{_CAP})*"
_PART = rf"(?:{_CAP}|[A-ZÄÖÜ]\.)"  # a street name part: a word or an initial ("H.-Dieter-Faust-Straße")
# city: optional prefix word, a capitalised word, an optional "am Main"/"an der Ilm"/"(Saale)" tail, or a second
# word when the line or clause ends after it ("Griesbach Rottal")
CITY = (rf"(?:(?:Bad|Sankt|St\.|Schwäbisch|Königs|Hannoversch|Leipziger|Neu|Alt|Groß|Klein) )?{_CAPW}"
        rf"(?: (?:am|an der|an|ob der|vorm|vor der|im|in der|in|bei|a\. ?d\.|i\.) {_CAPW})?(?: \({_CAP}\))?"
        rf"(?: {_CAPW}(?=[ \t]*(?:$|[,;·|)\n])))?")
_UPPER_CITY = r"[A-ZÄÖÜ]{3,}(?:[- ][A-ZÄÖÜ]{2,}){0,2}"
_SFX = ("straße", "strasse", "str.", "weg", "gasse", "allee", "platz", "ring", "ufer", "chaussee", "steig", "pfad",
        "promenade", "wall", "graben", "stieg", "kamp", "markt", "hof", "berg", "twiete", "zeile", "kai", "anger")
_SFX_LOWER = "(?:" + "|".join(re.escape(s) for s in _SFX) + ")"
_SFX_TITLE = "(?:" + "|".join(re.escape(s.capitalize()) for s in _SFX) + ")"
_HOUSE_NO = r"\d{1,4}(?: ?[a-zA-Z]\b)?(?: ?[-/] ?\d{1,4}[a-zA-Z]?)?(?![\d,.]\d)"
_NOT_UNIT = r"(?! ?(?:mg|ml|cm|mm|%|Uhr|°|x\b|×|Jahre|J\.|Tage|Wochen|Monate))"
_PHONE_BODY = (r"(?:\+49[ \-]?(?:\(0\) ?)?[1-9]\d{1,4}|\(0[1-9]\d{1,4}\)|0[1-9]\d{1,4})"
               r"(?: ?[/\-] ?| )?\d{2,}(?:(?: ?- ?| )\d{1,6}){0,3}(?![\d,.]\d|\d)")
_ID_LABELS = {
    "PATIENT_ID": r"Pat(?:ienten)?\.?[ -]?(?:Nr|ID|Id|Nummer|nummer)\.?|PID|Patienten-?ID|MRN",
    "CASE_ID": r"Fall(?:-?Nr\.?|nummer|-?ID)?|Aufn(?:ahme)?\.?-?(?:Nr\.?|nummer)|Behandlungs-?(?:Nr\.?|nummer)",
    "INSURANCE_ID": r"(?:Kranken)?[Vv]ersicherten-?(?:Nr\.?|nummer)|KV-?Nr\.?|KVNR|Vers\.-Nr\.?",
    "ORDER_ID": (r"Auftrags-?(?:nummer|Nr\.?)(?: Labor)?|Untersuchungs-?(?:Nr\.?|nummer)|Accession-?(?:Nr\.?|nummer)"
                 r"|Eingangs-?(?:nummer|Nr\.?)|E-Nr\.?|Journal-?(?:Nr\.?|nummer)|Einsendungs-?(?:Nr\.?|nummer)"
                 r"|Befund-?(?:Nr\.?|nummer)|Labor-?(?:Nr\.?|nummer)|Proben-?(?:Nr\.?|nummer)"),
}
_ID_VALUE = r"(?:[A-Z]{1,3}[ /\-]?)?\d{3,}(?:[/\-]\d+)*(?:[/\-][A-Z]{1,2}\d*)?"


def _digits_at_least(n: int) -> Callable[[str], bool]:
    return lambda s: sum(c.isdigit() for c in s) >= n


@dataclass(frozen=True)
class Rule:
    """One regex rule: its PHI type, priority on overlaps and an optional validator of the matched value."""

    name: str
    type: str
    regex: re.Pattern[str]
    priority: int
    valid: Callable[[str], bool] | None = None


def _r(name: str, typ: str, pattern: str, priority: int, valid: Callable[[str], bool] | None = None, flags: int = 0) -> Rule:
    return Rule(name, typ, re.compile(pattern, flags), priority, valid)


_PHONE_OK = _digits_at_least(7)
RULES: tuple[Rule, ...] = (
    _r("email", "EMAIL", r"(?P<v>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[a-zA-Z]{2,})", 100),
    _r("fax", "FAX", rf"(?:Fax|Telefax|FAX)\.?:? *(?:Nr\.?:? *)?(?P<v>{_PHONE_BODY})", 95, _PHONE_OK),
    _r("phone", "PHONE", rf"(?<![\w/+.,\-])(?P<v>{_PHONE_BODY})", 90, _PHONE_OK),
    *(_r(f"id_label:{t.lower()}", t, rf"(?<![\w\-])(?i:{lab}) ?:?[ \t]*(?P<v>{_ID_VALUE})(?![\w/])", 88) for t, lab in _ID_LABELS.items()),
    _r("id_patient", "PATIENT_ID", r"(?<![\w\-/])(?P<v>P\d{6,9})(?![\w\-/])", 80),
    _r("id_case", "CASE_ID", r"(?<![\w\-/])(?P<v>F(?:19|20)\d{8})(?![\w\-/])", 80),
    _r("id_insurance", "INSURANCE_ID", r"(?<![\w\-/])(?P<v>[A-Z]\d{9})(?![\w\-/])", 80),
    _r("id_order", "ORDER_ID", r"(?<![\w\-/])(?P<v>[A-Z]{1,3}[/\-]?(?:19|20)?\d{2}[/\-]\d{4,7}|[A-Z] \d{4,6}/\d{2}"
                               r"|(?:19|20)\d{2}-\d{5,7}|RAD?\d{8,10})(?![\w\-/])", 80),
    _r("id_number", "ORDER_ID", r"(?<![\w\-/.,])(?P<v>\d{8,12})(?![\w\-/]|[.,]\d)", 75),
    _r("ward", "ORGANIZATION", r"(?P<v>\b(?:Station|STATION|Stat\.|Intensivstation|IMC|Wachstation) (?:[A-Z]{1,3} ?)?\d{1,3}[A-Z]?\b)"
                               r"(?<!\d[RL])", 66),  # "Station 4R" is a mediastinal lymph node station
    _r("org", "ORGANIZATION",
       rf"(?P<v>(?:\b(?:Universitätsklinikum|Universitätsmedizin|Uniklinik|Universitätsspital|Klinikum|Kreisklinik(?:um)?|"
       rf"Kreiskrankenhaus|Krankenhaus|Kreiskliniken|Kliniken|Marienkrankenhaus|Hospital|Spital|Rehaklinik|Reha-Klinik|"
       rf"Reha-Zentrum|Rehazentrum|Kurklinik|Fachklinik(?: für {_CAP}(?= {_CAP}))?|Klinik|UK|UM)"
       rf"|\bSt\.-{_CAP}-(?:Krankenhaus|Hospital|Klinik|Klinikum|Stift))"
       rf"(?: (?:am|an der|im) {_CAP})?(?: (?!für\b|und\b|mit\b){_CAPW}){{1,3}}(?:-(?:Mitte|Nord|Süd|Ost|West))?)", 65),
    _r("org_upper", "ORGANIZATION",
       rf"(?P<v>\b(?:UNIVERSITÄTSKLINIKUM|UNIVERSITÄTSMEDIZIN|KLINIKUM|KRANKENHAUS|KREISKRANKENHAUS|ST\.-[A-ZÄÖÜ]+-(?:KRANKENHAUS|HOSPITAL)|UK|UM)"
       rf" {_UPPER_CITY}(?:-(?:MITTE|NORD|SÜD|OST|WEST))?)\b", 65),
    _r("practice", "ORGANIZATION", rf"(?P<v>\b(?:Gemeinschafts)?[Pp]raxis (?:Dr\. (?:med\. )?){_CAPW}(?: (?:und|&) (?:Dr\. )?{_CAPW})?)", 67),
    _r("street", "STREET",
       rf"(?P<v>\b(?:(?:Alte|Neue|Obere|Untere|Große|Kleine|Lange|Hohe|Breite)[rns]? )?(?:(?:{_PART}-)*[A-ZÄÖÜ][a-zäöüß]*{_SFX_LOWER}"
       rf"|(?:{_CAP} )?(?:{_PART}-)*{_SFX_TITLE}) {_HOUSE_NO}){_NOT_UNIT}", 72),
    _r("street_before_postal", "STREET",
       rf"(?:^|[,:·|] |wohnhaft |Anschrift:? |Adresse:? )(?P<v>(?:(?:Am|An|Auf|Im|In|Zum|Zur|Unter|Hinter|Vor|Alte[rs]?|Neue[rs]?) "
       rf"(?:der |den |dem )?)?{_CAP}(?:[- ]{_CAP})*\.? {_HOUSE_NO}) ?(?:,|·|\||\n)[ \t]*(?=\d{{5}} )", 72, flags=re.M),
    _r("postal_city", "POSTAL_CITY", rf"(?<![\d/\-.,])(?P<v>(?:D-)?\d{{5}}[ \t](?!Einheiten|Stück|Zellen|Kopien)(?:{CITY}|{_UPPER_CITY}\b))", 71),
    # "Essen, den 12.03.2021" alone on its line (the place and date of a letter)
    _r("place_date", "POSTAL_CITY", rf"^(?P<v>{CITY}),[ \t](?:den[ \t])?(?=[\d.]{{6,10}}[ \t]*$|\d{{1,2}}\. ?[A-ZÄÖÜ][a-zäöü]+\.? \d{{4}}[ \t]*$)",
       45, lambda v: not any(is_medical(w) for w in v.split()), flags=re.M),
    _r("age_jaehrig", "AGE", r"(?<![\d,.])(?P<v>\d{1,3})(?= ?- ?[jJ]ährig|[jJ]ährig)", 60),
    _r("age_years", "AGE", r"(?:[(,] ?|Alter:? |Alter von |[Mm]it )(?P<v>\d{1,3})(?= ?(?:J\.|Jahre\b|Jahren\b))"
                           r"(?! ?J(?:ahre|\.) (?:nach|vor|später|zuvor))", 60),
    _r("age_alt", "AGE", r"(?<![\d,.])(?P<v>\d{1,3})(?= (?:Jahre|J\.) alte?[rn]?\b)", 60),
)

BIRTH_CONTEXT = re.compile(r"(?:\bgeb(?:oren)?\.?(?: *am)?|Geb(?:urts)?\.?-?[Dd]at(?:um|\.)?|Geburtsdatum|GebDat|\*|Geb\.?)[: ]*$")
