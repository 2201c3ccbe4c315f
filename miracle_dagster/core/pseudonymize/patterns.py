"""Regular expressions for PHI with a recognisable shape or label: contacts, identifiers, addresses, ages, organisations.

Each :class:`Rule` names the PHI part of its match as group ``v``; the rest is context (a label such as "Fallnummer:"
or "Tel."). Priority decides overlaps: labelled identifiers beat bare formats, every regex beats a name guess.
Separators are spaces, never ``\\s``: a PHI item does not continue on the next line, a letterhead line does.

Long because most of it is data: the rules themselves, one regular expression per PHI shape or label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from miracle_dagster.core.pseudonymize.places import PLACE_RE, PLACES
from miracle_dagster.core.pseudonymize.vocab import FIRST_NAMES, NOT_PLACES, RELATIONS, is_medical

_CAP = r"[A-ZÄÖÜ][a-zäöüßéèáàçëïñóòúùíìâêôûăîșțşţćčšžłńř]+"
_CAPW = rf"{_CAP}(?:-{_CAP})*"
_PART = rf"(?:{_CAP}|[A-ZÄÖÜ]\.)"  # a street name part: a word or an initial ("H.-Dieter-Faust-Straße")
# city: optional prefix word, a capitalised word, an optional "am Main"/"an der Ilm"/"(Saale)" tail, or a second
# word when the line or clause ends after it ("Griesbach Rottal")
CITY = (
    rf"(?:(?:Bad|Sankt|St\.|Schwäbisch|Königs|Hannoversch|Leipziger|Neu|Alt|Groß|Klein) )?{_CAPW}"
    rf"(?: (?:am|an der|an|ob der|vorm|vor der|im|in der|in|bei|a\. ?d\.|i\.) {_CAPW})?(?: \({_CAP}\))?"
    rf"(?: {_CAPW}(?=[ \t]*(?:$|[,;·|)\n])))?"
)
_UPPER_CITY = r"[A-ZÄÖÜ]{3,}(?:[- ][A-ZÄÖÜ]{2,}){0,2}"
_SFX = (
    "straße",
    "strasse",
    "str.",
    "weg",
    "gasse",
    "allee",
    "platz",
    "ring",
    "ufer",
    "chaussee",
    "steig",
    "pfad",
    "promenade",
    "wall",
    "graben",
    "stieg",
    "kamp",
    "markt",
    "hof",
    "berg",
    "twiete",
    "zeile",
    "kai",
    "anger",
)
_SFX_LOWER = "(?:" + "|".join(re.escape(s) for s in _SFX) + ")"
_SFX_TITLE = "(?:" + "|".join(re.escape(s.capitalize()) for s in _SFX) + ")"
_HOUSE_NO = r"\d{1,4}(?: ?[a-zA-Z]\b)?(?: ?[-/] ?\d{1,4}[a-zA-Z]?)?(?![\d,.]\d)"
_NOT_UNIT = r"(?! ?(?:mg|ml|cm|mm|%|Uhr|°|x\b|×|Jahre|J\.|Tage|Wochen|Monate|h\b|Std|Stunden|min\b|Minuten))"
# "+49 201 723-0", "+43(0)333 775-8447", "+43 (453) 14-592-12098", "0043 1 4000", "(0461) 708 - 223", "0816/333-13283"
_PHONE_BODY = (
    r"(?:(?:\+|00)[1-9]\d{0,2}[ \-]?(?:\(0\) ?)?(?:\(\d{1,5}\)|[1-9]\d{0,4})|\(0[1-9]\d{1,4}\)|0[1-9]\d{1,4})"
    r"(?: ?[/\-] ?| )?\d{2,}(?:(?: ?- ?| )\d{1,8}){0,3}(?![\d,.]\d|\d)"
)
# postcode: German 5 digits ("D-" optional), Austrian/Swiss/Liechtenstein 4 digits after "A-"/"CH-"/"FL-"
_ZIP = r"(?:(?:D|DE)-\d{5}|(?:A|AT|CH|FL|L)-\d{4}|\d{5})"
_ZIP4 = r"(?!(?:19|20)\d\d\b)[1-9]\d{3}"  # a bare 4-digit postcode; never one that reads like a year ("2019 Berlin")
_ID_LABELS = {
    "PATIENT_ID": r"Pat(?:ienten)?\.?[ -]?(?:Nr|ID|Id|Nummer|nummer)\.?|PID|Patienten-?ID|MRN",
    "CASE_ID": r"Fall(?:-?Nr\.?|nummer|-?ID)?|Aufn(?:ahme)?\.?-?(?:Nr\.?|nummer)|Behandlungs-?(?:Nr\.?|nummer)",
    "INSURANCE_ID": r"(?:Kranken)?[Vv]ersicherten-?(?:Nr\.?|nummer)|KV-?Nr\.?|KVNR|Vers\.-Nr\.?",
    "ORDER_ID": (
        r"Auftrags-?(?:nummer|Nr\.?)(?: Labor)?|Untersuchungs-?(?:Nr\.?|nummer)|Accession-?(?:Nr\.?|nummer)"
        r"|Eingangs-?(?:nummer|Nr\.?)|E-Nr\.?|Journal-?(?:Nr\.?|nummer)|Einsendungs-?(?:Nr\.?|nummer)"
        r"|Befund-?(?:Nr\.?|nummer)|Labor-?(?:Nr\.?|nummer)|Proben-?(?:Nr\.?|nummer)"
    ),
}
_ID_VALUE = r"(?:[A-Z]{1,3}[ /\-]?)?\d{3,}[a-z]?(?:[/\-]\d+)*(?:[/\-][A-Z]{1,2}\d*)?"
# short or Austrian labels ("Fallzahl:", "FN:", "SV:", "PIZ:", "HNr.:"): case-sensitive and with >= 5 digits, so "SV 100 ml"
# (stroke volume) stays
_ID_LABELS_SHORT = {
    "PATIENT_ID": r"PIZ|Pat\.?-?Zahl|Patientenzahl|Patienten-?Nr\.?|Pat\.?-?Nr\.?",
    "CASE_ID": r"Fallzahl|Fall-Zahl|FN|FNr\.?|Aufnahmezahl|Aufnahme-?Nr\.?|Besuchs-?(?:Nr\.?|nummer)",
    "INSURANCE_ID": (
        r"SV|SV-?Nr\.?|SV Nr\.?|SVNR|VSNR|Sozialversicherungs-?(?:Nr\.?|nummer)|AHV-?Nr\.?|AHV|Versicherungs-?(?:Nr\.?|nummer)"
        r"|Vers\.?-?Nr\.?"
    ),
    "ORDER_ID": (
        r"HNr\.?|H-Nr\.?|Histo(?:logie)?-?(?:Nr\.?|nummer)|Zyto(?:logie)?-?Nr\.?|Präparate?-?(?:Nr\.?|nummer)|Aktenzeichen|Az\."
        r"|Dok(?:ument)?-?Nr\.?|Befund-?Nr\.?|Bef\.-?Nr\.?|Rö-?Nr\.?|Röntgen-?Nr\.?|Einsende-?Nr\.?|Einsendenummer"
        r"|Eingangs-?Nr\.?|Labor-?Nr\.?"
        r"|Patho(?:logie)?-?Nr\.?|KIS-?Nr\.?"
    ),
}

# wards and rooms: "Station O-11", "Station: A31", "Station 4B", "Intensiv II", "Onkologie A33", "Ambulanz CH12", "auf PSY13", "Zi: 119"
_WARD_WORD = r"(?:Station|STATION|Stat\.|Intensivstation|Normalstation|Wachstation|Intensiv|IMC|ICU|ITS|Ambulanz|Tagesklinik)"
_DEPT_WORD = r"(?:[A-ZÄÖÜ][a-zäöü]*(?:logie|iatrie|chirurgie|medizin|pädie|ambulanz|station|klinik)|Ambulanz|Intensiv|Innere|Psychosomatik)"
# letter codes that are markers, genes, staging or scores, not wards ("CD20", "HER2", "T3", "ECOG 1")
_NOT_WARD = re.compile(
    r"^(?:CD|HER|CA|BRCA|ICD|EGFR|ALK|ROS|PD|PDL|MLH|MSH|KRAS|NRAS|BRAF|HLA|IL|TNF|IG[AGME]?|HPV|HSV|EBV|CMV|HHV|HIV|HBV|HCV|"
    r"FEV|BMI|GCS|PSA|HB|HBA|PET|CT|MRT|MR|EKG|ECOG|NYHA|CCS|KPS|ASA|GOLD|TNM|UICC|FIGO|WHO|ISS|SARS|COVID|COV|VEGF|FGF|"
    r"PIK|TP|JAK|FLT|NPM|IDH|ATG|MG|ML|GY|BI|BIRADS|LK|PT|PN|YPT|CPT|SGB|OPS|DRG|HWS|BWS|LWS|TH|TMB|MSI|KI|IHC|FISH|"
    r"ER|PR|AR|CK|TTF|SOX|GATA|WT|DOG|MUM|BCL|MYC|PAX|SSTR|NSE|CEA|AFP|LDH|CRP|PCT|TSH|FT|GFR|HCG|SII|PTH|RR|MIBI|"
    r"T|N|M|G|R|L|V|C|D|K|S|E|F|I)[ \-]?\d"
)


def _ward_ok(code: str) -> bool:
    return not _NOT_WARD.match(code)


# hospitals: a kind word (also inside a compound: "Diakonissenkrankenhaus", "Universitätsklinik", "ARCOS-KLINIK"), an
# optional genitive ("der barmherzigen Schwestern") and a place; abbreviations ("KH", "ÖHK", "LKH") need the place
_KIND = (
    r"(?:Universitätsklinikum|Universitätsmedizin|Uniklinik(?:um)?|Universitätsspital|Klinikum|Kreisklinik(?:um)?|Kliniken|"
    r"Krankenhaus|Hospital|Spital|Rehaklinik|Reha-Klinik|Reha-Zentrum|Rehazentrum|Kurklinik|Fachklinik(?: für {_CAP}(?= {_CAP}))?|"
    r"Klinik|Krankenanstalt|Landesklinikum|Landeskrankenhaus|Sanatorium|Stift|UK|UM)"
).replace("{_CAP}", _CAP)
_COMPOUND_KIND = (
    r"(?!Prä|Intra|Inter|Post|Peri|Extra|Außer|Inner|Teil|Voll)[A-ZÄÖÜ][a-zäöüß]+"
    r"(?:krankenhaus|klinikum|kliniken|klinik|spital|hospital|lazarett|sanatorium|krankenanstalt)(?:es|s)?"
)
_NAMED_KIND = rf"(?:(?:St\.|Sankt)[ \-]{_CAP}-|(?:{_CAP}-)+)(?:Krankenhaus|Hospital|Klinik|Klinikum|Kliniken|Spital|Stift|Sanatorium)"
# hospital operators whose name stands before the kind word ("Helios Klinikum Berlin-Buch", "Schön Klinik Harthausen")
_CHAIN = (
    r"(?:Helios|Asklepios|Vivantes|Sana|Schön|Median|Ameos|Agaplesion|Alexianer|Rhön|Paracelsus|Mediclin|MediClin|Vitos|Johanniter|"
    r"Malteser|Diako|Evangelisches|Katholisches|Kepler|Ordensklinikum|Elisabethinen|Barmherzige Brüder|Barmherzigen Brüder|Regiomed"
    r"|Klinikverbund|Kliniken des Landkreises) "
)
_ABBR_KIND = r"(?:[A-ZÄÖÜ]{0,3}KH|[A-ZÄÖÜ]{1,3}HK|AKH|UKE|UKSH|MHH|KUK|UK[A-Z]{1,2}|KUM|LK[A-Z]{1,2})"
# a tail word that ends the name: a preposition, an ordinary or medical noun ("Klinikum Essen Aufnahme am ...")
_STOP = (
    r"(?!(?:für|und|mit|bei|zur|zum|vom|von|ab|seit|nach|wegen|Aufnahme|Ambulanz|Abteilung|Station|Notaufnahme|Patient|Patientin|"
    r"Patienten|Behandlung|Aufenthalt|Arztbrief|Befund|Entlassung|Diagnose|Verlegung|Zentrum|Sehr|Frau|Herr|Herrn|Dr|Prof)\b)"
    r"(?![A-ZÄÖÜ][\w\-]*(?:ung|ion|logie|iatrie|chirurgie|therapie|medizin|pädie|ik|ie|ose|itis|om)\b)"
)
_OT = rf"(?:St\.|Bad|Sankt|{_STOP}{_CAPW})"
_ORG_PLACE = (
    rf"(?: (?:am|an der|im) {_CAP})?(?: {_OT}){{1,4}}(?: (?:am|an der|im|in der|ob der) {_CAPW})?(?: \({_CAP}\))?"
    rf"(?:-(?:Mitte|Nord|Süd|Ost|West))?"
)
_ORG_GEN = rf" (?:der|des) (?:[a-zäöü]+e[nrs]? )?{_STOP}{_CAPW}(?: {_STOP}{_CAPW})?"
_UPPER_KIND = r"(?:[A-ZÄÖÜ]+-)?[A-ZÄÖÜ]*(?:KLINIKUM|KLINIKEN|KLINIK|KRANKENHAUS|SPITAL|HOSPITAL)|UNIVERSITÄTSMEDIZIN|UK|UM"
# specialty compounds that name a department, not a house: only with a known place or a genitive ("Frauenklinik des ...")
_DEPT_KIND = re.compile(
    r"^(?:Frauen|Kinder|Augen|Haut|Zahn|Poli|Tages|Nacht|Strahlen|Hals-Nasen-Ohren|HNO|Uro|Neuro|Unfall|Psychiatrische"
    r"|Medizinische|Chirurgische|Geriatrische|Orthopädische)",
    re.I,
)


def _org_ok(value: str) -> bool:
    """The words after the kind word look like a place or house name, not like medical content."""
    toks = re.sub(rf"^(?:{_CHAIN})?\S+(?: für \S+)?", "", value).split()  # after the kind word ("Fachklinik für Rehabilitation")
    words = []
    for i, w in enumerate(toks):
        if not w[:1].isupper() or w in ("St.", "Bad", "Sankt", "Universität", "Hochschule", "Stiftung", "Gesellschaft", "Akademie"):
            continue
        if i and toks[i - 1] in ("der", "des") and i + 1 < len(toks) and toks[i + 1][:1].isupper() and w.endswith(("en", "er", "es")):
            continue  # the adjective of a genitive: "der Medizinischen Hochschule", "der barmherzigen Schwestern"
        words += w.split("-")
    return not any(is_medical(w) or w.capitalize() in NOT_PLACES for w in words[:2])


# compound prefixes that say what kind of house it is, not which ("Reha-Klinik", "Akutkrankenhaus", "Kreiskrankenhaus")
_GENERIC_HOUSE = re.compile(
    r"^(?:reha|akut|fach|privat|kur|sucht|schmerz|tages|spezial|notfall|psycho|lungen|herz|tumor|krebs|partner|"
    r"lehr|kreis|stadt|städt|land|bezirk|universität|uni|kanton|region|beleg|schwerpunkt|versorgung|plan|vertrag|"
    r"nachbar|heimat|allgemein|haupt|zentral|akademisch|kinder|frauen|hals|nasen|ohren|mund|kiefer|gesicht|zahn|"
    r"augen|haut|hand|fuß|knie|hüft|wirbel|gefäß|venen|brust|darm|leber|niere|blut|schlaf|epilepsie|stroke|"
    r"geriatrie|diabetes|rheuma|ortho|unfall|sport|strahlen|nerven|uro|neuro|poli|mutter|eltern|senioren|alters)",
    re.I,
)
_KIND_TAIL = re.compile(
    r"-?(?:krankenhaus|klinikum|kliniken|klinik|spital|hospital|lazarett|sanatorium|krankenanstalt|stift)(?:es|s)?$", re.I
)


def _compound_ok(value: str) -> bool:
    """A compound house name: alone only when it names someone ("Christian-Drosten-Klinik", "Marienhospital"), else
    with a place or genitive; a specialty ("HNO-Klinik", "Frauenklinik") only with a known place or genitive."""
    head, _, rest = value.partition(" ")
    if head in ("St.", "Sankt"):  # "St. Vincenz-Krankenhaus Limburg": the saint names the house
        return _org_ok(rest)
    if not rest:
        parts = [p for p in _KIND_TAIL.sub("", head).split("-") if p]
        if not parts or any(_GENERIC_HOUSE.match(p) or _DEPT_KIND.match(p) or is_medical(p) for p in parts):
            return False
        stem = parts[0].lower()
        return "-" in head or any(n in FIRST_NAMES for n in (stem, stem[:-1], stem[:-2]))  # "Marien", "Josefs", "Wilhelminen"
    if _DEPT_KIND.match(head) and not (rest.startswith(("der ", "des ")) or rest.split(" (")[0] in PLACES):
        return False
    return _org_ok(value)


# institution words that end an unknown "place" ("lebt in Pflegeheim", "in Wohngruppe"); real places are looked up first
_NOT_PLACE_ENDINGS = ("heim", "einrichtung", "wohnen", "haus", "zentrum", "gruppe", "familie", "stätte", "station", "klinik")
_CITY_PREFIX = frozenset({"Bad", "Sankt", "St.", "Schwäbisch", "Königs", "Hannoversch", "Leipziger", "Neu", "Alt", "Groß", "Klein"})


def _place_ok(value: str) -> bool:
    """No word of the place is a medical or ordinary noun ("in Ruhe", "Verlauf, 12.03.2021")."""
    words = [w for w in re.split(r"[ \-]", value) if w[:1].isupper() and w not in _CITY_PREFIX]
    return bool(words) and not any(
        is_medical(w)
        or w.capitalize() in NOT_PLACES
        or w.lower() in RELATIONS
        or (w not in PLACES and w.lower().endswith(_NOT_PLACE_ENDINGS))
        for w in words
    )


def _district_ok(value: str) -> bool:
    """ "Berlin-Buch" is a district, "Marburg-Viruskrankheit" a disease."""
    return not any(is_medical(p) for p in value.split("-")[1:])


_PLACE_VERB = (
    r"(?i:wohnhaft|wohnt|wohnte|wohnen|lebt|lebte|leben|lebend|gelebt|geboren|aufgewachsen|ansässig|gemeldet|stammt|stammend|"
    r"verzogen|umgezogen|gezogen|zugezogen|übersiedelt|beheimatet|zu Hause|zuhause)"
)
_DATE_AHEAD = r"(?:\d{1,2}\. ?(?:\d{1,2}\. ?(?:\d{4}|\d{2})|[A-ZÄÖÜ][a-zäöü]+\.? \d{4})|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
_IN = r"(?<![\w\-])(?:in|In|aus|Aus|nach|Nach|IN|AUS|NACH)"


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
    _r("fax", "FAX", rf"(?:Fax|Telefax|FAX)(?:-?Nr)?\.?:? *(?:Nr\.?:? *)?(?P<v>{_PHONE_BODY})", 95, _PHONE_OK),
    _r("phone", "PHONE", rf"(?<![\w/+.,\-])(?P<v>{_PHONE_BODY})", 90, _PHONE_OK),
    *(_r(f"id_label:{t.lower()}", t, rf"(?<![\w\-])(?i:{lab}) ?:?[ \t]*(?P<v>{_ID_VALUE})(?![\w/])", 88) for t, lab in _ID_LABELS.items()),
    *(
        _r(
            f"id_label_short:{t.lower()}",
            t,
            rf"(?<![\w\-])(?:{lab})(?![A-Za-z]) ?:?[ \t]*(?P<v>\d{{4}} \d{{6}}(?!\d)|{_ID_VALUE})(?![\w/])",
            88,
            _digits_at_least(5),
        )
        for t, lab in _ID_LABELS_SHORT.items()
    ),
    _r("id_patient", "PATIENT_ID", r"(?<![\w\-/])(?P<v>P\d{6,9})(?![\w\-/])", 80),
    _r("id_case", "CASE_ID", r"(?<![\w\-/])(?P<v>F(?:19|20)\d{8})(?![\w\-/])", 80),
    _r("id_insurance", "INSURANCE_ID", r"(?<![\w\-/])(?P<v>[A-Z]\d{9})(?![\w\-/])", 80),
    _r(
        "id_order",
        "ORDER_ID",
        r"(?<![\w\-/])(?P<v>[A-Z]{1,3}[/\-]?(?:19|20)?\d{2}[/\-]\d{4,7}|[A-Z] \d{4,6}/\d{2}"
        r"|(?:19|20)\d{2}-\d{5,7}|RAD?\d{8,10}|[A-Z]-\d{8,12})(?![\w\-/])",
        80,
    ),
    # a histology/lab number with its year, unlabelled: "(37848/2019: tumorfrei)", "9334a/20"; never a year pair "2019/2020"
    _r(
        "id_year_number",
        "ORDER_ID",
        rf"(?<![\w/.,\-])(?P<v>(?!(?:19|20)\d\d/)\d{{4,6}}[a-z]?/(?:(?:19|20)\d{{2}}|\d{{2}}))(?![\w/\-]|[.,]\d){_NOT_UNIT}",
        76,
    ),
    # Swiss social insurance (AHV) number: "756.1234.5678.97"
    _r("id_ahv", "INSURANCE_ID", r"(?<![\d.])(?P<v>756\.\d{4}\.\d{4}\.\d{2})(?![\d.])", 80),
    _r("id_number", "ORDER_ID", r"(?<![\w\-/.,])(?P<v>\d{8,12})(?![\w\-/]|[.,]\d)", 75),
    _r(
        "ward",
        "ORGANIZATION",
        rf"(?P<v>\b{_WARD_WORD}(?::[ \t]*| )(?:[A-Z]{{1,4}}[ \-]?)?\d{{1,4}}[A-Z]?\b)(?<!\d[RL])(?![.,]\d){_NOT_UNIT}",
        66,
    ),
    _r("ward_roman", "ORGANIZATION", r"(?P<v>\b(?:Station|Intensivstation|Intensiv|IMC|ITS)(?::[ \t]*| )[IVX]{1,4}[a-c]?)(?![\w.\-])", 66),
    # "Onkologie A33", "Ambulanz CH12": a department word and a letter+digit code
    _r("ward_dept", "ORGANIZATION", rf"\b{_DEPT_WORD}[ \-](?P<v>[A-Z]{{1,4}}-?\d{{1,3}}[a-z]?)(?![\w\-]|[.,]\d)", 64, _ward_ok),
    # "mehrere Aufenthalte auf PSY13, zuvor auf KJPP-2", "Verlegung auf die ITS-2"
    _r(
        "ward_on",
        "ORGANIZATION",
        r"(?<![\w\-])(?:auf|Auf)(?: die| der)?(?: Station)? (?P<v>[A-Z]{2,5}-?\d{1,3}[a-z]?)(?![\w\-]|[.,]\d)",
        64,
        _ward_ok,
    ),
    _r("room", "ORDER_ID", r"\b(?:Zi\.?|Zimmer|Zi\.?-Nr\.?|Zimmer-?Nr\.?)(?::[ \t]*| )(?P<v>\d{1,4}[a-z]?)(?![\w.,]|[.,]\d)", 64),
    _r("org", "ORGANIZATION", rf"(?P<v>\b(?:{_CHAIN})?(?:{_KIND}(?:{_ORG_GEN})?{_ORG_PLACE}|(?:{_KIND}|KH){_ORG_GEN}))", 65, _org_ok),
    _r(
        "org_compound",
        "ORGANIZATION",
        rf"(?P<v>(?<![\w\-])(?:{_COMPOUND_KIND}|{_NAMED_KIND})(?:{_ORG_GEN})?(?:{_ORG_PLACE})?)(?![\w\-])",
        65,
        _compound_ok,
    ),
    _r("org_abbr", "ORGANIZATION", rf"(?P<v>\b{_ABBR_KIND}(?:{_ORG_GEN}(?:{_ORG_PLACE})?|{_ORG_PLACE}))", 65, _org_ok),
    # "LK Zwettl" (Landesklinikum): "LK" is mostly a lymph node, so only before a known place
    _r("org_lk", "ORGANIZATION", rf"(?P<v>\bLK {PLACE_RE})", 65),
    _r(
        "org_upper",
        "ORGANIZATION",
        rf"(?P<v>(?<![\w\-])(?:{_UPPER_KIND}|ST\.-[A-ZÄÖÜ]+-(?:KRANKENHAUS|HOSPITAL|KLINIK))(?! (?:FÜR|UND|MIT|AM|IM)\b)"
        rf"(?: (?:DER|DES) [A-ZÄÖÜ]{{3,}})? "
        rf"(?!(?:FÜR|UND|DER|DES|MIT|AM|IM)\b)(?:(?:ST\.|BAD|SANKT) )?{_UPPER_CITY}"
        rf"(?:-(?:MITTE|NORD|SÜD|OST|WEST))?)\b",
        65,
        lambda v: not any(is_medical(w) for w in v.split()[1:] if w not in ("DER", "DES")),
    ),
    # universities (the letterhead's "Akademisches Lehrkrankenhaus der Otto-Waalkes-Universität Borkum")
    _r(
        "university",
        "ORGANIZATION",
        rf"(?P<v>(?<![\w\-])(?:(?:{_CAP}-)+Universität|(?:Medizinische |Technische |Freie )?(?:Universität|Hochschule))(?!-)(?: (?:zu )?{CITY})?)",
        63,
        lambda v: "-" in v.split(" ")[0] or (" " in v and _place_ok(v.split(" ", 1)[1].removeprefix("zu "))),
    ),
    _r(
        "practice",
        "ORGANIZATION",
        rf"(?P<v>\b(?:Gemeinschafts)?[Pp]raxis (?:Dr\. (?:med\. )?){_CAPW}(?: (?:und|&) (?:Dr\. )?{_CAPW})?)",
        67,
    ),
    _r(
        "street",
        "STREET",
        rf"(?P<v>\b(?:(?:Alte|Neue|Obere|Untere|Große|Kleine|Lange|Hohe|Breite)[rns]? )?(?:(?:{_PART}-)*[A-ZÄÖÜ][a-zäöüß]*{_SFX_LOWER}"
        rf"|(?:{_CAP} )?(?:{_PART}-)*{_SFX_TITLE}) {_HOUSE_NO}){_NOT_UNIT}",
        72,
    ),
    _r(
        "street_before_postal",
        "STREET",
        rf"(?:^|[,:·|] |wohnhaft |Anschrift:? |Adresse:? )(?P<v>(?:(?:Am|An|Auf|Im|In|Zum|Zur|Unter|Hinter|Vor|Alte[rs]?|Neue[rs]?) "
        rf"(?:der |den |dem )?)?{_CAP}(?:[- ]{_CAP})*\.? {_HOUSE_NO}) ?(?:,|·|\||\n)[ \t]*(?=(?:{_ZIP}|{_ZIP4}) )",
        72,
        flags=re.M,
    ),
    # Austrian/Swiss order: the street on the line after the postcode ("A-3336 St. Johann am Bergle\nSonnblick 32,")
    _r(
        "street_after_postal",
        "STREET",
        rf"^[ \t]*(?:{_ZIP}|{_ZIP4})[ \t]+{CITY}[ \t]*,?[ \t]*\n[ \t]*(?P<v>(?:{_PART}[ \-])*{_CAP}\.? {_HOUSE_NO})[ \t]*,?[ \t]*$",
        72,
        flags=re.M,
    ),
    _r(
        "street_after_city",
        "STREET",
        rf"{_ZIP}[ \t]+{CITY}, (?P<v>(?:{_PART}[ \-])*{_CAP}\.? {_HOUSE_NO})(?=[ \t]*(?:[,;\n]|$))",
        72,
        flags=re.M,
    ),
    _r(
        "postal_city",
        "POSTAL_CITY",
        rf"(?<![\w/\-.,])(?P<v>{_ZIP}[ \t]{{1,3}}(?!Einheiten|Stück|Zellen|Kopien)(?:{CITY}|{_UPPER_CITY}\b))",
        71,
    ),
    # a bare 4-digit postcode (Austria, Switzerland): before a known place, or on the line after a house number
    _r("postal_city_4", "POSTAL_CITY", rf"(?<![\w/\-.,:])(?P<v>{_ZIP4}[ \t]{{1,3}}{PLACE_RE})", 70, _district_ok),
    _r(
        "postal_city_4_address",
        "POSTAL_CITY",
        rf"(?:^[ \t]*(?:{_PART}[ \-])*{_CAP}\.? {_HOUSE_NO}[ \t]*,?[ \t]*\n[ \t]*|(?:{_SFX_LOWER}|{_SFX_TITLE}) {_HOUSE_NO}, )"
        rf"(?P<v>{_ZIP4}[ \t]{{1,3}}(?:{CITY}|{_UPPER_CITY}\b))(?=[ \t]*(?:$|[,;\n]))",
        70,
        _place_ok,
        flags=re.M,
    ),
    # the place of a letter before its date: "Berlin, den 22.06.2032", "\t\tNeustadt, am 12.3.2023", "Neustadt, 17.10.2029/RAD"
    _r(
        "place_date",
        "POSTAL_CITY",
        rf"^[ \t]*(?P<v>{CITY}|[A-ZÄÖÜ]{{3,}}(?:-[A-ZÄÖÜ]{{3,}})?),[ \t]*"
        rf"(?:(?:den|d\.)[ \t]+(?={_DATE_AHEAD})|(?:am[ \t]+)?(?={_DATE_AHEAD}(?:[ \t]*$|/|[ \t]{{2,}})))",
        45,
        _place_ok,
        flags=re.M,
    ),
    # a known city or country after a preposition ("Schule in Jena", "in Peru gelebt", "aus der Türkei"); ambiguous words excluded
    _r("place_known", "POSTAL_CITY", rf"{_IN}[ \t]+(?:der |dem |den )?(?P<v>{PLACE_RE})", 44, _district_ok),
    # "Reha in Bad Wildbad", "in St. Johann im Pongau": a spa or saint's town even when unknown
    _r(
        "place_bad",
        "POSTAL_CITY",
        rf"{_IN}[ \t]+(?P<v>(?:Bad|Sankt|St\.) {_CAPW}(?: (?:am|an der|im|in der|ob der) {_CAPW})?)",
        44,
        _place_ok,
    ),
    _r(
        "place_region",
        "POSTAL_CITY",
        rf"\b(?:Großraum|Raum|Landkreis|Kreis|Bezirk|Kanton|Gemeinde|Stadt) (?P<v>{PLACE_RE})",
        44,
        _district_ok,
    ),
    # an unknown place with a clear place verb: "wohnhaft in Opfing", "in Wiesental aufgewachsen", "Wohnort: Opfing"
    _r(
        "place_context",
        "POSTAL_CITY",
        rf"\b{_PLACE_VERB}(?: (?:jetzt|derzeit|bisher|zuletzt|ursprünglich|seit \d{{4}}))? (?:in|aus|nach) (?P<v>{CITY})",
        43,
        _place_ok,
    ),
    _r(
        "place_label",
        "POSTAL_CITY",
        rf"(?<![\w\-])(?:Wohnort|Geburtsort|Heimatort|Herkunftsort|Herkunftsland|Herkunft|Ort)[ \t]*:[ \t]*(?P<v>{CITY})",
        43,
        _place_ok,
    ),
    _r("place_context_after", "POSTAL_CITY", rf"{_IN} (?P<v>{CITY}) {_PLACE_VERB}\b", 43, _place_ok),
    # a known place alone on its line (letterhead, address block)
    _r("place_line", "POSTAL_CITY", rf"^[ \t]*(?P<v>{PLACE_RE})[ \t]*$", 42, _district_ok, flags=re.M),
    _r("age_jaehrig", "AGE", r"(?<![\d,.])(?P<v>\d{1,3})(?= ?- ?[jJ]ährig|[jJ]ährig)", 60),
    _r(
        "age_years",
        "AGE",
        r"(?:[(,] ?|Alter:? |Alter von |[Mm]it )(?P<v>\d{1,3})(?= ?(?:J\.|Jahre\b|Jahren\b))"
        r"(?! ?J(?:ahre|\.) (?:nach|vor|später|zuvor))",
        60,
    ),
    _r("age_alt", "AGE", r"(?<![\d,.])(?P<v>\d{1,3})(?= (?:Jahre|J\.) alte?[rn]?\b)", 60),
)

BIRTH_CONTEXT = re.compile(r"(?:\bgeb(?:oren)?\.?(?: *am)?|Geb(?:urts)?\.?-?[Dd]at(?:um|\.)?|Geburtsdatum|GebDat|\*|Geb\.?)[: ]*$")
