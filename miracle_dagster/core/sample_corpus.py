"""Synthetic German clinical document corpus with exact PHI ground truth.

Real hospital documents cannot ship with the project, so this module generates a realistic stand-in:
radiology reports, discharge letters (Arztbriefe), pathology reports and operation notes for patients that
have several cases across specialties and years. Every piece of protected health information (PHI) the
generator inserts is recorded with its exact character span, which makes the corpus the ground truth for
pseudonymization tests.

Design:
- Documents are assembled from pieces by :class:`_Doc`, which tracks the write offset, so a PHI span is
  recorded at the moment its text is appended (no searching afterwards, no ambiguity).
- Content comes from phrase pools (diagnoses with ICD-10-GM codes, findings, lab panels with units and
  reference ranges, medication plans, TNM, OPS codes) combined at random; templates use ``{slot}``
  placeholders. Lower-case slots are non-PHI fillers (side, size, ...), upper-case slots insert PHI
  (``{PNAME}``, ``{D+2}``, ``{RELDAT}``, ...) through the span-tracking builder.
- Deterministic: everything draws from one ``random.Random(seed)`` and one seeded ``Faker('de_DE')``
  instance; the global random state is never touched.

No Dagster import: used by assets, the CLI and tests alike.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from faker import Faker

from miracle_dagster.core.schema import (
    DEFAULT_SPECIALTIES,
    DEFAULT_YEARS,
    DISCHARGE_LETTER,
    OPERATION_NOTE,
    PATHOLOGY_REPORT,
    PHI_TYPES,
    RADIOLOGY_REPORT,
    REQUIRED_REPORT_COLUMNS,
    SECTION_HEADINGS,
)

try:  # German disease / allergy vocabulary from faker-healthcare-provider (a declared dependency)
    from faker_healthcare.de_DE.constants import ALLERGIES as _FH_ALLERGIES
    from faker_healthcare.de_DE.disease_correlations import DISEASE_CORRELATIONS as _FH_DISEASES
except Exception:  # pragma: no cover - optional vocabulary
    _FH_ALLERGIES = ()
    _FH_DISEASES = {}

__all__ = [
    "SampleCorpus",
    "generate_corpus",
    "write_sample_source",
    "corpus_summary",
    "BAD_ROW_REASONS",
]

# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------

_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def _de(x: float, nd: int = 1) -> str:
    """German decimal formatting: 11.2 -> '11,2'."""
    if nd <= 0:
        return str(int(round(x)))
    return f"{x:.{nd}f}".replace(".", ",")


def _fmt_date(d: _dt.date, style: str) -> str:
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


_DOC_DATE_STYLES = ("dmy",) * 8 + ("dmy_short", "dmy2", "long", "long")
_STAY_DATE_STYLES = ("dmy",) * 6 + ("dm", "dm", "dmy_short", "long")
_HIST_DATE_STYLES = ("mm_yyyy", "mm_yyyy", "month", "month", "dmy", "dmy_short", "long")


def _age(birth: _dt.date, on: _dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _ascii(s: str) -> str:
    s = s.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e"), ("è", "e"), ("á", "a")):
        s = s.replace(a, b)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "x"


# --------------------------------------------------------------------------------------------------
# non-PHI template slots ({side}, {mm}, ...). Values are cached per document so that a finding and
# its impression mention the same side / size.
# --------------------------------------------------------------------------------------------------


def _r(a: float, b: float, nd: int = 1) -> Callable[[random.Random], str]:
    return lambda rng: _de(rng.uniform(a, b), nd)


def _i(a: int, b: int) -> Callable[[random.Random], str]:
    return lambda rng: str(rng.randint(a, b))


def _c(*options: str) -> Callable[[random.Random], str]:
    return lambda rng: rng.choice(options)


_SLOTS: dict[str, Callable[[random.Random], str]] = {
    "side": _c("links", "rechts"),
    "sa": _c("li.", "re."),
    "mm": _i(6, 38),
    "mm2": _i(4, 24),
    "mmS": _i(2, 9),
    "mmL": _i(25, 85),
    "cm": _r(1.2, 6.8),
    "cm2": _r(0.8, 4.5),
    "ml": _i(8, 65),
    "seg": _c(*_ROMAN[1:]),
    "lobe": _c("Oberlappen", "Unterlappen", "Oberlappen", "Unterlappen", "Mittellappen"),
    "lvl": _c("L4/5", "L5/S1", "L3/4", "L4/5", "L5/S1"),
    "clvl": _c("C5/6", "C6/7", "C4/5"),
    "vert": _c("LWK 1", "BWK 12", "LWK 2", "BWK 11", "LWK 3"),
    "vessel": _c("RIVA", "RCX", "RCA", "RIVA", "R. intermedius", "RIVA proximal", "RCA medial"),
    "vessel2": _c("RCX", "RCA distal", "R. marginalis sinister", "R. diagonalis 1", "RIVP"),
    "gef": _c("1", "2", "3", "3"),
    "sten": _i(70, 99),
    "ef": _i(25, 58),
    "ef2": _i(35, 60),
    "n": _i(2, 6),
    "n2": _i(2, 9),
    "days": _i(2, 14),
    "weeks": _i(2, 8),
    "months": _i(3, 12),
    "nlk": _i(12, 32),
    "pct": _i(5, 95),
    "ki": _i(5, 90),
    "erpct": _c("90", "95", "100", "80", "60", "0"),
    "prpct": _c("80", "70", "20", "0", "90", "40"),
    "her2": _c("0", "1+", "2+ (ISH negativ)", "3+", "1+"),
    "pdl1": _i(1, 95),
    "gleason": _c("3+3=6 (ISUP-Gradgruppe 1)", "3+4=7a (ISUP-Gradgruppe 2)", "4+3=7b (ISUP-Gradgruppe 3)",
                  "4+4=8 (ISUP-Gradgruppe 4)", "4+5=9 (ISUP-Gradgruppe 5)"),
    "breslow": _r(0.3, 4.8, 1),
    "nihss": _i(1, 18),
    "nihss2": _i(0, 6),
    "mrs": _i(0, 4),
    "aspects": _i(6, 10),
    "ecog": _c("0", "1", "1", "2"),
    "cyc": _i(2, 8),
    "hf": _i(52, 128),
    "hf_hi": _i(118, 168),
    "sys": _i(105, 185),
    "sys_hi": _i(190, 235),
    "dia": _i(55, 105),
    "spo2": _i(88, 99),
    "temp": _r(36.3, 37.4, 1),
    "fever": _r(38.2, 39.8, 1),
    "bmi": _r(19.5, 38.0, 1),
    "py": _i(10, 60),
    "gcs": _i(9, 14),
    "ctr": _i(55, 68),
    "rvlv": _r(1.05, 1.6, 2),
    "agatston": _i(0, 1400),
    "spleen": _r(9.5, 12.5, 1),
    "lc": _r(12.0, 16.5, 1),
    "lc_hi": _r(17.0, 21.0, 1),
    "bcl": _r(0.5, 3.5, 1),
    "dose": _c("2", "2,5", "3", "1,8"),
    "gy": _c("50,4", "45", "60", "66", "30", "20"),
    "hb": _r(6.2, 9.8, 1),
    "trans": _i(1, 4),
    "plasma": _i(15, 70),
    "pack": _i(2, 12),
    "oside": _c("links", "rechts"),  # overridden to the opposite of {side} when side is cached
    "pauwels": _c("I", "II", "III"),
    "garden": _c("III", "IV", "III"),
    "weber": _c("B", "B", "C"),
    "ao": _c("31-A1", "31-A2", "31-A2", "31-A3"),
    "kl": _c("II", "III", "IV", "III"),
    "fontaine": _c("IIa", "IIb", "IIb", "III"),
    "nyha": _c("II", "III", "III", "IV"),
    "gold": _c("2", "3", "3", "4"),
    "hoehn": _c("2", "2,5", "3", "4"),
    "birads": _c("4", "4", "5"),
    "deauville": _c("2", "3", "4", "5"),
    "tmin": _i(35, 190),
    "gb": _r(6.5, 11.0, 1),
    "colcm": _i(18, 42),
    "job": _c("Verwaltung", "Einzelhandel", "Landwirtschaft", "Baugewerbe", "Pflege", "IT-Branche", "Gastronomie", "Schuldienst",
              "berentet", "berentet", "berentet", "Logistik", "Handwerk", "arbeitssuchend"),
    "redon": _i(1, 2),
    "hstock": _c("IIa", "IIb", "IIa"),
    "cdd": _c("1b", "2a", "2b"),
}

# Gendered wording (not PHI): keys usable as {slot} in templates.
_GENDER = {
    "m": {
        "Pat": "Der Patient", "pat": "der Patient", "Der": "Der", "der": "der", "Patient": "Patient",
        "patient_gen": "Patienten", "gen_art": "des", "dat_art": "dem", "Herr": "Herr", "Herrn": "Herrn",
        "Er": "Er", "er": "er", "sein": "sein", "Sein": "Sein", "ihn": "ihn", "ihm": "ihm", "den": "den Patienten",
        "dem": "dem Patienten", "jaehrige": "jähriger", "Hr": "Hr.", "ein": "ein",
    },
    "f": {
        "Pat": "Die Patientin", "pat": "die Patientin", "Der": "Die", "der": "die", "Patient": "Patientin",
        "patient_gen": "Patientin", "gen_art": "der", "dat_art": "der", "Herr": "Frau", "Herrn": "Frau",
        "Er": "Sie", "er": "sie", "sein": "ihr", "Sein": "Ihr", "ihn": "sie", "ihm": "ihr", "den": "die Patientin",
        "dem": "der Patientin", "jaehrige": "jährige", "Hr": "Fr.", "ein": "eine",
    },
}


# --------------------------------------------------------------------------------------------------
# Laboratory: key -> (display names, unit, ref male, ref female (None = same), decimals, high range, low range)
# --------------------------------------------------------------------------------------------------

_LABS: dict[str, tuple] = {
    "Hb": (("Hb", "Hämoglobin"), "g/dl", (13.5, 17.5), (12.0, 16.0), 1, (17.8, 19.5), (6.8, 11.4)),
    "Leuko": (("Leukozyten", "Leukos"), "/nl", (4.0, 10.0), None, 1, (11.5, 28.0), (0.4, 3.6)),
    "Thrombo": (("Thrombozyten", "Thrombos"), "/nl", (150, 400), None, 0, (420, 720), (18, 135)),
    "Na": (("Natrium", "Na"), "mmol/l", (135, 145), None, 0, (146, 156), (118, 133)),
    "K": (("Kalium", "K"), "mmol/l", (3.5, 5.1), None, 1, (5.3, 6.8), (2.6, 3.4)),
    "Krea": (("Kreatinin", "Krea"), "mg/dl", (0.7, 1.2), (0.5, 0.9), 2, (1.4, 4.9), (0.3, 0.45)),
    "GFR": (("eGFR (CKD-EPI)", "GFR"), "ml/min/1,73m²", (60, 120), None, 0, (121, 130), (12, 55)),
    "Hst": (("Harnstoff",), "mg/dl", (17, 43), None, 0, (55, 190), (8, 15)),
    "CRP": (("CRP", "C-reaktives Protein"), "mg/l", (0, 5), None, 1, (18, 310), (0, 0)),
    "PCT": (("PCT", "Procalcitonin"), "ng/ml", (0, 0.5), None, 2, (0.8, 24.0), (0, 0)),
    "TnT": (("hs-Troponin T", "Troponin T (hs)", "hsTnT"), "ng/l", (0, 14), None, 0, (38, 2400), (0, 0)),
    "BNP": (("NT-proBNP",), "pg/ml", (0, 125), None, 0, (900, 24000), (0, 0)),
    "CK": (("CK", "Kreatinkinase"), "U/l", (0, 190), (0, 170), 0, (240, 2600), (0, 0)),
    "GOT": (("GOT (AST)", "GOT", "AST"), "U/l", (0, 50), (0, 35), 0, (62, 480), (0, 0)),
    "GPT": (("GPT (ALT)", "GPT", "ALT"), "U/l", (0, 50), (0, 35), 0, (60, 520), (0, 0)),
    "GGT": (("GGT", "γ-GT"), "U/l", (0, 60), (0, 40), 0, (85, 640), (0, 0)),
    "Bili": (("Bilirubin ges.", "Gesamtbilirubin"), "mg/dl", (0.1, 1.2), None, 1, (1.6, 8.5), (0, 0)),
    "Lipase": (("Lipase",), "U/l", (13, 60), None, 0, (190, 3800), (0, 0)),
    "HbA1c": (("HbA1c",), "%", (4.0, 6.0), None, 1, (7.1, 12.8), (0, 0)),
    "Gluc": (("Glukose", "BZ", "Blutzucker"), "mg/dl", (70, 110), None, 0, (180, 520), (38, 62)),
    "LDL": (("LDL-Cholesterin", "LDL-C"), "mg/dl", (0, 116), None, 0, (130, 210), (0, 0)),
    "TSH": (("TSH basal", "TSH"), "mU/l", (0.27, 4.2), None, 2, (5.5, 38.0), (0.01, 0.2)),
    "INR": (("INR",), "", (0.9, 1.2), None, 2, (1.4, 3.8), (0, 0)),
    "Quick": (("Quick",), "%", (70, 120), None, 0, (121, 125), (22, 65)),
    "PTT": (("aPTT", "PTT"), "s", (25, 37), None, 0, (39, 72), (0, 0)),
    "DDim": (("D-Dimere",), "mg/l FEU", (0, 0.5), None, 2, (0.9, 12.0), (0, 0)),
    "Lakt": (("Laktat",), "mmol/l", (0.5, 2.2), None, 1, (2.6, 7.8), (0, 0)),
    "Alb": (("Albumin",), "g/dl", (3.5, 5.2), None, 1, (5.3, 5.5), (1.8, 3.2)),
    "Ferr": (("Ferritin",), "µg/l", (30, 400), (13, 150), 0, (600, 2200), (2, 11)),
    "LDH": (("LDH",), "U/l", (0, 250), None, 0, (280, 1400), (0, 0)),
    "CEA": (("CEA",), "ng/ml", (0, 5), None, 1, (7.5, 160.0), (0, 0)),
    "CA199": (("CA 19-9",), "U/ml", (0, 37), None, 0, (60, 2400), (0, 0)),
    "PSA": (("PSA", "PSA gesamt"), "ng/ml", (0, 4), None, 2, (6.5, 85.0), (0, 0)),
    "Calc": (("Calcium", "Kalzium"), "mmol/l", (2.15, 2.55), None, 2, (2.7, 3.4), (1.7, 2.05)),
    "NH3": (("Ammoniak",), "µmol/l", (11, 51), None, 0, (70, 190), (0, 0)),
    "Neutro": (("Neutrophile abs.", "Neutrophile"), "/nl", (1.8, 7.7), None, 2, (8.0, 20.0), (0.05, 0.9)),
}
_BASE_PANEL = ("Hb", "Leuko", "Thrombo", "Na", "K", "Krea", "GFR", "CRP")
_RANDOM_ABNORMAL = frozenset(("Hb", "Leuko", "Thrombo", "Na", "K", "CRP", "GGT", "Gluc", "LDL"))

# --------------------------------------------------------------------------------------------------
# Medication: key -> (name variants, doses, schedules)
# --------------------------------------------------------------------------------------------------

_MEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "ASS": (("ASS", "Acetylsalicylsäure"), ("100 mg",), ("1-0-0",)),
    "Clopidogrel": (("Clopidogrel",), ("75 mg",), ("1-0-0",)),
    "Ticagrelor": (("Ticagrelor",), ("90 mg",), ("1-0-1",)),
    "Prasugrel": (("Prasugrel",), ("10 mg", "5 mg"), ("1-0-0",)),
    "Atorvastatin": (("Atorvastatin",), ("20 mg", "40 mg", "80 mg"), ("0-0-1",)),
    "Rosuvastatin": (("Rosuvastatin",), ("10 mg", "20 mg"), ("0-0-1",)),
    "Simvastatin": (("Simvastatin",), ("20 mg", "40 mg"), ("0-0-1",)),
    "Ezetimib": (("Ezetimib",), ("10 mg",), ("0-0-1",)),
    "Bisoprolol": (("Bisoprolol",), ("1,25 mg", "2,5 mg", "5 mg", "10 mg"), ("1-0-0", "1-0-1")),
    "Metoprolol": (("Metoprololsuccinat", "Metoprolol retard"), ("23,75 mg", "47,5 mg", "95 mg"), ("1-0-1", "1-0-0")),
    "Ramipril": (("Ramipril",), ("2,5 mg", "5 mg", "10 mg"), ("1-0-0", "1-0-1")),
    "Candesartan": (("Candesartan",), ("8 mg", "16 mg", "32 mg"), ("1-0-0",)),
    "Valsartan": (("Valsartan",), ("80 mg", "160 mg"), ("1-0-1", "1-0-0")),
    "Sacubitril": (("Sacubitril/Valsartan",), ("24/26 mg", "49/51 mg", "97/103 mg"), ("1-0-1",)),
    "Amlodipin": (("Amlodipin",), ("5 mg", "10 mg"), ("1-0-0", "0-0-1")),
    "HCT": (("Hydrochlorothiazid", "HCT"), ("12,5 mg", "25 mg"), ("1-0-0",)),
    "Torasemid": (("Torasemid",), ("5 mg", "10 mg", "20 mg"), ("1-0-0", "1-1-0")),
    "Furosemid": (("Furosemid",), ("20 mg", "40 mg"), ("1-0-0", "1-1-0")),
    "Spironolacton": (("Spironolacton",), ("25 mg", "50 mg"), ("1-0-0",)),
    "Dapagliflozin": (("Dapagliflozin",), ("10 mg",), ("1-0-0",)),
    "Empagliflozin": (("Empagliflozin",), ("10 mg", "25 mg"), ("1-0-0",)),
    "Apixaban": (("Apixaban",), ("5 mg", "2,5 mg"), ("1-0-1",)),
    "Rivaroxaban": (("Rivaroxaban",), ("20 mg", "15 mg"), ("0-0-1", "1-0-0")),
    "Edoxaban": (("Edoxaban",), ("60 mg", "30 mg"), ("1-0-0",)),
    "Phenprocoumon": (("Phenprocoumon",), ("3 mg",), ("nach INR (Ziel 2,0–3,0)",)),
    "Amiodaron": (("Amiodaron",), ("200 mg",), ("1-0-0",)),
    "Digitoxin": (("Digitoxin",), ("0,07 mg", "0,05 mg"), ("1-0-0",)),
    "Metformin": (("Metformin",), ("500 mg", "850 mg", "1000 mg"), ("1-0-1",)),
    "Sitagliptin": (("Sitagliptin",), ("50 mg", "100 mg"), ("1-0-0",)),
    "Glargin": (("Insulin glargin",), ("10 IE", "14 IE", "18 IE", "24 IE"), ("0-0-1",)),
    "Aspart": (("Insulin aspart", "Insulin lispro"), ("nach Schema",), ("zu den Mahlzeiten",)),
    "LThyroxin": (("Levothyroxin", "L-Thyroxin"), ("50 µg", "75 µg", "100 µg", "125 µg"), ("1-0-0 (nüchtern)", "1-0-0")),
    "Thiamazol": (("Thiamazol",), ("10 mg", "20 mg"), ("1-0-0",)),
    "Pantoprazol": (("Pantoprazol",), ("20 mg", "40 mg"), ("1-0-0", "1-0-1")),
    "Metamizol": (("Metamizol", "Novaminsulfon"), ("500 mg",), ("1-1-1-1 b.B.", "bis 4x tgl. b.B.", "1-1-1")),
    "Ibuprofen": (("Ibuprofen",), ("400 mg", "600 mg"), ("1-1-1 b.B.", "1-0-1")),
    "Paracetamol": (("Paracetamol",), ("500 mg", "1000 mg"), ("1-1-1 b.B.", "bis 4x tgl. b.B.")),
    "Tilidin": (("Tilidin/Naloxon retard",), ("50/4 mg", "100/8 mg"), ("1-0-1",)),
    "Oxycodon": (("Oxycodon/Naloxon",), ("5/2,5 mg", "10/5 mg", "20/10 mg"), ("1-0-1",)),
    "Hydromorphon": (("Hydromorphon retard",), ("4 mg", "8 mg"), ("1-0-1",)),
    "Macrogol": (("Macrogol",), ("13,1 g",), ("1-0-0", "1-0-0 b.B.")),
    "Enoxaparin": (("Enoxaparin",), ("40 mg s.c.", "0,4 ml s.c."), ("0-0-1",)),
    "Amoxiclav": (("Amoxicillin/Clavulansäure",), ("875/125 mg",), ("1-0-1", "1-1-1")),
    "Cefuroxim": (("Cefuroxim",), ("500 mg",), ("1-0-1",)),
    "Ciprofloxacin": (("Ciprofloxacin",), ("500 mg",), ("1-0-1",)),
    "Cotrim": (("Cotrimoxazol",), ("960 mg",), ("1-0-1",)),
    "Doxycyclin": (("Doxycyclin",), ("100 mg",), ("1-0-1", "1-0-0")),
    "Levetiracetam": (("Levetiracetam",), ("500 mg", "750 mg", "1000 mg"), ("1-0-1",)),
    "Lamotrigin": (("Lamotrigin",), ("50 mg", "100 mg"), ("1-0-1",)),
    "Valproat": (("Valproinsäure",), ("300 mg", "500 mg"), ("1-0-1",)),
    "LDopa": (("L-Dopa/Benserazid", "Levodopa/Carbidopa"), ("100/25 mg", "200/50 mg"), ("1-1-1", "1-1-1-1")),
    "LDopaRet": (("L-Dopa/Benserazid retard",), ("100/25 mg",), ("0-0-1", "0-0-0-1")),
    "Pramipexol": (("Pramipexol",), ("0,18 mg", "0,35 mg", "0,7 mg"), ("1-1-1", "0-0-1")),
    "Rasagilin": (("Rasagilin",), ("1 mg",), ("1-0-0",)),
    "Prednisolon": (("Prednisolon",), ("5 mg", "10 mg", "20 mg", "40 mg", "50 mg"), ("1-0-0", "1-0-0, ausschleichend")),
    "Dexamethason": (("Dexamethason",), ("4 mg", "8 mg"), ("1-0-0", "1-1-0")),
    "Mesalazin": (("Mesalazin",), ("1,5 g", "3 g", "1 g"), ("1-0-1", "1-0-0")),
    "Azathioprin": (("Azathioprin",), ("50 mg", "100 mg", "150 mg"), ("1-0-0",)),
    "Budesonid": (("Budesonid",), ("9 mg", "3 mg"), ("1-0-0",)),
    "Allopurinol": (("Allopurinol",), ("100 mg", "300 mg"), ("1-0-0",)),
    "Eisen": (("Eisen(II)-sulfat",), ("100 mg",), ("1-0-0", "0-1-0")),
    "VitD": (("Colecalciferol", "Vitamin D3"), ("1000 IE", "20.000 IE"), ("1-0-0", "1x/Woche")),
    "Alendron": (("Alendronsäure",), ("70 mg",), ("1x/Woche (nüchtern)",)),
    "Tamsulosin": (("Tamsulosin",), ("0,4 mg",), ("0-0-1",)),
    "Mirtazapin": (("Mirtazapin",), ("15 mg", "30 mg"), ("0-0-1",)),
    "Sertralin": (("Sertralin",), ("50 mg", "100 mg"), ("1-0-0",)),
    "Citalopram": (("Citalopram",), ("10 mg", "20 mg"), ("1-0-0",)),
    "Donepezil": (("Donepezil",), ("5 mg", "10 mg"), ("0-0-1",)),
    "Gabapentin": (("Gabapentin",), ("300 mg", "600 mg"), ("1-1-1",)),
    "Pregabalin": (("Pregabalin",), ("75 mg", "150 mg"), ("1-0-1",)),
    "Ondansetron": (("Ondansetron",), ("4 mg", "8 mg"), ("b.B. bis 2x tgl.", "1-0-1 b.B.")),
    "MCP": (("Metoclopramid", "MCP"), ("10 mg",), ("b.B. bis 3x tgl.",)),
    "Letrozol": (("Letrozol",), ("2,5 mg",), ("1-0-0",)),
    "Tamoxifen": (("Tamoxifen",), ("20 mg",), ("1-0-0",)),
    "Anastrozol": (("Anastrozol",), ("1 mg",), ("1-0-0",)),
    "Cotrim_pro": (("Cotrimoxazol forte",), ("960 mg",), ("Mo/Mi/Fr 1-0-0",)),
    "Aciclovir": (("Aciclovir",), ("400 mg",), ("1-0-1",)),
    "Salbutamol": (("Salbutamol DA",), ("100 µg",), ("2 Hübe b.B.",)),
    "Formoterol": (("Budesonid/Formoterol",), ("160/4,5 µg",), ("2-0-2 Hübe", "1-0-1 Hübe")),
    "Tiotropium": (("Tiotropium",), ("2,5 µg", "18 µg"), ("2 Hübe 1-0-0", "1-0-0")),
    "UDCA": (("Ursodeoxycholsäure",), ("250 mg", "500 mg"), ("1-0-1",)),
    "Lactulose": (("Lactulose",), ("10 ml", "20 ml"), ("1-1-1", "1-0-1")),
    "Rifaximin": (("Rifaximin",), ("550 mg",), ("1-0-1",)),
    "Propranolol": (("Propranolol",), ("20 mg", "40 mg"), ("1-0-1",)),
    "Nitro": (("Glyceroltrinitrat-Spray", "Nitro-Spray"), ("0,4 mg",), ("1-2 Hübe b.B.",)),
    "Pyridostigmin": (("Pyridostigmin",), ("60 mg",), ("1-1-1", "1-1-1-1")),
    "Carbamazepin": (("Carbamazepin retard",), ("200 mg", "400 mg"), ("1-0-1",)),
    "Sumatriptan": (("Sumatriptan",), ("50 mg", "100 mg"), ("b.B., max. 2x tgl.",)),
    "Topiramat": (("Topiramat",), ("25 mg", "50 mg"), ("0-0-1", "1-0-1")),
    "Dimethylfumarat": (("Dimethylfumarat",), ("240 mg",), ("1-0-1",)),
    "Melperon": (("Melperon",), ("25 mg", "50 mg"), ("0-0-1", "0-0-1 b.B.")),
    "Cefpodoxim": (("Cefpodoxim",), ("200 mg",), ("1-0-1",)),
    "Kalium": (("Kaliumchlorid retard",), ("600 mg (8 mmol)",), ("1-1-1", "1-0-1")),
    "Zopiclon": (("Zopiclon",), ("3,75 mg", "7,5 mg"), ("0-0-1 b.B.",)),
    "Bicalutamid": (("Bicalutamid",), ("50 mg",), ("1-0-0",)),
    "Apalutamid": (("Apalutamid",), ("240 mg",), ("1-0-0",)),
    "Lenalidomid": (("Lenalidomid",), ("10 mg", "25 mg"), ("1-0-0 (Tag 1–21)",)),
}

_MED_GROUPS: dict[str, tuple[str, ...]] = {
    "dapt": ("ASS", "Ticagrelor"),
    "dapt2": ("ASS", "Prasugrel"),
    "dapt3": ("ASS", "Clopidogrel"),
    "statin": ("Atorvastatin",),
    "statin2": ("Rosuvastatin", "Ezetimib"),
    "bb": ("Bisoprolol",),
    "bb2": ("Metoprolol",),
    "acei": ("Ramipril",),
    "arb": ("Candesartan",),
    "hf": ("Sacubitril", "Bisoprolol", "Spironolacton", "Dapagliflozin", "Torasemid"),
    "hf2": ("Ramipril", "Metoprolol", "Spironolacton", "Empagliflozin", "Torasemid"),
    "af": ("Apixaban", "Bisoprolol"),
    "af2": ("Edoxaban", "Metoprolol"),
    "af3": ("Rivaroxaban", "Amiodaron"),
    "htn": ("Amlodipin", "Ramipril"),
    "htn2": ("Candesartan", "HCT"),
    "dm": ("Metformin", "Empagliflozin"),
    "dm2": ("Metformin", "Sitagliptin"),
    "dmi": ("Glargin", "Aspart", "Metformin"),
    "ppi": ("Pantoprazol",),
    "pain": ("Metamizol",),
    "pain2": ("Ibuprofen", "Pantoprazol"),
    "pain3": ("Tilidin", "Metamizol", "Macrogol"),
    "pain_onc": ("Oxycodon", "Metamizol", "Macrogol"),
    "pain_onc2": ("Hydromorphon", "Metamizol", "Macrogol"),
    "copd": ("Formoterol", "Tiotropium", "Salbutamol"),
    "abx": ("Amoxiclav",),
    "abx2": ("Cefuroxim",),
    "abx_uti": ("Cefpodoxim",),
    "abx_cipro": ("Ciprofloxacin",),
    "pred": ("Prednisolon",),
    "epi": ("Levetiracetam",),
    "epi2": ("Lamotrigin",),
    "pd": ("LDopa", "LDopaRet", "Pramipexol"),
    "pd2": ("LDopa", "Rasagilin"),
    "ms": ("Dimethylfumarat", "VitD"),
    "stroke": ("ASS", "Atorvastatin"),
    "stroke_af": ("Apixaban", "Atorvastatin"),
    "ibd": ("Mesalazin",),
    "crohn": ("Budesonid", "Azathioprin"),
    "iron": ("Eisen",),
    "thyroid": ("LThyroxin",),
    "thyroid_hyper": ("Thiamazol", "Propranolol"),
    "liver": ("Spironolacton", "Torasemid", "Propranolol", "Lactulose", "Rifaximin"),
    "vte": ("Rivaroxaban",),
    "vte2": ("Apixaban",),
    "onc_support": ("Ondansetron", "MCP", "Pantoprazol"),
    "onc_pro": ("Cotrim_pro", "Aciclovir"),
    "breast": ("Letrozol",),
    "breast2": ("Tamoxifen",),
    "prostate": ("Apalutamid",),
    "myeloma": ("Lenalidomid", "Aciclovir", "Dexamethason"),
    "brain_tumor": ("Dexamethason", "Levetiracetam", "Pantoprazol"),
    "mg": ("Pyridostigmin", "Prednisolon"),
    "migraine": ("Sumatriptan", "Topiramat"),
    "neuropath": ("Pregabalin",),
    "neuropath2": ("Gabapentin",),
    "trigeminus": ("Carbamazepin",),
    "dementia": ("Donepezil", "Melperon"),
    "thrombo": ("Enoxaparin",),
    "gout": ("Allopurinol",),
    "osteo": ("Alendron", "VitD"),
    "bph": ("Tamsulosin",),
    "dep": ("Sertralin",),
    "dep2": ("Mirtazapin",),
    "dep3": ("Citalopram",),
    "kalium": ("Kalium",),
    "nitro": ("Nitro",),
    "sleep": ("Zopiclon",),
}

# --------------------------------------------------------------------------------------------------
# Chronic comorbidities (patient-level, reused across cases): (text, ICD-10-GM, med group, sex or None)
# --------------------------------------------------------------------------------------------------

_COMORBIDITIES: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("Arterielle Hypertonie", "I10.90", "htn", None),
    ("Arterielle Hypertonie", "I10.90", "htn2", None),
    ("Diabetes mellitus Typ 2, nicht insulinpflichtig", "E11.90", "dm", None),
    ("Diabetes mellitus Typ 2, insulinpflichtig", "E11.90", "dmi", None),
    ("Diabetes mellitus Typ 2 mit diabetischer Polyneuropathie", "E11.40", "dm2", None),
    ("Hypercholesterinämie", "E78.0", "statin", None),
    ("Gemischte Hyperlipidämie", "E78.2", "statin2", None),
    ("Chronische Niereninsuffizienz Stadium G3a", "N18.3", None, None),
    ("Chronische Niereninsuffizienz Stadium G3b (KDIGO)", "N18.3", None, None),
    ("Hypothyreose bei Hashimoto-Thyreoiditis", "E06.3", "thyroid", None),
    ("Z.n. Strumaresektion, substituiert", "E89.0", "thyroid", None),
    ("COPD GOLD {gold}", "J44.99", "copd", None),
    ("Asthma bronchiale, allergisch", "J45.0", None, None),
    ("Permanentes Vorhofflimmern, CHA2DS2-VASc-Score {n}", "I48.2", "af", None),
    ("Paroxysmales Vorhofflimmern", "I48.0", "af2", None),
    ("Koronare 1-Gefäßerkrankung, Z.n. PCI", "I25.11", "dapt3", None),
    ("Koronare 3-Gefäßerkrankung, Z.n. ACVB-Operation", "I25.13", "stroke", None),
    ("Herzinsuffizienz mit reduzierter Ejektionsfraktion (HFrEF), NYHA {nyha}", "I50.13", "hf2", None),
    ("Adipositas Grad I (BMI {bmi} kg/m²)", "E66.00", None, None),
    ("Depressive Episode, mittelgradig", "F32.1", "dep", None),
    ("Rezidivierende depressive Störung", "F33.1", "dep2", None),
    ("Gonarthrose beidseits", "M17.0", "pain2", None),
    ("Koxarthrose {sa}", "M16.1", "pain2", None),
    ("Postmenopausale Osteoporose", "M81.00", "osteo", "f"),
    ("Hyperurikämie mit Z.n. Gichtanfällen", "E79.0", "gout", None),
    ("Benigne Prostatahyperplasie", "N40", "bph", "m"),
    ("Gastroösophageale Refluxkrankheit", "K21.9", "ppi", None),
    ("Z.n. ischämischem Schlaganfall ohne Residuen", "I69.3", "stroke", None),
    ("Obstruktives Schlafapnoe-Syndrom, CPAP-Therapie", "G47.31", None, None),
    ("Nikotinabusus ({py} pack years)", "F17.1", None, None),
    ("Schädlicher Gebrauch von Alkohol", "F10.1", None, None),
    ("Demenz bei Alzheimer-Krankheit mit spätem Beginn", "G30.1", "dementia", None),
    ("Restless-Legs-Syndrom", "G25.81", None, None),
    ("Periphere arterielle Verschlusskrankheit Stadium {fontaine} nach Fontaine", "I70.22", "dapt3", None),
    ("Idiopathisches Parkinson-Syndrom", "G20.10", "pd2", None),
    ("Psoriasis vulgaris", "L40.0", None, None),
    ("Eisenmangelanämie", "D50.9", "iron", None),
    ("Glaukom beidseits", "H40.9", None, None),
    ("Migräne ohne Aura", "G43.0", None, None),
    ("Morbus Crohn, derzeit in Remission", "K50.9", "crohn", None),
    ("Colitis ulcerosa, in Remission", "K51.9", "ibd", None),
    ("Rheumatoide Arthritis, seropositiv", "M05.90", "pred", None),
    ("Z.n. Lungenarterienembolie", "I26.9", "vte2", None),
    ("Chronische Lumbalgie", "M54.5", "pain", None),
    ("Morbus Basedow, euthyreot unter Therapie", "E05.0", "thyroid_hyper", None),
    ("Sjögren-Syndrom", "M35.0", None, None),
    ("Polymyalgia rheumatica", "M35.3", "pred", None),
)

# Past operations / events for the history: (text, sex or None). A date ({HIST}) is often attached.
_HISTORY: tuple[tuple[str, str | None], ...] = (
    ("Z.n. Appendektomie", None), ("Z.n. laparoskopischer Cholezystektomie", None), ("Z.n. Hysterektomie", "f"),
    ("Z.n. Sectio caesarea", "f"), ("Z.n. TUR-P", "m"), ("Z.n. Hüft-TEP {sa}", None), ("Z.n. Knie-TEP {sa}", None),
    ("Z.n. Leistenhernienoperation {sa}", None), ("Z.n. Tonsillektomie", None), ("Z.n. Katarakt-OP bds.", None),
    ("Z.n. Mammakarzinom {sa} (BET und Radiatio)", "f"), ("Z.n. Schenkelhalsfraktur {sa}", None),
    ("Z.n. Pneumonie", None), ("Z.n. tiefer Beinvenenthrombose {sa}", None), ("Z.n. Herpes zoster", None),
    ("Z.n. Nephrolithiasis", None), ("Z.n. Schrittmacherimplantation (DDD)", None),
    ("Z.n. Bandscheibenoperation {lvl}", None), ("Z.n. Schilddrüsenteilresektion", None),
    ("Z.n. Sigmaresektion bei Divertikulitis", None), ("Z.n. Meniskusteilresektion {sa}", None),
    ("Z.n. COVID-19-Infektion", None), ("Z.n. Prostatakarzinom, radikale Prostatektomie", "m"),
)

# faker-healthcare German disease list as an extra pool of secondary diagnoses (ICD shortened to GM form)
_FH_SKIP = {"Pädiatrie", "Geburtshilfe"}
_FH_EXTRA: tuple[tuple[str, str], ...] = tuple(
    (name, re.sub(r"^([A-Z]\d\d)(\.\d)?.*$", lambda m: m.group(1) + (m.group(2) or ""), data["icd10"]))
    for name, data in _FH_DISEASES.items()
    if data.get("medical_specialty") not in _FH_SKIP and name not in {"Pleurale Erguss", "Angeborene Herzkrankheit"}
)
_ALLERGIES: tuple[str, ...] = tuple(_FH_ALLERGIES) or ("Penicillin", "Kontrastmittel", "Pollen", "Latex")


# --------------------------------------------------------------------------------------------------
# Clinical diagnoses per specialty. Templates: lower-case {slots} are fillers, upper-case insert PHI
# ({PNAME} surname, {D+2} stay date, {HIST} past date, {RELDAT} relative, {GP} family doctor, ...).
# --------------------------------------------------------------------------------------------------


def _dx(dx: str, icd: str, **kw: Any) -> dict[str, Any]:
    d = {"dx": dx, "icd": icd, "sex": None, "sym": (), "anam": (), "exam": (), "hi": (), "lo": (), "dia": (),
         "course": (), "ther": (), "proc": (), "meds": (), "rad": None, "tnm": None, "op": None, "los": (3, 9),
         "dept": None, "sec": ()}
    d.update(kw)
    return d


_DX: dict[str, list[dict[str, Any]]] = {}

_DX["cardiology"] = [
    _dx("Akuter Nicht-ST-Hebungsinfarkt (NSTEMI)", "I21.4",
        sym=("akut aufgetretenen retrosternalen Schmerzen mit Ausstrahlung in den linken Arm",
             "seit den Morgenstunden bestehendem thorakalem Druckgefühl",
             "rezidivierenden pektanginösen Beschwerden in Ruhe"),
        anam=("Die Beschwerden hätten beim Treppensteigen begonnen und seien unter Ruhe nicht rückläufig gewesen.",
              "Vegetative Begleitsymptomatik mit Kaltschweißigkeit und Übelkeit."),
        hi=("TnT", "CK"), meds=("dapt", "statin", "bb", "acei", "ppi"),
        dia=("EKG: Sinusrhythmus, HF {hf}/min, ST-Streckensenkungen in V4–V6 von max. 1 mm, keine ST-Hebungen.",
             "TTE: Hypokinesie der inferioren Wand, LVEF visuell ca. {ef2} %, keine relevanten Vitien, kein Perikarderguss.",
             "Koronarangiographie vom {D+1}: koronare {gef}-Gefäßerkrankung mit {sten}%iger Stenose des {vessel}; PCI mit Implantation eines medikamentenbeschichteten Stents (DES) (OPS 8-837.m0) mit gutem Ergebnis."),
        course=("Nach Aufnahme erfolgte bei dynamischem Troponinverlauf die invasive Diagnostik am Folgetag.",
                "Die Intervention verlief komplikationslos, die Punktionsstelle {sa} radial war reizlos.",
                "Unter der eingeleiteten Therapie war {der} {Patient} beschwerdefrei, in der Monitorüberwachung keine höhergradigen Rhythmusstörungen.",
                "Die Mobilisation gelang problemlos."),
        proc=("Duale Thrombozytenaggregationshemmung mit ASS und Ticagrelor für 12 Monate, danach ASS lebenslang.",
              "LDL-Zielwert < 55 mg/dl, Kontrolle des Lipidprofils in 6–8 Wochen.",
              "Anschlussheilbehandlung wird angeregt.", "Kardiologische Kontrolle inkl. Echokardiographie in 3 Monaten."),
        rad=("xr_chest", None), los=(3, 7)),
    _dx("Akuter ST-Hebungsinfarkt der Vorderwand (STEMI)", "I21.0",
        sym=("akut einsetzenden, vernichtenden Thoraxschmerzen", "seit einer Stunde bestehendem retrosternalem Engegefühl mit Dyspnoe"),
        anam=("Notärztlich zeigten sich ST-Hebungen in V1–V4, es erfolgte die Vorabinformation und direkte Übergabe im Herzkatheterlabor.",
              "Prähospital Gabe von 5000 IE Heparin und 500 mg ASS i.v."),
        hi=("TnT", "CK", "Leuko"), meds=("dapt2", "statin", "bb", "acei", "ppi"),
        dia=("EKG: ST-Hebungen in V1–V4 bis 3 mm, spiegelbildliche Senkungen inferior.",
             "Notfall-Koronarangiographie: akuter Verschluss des {vessel} (TIMI 0), Rekanalisation und Implantation von {n} DES, TIMI-III-Fluss.",
             "TTE im Verlauf: anteroseptale Akinesie, LVEF {ef} %, kein Thrombus, kein Perikarderguss."),
        course=("Intensivmedizinische Überwachung für 24 Stunden ohne Komplikationen.",
                "Der maximale CK-Wert lag bei {n}.{n2}00 U/l.",
                "Unter Herzinsuffizienztherapie rasche klinische Stabilisierung.",
                "Im Langzeit-EKG keine anhaltenden ventrikulären Tachykardien."),
        proc=("Duale Plättchenhemmung mit ASS und Prasugrel für 12 Monate.",
              "Re-Evaluation der LVEF in 3 Monaten; bei LVEF ≤ 35 % Indikationsprüfung zur ICD-Implantation.",
              "Kardiale Rehabilitation wurde beantragt."), los=(4, 8)),
    _dx("Instabile Angina pectoris", "I20.0",
        sym=("neu aufgetretener Belastungsangina", "zunehmenden pektanginösen Beschwerden bereits bei geringer Belastung"),
        hi=("LDL",), meds=("dapt3", "statin", "bb", "nitro"),
        dia=("EKG: Sinusrhythmus, keine ischämietypischen Veränderungen.", "hs-Troponin T im Verlauf ohne Dynamik.",
             "Koronarangiographie: koronare {gef}-Gefäßerkrankung, hochgradige Stenose {vessel2}, Versorgung mittels DES."),
        course=("Unter konservativer Therapie sistierten die Beschwerden.", "Nach der Koronarintervention war {der} {Patient} beschwerdefrei mobil."),
        proc=("Optimierung der kardiovaskulären Risikofaktoren, Nikotinkarenz dringend empfohlen.", "Ergometrie in 6 Monaten."), los=(2, 5)),
    _dx("Koronare 3-Gefäßerkrankung mit Indikation zur Bypassoperation", "I25.13",
        sym=("Koronarangiographie bei stabiler Angina pectoris CCS II–III", "invasiven Abklärung einer Belastungsangina"), elective=True, meds=("stroke", "bb", "acei"),
        dia=("Koronarangiographie: Hauptstammstenose {sten} %, proximale Stenosen von RIVA, RCX und RCA; SYNTAX-Score {n}{n2}.",
             "TTE: LVEF {ef2} %, keine Vitien."),
        course=("Die Befunde wurden in unserer interdisziplinären Herzkonferenz mit den Kollegen der Herzchirurgie besprochen.",
                "Es wurde die Empfehlung zur operativen Myokardrevaskularisation (ACVB) ausgesprochen."),
        proc=("Vorstellung in der Herzchirurgie zur ACVB-Operation, Termin wird schriftlich mitgeteilt.", "Fortführung von ASS, Clopidogrel 5 Tage präoperativ pausieren."),
        los=(1, 3)),
    _dx("Paroxysmales Vorhofflimmern mit tachykarder Überleitung", "I48.0",
        sym=("Herzrasen und Schwindel", "plötzlich aufgetretenem Palpitationsgefühl", "seit 2 Tagen bestehendem unregelmäßigem Herzschlag"),
        exam=(("Cor", "Herztöne arrhythmisch, tachykard, keine Geräusche."),),
        meds=("af", "statin"),
        dia=("EKG: Tachyarrhythmia absoluta bei Vorhofflimmern, HF {hf_hi}/min, Linkstyp, keine Erregungsrückbildungsstörungen.",
             "TEE vom {D+1}: kein Thrombus im linken Vorhofohr, LA mäßig dilatiert.",
             "TTE: normal großer LV, LVEF {ef2} %, geringe Mitralinsuffizienz."),
        course=("Nach Ausschluss intrakardialer Thromben erfolgte am {D+1} die elektrische Kardioversion (150 J biphasisch) mit Konversion in einen stabilen Sinusrhythmus.",
                "Unter Frequenzkontrolle mit Bisoprolol kam es zu einer spontanen Konversion in den Sinusrhythmus.",
                "Bei einem CHA2DS2-VASc-Score von {n} wurde eine orale Antikoagulation mit Apixaban eingeleitet."),
        proc=("Fortführung der oralen Antikoagulation unabhängig vom Rhythmus.", "Langzeit-EKG in 4 Wochen, bei Rezidiven Evaluation einer Pulmonalvenenisolation.",
              "TSH-Kontrolle."), los=(2, 5)),
    _dx("Akut dekompensierte Herzinsuffizienz (HFrEF), NYHA {nyha}", "I50.14",
        sym=("progredienter Belastungsdyspnoe und Beinödemen", "zunehmender Luftnot, Orthopnoe und Gewichtszunahme von {n} kg",
             "nächtlicher Dyspnoe und beidseitigen Unterschenkelödemen"),
        exam=(("Pulmo", "Feinblasige RGs basal bds., abgeschwächtes AG rechts basal."), ("Extremitäten", "Prätibiale Ödeme bds. bis zum Knie, Halsvenen gestaut.")),
        hi=("BNP", "Krea"), lo=("Na",), meds=("hf",),
        dia=("TTE: dilatierter linker Ventrikel, global hochgradig reduzierte LVEF ({ef} %), mittelgradige funktionelle Mitralinsuffizienz.",
             "Röntgen-Thorax: pulmonalvenöse Stauung, Pleuraergüsse bds.",
             "EKG: Sinusrhythmus, Linksschenkelblock (QRS 150 ms)."),
        course=("Unter intravenöser diuretischer Therapie mit Furosemid erreichten wir eine Negativbilanz von insgesamt {n}{n2} Litern.",
                "Das Körpergewicht reduzierte sich von {n}{n2} kg auf Entlassgewicht.",
                "Die Herzinsuffizienztherapie wurde leitliniengerecht eskaliert (ARNI, Betablocker, MRA, SGLT2-Inhibitor).",
                "Die Nierenretentionsparameter blieben unter Diurese stabil."),
        proc=("Tägliche Gewichtskontrolle, bei Zunahme > 2 kg in 3 Tagen ärztliche Vorstellung.", "Trinkmengenbeschränkung auf 1,5 l/Tag.",
              "Kontrolle von Kalium und Kreatinin in einer Woche.", "Bei persistierender LVEF ≤ 35 % nach 3 Monaten Evaluation CRT-D."),
        rad=("xr_chest", "congestion"), los=(6, 14)),
    _dx("Hochgradige kalzifizierte Aortenklappenstenose", "I35.0",
        sym=("Belastungsdyspnoe NYHA III und einer Synkope beim Gehen", "Schwindel und Belastungsangina"),
        exam=(("Cor", "Raues Systolikum mit p.m. über dem 2. ICR re. parasternal mit Fortleitung in die Karotiden."),),
        hi=("BNP",), meds=("stroke",),
        dia=("TTE: KÖF {bcl} cm², mittlerer Gradient {n}{n2} mmHg, Vmax 4,{n} m/s, LVEF {ef2} %.",
             "CT-Angiographie (TAVI-Planung): Anulus-Perimeter {n}{n2} mm, gut geeignete femorale Zugangswege.",
             "Koronarangiographie: keine relevanten Koronarstenosen."),
        course=("Im Heart-Team wurde die Indikation zur transfemoralen Aortenklappenimplantation (TAVI) gestellt.",
                "Am {D+2} erfolgte die komplikationslose TAVI (OPS 5-35a.00) über die A. femoralis communis {side}.",
                "Postinterventionell neu aufgetretener Linksschenkelblock, kein höhergradiger AV-Block."),
        proc=("ASS 100 mg dauerhaft.", "Echokardiographische Kontrolle der Prothese in 3 Monaten.", "Endokarditisprophylaxe bei entsprechenden Eingriffen."),
        los=(4, 9)),
    _dx("AV-Block III. Grades", "I44.2",
        sym=("rezidivierenden Synkopen", "Schwindel und Leistungsknick bei Bradykardie"),
        exam=(("Cor", "Bradykarde, rhythmische Herztöne, HF 32/min."),),
        dia=("EKG: AV-Block III°, Kammerersatzrhythmus mit 34/min.", "TTE: normale LV-Funktion, keine Vitien."),
        course=("Nach passagerer Stimulation über einen transvenösen Schrittmacher erfolgte am {D+1} die Implantation eines Zweikammer-Schrittmachers (DDD) (OPS 5-377.30).",
                "Die postinterventionelle Röntgenkontrolle zeigte eine regelrechte Sondenlage ohne Pneumothorax.",
                "Schrittmacherkontrolle vor Entlassung mit regelrechten Mess- und Reizschwellenwerten."),
        proc=("Wundkontrolle und Fadenzug nach 10 Tagen.", "Schrittmacherkontrolle in 3 Monaten in unserer Schrittmacherambulanz.",
              "Den Arm {side} für 4 Wochen nicht über Schulterhöhe anheben."), los=(3, 6), rad=("xr_chest", "devices")),
    _dx("Hypertensive Krise", "I10.01",
        sym=("Kopfschmerzen und Blutdruckwerten bis {sys_hi}/{dia} mmHg", "Sehstörungen und Schwindel bei entgleistem Blutdruck"),
        exam=(("Neuro", "Keine fokal-neurologischen Defizite."),), meds=("htn", "htn2"),
        dia=("EKG: Sinusrhythmus, Linkshypertrophiezeichen (Sokolow-Lyon-Index positiv).", "TTE: konzentrische linksventrikuläre Hypertrophie, LVEF erhalten.",
             "Nierenarterien-Duplex: kein Anhalt für Nierenarterienstenose."),
        course=("Unter intravenöser Gabe von Urapidil kam es zu einer raschen Blutdrucksenkung.", "Die antihypertensive Medikation wurde eskaliert.",
                "Eine sekundäre Hypertonieursache (Conn-Syndrom, Phäochromozytom) wurde laborchemisch ausgeschlossen."),
        proc=("Blutdruckselbstmessung mit Protokoll, Zielwert < 130/80 mmHg.", "24-h-Blutdruckmessung in 4 Wochen."), los=(2, 4)),
    _dx("Lungenarterienembolie, intermediär-niedriges Risiko", "I26.9",
        sym=("akuter Dyspnoe und atemabhängigen Thoraxschmerzen", "plötzlich aufgetretener Luftnot und Tachykardie"),
        hi=("DDim", "TnT", "BNP"), meds=("vte",),
        dia=("CT-Angiographie der Pulmonalarterien: Lungenarterienembolie der Unterlappenarterie {side} mit segmentalen Ausläufern.",
             "TTE: rechter Ventrikel leicht dilatiert, TAPSE 17 mm.", "Duplexsonographie: tiefe Beinvenenthrombose der V. poplitea {side}."),
        course=("Initial Antikoagulation mit niedermolekularem Heparin, dann Umstellung auf Rivaroxaban.", "Unter Therapie rasche Besserung der Dyspnoe."),
        proc=("Antikoagulation für mindestens 3 Monate, dann Re-Evaluation.", "Tumorsuche altersentsprechend empfohlen."),
        rad=("ct_chest", "pe"), los=(4, 8)),
    _dx("Akute Perimyokarditis", "I40.9",
        sym=("atemabhängigen Thoraxschmerzen nach grippalem Infekt",), hi=("TnT", "CRP"), meds=("pain2",),
        dia=("EKG: konkavbogige ST-Hebungen in mehreren Ableitungen.", "Kardio-MRT: subepikardiales Late Gadolinium Enhancement lateral, Myokardödem, LVEF {ef2} %.",
             "TTE: schmaler Perikarderguss ohne hämodynamische Relevanz."),
        course=("Unter Ibuprofen und körperlicher Schonung rasche Beschwerdebesserung.", "Rückläufige Troponinwerte im Verlauf."),
        proc=("Sportkarenz für 3–6 Monate.", "Kontroll-MRT in 6 Monaten."), los=(3, 6)),
    _dx("Tako-Tsubo-Kardiomyopathie", "I51.81", sex="f",
        sym=("Thoraxschmerzen nach einem belastenden Lebensereignis",), hi=("TnT", "BNP"), meds=("bb", "acei"),
        dia=("Koronarangiographie: keine stenosierende KHK.", "Lävokardiographie: apikales Ballooning, LVEF {ef} %."),
        course=("Unter Herzinsuffizienztherapie rasche Erholung der linksventrikulären Funktion.",),
        proc=("Echokardiographische Kontrolle in 4–6 Wochen.",), los=(4, 7)),
    _dx("Synkope bei Sick-Sinus-Syndrom", "I49.5",
        sym=("einer Synkope mit Sturz und Prellmarke frontal",), meds=(),
        dia=("Langzeit-EKG: Sinusarrest bis 4,8 s, intermittierend bradykardes Vorhofflimmern (Bradykardie-Tachykardie-Syndrom).",),
        course=("Implantation eines Zweikammerschrittmachers am {D+2}.",), proc=("Schrittmacherkontrolle in 3 Monaten.",), los=(3, 6)),
]

_DX["internal_medicine"] = [
    _dx("Ambulant erworbene Pneumonie im Unterlappen {side}", "J18.1",
        sym=("Fieber bis {fever} °C, produktivem Husten und Dyspnoe", "seit {n} Tagen bestehendem Husten mit gelblichem Auswurf und Schüttelfrost"),
        exam=(("Pulmo", "Ohrnahe feinblasige RGs {side} basal, Bronchialatmen."),), hi=("CRP", "Leuko", "PCT"), meds=("abx",),
        dia=("Röntgen-Thorax: Infiltrat im Unterfeld {side}, kleiner Begleiterguss.", "Pneumokokken- und Legionellen-Antigen im Urin negativ.",
             "Blutkulturen: kein Wachstum nach 5 Tagen."),
        course=("Unter kalkulierter antibiotischer Therapie mit Ampicillin/Sulbactam i.v. entfieberte {der} {Patient} innerhalb von 48 Stunden.",
                "Die Entzündungsparameter waren deutlich rückläufig (CRP bei Entlassung {n}{n2} mg/l).",
                "Am {D+3} Oralisierung auf Amoxicillin/Clavulansäure.", "Unter Atemtherapie und Mobilisation zunehmende Besserung des Allgemeinzustands."),
        proc=("Fortführung der Antibiose bis einschließlich Tag 7.", "Röntgenkontrolle des Thorax in 6 Wochen zum Ausschluss einer poststenotischen Genese.",
              "Pneumokokken- und Influenza-Impfung empfohlen."), rad=("xr_chest", "pneumonia"), los=(4, 10)),
    _dx("Akut exazerbierte COPD GOLD {gold}", "J44.19",
        sym=("zunehmender Luftnot und vermehrtem Sputum", "akuter Verschlechterung der Dyspnoe bei bekannter COPD"),
        exam=(("Pulmo", "Leises AG mit exspiratorischem Giemen und Brummen ubiquitär, verlängertes Exspirium."),), hi=("CRP",), meds=("copd", "pred"),
        dia=("BGA unter Raumluft: pO2 {n}{n2} mmHg, pCO2 {n}{n2} mmHg, pH 7,3{n}.", "Röntgen-Thorax: Emphysemaspekt, kein Infiltrat."),
        course=("Therapie mit inhalativen Bronchodilatatoren, systemischem Prednisolon (40 mg für 5 Tage) und Doxycyclin.",
                "Zeitweise nicht-invasive Beatmung bei hyperkapnischer Ventilationsstörung.", "Unter Therapie deutliche Besserung der Dyspnoe."),
        proc=("Lungenfunktionsprüfung im stabilen Intervall.", "Pulmonale Rehabilitation empfohlen.", "Nikotinkarenz dringend angeraten."),
        rad=("xr_chest", "copd"), los=(5, 11)),
    _dx("Urosepsis bei Pyelonephritis {side}", "A41.51",
        sym=("Fieber, Schüttelfrost und Flankenschmerzen {side}", "Verwirrtheit und Fieber"),
        exam=(("Abdomen", "Nierenlager {side} klopfschmerzhaft, Abdomen weich."),), hi=("CRP", "PCT", "Leuko", "Lakt", "Krea"), meds=("abx_uti",),
        dia=("Urinkultur: E. coli > 10^5 KBE/ml, sensibel auf Cephalosporine.", "Blutkulturen 2/2: E. coli.",
             "Sonographie: kein Harnstau, Niere {side} mit verdicktem Parenchym."),
        course=("Initial kreislaufinstabil mit Bedarf an Volumentherapie, kurzzeitige Überwachung auf unserer Intermediate Care.",
                "Antibiotische Therapie mit Piperacillin/Tazobactam, nach Antibiogramm Deeskalation auf Ceftriaxon.", "Rasche Entfieberung und Normalisierung der Nierenretentionswerte."),
        proc=("Orale Antibiose mit Cefpodoxim für weitere 5 Tage.", "Kontrolle von Kreatinin und CRP beim Hausarzt."), los=(5, 12)),
    _dx("Entgleister Diabetes mellitus Typ 2", "E11.91",
        sym=("Polyurie, Polydipsie und Gewichtsverlust", "Abgeschlagenheit und Blutzuckerwerten über 400 mg/dl"),
        hi=("Gluc", "HbA1c"), meds=("dmi",),
        dia=("Keine Ketoazidose in der BGA.", "Fundoskopie: keine diabetische Retinopathie.", "Albumin/Kreatinin-Quotient im Urin grenzwertig erhöht."),
        course=("Einleitung einer basal unterstützten oralen Therapie (BOT) und Diabetesschulung durch unser Diabetesteam.",
                "Die Blutzuckerwerte lagen bei Entlassung überwiegend zwischen 120 und 180 mg/dl."),
        proc=("Blutzuckerselbstkontrolle, Anpassung der Insulindosis gemäß Schema.", "Jährliche augenärztliche Kontrolle und Fußinspektion."), los=(4, 8)),
    _dx("Akute Nierenschädigung KDIGO-Stadium 2", "N17.92",
        sym=("Exsikkose nach Diarrhoe", "Oligurie und Schwäche"), hi=("Krea", "Hst", "K"), lo=("GFR",),
        dia=("Sonographie: Nieren bds. normal groß, kein Harnstau.", "Urin-Sediment: unauffällig."),
        course=("Pausieren der nephrotoxischen Medikation (Ibuprofen, Ramipril) und forcierte Volumengabe.", "Darunter Rückgang des Kreatinins auf {bcl} mg/dl."),
        proc=("Ramipril erst nach Kontrolle der Nierenwerte wieder ansetzen.", "Verzicht auf NSAR."), los=(4, 9)),
    _dx("Obere gastrointestinale Blutung bei Ulcus duodeni (Forrest IIa)", "K26.0",
        sym=("Teerstuhl und Kollapsneigung", "Hämatemesis und Schwindel"), lo=("Hb",), hi=("Hst",), meds=("ppi",),
        dia=("ÖGD vom {D0}: Ulcus duodeni an der Bulbushinterwand mit sichtbarem Gefäßstumpf (Forrest IIa), Unterspritzung mit Suprarenin und Clip-Applikation.",
             "Helicobacter-pylori-Urease-Test positiv."),
        course=("Transfusion von {trans} Erythrozytenkonzentraten, danach stabiler Hb-Verlauf.", "Hochdosierte PPI-Therapie i.v., Eradikationstherapie nach französischem Tripelschema.",
                "Keine erneuten Blutungszeichen."),
        proc=("Kontroll-ÖGD in 8 Wochen mit Biopsie.", "Eradikationskontrolle frühestens 4 Wochen nach Therapieende.", "NSAR meiden."), los=(4, 8)),
    _dx("Eisenmangelanämie", "D50.0",
        sym=("Müdigkeit, Belastungsdyspnoe und Blässe",), lo=("Hb", "Ferr"), meds=("iron",),
        dia=("Gastroskopie: kleine axiale Hiatushernie, sonst unauffällig.", "Koloskopie: Colon-ascendens-Polyp (12 mm), Abtragung mittels Schlinge."),
        course=("Intravenöse Eisensubstitution mit Eisencarboxymaltose 1000 mg.",), proc=("Hb-Kontrolle in 4 Wochen.", "Histologie des Polypen wird nachgereicht."), los=(2, 5)),
    _dx("Hypotone Hyponatriämie bei SIADH", "E87.1",
        sym=("Verwirrtheit und Gangunsicherheit", "Übelkeit und einem Sturz"), lo=("Na",), meds=(),
        dia=("Urin-Osmolalität erhöht, Urin-Natrium {n}{n2} mmol/l.", "CT-Thorax zum Ausschluss eines paraneoplastischen Geschehens ohne Malignomhinweis."),
        course=("Flüssigkeitsrestriktion und vorsichtige Natriumanhebung (max. 8 mmol/l/24 h).", "Absetzen von Citalopram als möglicher Auslöser."),
        proc=("Natriumkontrolle in 3 Tagen.",), los=(4, 9)),
    _dx("Dekompensierte äthyltoxische Leberzirrhose Child-Pugh B", "K70.3",
        sym=("Bauchumfangszunahme und Ikterus", "zunehmendem Aszites und Verwirrtheit"), hi=("Bili", "INR", "NH3", "GGT"), lo=("Alb", "Thrombo"), meds=("liver",),
        exam=(("Abdomen", "Ausladendes Abdomen mit Aszites, Flankendämpfung, Caput medusae."), ("Haut", "Sklerenikterus, Spider naevi, Palmarerythem.")),
        dia=("Sonographie: zirrhotischer Leberumbau, ausgeprägter Aszites, Splenomegalie ({spleen} cm).", "Diagnostische Parazentese: keine spontan bakterielle Peritonitis.",
             "ÖGD: Ösophagusvarizen Grad II ohne Blutungszeichen."),
        course=("Entlastungspunktion von {n} Litern Aszites unter Albuminsubstitution.", "Unter Lactulose und Rifaximin Rückbildung der hepatischen Enzephalopathie.",
                "Ausführliches Gespräch über strikte Alkoholkarenz."),
        proc=("Gewichtskontrolle, natriumarme Kost.", "Sonographie-Screening auf HCC alle 6 Monate.", "Anbindung an die Suchtberatung."), los=(6, 14)),
    _dx("Akute biliäre Pankreatitis", "K85.10",
        sym=("gürtelförmigen Oberbauchschmerzen mit Ausstrahlung in den Rücken",), hi=("Lipase", "CRP", "GOT", "GGT", "Bili"), meds=("pain",),
        dia=("Sonographie: Cholezystolithiasis, DHC 9 mm.", "ERCP vom {D+1}: Steinextraktion aus dem DHC nach Papillotomie.", "CT-Abdomen: ödematöse Pankreatitis ohne Nekrosen."),
        course=("Aggressive Volumentherapie, Analgesie und frühenteraler Kostaufbau.", "Komplikationsloser Verlauf."),
        proc=("Elektive Cholezystektomie im Intervall, Vorstellung in der Chirurgie.",), rad=("ct_abd", "pancreatitis"), los=(5, 10)),
    _dx("Morbus Crohn mit akutem Schub (Ileitis terminalis)", "K50.0",
        sym=("rezidivierenden Diarrhoen und Bauchschmerzen im rechten Unterbauch",), hi=("CRP",), lo=("Hb", "Alb"), meds=("crohn",),
        dia=("Ileokoloskopie: aphthöse Läsionen und Ulzerationen im terminalen Ileum, Histologie ausstehend.", "MR-Sellink: entzündliche Wandverdickung des terminalen Ileums über 12 cm ohne Fistel oder Abszess.",
             "Stuhlkulturen und Clostridioides-difficile-Toxin negativ."),
        course=("Einleitung einer Steroidtherapie mit Budesonid, darunter Besserung der Stuhlfrequenz.", "Beginn einer immunsuppressiven Erhaltungstherapie mit Azathioprin nach TPMT-Bestimmung."),
        proc=("Blutbild- und Leberwertkontrollen unter Azathioprin alle 2 Wochen.", "Anbindung an unsere CED-Ambulanz."), los=(5, 10)),
    _dx("Colitis ulcerosa, schwerer Schub (Pankolitis)", "K51.0",
        sym=("blutigen Diarrhoen bis zu {n2}-mal täglich",), hi=("CRP",), lo=("Hb", "Alb", "K"), meds=("ibd", "pred"),
        dia=("Sigmoidoskopie: kontinuierliche Entzündung mit Kontaktblutung, Mayo-Score 3.",),
        course=("Intravenöse Steroidtherapie, darunter Ansprechen nach 3 Tagen.",), proc=("Ausschleichen des Prednisolons um 5 mg pro Woche.",), los=(6, 12)),
    _dx("Clostridioides-difficile-Infektion", "A04.70",
        sym=("wässrigen Diarrhoen nach Antibiotikatherapie",), hi=("Leuko", "CRP", "Krea"), meds=(),
        dia=("C.-difficile-Toxin-PCR positiv.",), course=("Therapie mit Fidaxomicin über 10 Tage, Isolation.",), proc=("Händehygiene, keine unnötigen Antibiotika.",), los=(5, 10)),
    _dx("COVID-19, Virus nachgewiesen", "U07.1",
        sym=("Fieber, Husten und Geschmacksverlust", "Dyspnoe bei nachgewiesener SARS-CoV-2-Infektion"), hi=("CRP", "DDim", "LDH"), meds=(),
        dia=("SARS-CoV-2-PCR positiv (Ct-Wert {n}{n2}).", "CT-Thorax: periphere Milchglasverdichtungen bds."),
        course=("Sauerstoffgabe bis 4 l/min, Dexamethason 6 mg über 10 Tage.", "Thromboseprophylaxe mit Enoxaparin."),
        proc=("Häusliche Isolation gemäß aktueller Empfehlungen.",), rad=("ct_chest", "covid"), los=(5, 12)),
    _dx("Tiefe Beinvenenthrombose {side} (V. femoralis und V. poplitea)", "I80.28",
        sym=("schmerzhafter Schwellung des Beines {side}",), hi=("DDim",), meds=("vte2",),
        exam=(("Extremitäten", "Umfangsdifferenz am Unterschenkel {n} cm zugunsten {side}, Wadenkompressionsschmerz."),),
        dia=("Kompressionssonographie: TVT der V. femoralis superficialis und V. poplitea {side}.",),
        course=("Einleitung einer oralen Antikoagulation mit Apixaban.", "Kompressionstherapie."),
        proc=("Antikoagulation für mindestens 3 Monate.", "Kompressionsstrümpfe Klasse II."), rad=("duplex_leg", "dvt"), los=(2, 4)),
    _dx("Erysipel des Unterschenkels {side}", "A46",
        sym=("Rötung, Überwärmung und Fieber am Unterschenkel {side}",), hi=("CRP", "Leuko"), meds=("abx",),
        exam=(("Haut", "Scharf begrenzte, flammende Rötung des Unterschenkels {side} mit Überwärmung, Interdigitalmykose."),),
        course=("Antibiotische Therapie mit Penicillin G i.v., Hochlagerung und Kühlung.", "Rasche Regredienz der Rötung."),
        proc=("Behandlung der Interdigitalmykose mit Ciclopirox.",), los=(4, 8)),
    _dx("Exsikkose mit prärenalem Nierenversagen", "E86",
        sym=("reduziertem Allgemeinzustand und verminderter Trinkmenge",), hi=("Krea", "Hst", "Na"), meds=(),
        course=("Intravenöse Flüssigkeitssubstitution, darunter Rückgang der Retentionsparameter.", "Anpassung der diuretischen Medikation."),
        proc=("Trinkmenge mindestens 1,5 l/Tag.",), los=(3, 7)),
    _dx("Hashimoto-Thyreoiditis mit manifester Hypothyreose", "E06.3",
        sym=("Müdigkeit, Kälteintoleranz und Gewichtszunahme",), hi=("TSH", "LDL"), meds=("thyroid",),
        dia=("TPO-Antikörper deutlich erhöht.", "Sonographie der Schilddrüse: echoarmes, inhomogenes Parenchym."),
        course=("Einschleichende Substitution mit Levothyroxin.",), proc=("TSH-Kontrolle in 6–8 Wochen.",), los=(2, 4)),
]

_DX["oncology"] = [
    _dx("Adenokarzinom des Colon sigmoideum, {tnm}", "C18.7", tnm=("pT3", "pN1a ({n}/{nlk})", "M0", "G2", "L1 V0 Pn0", "R0", "UICC III"),
        sym=("Durchführung der adjuvanten Chemotherapie", "Fortführung der adjuvanten Chemotherapie"), elective=True, hi=("CEA",), lo=("Hb",), meds=("onc_support",),
        anam=("Z.n. laparoskopischer Sigmaresektion am {D-30} in unserer Klinik für Allgemeinchirurgie.",),
        dia=("CT Thorax/Abdomen: kein Anhalt für Fernmetastasen.", "Koloskopie präoperativ: stenosierender Tumor bei 25 cm ab ano.", "MSI-Status: mikrosatellitenstabil (MSS)."),
        ther=("Adjuvante Chemotherapie nach dem FOLFOX-Schema, Zyklus {cyc} am {D0}.", "Port-Implantation V. subclavia {side} am {D-20}."),
        course=("Die Applikation des Zyklus verlief ohne Komplikationen.", "Keine Neutropenie, moderate Übelkeit, gut kontrolliert mit Ondansetron.",
                "Die Befunde wurden in unserer interdisziplinären Tumorkonferenz am {D-7} besprochen."),
        proc=("Nächster Zyklus am {DF+14}.", "Blutbildkontrolle vor jedem Zyklus.", "Nachsorge gemäß S3-Leitlinie (CEA, Sonographie, Koloskopie nach 1 Jahr)."), los=(1, 3)),
    _dx("Invasives Mammakarzinom (NST) {sa}, {tnm}", "C50.4", sex="f", tnm=("cT2", "cN1", "M0", "G3", "ER {erpct} %, PR {prpct} %, HER2 {her2}", "Ki-67 {ki} %", "UICC IIB"),
        sym=("Fortsetzung der neoadjuvanten Chemotherapie",), elective=True, meds=("onc_support", "onc_pro"),
        dia=("Mammasonographie: Herdbefund {mm} mm im oberen äußeren Quadranten {side}, suspekter axillärer Lymphknoten.", "Staging-CT ohne Fernmetastasen.",
             "Knochenszintigraphie unauffällig."),
        ther=("Neoadjuvante Chemotherapie mit Paclitaxel wöchentlich gefolgt von EC, aktuell Zyklus {cyc}.", "Zusätzlich Pembrolizumab bei triple-negativem Subtyp."),
        course=("Gute Verträglichkeit, periphere Polyneuropathie Grad 1.", "Klinisch und sonographisch deutliche Größenregredienz des Tumors."),
        proc=("Anschließend operative Versorgung in unserem Brustzentrum.", "Genetische Beratung (BRCA-Testung) angeboten."), los=(1, 2)),
    _dx("Nicht-kleinzelliges Lungenkarzinom (Adenokarzinom) im Oberlappen {side}, {tnm}", "C34.1", tnm=("cT3", "cN2", "cM1b (OSS)", "PD-L1 TPS {pdl1} %", "EGFR/ALK/ROS1 negativ", "UICC IVA"),
        sym=("zunehmender Dyspnoe und Knochenschmerzen", "Hämoptysen und Gewichtsverlust von {n}{n2} kg"), hi=("LDH", "Calc", "CEA"), meds=("pain_onc",),
        dia=("Bronchoskopie mit EBUS-TBNA: Adenokarzinom, TTF-1 positiv.", "PET-CT: FDG-avider Primarius im Oberlappen {side}, mediastinale Lymphknoten, ossäre Metastase {vert}.",
             "MRT Schädel: keine zerebralen Metastasen."),
        ther=("Erstlinientherapie mit Carboplatin/Pemetrexed/Pembrolizumab, Zyklus 1 am {D+3}.", "Palliative Radiatio {vert} mit 10 × 3 Gy.", "Gabe von Denosumab zur Knochenprotektion."),
        course=("Unter der Schmerztherapie mit Oxycodon deutliche Besserung.", "Ausführliche Aufklärung über die palliative Therapiesituation, {der} {Patient} und {RELNOM} wurden einbezogen."),
        proc=("Staging nach 3 Zyklen.", "Vitamin-B12- und Folsäure-Substitution unter Pemetrexed.", "Anbindung an das ambulante Palliativteam (SAPV) angeboten."),
        rad=("ct_chest", "tumor"), los=(5, 10)),
    _dx("Adenokarzinom des Pankreaskopfes, {tnm}", "C25.0", tnm=("cT3", "cN1", "cM1 (HEP)", "G2", "UICC IV"),
        sym=("schmerzlosem Ikterus und Gewichtsverlust", "Oberbauchschmerzen und Appetitlosigkeit"), hi=("Bili", "CA199", "GGT"), meds=("pain_onc2", "onc_support"),
        dia=("CT Abdomen: hypodense Raumforderung im Pankreaskopf ({cm} cm) mit Kontakt zur V. mesenterica superior, multiple Lebermetastasen.",
             "ERCP mit Einlage eines Metallstents in den DHC.", "Leberpunktion: Metastase eines Adenokarzinoms, pankreatobiliärer Typ."),
        ther=("Palliative Chemotherapie nach dem FOLFIRINOX-Schema (dosisreduziert), Zyklus 1.",),
        course=("Nach Stenteinlage rückläufiges Bilirubin.", "Gespräch über Prognose und Therapieziele mit {dem} und {RELDAT}."),
        proc=("Pankreasenzymsubstitution zu den Mahlzeiten.", "Nächster Zyklus in 14 Tagen."), rad=("ct_abd", "liver_mets"), los=(6, 12)),
    _dx("Prostatakarzinom, Gleason-Score {gleason}, {tnm}", "C61", sex="m", tnm=("cT3a", "cN1", "M1b", "UICC IVB"),
        sym=("Knochenschmerzen im Bereich der LWS",), hi=("PSA",), meds=("prostate", "pain3"),
        dia=("PSMA-PET-CT: Primarius mit extrakapsulärer Ausdehnung, iliakale Lymphknoten- und multiple ossäre Metastasen.", "Prostatastanzbiopsie: azinäres Adenokarzinom in {n2}/12 Stanzen."),
        ther=("Androgendeprivation mit LHRH-Analogon plus Apalutamid.",), course=("Unter Schmerztherapie gut mobil.",),
        proc=("PSA-Kontrolle alle 3 Monate.", "Knochenprotektion mit Denosumab, Zahnstatus vorab."), los=(2, 5)),
    _dx("Diffus großzelliges B-Zell-Lymphom (DLBCL), Stadium III B nach Ann Arbor", "C83.3",
        sym=("B-Symptomatik mit Nachtschweiß, Fieber und Gewichtsverlust", "schmerzlosen Lymphknotenschwellungen zervikal und axillär"),
        hi=("LDH",), meds=("onc_pro", "onc_support", "gout"),
        dia=("Lymphknotenexstirpation zervikal {side}: DLBCL, GCB-Typ nach Hans, CD20 positiv, Ki-67 {ki} %.", "PET-CT: FDG-avide Lymphome supra- und infradiaphragmal, Milzbefall.",
             "Knochenmarkpunktion: kein Lymphombefall."),
        ther=("Immunchemotherapie nach dem R-CHOP-21-Schema, Zyklus {cyc}.", "Prophylaxe des Tumorlysesyndroms mit Allopurinol und Hydrierung."),
        course=("Keine Infusionsreaktion auf Rituximab.", "Im Nadir Leukopenie ohne Fieber, G-CSF-Gabe ab Tag 6."),
        proc=("Interim-PET-CT nach 4 Zyklen.", "Blutbildkontrolle zweimal wöchentlich."), rad=("pet_ct", "lymphoma"), los=(4, 7)),
    _dx("Multiples Myelom IgG kappa, ISS-Stadium II", "C90.00",
        sym=("Rückenschmerzen und Abgeschlagenheit",), hi=("Calc", "Krea"), lo=("Hb",), meds=("myeloma",),
        dia=("Knochenmarkpunktion: Plasmazellinfiltration von {plasma} %.", "Ganzkörper-Low-Dose-CT: multiple Osteolysen, u.a. {vert}.", "Serumelektrophorese: M-Gradient 32 g/l."),
        ther=("Induktionstherapie mit Daratumumab, Bortezomib, Lenalidomid und Dexamethason (Dara-VRd), Zyklus {cyc}.",),
        course=("Gute Verträglichkeit, Thromboseprophylaxe mit ASS.",), proc=("Evaluation der Hochdosistherapie mit autologer Stammzelltransplantation.",), los=(3, 7)),
    _dx("Adenokarzinom des Magens (Antrum), Laurén intestinaler Typ, {tnm}", "C16.3", tnm=("uT3", "uN1", "M0", "G2", "HER2 negativ"),
        sym=("Fortführung der perioperativen Chemotherapie",), elective=True, lo=("Hb", "Ferr"), meds=("ppi", "onc_support"),
        dia=("Gastroskopie: ulzerierter Tumor im Antrum, Biopsie: Adenokarzinom.", "Endosonographie: uT3 uN1.", "Staging-Laparoskopie ohne Peritonealkarzinose."),
        ther=("Perioperative Chemotherapie nach dem FLOT-Schema, Zyklus {cyc}.",), course=("Komplikationsloser Verlauf.",),
        proc=("Nach 4 Zyklen Restaging und Gastrektomie.",), los=(1, 3)),
    _dx("Malignes Melanom am Rücken, Tumordicke nach Breslow {breslow} mm, {tnm}", "C43.5", tnm=("pT3b", "pN1a (sn)", "M0", "BRAF-V600E-Mutation", "AJCC IIIB"),
        sym=("Fortführung der adjuvanten Immuntherapie",), elective=True, meds=(),
        dia=("Sentinel-Lymphknotenbiopsie axillär {side}: Mikrometastase 0,8 mm.", "Schädel-MRT und CT ohne Metastasen."),
        ther=("Adjuvante Therapie mit Nivolumab, Gabe {cyc}.",), course=("Keine immunvermittelten Nebenwirkungen.",),
        proc=("TSH, Cortisol und Leberwerte vor jeder Gabe.", "Dermatologische Ganzkörperuntersuchung alle 3 Monate."), los=(1, 1)),
    _dx("Hepatozelluläres Karzinom bei Leberzirrhose, BCLC-Stadium B", "C22.0",
        sym=("erneuten transarteriellen Chemoembolisation (TACE)",), elective=True, hi=("GOT", "Bili"), lo=("Alb",), meds=("liver",),
        dia=("MRT Leber: {n} LI-RADS-5-Läsionen in Segment {seg}, größte {mm} mm.", "AFP 245 ng/ml."),
        ther=("Transarterielle Chemoembolisation (TACE) am {D+1}.",), course=("Postembolisationssyndrom mit Fieber und Schmerzen, symptomatisch behandelt.",),
        proc=("MRT-Kontrolle in 6 Wochen.",), rad=("mri_liver", "hcc"), los=(3, 6)),
    _dx("High-grade seröses Ovarialkarzinom FIGO IIIC", "C56", sex="f",
        sym=("Fortsetzung der Chemotherapie",), elective=True, hi=("CA199",), meds=("onc_support",),
        dia=("CA-125 1840 U/ml.", "CT: Peritonealkarzinose, Aszites, Adnextumor {side}."),
        ther=("Carboplatin/Paclitaxel, Zyklus {cyc}, anschließend Erhaltungstherapie mit Olaparib geplant.",), course=("Unkomplizierter Verlauf.",),
        proc=("BRCA-Testung veranlasst.",), los=(1, 3)),
    _dx("Klassisches Hodgkin-Lymphom (nodulär sklerosierender Typ), Stadium IIA", "C81.1",
        sym=("Durchführung des nächsten Chemotherapiezyklus",), elective=True, meds=("onc_support",),
        dia=("Lymphknotenbiopsie: Hodgkin-Reed-Sternberg-Zellen, CD30 und CD15 positiv.", "PET-CT: Befall zervikal und mediastinal."),
        ther=("Chemotherapie nach dem ABVD-Schema, Zyklus {cyc}.",), course=("Gute Verträglichkeit.",), proc=("Interim-PET nach 2 Zyklen (Deauville-Score).",),
        rad=("pet_ct", "lymphoma"), los=(1, 2)),
    _dx("Febrile Neutropenie unter Chemotherapie", "D70.10",
        sym=("Fieber bis {fever} °C an Tag {n2} nach Chemotherapie",), lo=("Leuko", "Neutro"), hi=("CRP",), meds=("onc_pro",),
        dia=("Blutkulturen aus Port und peripher: Staphylococcus epidermidis im Portset.", "Röntgen-Thorax ohne Infiltrat."),
        course=("Kalkulierte antibiotische Therapie mit Piperacillin/Tazobactam, G-CSF-Gabe.", "Entfieberung nach 48 Stunden, Leukozytenregeneration."),
        proc=("Dosisreduktion des nächsten Zyklus um 20 %.",), los=(4, 8)),
]

_DX["neurology"] = [
    _dx("Ischämischer Schlaganfall im Mediastromgebiet {side} (kardioembolisch)", "I63.4",
        sym=("akut aufgetretener Hemiparese {oside} und Aphasie", "plötzlicher Sprachstörung und Fallneigung"),
        anam=("Letztmalig gesund gesehen um 7:30 Uhr durch {RELAKK}.", "Bei Aufnahme NIHSS {nihss}."),
        exam=(("Neuro", "Hemiparese {oside} (KG 3/5), zentrale Fazialisparese {oside}, Neglect, NIHSS {nihss}."),), hi=("Gluc",), meds=("stroke_af",),
        dia=("CCT/CT-Angiographie: Verschluss der A. cerebri media {side} (M1), ASPECTS {aspects}.", "MRT: Diffusionsrestriktion im Mediastromgebiet {side}.",
             "Langzeit-EKG: paroxysmales Vorhofflimmern.", "TTE: kein Thrombus, kein PFO."),
        course=("Systemische Lyse mit Alteplase (0,9 mg/kg KG) und mechanische Thrombektomie mit Rekanalisation (TICI 3).",
                "Überwachung auf unserer Stroke Unit über 72 Stunden (OPS 8-981.22).",
                "Im Verlauf deutliche Rückbildung der Symptomatik, NIHSS bei Entlassung {nihss2}, mRS {mrs}.",
                "Logopädie, Physio- und Ergotherapie wurden begonnen."),
        proc=("Orale Antikoagulation mit Apixaban ab Tag 6.", "Neurologische Frührehabilitation Phase C in der {REHA}.", "Fahrtauglichkeit derzeit nicht gegeben."),
        rad=("ct_head", "ischemia"), los=(5, 12)),
    _dx("Transitorische ischämische Attacke (TIA)", "G45.92",
        sym=("passagerer Sprachstörung für etwa 30 Minuten", "vorübergehender Schwäche des Armes {oside}"),
        hi=("LDL",), meds=("stroke",),
        dia=("MRT Schädel: keine Diffusionsstörung.", "Duplexsonographie der hirnversorgenden Gefäße: ACI-Stenose {side} ca. 50 % (NASCET).", "Langzeit-EKG ohne Vorhofflimmern."),
        course=("Symptomfreiheit bereits bei Aufnahme.", "Monitorüberwachung auf der Stroke Unit ohne Auffälligkeiten."),
        proc=("Sekundärprophylaxe mit ASS 100 mg und Atorvastatin 80 mg.", "Duplexkontrolle in 6 Monaten."), los=(2, 4)),
    _dx("Intrazerebrale Blutung in den Stammganglien {side} bei hypertensiver Entgleisung", "I61.0",
        sym=("akuter Hemiparese {oside} und Kopfschmerzen",), meds=("htn",),
        dia=("CCT: hyperdense Blutung in den Stammganglien {side}, Volumen ca. {ml} ml, kein Ventrikeleinbruch.", "CT-Angiographie: kein Spot-Sign, keine Gefäßmalformation."),
        course=("Intensivierte Blutdrucksenkung auf systolisch < 140 mmHg.", "Kontroll-CCT ohne Größenprogredienz."),
        proc=("Blutdruckeinstellung, Zielwert < 130/80 mmHg.", "Rehabilitation Phase B/C."), rad=("ct_head", "ich"), los=(7, 14)),
    _dx("Erstmaliger generalisierter tonisch-klonischer Anfall", "R56.8",
        sym=("einem beobachteten Krampfanfall mit Zungenbiss und Einnässen",),
        anam=("Fremdanamnestisch durch {RELNOM}: rhythmische Zuckungen aller Extremitäten für ca. 2 Minuten, danach Verwirrtheit.",), hi=("CK", "Lakt"), meds=("epi",),
        dia=("EEG: intermittierende Thetaverlangsamung temporal {side}, keine epilepsietypischen Potentiale.", "MRT Schädel nach Epilepsieprotokoll: Hippocampussklerose {side}."),
        course=("Kein erneutes Anfallsereignis unter Levetiracetam.",),
        proc=("Fahrverbot für mindestens 6 Monate (Begutachtungsleitlinien), {der} {Patient} wurde aufgeklärt.", "EEG-Kontrolle in 3 Monaten."), los=(2, 5)),
    _dx("Idiopathisches Parkinson-Syndrom, akinetisch-rigider Typ, Hoehn und Yahr {hoehn}", "G20.11",
        sym=("zunehmenden Wirkungsfluktuationen und Stürzen", "Verschlechterung der Gangstörung mit Freezing"),
        exam=(("Neuro", "Rigor betont {side}, Bradykinese, Ruhetremor {sa}, kleinschrittiges Gangbild mit Starthemmung."),), meds=("pd",),
        dia=("UPDRS III im ON {n}{n2}, im OFF {n2}{n}.", "DAT-Scan (Vorbefund): präsynaptisches dopaminerges Defizit."),
        course=("Umstellung der dopaminergen Medikation mit Fraktionierung der L-Dopa-Gaben.", "Multimodale Parkinsonkomplexbehandlung (OPS 8-97d.1) mit Physio-, Ergo- und Logopädie."),
        proc=("Evaluation einer Tiefen Hirnstimulation bei weiterhin Fluktuationen.", "Sturzprophylaxe, Rollator."), los=(10, 16)),
    _dx("Schubförmig remittierende Multiple Sklerose, akuter Schub", "G35.11",
        sym=("Sehstörung und Schmerzen bei Augenbewegung {side}", "Sensibilitätsstörungen beider Beine"), meds=("ms",),
        dia=("MRT Schädel und HWS: neue kontrastmittelaufnehmende Läsion juxtakortikal {side} und zervikal.", "Liquor: oligoklonale Banden Typ 2.", "VEP: Latenzverzögerung {side}."),
        ther=("Methylprednisolon 1000 mg i.v. über 5 Tage.",), course=("Unter Steroidpuls deutliche Besserung des Visus.",),
        proc=("Eskalation der verlaufsmodifizierenden Therapie wird ambulant besprochen.",), rad=("mri_head", "ms"), los=(5, 7)),
    _dx("Guillain-Barré-Syndrom", "G61.0",
        sym=("aufsteigenden Lähmungen und Parästhesien nach gastrointestinalem Infekt",), meds=("thrombo",),
        dia=("Liquor: zytoalbuminäre Dissoziation (Eiweiß 1,2 g/l, Zellzahl 3/µl).", "Neurographie: demyelinisierende Polyneuropathie mit Leitungsblöcken."),
        course=("Therapie mit intravenösen Immunglobulinen (0,4 g/kg KG über 5 Tage).", "Überwachung der Vitalkapazität, keine Beatmungspflicht."),
        proc=("Neurologische Rehabilitation.",), los=(10, 18)),
    _dx("Myasthenia gravis, generalisiert, AChR-Antikörper positiv", "G70.0",
        sym=("belastungsabhängiger Ptosis und Doppelbildern",), meds=("mg",),
        dia=("Simpson-Test positiv.", "Repetitive Stimulation: Dekrement 18 %.", "CT-Thorax: kein Thymom."),
        course=("Einleitung einer Therapie mit Pyridostigmin und Prednisolon.",), proc=("Ggf. Thymektomie evaluieren.",), los=(4, 8)),
    _dx("Bakterielle Meningitis (Pneumokokken)", "G00.1",
        sym=("Fieber, Kopfschmerzen und Meningismus",), hi=("CRP", "PCT", "Leuko"), meds=(),
        dia=("Liquor: 2400 Zellen/µl, granulozytär, Laktat erhöht, Pneumokokken-Antigen positiv.",),
        course=("Antibiose mit Ceftriaxon und Ampicillin plus Dexamethason.", "HNO-Konsil: Sinusitis maxillaris {side} als Fokus."),
        proc=("Hörtest nach Entlassung.",), los=(10, 16)),
    _dx("Lumbaler Bandscheibenvorfall {lvl} {side} mit Radikulopathie", "M51.1",
        sym=("lumbalen Rückenschmerzen mit Ausstrahlung in das Bein {side}",), exam=(("Neuro", "Lasègue {side} bei 40° positiv, Fußheberparese {side} KG 4/5, Hypästhesie Dermatom L5."),),
        meds=("pain3", "neuropath"), dia=("MRT LWS: mediolateraler Bandscheibenvorfall {lvl} {side} mit Kompression der Nervenwurzel.",),
        course=("Multimodale Schmerztherapie und Physiotherapie.", "Periradikuläre Therapie (PRT) am {D+2} mit gutem Effekt."),
        proc=("Neurochirurgische Vorstellung bei Zunahme der Parese.",), rad=("mri_spine", "disc"), los=(4, 8)),
    _dx("Demenz bei Alzheimer-Krankheit mit akutem Delir", "G30.1",
        sym=("zunehmender Verwirrtheit und nächtlicher Unruhe",), anam=("Fremdanamnese über {RELAKK} (Tel. {RELPHONE}).",), meds=("dementia",),
        dia=("MMST {n}{n2}/30.", "cMRT: globale Atrophie, betont hippokampal (Scheltens-Score 3)."),
        course=("Delirmanagement, Behandlung eines Harnwegsinfektes als Auslöser.",), proc=("Beantragung eines Pflegegrades, Einbindung des Sozialdienstes.",), los=(6, 12)),
    _dx("Idiopathische periphere Fazialisparese {side} (Bell-Parese)", "G51.0",
        sym=("hängendem Mundwinkel und inkomplettem Lidschluss {side}",), meds=("pred",),
        dia=("Liquor unauffällig, Borrelien-Serologie negativ.",), course=("Prednisolon 60 mg für 5 Tage, Uhrglasverband nachts.",),
        proc=("Augensalbe, HNO-ärztliche Mitbeurteilung.",), los=(2, 3)),
    _dx("Klassische Trigeminusneuralgie V2 {side}", "G50.0",
        sym=("blitzartigen Gesichtsschmerzen {side}",), meds=("trigeminus",),
        dia=("MRT (CISS-Sequenz): neurovaskulärer Kontakt der A. cerebelli superior mit dem N. trigeminus {side}.",),
        course=("Aufdosierung von Carbamazepin, darunter deutliche Schmerzreduktion.",), proc=("Natriumkontrolle unter Carbamazepin.",), los=(3, 6)),
    _dx("Migräne mit Aura, Status migraenosus", "G43.2",
        sym=("seit 3 Tagen bestehenden Kopfschmerzen mit Flimmerskotom",), meds=("migraine",),
        course=("Intravenöse Therapie mit ASS 1000 mg und Metoclopramid.",), proc=("Kopfschmerztagebuch, Prophylaxe mit Topiramat.",), los=(2, 3)),
]

_DX["surgery"] = [
    _dx("Akute phlegmonöse Appendizitis", "K35.8", op="appe",
        sym=("Schmerzen im rechten Unterbauch, initial periumbilikal", "Übelkeit und rechtsseitigen Unterbauchschmerzen"),
        exam=(("Abdomen", "Druckschmerz am McBurney-Punkt, Loslassschmerz, kontralateraler Loslassschmerz (Blumberg-Zeichen) positiv."),),
        hi=("CRP", "Leuko"), meds=("pain",), los=(2, 4)),
    _dx("Perforierte Appendizitis mit lokaler Peritonitis", "K35.31", op="appe",
        sym=("seit 3 Tagen bestehenden Unterbauchschmerzen und Fieber",), hi=("CRP", "Leuko"), meds=("pain", "abx"), los=(4, 7)),
    _dx("Symptomatische Cholezystolithiasis", "K80.20", op="chole",
        sym=("rezidivierenden postprandialen Koliken im rechten Oberbauch",), meds=("pain",), los=(2, 3)),
    _dx("Akute Cholezystitis bei Cholezystolithiasis", "K80.00", op="chole",
        sym=("Fieber und Schmerzen im rechten Oberbauch",), exam=(("Abdomen", "Druckschmerz rechter Oberbauch, Murphy-Zeichen positiv."),),
        hi=("CRP", "Leuko", "GGT"), meds=("pain",), rad=("us_abd", "cholecystitis"), los=(3, 6)),
    _dx("Leistenhernie {side}, nicht inkarzeriert", "K40.90", op="hernia",
        sym=("schmerzhafter Vorwölbung in der Leiste {side}",), exam=(("Abdomen", "Reponible Leistenhernie {side}, Bruchpforte für einen Finger durchgängig."),),
        meds=("pain",), los=(1, 2)),
    _dx("Akute Sigmadivertikulitis mit gedeckter Perforation (CDD Typ {cdd})", "K57.22", op="sigma",
        sym=("linksseitigen Unterbauchschmerzen und Fieber",), hi=("CRP", "Leuko"), meds=("pain",), rad=("ct_abd", "diverticulitis"), los=(6, 11)),
    _dx("Adenokarzinom des Colon sigmoideum", "C18.7", op="sigma_ca", tnm=("pT3", "pN0 (0/{nlk})", "M0", "G2", "L0 V0 Pn0", "R0"),
        sym=("Hämatochezie und Änderung der Stuhlgewohnheiten",), hi=("CEA",), lo=("Hb",), meds=("pain",), los=(7, 12)),
    _dx("Mechanischer Dünndarmileus bei Briden", "K56.5", op="ileus",
        sym=("Erbrechen, Stuhlverhalt und krampfartigen Bauchschmerzen",), hi=("Leuko", "Lakt"), lo=("K",), meds=("pain",), rad=("ct_abd", "ileus"), los=(5, 10)),
    _dx("Mediale Schenkelhalsfraktur {side} (Garden {garden}, Pauwels {pauwels})", "S72.01", op="hip_hemi", dept="trauma",
        sym=("Sturz in der Häuslichkeit mit Schmerzen in der Hüfte {side}",), exam=(("Extremitäten", "Bein {side} verkürzt und außenrotiert, Stauchungsschmerz."),),
        lo=("Hb",), meds=("pain3", "thrombo"), rad=("xr_hip", "neck_fx"), los=(7, 12)),
    _dx("Pertrochantäre Femurfraktur {side} (AO {ao})", "S72.10", op="pfna", dept="trauma",
        sym=("häuslichem Sturz über einen Teppich",), lo=("Hb",), meds=("pain3", "thrombo"), rad=("xr_hip", "pertroch"), los=(7, 13)),
    _dx("Distale Radiusextensionsfraktur {side} (Colles-Fraktur)", "S52.51", op="radius", dept="trauma",
        sym=("Sturz auf die ausgestreckte Hand {side}",), exam=(("Extremitäten", "Fourchette-Fehlstellung des Handgelenks {side}, DMS intakt."),),
        meds=("pain2",), rad=("xr_wrist", "radius_fx"), los=(1, 3)),
    _dx("Bimalleoläre OSG-Fraktur {side} Typ Weber {weber}", "S82.81", op="ankle", dept="trauma",
        sym=("Supinationstrauma beim Treppensteigen",), exam=(("Extremitäten", "Schwellung und Hämatom am OSG {side}, Druckschmerz über beiden Malleolen."),),
        meds=("pain2", "thrombo"), rad=("xr_ankle", "weber"), los=(3, 6)),
    _dx("Primäre Koxarthrose {side}", "M16.1", op="hip_tep", dept="trauma",
        sym=("belastungsabhängigen Leistenschmerzen und eingeschränkter Gehstrecke",), meds=("pain2", "thrombo"), rad=("xr_hip", "coxarthrosis"), los=(6, 9)),
    _dx("Primäre Gonarthrose {side}", "M17.1", op="knee_tep", dept="trauma",
        sym=("therapierefraktären Knieschmerzen {side}",), meds=("pain2", "thrombo"), los=(6, 9)),
    _dx("Struma nodosa mit kaltem Knoten {side}", "E04.2", op="thyroid",
        sym=("Globusgefühl und zunehmender Halsschwellung",), meds=("thyroid",), los=(2, 4)),
    _dx("Perianalabszess", "K61.0", op="abscess", sym=("schmerzhafter Schwellung perianal",), hi=("CRP",), meds=("pain",), los=(1, 3)),
    _dx("Narbenhernie nach medianer Laparotomie", "K43.2", op="ventral", sym=("Vorwölbung im Bereich der Laparotomienarbe",), meds=("pain",), los=(3, 6)),
    _dx("Kolonkarzinom im Colon ascendens", "C18.2", op="hemicol", tnm=("pT3", "pN1b ({n}/{nlk})", "M0", "G2", "L1 V0 Pn0", "R0"),
        sym=("Anämie und Leistungsminderung",), lo=("Hb", "Ferr"), hi=("CEA",), meds=("pain",), los=(7, 12)),
]


# --------------------------------------------------------------------------------------------------
# Radiology: exam -> names, technique, normal findings, impressions, pathological patterns
# --------------------------------------------------------------------------------------------------


def _pat(ind: Sequence[str], f: Sequence[str], b: Sequence[str], rec: Sequence[str] = (), names: Sequence[str] = ()) -> dict[str, tuple[str, ...]]:
    return {"ind": tuple(ind), "f": tuple(f), "b": tuple(b), "rec": tuple(rec), "names": tuple(names)}


_RAD: dict[str, dict[str, Any]] = {
    "xr_chest": {
        "names": ("Röntgen-Thorax p.a. und seitlich", "Röntgen Thorax in zwei Ebenen", "Röntgen-Thorax im Liegen (a.p.)",
                  "Thorax a.p. liegend (Bettaufnahme)", "Rö-Thorax p.a. stehend"),
        "tech": ("Aufnahme im Stehen in p.a. und seitlichem Strahlengang.", "Bettaufnahme im Liegen, a.p.-Strahlengang, eingeschränkte Beurteilbarkeit.",
                 "Digitale Radiographie in 2 Ebenen, gute Inspirationslage.", "Halbsitzende a.p.-Aufnahme auf Station."),
        "ind": ("Dyspnoe, Ausschluss Infiltrat", "Präoperative Abklärung", "Fieber unklarer Genese", "Z.n. ZVK-Anlage, Lagekontrolle",
                "Verlaufskontrolle", "Thoraxschmerz, Ausschluss Pneumothorax"),
        "normal": ("Herz normal groß, nicht linksverbreitert.", "Keine pulmonalvenöse Stauung.", "Kein Infiltrat, kein Pleuraerguss, kein Pneumothorax.",
                   "Zwerchfelle glatt begrenzt, Sinus phrenicocostales bds. frei.", "Mediastinum mittelständig und nicht verbreitert.",
                   "Hili bds. normal konfiguriert.", "Altersentsprechende degenerative Veränderungen der BWS.",
                   "Lungengerüst regelrecht, keine suspekten Rundherde abgrenzbar.", "Aortenknopf mäßig elongiert und sklerosiert.",
                   "Trachea mittelständig.", "Keine frischen ossären Läsionen im Bildausschnitt."),
        "imp": ("Kein Nachweis eines pneumonischen Infiltrats.", "Altersentsprechender Herz-Lungen-Befund.",
                "Kardiopulmonal unauffälliger Befund, insbesondere kein Erguss, kein Pneumothorax.",
                "Regelrechter Thoraxbefund ohne Hinweis auf akute kardiopulmonale Pathologie.", "Kein Anhalt für eine kardiale Dekompensation."),
        "pat": {
            "pneumonia": _pat(("V.a. Pneumonie", "Fieber, Husten, CRP-Anstieg", "Dyspnoe und Fieber seit 3 Tagen"),
                              ("Flächige, unscharf begrenzte Transparenzminderung im Unterfeld {side} mit positivem Bronchopneumogramm.",
                               "Neu aufgetretene fleckige Verschattung im Mittel- und Unterfeld {side}.", "Kleiner Begleiterguss {side}.",
                               "Verstrichener Sinus phrenicocostalis {side}."),
                              ("Bild einer Pneumonie im Unterfeld {side}.", "Befund vereinbar mit Unterlappenpneumonie {side}, DD Dystelektase.",
                               "Pneumonisches Infiltrat {side} basal mit kleinem parapneumonischem Erguss."),
                              ("Verlaufskontrolle nach Abschluss der Therapie empfohlen.", "Kontrolle in 6 Wochen zum Ausschluss einer poststenotischen Genese.")),
            "congestion": _pat(("Dyspnoe, Beinödeme", "V.a. kardiale Dekompensation"),
                               ("Herz nach links verbreitert, CTR ca. 0,{ctr}.", "Zentral betonte pulmonalvenöse Stauungszeichen mit Kerley-B-Linien.",
                                "Pleuraergüsse bds., {side} betont.", "Unscharfe Hili, peribronchiales Cuffing."),
                               ("Kardiale Dekompensation mit pulmonalvenöser Stauung und Pleuraergüssen bds.", "Kardiomegalie mit interstitiellem Lungenödem."),
                               ("Verlaufskontrolle unter diuretischer Therapie.",)),
            "pneumothorax": _pat(("Thoraxschmerz nach Sturz", "Z.n. Punktion, Ausschluss Pneumothorax"),
                                 ("Pleuralinie apikal {side} mit fehlender Lungengefäßzeichnung lateral davon, Mantelbreite ca. {mm} mm.", "Kein Mediastinalshift.",
                                  "Fraktur der 6. und 7. Rippe {side} lateral."),
                                 ("Pneumothorax {side}, Mantelbreite ca. {mm} mm, keine Spannungskomponente.",), ("Thoraxchirurgische Mitbeurteilung empfohlen.",)),
            "effusion": _pat(("Dyspnoe", "Verlaufskontrolle Pleuraerguss"),
                             ("Homogene Verschattung im Sinus phrenicocostalis {side} mit lateral ansteigender Begrenzung (Ellis-Damoiseau-Linie).",
                              "Angrenzende Minderbelüftung des Unterlappens {side}."),
                             ("Mittelgroßer Pleuraerguss {side} mit Kompressionsatelektase.",), ("Sonographisch gesteuerte Punktion erwägen.",)),
            "devices": _pat(("Z.n. ZVK-Anlage, Lagekontrolle", "Z.n. Schrittmacherimplantation"),
                            ("ZVK über die V. jugularis interna {side} mit Spitze in Projektion auf die V. cava superior.",
                             "Zweikammerschrittmacher pektoral {side}, Sonden in Projektion auf rechten Vorhof und rechten Ventrikel.", "Kein Pneumothorax."),
                            ("Regelrechte Lage des Fremdmaterials, kein Pneumothorax.",)),
            "nodule": _pat(("Raucher, chronischer Husten", "Gewichtsverlust"),
                           ("Rundherd im Oberfeld {side} mit einem Durchmesser von ca. {mm} mm, unscharf begrenzt.",),
                           ("Unklarer Rundherd im Oberfeld {side}, DD Granulom, DD Malignom.",), ("Weitere Abklärung mittels CT-Thorax empfohlen.",)),
            "copd": _pat(("Bekannte COPD, Exazerbation",),
                         ("Tiefstehende, abgeflachte Zwerchfelle.", "Vermehrte Strahlentransparenz beider Lungen mit Rarefizierung der peripheren Gefäßzeichnung.",
                          "Verbreiterter Retrosternalraum."),
                         ("Lungenemphysem, kein Infiltrat.", "Überblähte Lungen bei bekannter COPD, kein pneumonisches Infiltrat.")),
        },
        "rec": ("Keine weitere Bildgebung erforderlich.", "Klinische Korrelation.", "Verlaufskontrolle nach klinischer Maßgabe."),
    },
    "ct_chest": {
        "names": ("CT Thorax mit KM", "CT-Angiographie der Pulmonalarterien", "CT Thorax nativ (Low-Dose)", "CT Thorax/Abdomen mit KM (Staging)"),
        "tech": ("Spiral-CT nach i.v.-Gabe von {n}0 ml Imeron 350, Rekonstruktion in 1 mm Schichtdicke.", "CT-Angiographie mit Bolustracking, Lungen- und Weichteilfenster.",
                 "Native Low-Dose-Akquisition in Inspiration, multiplanare Rekonstruktionen.", "Portalvenöse Phase nach KM-Gabe, Schichtdicke 3 mm."),
        "ind": ("Dyspnoe, D-Dimere erhöht", "Tumorstaging", "Unklarer Rundherd im Röntgen", "Verlaufskontrolle unter Therapie"),
        "normal": ("Regelrechte Kontrastierung der Pulmonalarterien bis in die Subsegmentebene ohne Füllungsdefekt.", "Keine pulmonalen Rundherde.",
                   "Keine vergrößerten mediastinalen oder hilären Lymphknoten.", "Kein Perikarderguss, kein Pleuraerguss.",
                   "Im miterfassten Oberbauch kein pathologischer Befund.", "Geringe dorsobasale Hypoventilation bds.",
                   "Mäßige Koronarsklerose.", "Schilddrüse im Bildausschnitt unauffällig.", "Degenerative Veränderungen der BWS ohne suspekte Osteolysen."),
        "imp": ("Kein Nachweis einer Lungenarterienembolie.", "Kein Anhalt für Malignität oder Lymphadenopathie.", "Unauffällige CT des Thorax."),
        "pat": {
            "pe": _pat(("V.a. Lungenarterienembolie", "Dyspnoe, Tachykardie, D-Dimere erhöht"),
                       ("Füllungsdefekte in der Pulmonalarterie {side} mit Ausdehnung in die Unterlappenarterien.", "Zusätzlich segmentale Emboli im Unterlappen {oside}.",
                        "RV/LV-Quotient {rvlv} als Hinweis auf Rechtsherzbelastung.", "Keilförmige subpleurale Verdichtung im Unterlappen {side} (Infarktpneumonie)."),
                       ("Zentrale Lungenarterienembolie {side} mit segmentaler Beteiligung {oside}.", "Lungenarterienembolie bds. mit Zeichen der Rechtsherzbelastung."),
                       ("Echokardiographie empfohlen.",), names=("CT-Angiographie der Pulmonalarterien", "CT-Pulmonalisangiographie", "CTA Thorax (LAE-Protokoll)")),
            "tumor": _pat(("Tumorstaging", "Rundherd im Röntgen, Raucher"),
                          ("Spikulierte Raumforderung im {lobe} {side} mit {cm} cm Durchmesser und Pleurakontakt.",
                           "Vergrößerte Lymphknoten mediastinal (Station 4R und 7) bis {mm2} mm Kurzachse.", "Osteolyse in {vert}.", "Kleiner Pleuraerguss {side}."),
                          ("Malignitätssuspekte Raumforderung im {lobe} {side}, am ehesten Bronchialkarzinom, radiologisch cT2b cN2.",
                           "Dringender V.a. Bronchialkarzinom mit mediastinaler Lymphknotenmetastasierung."),
                          ("Histologische Sicherung mittels Bronchoskopie/EBUS.", "Vorstellung in der Tumorkonferenz."),
                          names=("CT Thorax mit KM", "CT Thorax/Abdomen mit KM (Staging)")),
            "covid": _pat(("SARS-CoV-2 positiv, Dyspnoe",),
                          ("Bilaterale, peripher und dorsobasal betonte Milchglasverdichtungen.", "Crazy-paving-Muster im Unterlappen {side}.", "Keine Pleuraergüsse."),
                          ("Typisches Bild einer COVID-19-Pneumonie (CO-RADS 5), Lungenbeteiligung ca. {pct} %.",)),
            "nodule": _pat(("Zufallsbefund Rundherd",),
                           ("Solider, glatt begrenzter Rundherd im {lobe} {side} mit {mm2} mm Durchmesser.", "Keine Lymphadenopathie."),
                           ("Solider pulmonaler Rundherd {mm2} mm, Verlaufskontrolle gemäß Fleischner-Kriterien.",), ("CT-Kontrolle in 3 Monaten.",)),
            "fibrosis": _pat(("Progrediente Dyspnoe, Knisterrasseln",),
                             ("Subpleural und basal betonte retikuläre Zeichnungsvermehrung mit Honeycombing und Traktionsbronchiektasen.",),
                             ("UIP-Muster, vereinbar mit idiopathischer Lungenfibrose.",), ("Vorstellung im ILD-Board.",)),
        },
        "rec": ("Verlaufskontrolle in 3 Monaten.", "Keine weitere Bildgebung notwendig."),
    },
    "ct_abd": {
        "names": ("CT Abdomen/Becken mit KM", "CT Abdomen mit i.v.- und oralem KM", "CT Abdomen nativ"),
        "tech": ("Portalvenöse Phase nach i.v.-Gabe von {n}0 ml KM, orale Kontrastierung.", "Native Spiral-CT, koronare und sagittale Rekonstruktionen.",
                 "Biphasische Untersuchung (arteriell und portalvenös)."),
        "ind": ("Unklare Bauchschmerzen", "Akutes Abdomen", "Tumorstaging", "Fieber, Ausschluss Abszess"),
        "normal": ("Leber normal groß, homogenes Parenchym ohne fokale Läsionen.", "Gallenblase zart, keine intra- oder extrahepatische Cholestase.",
                   "Pankreas altersentsprechend ohne Raumforderung.", "Milz nicht vergrößert.", "Nieren bds. orthotop, keine Harnstauung.",
                   "Keine freie Flüssigkeit, keine freie Luft.", "Keine pathologisch vergrößerten Lymphknoten.", "Harnblase mäßig gefüllt, unauffällig.",
                   "Degenerative Veränderungen der LWS.", "Sigmadivertikulose ohne Entzündungszeichen.", "Aorta abdominalis normkalibrig, gering sklerosiert."),
        "imp": ("Kein Korrelat für die Beschwerdesymptomatik.", "Kein Anhalt für Malignität.", "Unauffälliges CT des Abdomens und Beckens."),
        "pat": {
            "diverticulitis": _pat(("Linksseitige Unterbauchschmerzen, CRP erhöht", "V.a. Divertikulitis"),
                                   ("Zahlreiche Divertikel im Colon sigmoideum mit Wandverdickung und Imbibierung des perikolischen Fettgewebes.",
                                    "Kleine extraluminale Luftbläschen perikolisch ohne abszessverdächtige Formation.", "Keine freie Luft."),
                                   ("Akute Sigmadivertikulitis mit gedeckter Perforation (Hansen-Stock {hstock}, CDD Typ {cdd}).",),
                                   ("Chirurgische Mitbeurteilung.",)),
            "appendicitis": _pat(("Rechtsseitige Unterbauchschmerzen", "V.a. Appendizitis"),
                                 ("Appendix auf {mm2} mm aufgetrieben mit Wandverdickung und periappendizitischer Imbibierung.", "Appendikolith an der Basis.", "Wenig freie Flüssigkeit im kleinen Becken."),
                                 ("Akute Appendizitis ohne Abszess oder Perforation.",)),
            "liver_mets": _pat(("Tumorstaging", "Verlaufskontrolle unter Chemotherapie"),
                               ("Multiple hypodense Läsionen in beiden Leberlappen, größte in Segment {seg} mit {mm} mm.", "Hypodense Raumforderung im Pankreaskopf ({cm2} cm).",
                                "Vergrößerte Lymphknoten paraaortal bis {mm2} mm."),
                               ("Hepatische Filiae, größenprogredient gegenüber der Voruntersuchung.", "Multiple Lebermetastasen, DD cholangiozelluläres Karzinom."),
                               ("Vorstellung in der Tumorkonferenz.",)),
            "pancreatitis": _pat(("Oberbauchschmerzen, Lipase erhöht",),
                                 ("Ödematös aufgetriebenes Pankreas mit peripankreatischer Flüssigkeit, keine Nekrosen.", "Cholezystolithiasis."),
                                 ("Akute interstitiell-ödematöse Pankreatitis (Balthazar C), am ehesten biliär.",)),
            "ileus": _pat(("Erbrechen, Stuhlverhalt", "V.a. Ileus"),
                          ("Dilatierte Dünndarmschlingen bis {mm} mm mit Spiegelbildung, Kalibersprung im Unterbauch {side}.", "Kollabiertes Kolon.", "Wenig freie Flüssigkeit interenterisch."),
                          ("Mechanischer Dünndarmileus, am ehesten bridenbedingt.",), ("Umgehende chirurgische Vorstellung.",)),
            "stone": _pat(("Flankenschmerzen {side}", "Koliken, Hämaturie"),
                          ("Konkrement im proximalen Ureter {side} von {mmS} mm Größe mit Harnstau Grad II.",),
                          ("Obstruktive Ureterolithiasis {side}.",), ("Urologische Vorstellung.",)),
            "free_air": _pat(("Akutes Abdomen",),
                             ("Freie intraabdominelle Luft subphrenisch und perihepatisch.", "Wandverdickung im Bulbus duodeni."),
                             ("Hohlorganperforation, am ehesten perforiertes Ulcus duodeni.",), ("Notfallmäßige chirurgische Vorstellung, Befund telefonisch übermittelt.",)),
        },
        "rec": ("Klinische Korrelation.", "Verlaufskontrolle nach Therapie."),
    },
    "us_abd": {
        "names": ("Sonographie Abdomen", "Abdomensonographie", "Oberbauchsonographie"),
        "tech": ("Untersuchung mit Konvexschallkopf (3,5 MHz) in Rückenlage.", "Eingeschränkte Beurteilbarkeit durch Meteorismus."),
        "ind": ("Oberbauchschmerzen", "Erhöhte Leberwerte", "Unklares Abdomen", "Verlaufskontrolle"),
        "normal": ("Leber normal groß (MCL {lc} cm), glatt begrenzt, homogenes Echomuster.", "Gallenblase steinfrei, Wand zart.", "DHC nicht erweitert.",
                   "Pankreas, soweit einsehbar, unauffällig.", "Milz normal groß ({spleen} cm).", "Nieren bds. normal groß mit regelrechter Parenchymbreite, kein Harnstau.",
                   "Harnblase gefüllt, glatt berandet.", "Keine freie Flüssigkeit.", "Aorta abdominalis nicht aneurysmatisch."),
        "imp": ("Sonographisch unauffälliger Abdominalbefund.", "Kein Harnstau, keine freie Flüssigkeit."),
        "pat": {
            "steatosis": _pat(("Erhöhte Leberwerte",), ("Leber vergrößert (MCL {lc_hi} cm) und echoreich mit dorsaler Schallabschwächung.",),
                              ("Steatosis hepatis.", "Hepatomegalie mit Steatose, kein Anhalt für fokale Läsionen.")),
            "cholecystitis": _pat(("Rechtsseitige Oberbauchschmerzen, Fieber",),
                                  ("Multiple echoreiche Konkremente mit dorsalem Schallschatten in der Gallenblase, größtes {mm2} mm.",
                                   "Gallenblasenwand verdickt ({mmS} mm), dreischichtig, sonographisches Murphy-Zeichen positiv."),
                                  ("Akute Cholezystitis bei Cholezystolithiasis.",), ("Chirurgische Vorstellung.",)),
            "cirrhosis": _pat(("Bekannte Leberzirrhose, Aszites",),
                              ("Leber mit höckriger Oberfläche und inhomogenem Parenchym.", "Ausgeprägter Aszites in allen Quadranten.", "Splenomegalie ({lc_hi} cm)."),
                              ("Leberzirrhose mit Aszites und Splenomegalie als Zeichen der portalen Hypertension.",)),
            "renal_cyst": _pat(("Zufallsbefund",), ("Glatt begrenzte, echofreie Zyste am Nierenoberpol {side} ({mm} mm).",), ("Einfache Nierenzyste {side} (Bosniak I).",)),
            "hydronephrosis": _pat(("Flankenschmerzen {side}",), ("Erweitertes Nierenbeckenkelchsystem {side} (Grad II).",), ("Harnstau {side} Grad II.",), ("Urologische Abklärung.",)),
        },
        "rec": ("Keine Kontrolle notwendig.", "Sonographische Verlaufskontrolle in 6 Monaten."),
    },
    "ct_head": {
        "names": ("CT Schädel nativ", "CCT nativ", "CT Schädel mit CT-Angiographie", "Kraniale Computertomographie"),
        "tech": ("Native axiale Spiral-CT, Rekonstruktion im Hirn- und Knochenfenster.", "Natives CCT, anschließend CT-Angiographie der hirnversorgenden Arterien und Perfusions-CT."),
        "ind": ("Sturz unter Antikoagulation", "Akute Hemiparese, Lyseindikation", "Kopfschmerzen", "Verwirrtheit, Ausschluss Blutung"),
        "normal": ("Keine intrakranielle Blutung.", "Keine demarkierte Ischämie, keine Infarktfrühzeichen.", "Mittellinienstrukturen nicht verlagert.",
                   "Altersentsprechend weite innere und äußere Liquorräume.", "Basale Zisternen frei.", "Kalotte intakt, keine Frakturen.",
                   "Miterfasste Nasennebenhöhlen und Mastoidzellen regelrecht belüftet.", "Mark-Rinden-Differenzierung erhalten."),
        "imp": ("Kein Nachweis einer intrakraniellen Blutung oder Fraktur.", "Unauffälliges natives CCT.", "Keine Infarktfrühzeichen."),
        "pat": {
            "ischemia": _pat(("Akute Hemiparese, Aphasie, Lyseindikation",),
                             ("Hyperdenses Mediazeichen {side}.", "Beginnende Demarkierung im Mediastromgebiet {side} mit verstrichenen Sulci, ASPECTS {aspects}.",
                              "CT-Angiographie: Abbruch der A. cerebri media {side} im M1-Segment.", "Perfusion: ausgedehntes Mismatch im Mediastromgebiet {side}."),
                             ("Akuter Mediainfarkt {side} mit M1-Verschluss, günstiges Mismatch für eine Thrombektomie.",),
                             ("Befund unmittelbar dem Stroke-Team mitgeteilt.",)),
            "ich": _pat(("Akute Hemiparese, Kopfschmerz",),
                        ("Hyperdense intraparenchymatöse Blutung in den Stammganglien {side} mit einem Volumen von ca. {ml} ml.", "Perifokales Ödem, Mittellinienverlagerung um {mmS} mm.",
                         "Kein Ventrikeleinbruch."),
                        ("Akute Stammganglienblutung {side}, am ehesten hypertensiv.",), ("Kontroll-CCT in 6 Stunden.",)),
            "sdh": _pat(("Sturz unter Antikoagulation", "Zunehmende Vigilanzminderung"),
                        ("Sichelförmiges, gemischt hypo- und hyperdenses subdurales Hämatom frontoparietal {side} mit einer maximalen Breite von {mm2} mm.",
                         "Mittellinienverlagerung um {mmS} mm nach {oside}."),
                        ("Akut-auf-chronisches subdurales Hämatom {side}.",), ("Neurochirurgische Vorstellung.",)),
            "sae": _pat(("Gangstörung, kognitive Defizite",),
                        ("Konfluierende periventrikuläre Hypodensitäten.", "Lakunäre Defekte in den Stammganglien bds.", "Erweiterte innere Liquorräume."),
                        ("Subkortikale arteriosklerotische Enzephalopathie (Morbus Binswanger), keine akute Pathologie.",)),
        },
        "rec": ("Bei klinischer Verschlechterung Kontrolle.", "MRT zur weiteren Abklärung empfohlen."),
    },
    "mri_head": {
        "names": ("MRT Schädel nativ und mit KM", "cMRT mit Gadolinium", "MRT des Neurokraniums"),
        "tech": ("3-Tesla-MRT: T1 nativ und nach KM, T2, FLAIR, DWI, SWI, TOF-Angiographie.", "1,5-Tesla-MRT, Standardprotokoll inkl. DWI und SWI."),
        "ind": ("V.a. Schlaganfall", "Schwindel, Kopfschmerzen", "V.a. entzündliche ZNS-Erkrankung", "Tumornachsorge"),
        "normal": ("Keine Diffusionsrestriktion.", "Keine Mikroblutungen in der SWI.", "Regelrechte Flussignale der großen intrakraniellen Gefäße.",
                   "Keine pathologische KM-Aufnahme.", "Ventrikelsystem normal weit und mittelständig.", "Einzelne unspezifische Marklagerläsionen (Fazekas 1).",
                   "Hypophyse und Sella unauffällig.", "Kleinhirnbrückenwinkel bds. unauffällig."),
        "imp": ("Altersentsprechender MRT-Befund des Neurokraniums ohne Ischämie oder Raumforderung.", "Keine akute intrakranielle Pathologie."),
        "pat": {
            "stroke": _pat(("Akute Hemiparese", "Sprachstörung seit heute Morgen"),
                           ("Diffusionsrestriktion im Versorgungsgebiet der A. cerebri media {side} mit korrespondierendem ADC-Abfall.", "FLAIR-Signal noch diskret (DWI-FLAIR-Mismatch)."),
                           ("Akute Ischämie im Mediastromgebiet {side}.",)),
            "ms": _pat(("V.a. Multiple Sklerose", "Sehstörung, Parästhesien"),
                       ("Multiple periventrikuläre T2/FLAIR-hyperintense Läsionen, ovalär, senkrecht zum Ventrikelsystem orientiert (Dawson-Finger).",
                        "Eine kontrastmittelaufnehmende Läsion juxtakortikal {side}.", "Infratentorielle Läsion im Pons."),
                       ("Befundkonstellation vereinbar mit chronisch-entzündlicher ZNS-Erkrankung, Dissemination in Raum und Zeit nach McDonald-Kriterien erfüllt.",)),
            "gbm": _pat(("Kopfschmerzen, Wesensänderung", "Erstmaliger Krampfanfall"),
                        ("Randständig KM-aufnehmende Raumforderung temporal {side} ({cm} cm) mit zentraler Nekrose.", "Ausgedehntes perifokales Ödem mit Mittellinienverlagerung."),
                        ("Hochgradiger V.a. Glioblastom, DD Metastase.",), ("Neurochirurgische Vorstellung, Stereotaxie.",)),
            "mets": _pat(("Staging bei Bronchialkarzinom",),
                         ("{n} KM-aufnehmende Läsionen supra- und infratentoriell, größte {mm2} mm zerebellär {side}.",),
                         ("Multiple zerebrale Metastasen.",), ("Strahlentherapeutische Vorstellung.",)),
            "hippocampus": _pat(("Epileptischer Anfall",), ("Volumenminderung und T2-Hyperintensität des Hippocampus {side}.",), ("Hippocampussklerose {side}.",)),
        },
        "rec": ("Kontrolle in 6 Monaten.", "Neurologische Korrelation."),
    },
    "mri_spine": {
        "names": ("MRT LWS nativ", "MRT der Lendenwirbelsäule", "MRT HWS nativ"),
        "tech": ("Sagittale T1, T2 und STIR, axiale T2 der Segmente L3–S1.", "1,5-Tesla-MRT, Standardprotokoll."),
        "ind": ("Lumboischialgie", "Radikuläre Schmerzen, Parese", "Chronische Rückenschmerzen"),
        "normal": ("Regelrechtes Alignement.", "Wirbelkörper höhengemindert ohne Signalalteration.", "Conus medullaris in Höhe LWK 1, regelrecht.",
                   "Facettengelenke altersentsprechend.", "Neuroforamina frei."),
        "imp": ("Degenerative Veränderungen ohne Nervenwurzelkompression.",),
        "pat": {
            "disc": _pat(("Lumboischialgie {side}",),
                         ("Mediolateraler Bandscheibenvorfall {lvl} {side} mit Kompression der abgehenden Nervenwurzel.", "Osteochondrose {lvl} (Modic Typ II)."),
                         ("Bandscheibenvorfall {lvl} {side} mit Wurzelkompression.",)),
            "stenosis": _pat(("Claudicatio spinalis",),
                             ("Hochgradige Spinalkanalstenose {lvl} bei Facettengelenksarthrose und Hypertrophie der Ligamenta flava, Restdurchmesser {mmS} mm.",),
                             ("Hochgradige lumbale Spinalkanalstenose {lvl}.",), ("Neurochirurgische Vorstellung.",)),
            "fracture": _pat(("Rückenschmerzen nach Bagatelltrauma",), ("Frische Deckplattenimpressionsfraktur {vert} mit Knochenmarködem, Hinterkante intakt.",),
                             ("Frische osteoporotische Fraktur {vert} (OF 2).",)),
        },
        "rec": ("Konservative Therapie.",),
    },
    "duplex_leg": {
        "names": ("Farbkodierte Duplexsonographie der Beinvenen", "Kompressionssonographie der Beinvenen {side}"),
        "tech": ("Untersuchung mit Linearschallkopf, Kompression in 2-cm-Abständen.",),
        "ind": ("Beinschwellung {side}", "V.a. TVT"),
        "normal": ("Tiefe Beinvenen {side} vollständig komprimierbar, atemmoduliertes Flusssignal.", "Keine Baker-Zyste.", "V. saphena magna unauffällig."),
        "imp": ("Kein Nachweis einer tiefen Beinvenenthrombose.",),
        "pat": {"dvt": _pat(("Beinschwellung {side}, D-Dimere erhöht",),
                            ("Echoarmes, nicht komprimierbares Material in V. femoralis superficialis und V. poplitea {side}.", "Kein Flusssignal in der V. poplitea."),
                            ("Tiefe Beinvenenthrombose {side} (femoropopliteal).",))},
        "rec": ("Antikoagulation.",),
    },
    "xr_hip": {
        "names": ("Röntgen Becken a.p. und Hüfte axial {side}", "Röntgen Hüfte {side} in 2 Ebenen", "Beckenübersicht"),
        "tech": ("Aufnahmen im Liegen.",), "ind": ("Sturz, Schmerzen Hüfte {side}", "Coxalgie", "Postoperative Kontrolle"),
        "normal": ("Keine Fraktur.", "Gelenkspalt erhalten.", "Iliosakralgelenke unauffällig.", "Diffuse Osteopenie."),
        "imp": ("Kein Frakturnachweis.",),
        "pat": {
            "neck_fx": _pat(("Sturz, Bein verkürzt und außenrotiert",), ("Dislozierte mediale Schenkelhalsfraktur {side}, Garden {garden}.",),
                            ("Mediale Schenkelhalsfraktur {side} (Garden {garden}).",)),
            "pertroch": _pat(("Sturz, Schmerzen Hüfte {side}",), ("Mehrfragmentäre pertrochantäre Femurfraktur {side} mit Absprengung des Trochanter minor.",),
                             ("Pertrochantäre Femurfraktur {side}, AO {ao}.",)),
            "coxarthrosis": _pat(("Coxalgie",), ("Gelenkspaltverschmälerung, subchondrale Sklerosierung und Osteophyten am Hüftgelenk {side}.",),
                                 ("Fortgeschrittene Koxarthrose {side} (Kellgren-Lawrence {kl}).",)),
            "tep": _pat(("Postoperative Kontrolle",), ("Hüft-TEP {side} in regelrechter Position, keine Lockerungszeichen, keine periprothetische Fraktur.",),
                        ("Regelrechter Sitz der Hüft-TEP {side}.",)),
        },
        "rec": ("Unfallchirurgische Vorstellung.",),
    },
    "xr_wrist": {
        "names": ("Röntgen Handgelenk {side} in 2 Ebenen",), "tech": ("Aufnahmen d.p. und seitlich.",), "ind": ("Sturz auf die Hand", "Postoperative Kontrolle"),
        "normal": ("Keine Fraktur.", "Regelrechte Artikulation."), "imp": ("Kein Frakturnachweis.",),
        "pat": {"radius_fx": _pat(("Sturz auf die ausgestreckte Hand",), ("Distale Radiusfraktur {side} mit dorsaler Abkippung um {n2}0° und Abriss des Processus styloideus ulnae.",),
                                  ("Distale Radiusextensionsfraktur {side} (Colles-Fraktur, AO 23-A2).",)),
                "plate": _pat(("Postoperative Kontrolle",), ("Regelrechte Lage der palmaren winkelstabilen Plattenosteosynthese, Gelenkfläche rekonstruiert.",),
                              ("Regelrechter postoperativer Befund.",))},
        "rec": (),
    },
    "xr_ankle": {
        "names": ("Röntgen OSG {side} in 2 Ebenen", "Röntgen Sprunggelenk {side}"), "tech": ("Aufnahmen a.p. (Mortise) und seitlich.",), "ind": ("Supinationstrauma",),
        "normal": ("Keine Fraktur.", "Sprunggelenksgabel kongruent."), "imp": ("Kein Frakturnachweis.",),
        "pat": {"weber": _pat(("Supinationstrauma, Schwellung",), ("Schräge Fraktur der distalen Fibula in Höhe der Syndesmose, Innenknöchelfraktur.", "Erweiterter medialer Gelenkspalt."),
                              ("Bimalleoläre OSG-Fraktur {side} Typ Weber {weber}.",))},
        "rec": (),
    },
    "mammo": {
        "names": ("Mammographie bds. in 2 Ebenen", "Mammographie und Mammasonographie"),
        "tech": ("Digitale Mammographie cc und mlo bds., ergänzende Sonographie.",), "ind": ("Tastbefund {side}", "Früherkennung"),
        "normal": ("Dichtes Drüsenparenchym (ACR c).", "Keine suspekten Mikroverkalkungen.", "Axillen bds. unauffällig."),
        "imp": ("Kein Malignitätsverdacht, BI-RADS 2.", "Unauffälliger Befund bds., BI-RADS 1."),
        "pat": {"ca": _pat(("Tastbefund {side}",), ("Unscharf begrenzter, spikulierter Herdbefund im oberen äußeren Quadranten {side} ({mm} mm) mit pleomorphem Mikrokalk.",
                                                    "Sonographisch echoarme Läsion mit dorsaler Schallauslöschung."),
                           ("Hochgradig malignomsuspekter Befund {side}, BI-RADS {birads}.",), ("Stanzbiopsie empfohlen.",))},
        "rec": ("Routinescreening in 2 Jahren.",),
    },
    "pet_ct": {
        "names": ("FDG-PET/CT Ganzkörper", "PET-CT mit 18F-FDG"),
        "tech": ("Akquisition 60 min nach i.v.-Applikation von {n}{n2}0 MBq 18F-FDG, diagnostisches CT mit KM.",), "ind": ("Staging Lymphom", "Restaging unter Therapie"),
        "normal": ("Physiologische Traceranreicherung in Gehirn, Myokard und ableitenden Harnwegen.", "Keine FDG-aviden Lymphknoten."),
        "imp": ("Komplette metabolische Remission (Deauville 2).",),
        "pat": {"lymphoma": _pat(("Staging Lymphom", "Interim-PET"),
                                 ("FDG-avide Lymphome zervikal {side} und mediastinal, SUVmax {n2}{n}.", "Diffus gesteigerte Anreicherung der Milz."),
                                 ("Lymphombefall supra- und infradiaphragmal, Deauville-Score {deauville}.",)),
                "lung": _pat(("Staging Bronchialkarzinom",), ("Hypermetabolismus des Primarius im {lobe} {side}, SUVmax {n2}{n}.", "Ossäre Läsion {vert}."),
                             ("Metastasiertes Bronchialkarzinom (M1b, ossär).",))},
        "rec": (),
    },
    "mri_liver": {
        "names": ("MRT Leber mit leberspezifischem KM", "MRT Oberbauch"),
        "tech": ("Dynamische Untersuchung nach Gabe von Gadoxetsäure, DWI.",), "ind": ("Unklare Leberläsion", "HCC-Surveillance"),
        "normal": ("Keine fokalen Leberläsionen.", "Gallenwege nicht erweitert."), "imp": ("Kein Malignitätsnachweis.",),
        "pat": {"hcc": _pat(("HCC-Surveillance bei Zirrhose",), ("Läsion in Segment {seg} ({mm} mm) mit arterieller Hyperenhancement und Wash-out.",),
                            ("LI-RADS 5, vereinbar mit HCC.",), ("Vorstellung im Lebertumorboard.",)),
                "hemangioma": _pat(("Zufallsbefund Sonographie",), ("Läsion Segment {seg} ({mm2} mm) mit nodulärem peripherem Enhancement und Irisblendenphänomen.",),
                                   ("Typisches Hämangiom, keine Kontrolle erforderlich.",))},
        "rec": (),
    },
    "ct_angio_neck": {
        "names": ("CT-Angiographie der Halsgefäße",), "tech": ("CTA vom Aortenbogen bis zum Circulus Willisii.",), "ind": ("TIA", "Amaurosis fugax"),
        "normal": ("Regelrechte Kontrastierung der Karotiden und Vertebralarterien.", "Gering kalzifizierte Plaques am Bulbus bds."),
        "imp": ("Keine hämodynamisch relevante Stenose.",),
        "pat": {"ica": _pat(("TIA",), ("Gemischte Plaque am Abgang der ACI {side} mit Stenose von ca. {sten} % nach NASCET.",),
                            ("Hochgradige ACI-Stenose {side}.",), ("Gefäßchirurgische Vorstellung zur Thrombendarteriektomie.",))},
        "rec": (),
    },
    "ct_coronary": {
        "names": ("CT-Koronarangiographie", "Kardio-CT mit Calcium-Scoring"), "tech": ("Prospektiv EKG-getriggerte Akquisition nach Betablockade.",),
        "ind": ("Atypische Angina pectoris", "Intermediäre Vortestwahrscheinlichkeit KHK"),
        "normal": ("Agatston-Score {agatston}.", "Rechtsversorgungstyp.", "Keine nicht-kalzifizierten Plaques."), "imp": ("Ausschluss einer relevanten KHK.",),
        "pat": {"cad": _pat(("Belastungsangina",), ("Gemischte Plaque im {vessel} mit hochgradiger Stenose (> 70 %).", "Agatston-Score {agatston}."),
                            ("KHK mit hochgradiger Stenose {vessel}, CAD-RADS 4A.",), ("Invasive Koronarangiographie empfohlen.",))},
        "rec": (),
    },
}

_RAD_QUESTIONS: dict[str, tuple[str, ...]] = {
    "xr_chest": ("Infiltrat", "Erguss", "Stauung", "Pneumothorax", "Lagekontrolle"), "ct_chest": ("Lungenarterienembolie", "Raumforderung", "Metastasen", "Infiltrat"),
    "ct_abd": ("Abszess", "Perforation", "Divertikulitis", "Metastasen", "Ileus", "Appendizitis"), "us_abd": ("Cholezystolithiasis", "Harnstau", "Aszites", "Leberherde"),
    "ct_head": ("Blutung", "Ischämie", "Fraktur"), "mri_head": ("Ischämie", "Raumforderung", "Entzündung", "Metastasen"),
    "mri_spine": ("Bandscheibenvorfall", "Spinalkanalstenose", "Fraktur"), "duplex_leg": ("TVT", "Thrombose"), "xr_hip": ("Fraktur", "Lockerung", "Arthrose"),
    "xr_wrist": ("Fraktur", "Stellung"), "xr_ankle": ("Fraktur", "Syndesmosenverletzung"), "mammo": ("Malignität", "Herdbefund"),
    "pet_ct": ("Lymphombefall", "Progress", "Remission"), "mri_liver": ("HCC", "Metastasen", "Dignität"), "ct_angio_neck": ("ACI-Stenose", "Dissektion"),
    "ct_coronary": ("KHK", "Koronarstenose"),
}

# which exams a clinical specialty orders
_RAD_BY_SPECIALTY: dict[str, tuple[str, ...]] = {
    "cardiology": ("xr_chest", "xr_chest", "ct_chest", "ct_coronary", "duplex_leg"),
    "internal_medicine": ("xr_chest", "xr_chest", "us_abd", "us_abd", "ct_abd", "ct_chest", "duplex_leg"),
    "oncology": ("ct_chest", "ct_abd", "pet_ct", "mri_liver", "xr_chest", "mammo", "mri_head"),
    "neurology": ("ct_head", "mri_head", "mri_head", "mri_spine", "ct_angio_neck"),
    "surgery": ("ct_abd", "us_abd", "xr_hip", "xr_wrist", "xr_ankle", "xr_chest"),
}

# --------------------------------------------------------------------------------------------------
# Pathology: specimen -> material, macroscopy, patterns (micro, IHC, diagnosis, ICD, TNM)
# --------------------------------------------------------------------------------------------------


def _pp(micro: Sequence[str], dx: Sequence[str], icd: str, ihc: Sequence[str] = (), tnm: tuple[str, ...] | None = None,
        comment: Sequence[str] = (), material: Sequence[str] = (), macro: Sequence[str] = ()) -> dict[str, Any]:
    """A pathology finding pattern; material/macro override the specimen's defaults when given."""
    return {"micro": tuple(micro), "dx": tuple(dx), "icd": icd, "ihc": tuple(ihc), "tnm": tnm, "comment": tuple(comment),
            "material": tuple(material), "macro": tuple(macro)}


_PATH: dict[str, dict[str, Any]] = {
    "colon_bx": {
        "material": ("Kolonbiopsien ({n} Partikel) aus dem Colon sigmoideum", "Stufenbiopsien Ileum, Colon ascendens, transversum, descendens und Rektum",
                     "Polypektomiepräparat Colon ascendens"),
        "clin": ("Chronische Diarrhoen", "V.a. CED", "Polyp bei Vorsorgekoloskopie", "Stenosierender Tumor im Sigma"),
        "macro": ("{n} weißlich-graue Gewebspartikel bis {mmS} mm, in toto eingebettet.", "Polyp von {mm2} mm Durchmesser mit Stiel, Abtragungsrand tuschemarkiert."),
        "pat": {
            "adenoma": _pp(("Kolonschleimhaut mit tubulär aufgebauten Drüsen mit hyperchromatischen, pseudostratifizierten Kernen.", "Keine Invasion der Submukosa.", "Abtragungsrand frei."),
                           ("Tubuläres Adenom mit niedriggradiger intraepithelialer Neoplasie, in toto abgetragen.",), "D12.5",
                           comment=("Kontrollkoloskopie gemäß Leitlinie in 3 Jahren.",)),
            "uc": _pp(("Schleimhaut mit Kryptenarchitekturstörung, basaler Plasmazytose und Kryptenabszessen.", "Becherzellverlust.", "Keine Granulome, keine Dysplasie."),
                      ("Chronisch-aktive Kolitis, vereinbar mit Colitis ulcerosa.",), "K51.9"),
            "crohn": _pp(("Fokal aktive Entzündung mit epitheloidzelligen Granulomen ohne Nekrose.", "Diskontinuierliches Befallsmuster."),
                         ("Fokal aktive chronische Ileokolitis mit Granulomen, vereinbar mit Morbus Crohn.",), "K50.8"),
            "carcinoma": _pp(("Infiltrate eines Adenokarzinoms mit drüsiger Differenzierung und desmoplastischem Stroma.",),
                             ("Adenokarzinom des Kolons, mäßig differenziert (G2).",), "C18.7", ihc=("MLH1, PMS2, MSH2 und MSH6 erhalten (kein Anhalt für MSI).",),
                             comment=("Vorstellung in der Tumorkonferenz empfohlen.",)),
            "normal": _pp(("Regelrecht aufgebaute Kolonschleimhaut ohne Entzündung.", "Keine Kollagenbänder, keine vermehrten intraepithelialen Lymphozyten."),
                          ("Kolonschleimhaut ohne pathologischen Befund, insbesondere kein Anhalt für mikroskopische Kolitis.",), "Z03.1"),
        },
    },
    "gastric_bx": {
        "material": ("Magenbiopsien aus Antrum und Corpus", "Biopsien Antrum ({n}) und Corpus ({n2})", "Biopsien aus einem Ulkus der kleinen Kurvatur"),
        "clin": ("Epigastrische Schmerzen", "Ulkus, Malignitätsausschluss", "Dyspepsie, HP-Status?"),
        "macro": ("{n} Gewebspartikel bis {mmS} mm.",),
        "pat": {
            "hp": _pp(("Antrumschleimhaut mit dichtem lymphoplasmazellulärem Infiltrat und neutrophiler Aktivität.", "Reichlich Helicobacter-ähnliche Keime in der Giemsa-Färbung."),
                      ("Chronisch-aktive Helicobacter-Gastritis (Typ B), Antrum-betont (Sydney-System: Aktivität 2, Chronizität 2).",), "K29.5"),
            "im": _pp(("Korpusschleimhaut mit fokaler intestinaler Metaplasie (Becherzellen).", "Keine Dysplasie."), ("Chronisch atrophische Gastritis mit intestinaler Metaplasie (OLGIM II).",), "K29.4"),
            "carcinoma": _pp(("Tubulär wachsendes Adenokarzinom mit Infiltration der Lamina propria und Muscularis mucosae.",),
                             ("Adenokarzinom des Magens, intestinaler Typ nach Laurén, G2.",), "C16.3", ihc=("HER2: Score 1+ (negativ).", "PD-L1 CPS 5.")),
            "malt": _pp(("Dichtes Infiltrat kleiner Lymphozyten mit lymphoepithelialen Läsionen.",), ("Extranodales Marginalzonenlymphom vom MALT-Typ.",), "C88.4",
                        ihc=("CD20 positiv, CD5 und CD10 negativ, Ki-67 < 10 %.",)),
        },
    },
    "prostate": {
        "sex": "m",
        "material": ("Prostatastanzbiopsien (12 Stanzen, seitengetrennt)", "MRT-gezielte Fusionsbiopsie der Prostata ({n2} Stanzen)"),
        "clin": ("PSA-Anstieg", "Suspekter Tastbefund", "PI-RADS-5-Läsion"),
        "macro": ("12 Stanzzylinder von 8–18 mm Länge, getrennt eingebettet.",),
        "pat": {
            "ca": _pp(("In {n}/12 Stanzen Infiltrate eines azinären Adenokarzinoms, maximaler Tumoranteil {pct} %.", "Perineuralscheideninfiltration nachweisbar."),
                      ("Azinäres Adenokarzinom der Prostata, Gleason-Score {gleason}.",), "C61", ihc=("p63 und CK5/6: Verlust der Basalzellen.", "AMACR positiv.")),
            "benign": _pp(("Prostatagewebe mit glandulär-stromaler Hyperplasie und fokal chronischer Prostatitis.",), ("Kein Anhalt für Malignität.",), "N40"),
        },
    },
    "breast": {
        "sex": "f",
        "material": ("Mamma-Stanzbiopsie {sa}, oberer äußerer Quadrant", "Stanzbiopsie Mamma {side}, sonographisch gesteuert"),
        "clin": ("BI-RADS 5 Herdbefund", "Tastbefund {side}"), "macro": ("{n} Stanzzylinder bis {mm2} mm Länge.",),
        "pat": {
            "nst": _pp(("Infiltrate eines invasiven Karzinoms in soliden Strängen ohne spezielle Differenzierung.", "Begleitendes DCIS, intermediärer Kerngrad."),
                       ("Invasives Mammakarzinom (NST), G2 nach Elston und Ellis.",), "C50.4",
                       ihc=("Östrogenrezeptor: {erpct} % positiv.", "Progesteronrezeptor: {prpct} % positiv.", "HER2: Score {her2}.", "Ki-67: {ki} %.")),
            "fibroadenoma": _pp(("Biphasischer Tumor mit perikanalikulärem Wachstumsmuster.",), ("Fibroadenom, kein Malignitätsnachweis.",), "D24"),
        },
    },
    "lung": {
        "material": ("Transbronchiale Biopsien {lobe} {side}", "EBUS-TBNA Lymphknotenstation 4R und 7", "CT-gesteuerte Lungenstanzbiopsie {side}"),
        "clin": ("Raumforderung {lobe} {side}", "Mediastinale Lymphadenopathie"), "macro": ("Mehrere Gewebsfragmente bis {mmS} mm und Zellblock.",),
        "pat": {
            "adeno": _pp(("Infiltrate eines Adenokarzinoms mit azinärem und solidem Wachstumsmuster.",), ("Adenokarzinom der Lunge.",), "C34.1",
                         ihc=("TTF-1 positiv, Napsin A positiv, p40 negativ.", "PD-L1 (22C3): TPS {pdl1} %."),
                         comment=("Molekularpathologie (NGS-Panel inkl. EGFR, ALK, ROS1, KRAS) ist eingeleitet, Nachbericht folgt.",)),
            "squamous": _pp(("Verhornendes Plattenepithelkarzinom mit Interzellularbrücken.",), ("Plattenepithelkarzinom der Lunge.",), "C34.1",
                            ihc=("p40 und CK5/6 positiv, TTF-1 negativ.", "PD-L1 (22C3): TPS {pdl1} %.")),
            "sclc": _pp(("Kleine, blaue Tumorzellen mit Quetschartefakten, hohe Mitoserate.",), ("Kleinzelliges Lungenkarzinom.",), "C34.1",
                        ihc=("Synaptophysin und Chromogranin positiv, Ki-67 > 80 %.",)),
            "sarcoid": _pp(("Lymphknotengewebe mit nicht-verkäsenden epitheloidzelligen Granulomen.",), ("Granulomatöse Lymphadenitis, vereinbar mit Sarkoidose.",), "D86.1",
                           comment=("Ziehl-Neelsen-Färbung negativ.",)),
        },
    },
    "skin": {
        "material": ("Exzisat Haut Rücken", "Hautexzisat Unterschenkel {side}, Faden bei 12 Uhr", "Shave-Biopsie Stirn"),
        "clin": ("Pigmentierte Läsion, V.a. Melanom", "V.a. Basaliom", "Unklare Hautveränderung"),
        "macro": ("Spindelförmiges Hautexzisat {cm2} × 0,{n} cm, zentral {mm2} mm große pigmentierte Läsion.",),
        "pat": {
            "melanoma": _pp(("Asymmetrische melanozytäre Läsion mit pagetoider Ausbreitung und dermaler Invasion.", "Mitosen {n}/mm², keine Ulzeration."),
                            ("Superfiziell spreitendes malignes Melanom, Tumordicke nach Breslow {breslow} mm, Clark-Level IV.",), "C43.5",
                            ihc=("Melan-A und SOX10 positiv, HMB45 oberflächlich positiv.",), comment=("Sicherheitsabstand seitlich {mm2} mm, in sano exzidiert.",)),
            "bcc": _pp(("Basaloide Tumorzellnester mit Palisadenstellung und Retraktionsspalten.",), ("Noduläres Basalzellkarzinom, in sano exzidiert.",), "C44.3"),
            "nevus": _pp(("Symmetrische melanozytäre Läsion mit Reifung zur Tiefe.",), ("Compound-Nävus ohne Atypien, vollständig exzidiert.",), "D22.5"),
            "sk": _pp(("Exophytische Epidermisverdickung mit Hornzysten.",), ("Seborrhoische Keratose.",), "L82"),
        },
    },
    "appendix": {
        "material": ("Appendix vermiformis", "Appendektomiepräparat"), "clin": ("Akute Appendizitis",),
        "macro": ("Appendix von {n2} cm Länge und bis {mmS} mm Durchmesser, Serosa fibrinbelegt.",),
        "pat": {
            "phleg": _pp(("Transmurale granulozytäre Entzündung mit Ulzerationen der Schleimhaut und Periappendizitis.",),
                         ("Ulzerophlegmonöse Appendizitis mit Periappendizitis.",), "K35.8", comment=("Kein Anhalt für Malignität.",)),
            "gangr": _pp(("Ausgedehnte Wandnekrose mit Perforation.",), ("Gangränös-perforierte Appendizitis.",), "K35.31"),
            "net": _pp(("In der Spitze ein {mmS} mm großer neuroendokriner Tumor, G1.",), ("Neuroendokriner Tumor der Appendix (G1, pT1), R0.",), "C18.1",
                       ihc=("Synaptophysin und Chromogranin positiv, Ki-67 < 2 %.",)),
        },
    },
    "gallbladder": {
        "material": ("Gallenblase", "Cholezystektomiepräparat mit Konkrementen"), "clin": ("Symptomatische Cholezystolithiasis", "Akute Cholezystitis"),
        "macro": ("Gallenblase {gb} cm lang, Wand bis {mmS} mm verdickt, {n} gelbliche Konkremente.", "Eröffnete Gallenblase von {gb} cm Länge mit samtartiger Schleimhaut und {n2} facettierten Steinen."),
        "pat": {
            "chronic": _pp(("Wandverdickung mit Fibrose, Rokitansky-Aschoff-Sinus und lymphozytärem Infiltrat.",), ("Chronische Cholezystitis bei Cholezystolithiasis.",), "K80.10"),
            "acute": _pp(("Transmurale Entzündung mit Nekrosen und Einblutungen.",), ("Akute ulzerophlegmonöse Cholezystitis.",), "K80.00"),
        },
    },
    "colon_resection": {
        "material": ("Sigmaresektat", "Hemikolektomiepräparat rechts mit terminalem Ileum", "Rektumresektat (TME)"),
        "clin": ("Adenokarzinom des Sigmas", "Kolonkarzinom", "Rezidivierende Sigmadivertikulitis"),
        "macro": ("Darmresektat von {colcm} cm Länge, ulzerierter Tumor von {cm} cm, Abstand zum nächsten Resektionsrand {n} cm.",),
        "pat": {
            "ca": _pp(("Adenokarzinom mit Infiltration bis ins perikolische Fettgewebe.", "{n} von {nlk} Lymphknoten mit Metastasen.", "Lymphgefäßinvasion nachweisbar."),
                      ("Adenokarzinom des Kolons, G2.",), "C18.7", tnm=("pT3", "pN1b ({n}/{nlk})", "L1", "V0", "Pn0", "G2", "R0"),
                      comment=("Resektionsränder tumorfrei, CRM 8 mm.",)),
            "diverticulitis": _pp(("Divertikel mit peridivertikulitischer Abszedierung und Serositis.", "Fibrose der Darmwand mit Muskelhypertrophie."),
                                  ("Abszedierende Sigmadivertikulitis, kein Anhalt für Malignität.",), "K57.22", material=("Sigmaresektat",),
                                  macro=("Sigmaresektat von {colcm} cm Länge mit zahlreichen Divertikeln, Wand bis {mmS} mm verdickt, perikolisch eine Abszesshöhle von {mm2} mm.",)),
        },
    },
    "lymph_node": {
        "material": ("Lymphknotenexstirpat zervikal {side}", "Axillärer Lymphknoten {side}", "Lymphknoten inguinal"),
        "clin": ("Lymphadenopathie, B-Symptomatik", "V.a. Lymphom"), "macro": ("Lymphknoten {cm2} cm, Schnittfläche grau-weiß, fischfleischartig.",),
        "pat": {
            "dlbcl": _pp(("Aufgehobene Lymphknotenarchitektur durch diffuses Infiltrat großer blastärer Zellen.",), ("Diffus großzelliges B-Zell-Lymphom, GCB-Typ (Hans-Algorithmus).",),
                         "C83.3", ihc=("CD20 und PAX5 positiv, CD10 positiv, BCL6 positiv, MUM1 negativ.", "Ki-67 {ki} %.", "MYC-Translokation in der FISH negativ.")),
            "hodgkin": _pp(("Noduläre Fibrosebänder, eingestreute Hodgkin- und Reed-Sternberg-Zellen in reaktivem Milieu.",),
                           ("Klassisches Hodgkin-Lymphom, nodulär sklerosierender Typ.",), "C81.1", ihc=("CD30 und CD15 positiv, CD20 negativ, PAX5 schwach positiv.",)),
            "reactive": _pp(("Follikuläre Hyperplasie mit erhaltener Architektur.",), ("Reaktive follikuläre Lymphadenitis, kein Anhalt für Lymphom.",), "R59.0"),
            "met": _pp(("Metastase eines Adenokarzinoms.",), ("Lymphknotenmetastase eines Adenokarzinoms, CK7 positiv, TTF-1 positiv, pulmonaler Ursprung wahrscheinlich.",), "C77.0"),
        },
    },
    "thyroid": {
        "material": ("Thyreoidektomiepräparat", "Hemithyreoidektomie {side}"), "clin": ("Struma nodosa", "Kalter Knoten {side}"),
        "macro": ("Schilddrüsengewebe {n2}{n} g, Knoten {mm} mm, Schnittfläche braun-rötlich.",),
        "pat": {
            "hashimoto": _pp(("Dichte lymphozytäre Infiltrate mit Keimzentren und onkozytär transformierten Follikeln.",), ("Chronische lymphozytäre Thyreoiditis (Hashimoto).",), "E06.3"),
            "papillary": _pp(("Papilläres Wachstumsmuster mit milchglasartigen Kernen und Kernfurchen.",), ("Papilläres Schilddrüsenkarzinom, klassische Variante.",), "C73",
                             tnm=("pT1a", "pN0 (0/{n})", "L0", "V0", "R0"), comment=("Tumorgröße {mmS} mm.",)),
            "adenoma": _pp(("Gekapselter follikulärer Tumor ohne Kapsel- oder Gefäßinvasion.",), ("Follikuläres Adenom.",), "D34"),
            "nodular": _pp(("Knotige Hyperplasie mit regressiven Veränderungen.",), ("Struma nodosa colloides mit regressiven Veränderungen.",), "E04.2"),
        },
    },
    "liver_bx": {
        "material": ("Leberstanzbiopsie", "Sonographisch gesteuerte Leberbiopsie Segment {seg}"), "clin": ("Erhöhte Transaminasen", "Leberherd, V.a. Metastase"),
        "macro": ("Stanzzylinder von {n2} mm Länge.",),
        "pat": {
            "nash": _pp(("Makrovesikuläre Steatose ({pct} % der Hepatozyten), Ballonierung, lobuläre Entzündung.", "Perisinusoidale Fibrose (Stadium F2)."),
                        ("Nichtalkoholische Steatohepatitis, NAS (Kleiner-Score) 5, Fibrosestadium F2.",), "K75.8"),
            "hcc": _pp(("Trabekulär wachsender hepatozellulärer Tumor mit Kernatypien.",), ("Hepatozelluläres Karzinom, G2.",), "C22.0",
                       ihc=("HepPar1 und Glypican-3 positiv.",)),
            "met": _pp(("Metastase eines Adenokarzinoms.",), ("Lebermetastase eines Adenokarzinoms, pankreatobiliärer Typ.",), "C78.7",
                       ihc=("CK7 positiv, CK20 fokal positiv, CDX2 negativ.",)),
        },
    },
    "duodenum": {
        "material": ("Duodenalbiopsien (Pars descendens, {n})",), "clin": ("V.a. Zöliakie, Transglutaminase-AK positiv",), "macro": ("{n} Partikel bis {mmS} mm.",),
        "pat": {"celiac": _pp(("Totale Zottenatrophie, Kryptenhyperplasie, > 40 intraepitheliale Lymphozyten/100 Epithelzellen.",),
                              ("Befund vereinbar mit Zöliakie, Marsh-Oberhuber Typ 3c.",), "K90.0"),
                "normal": _pp(("Regelrechte Zottenarchitektur mit einem Zotten-Krypten-Verhältnis von 3:1.", "Keine Vermehrung intraepithelialer Lymphozyten.",
                               "Keine Lamblien nachweisbar."),
                              ("Duodenalschleimhaut ohne pathologischen Befund, kein Anhalt für eine Zöliakie.",), "Z03.1")},
    },
    "bone_marrow": {
        "material": ("Beckenkammbiopsie {sa}",), "clin": ("V.a. Multiples Myelom", "Panzytopenie"), "macro": ("Knochenstanzzylinder {n2} mm, entkalkt.",),
        "pat": {"myeloma": _pp(("Interstitielle und noduläre Infiltration durch Plasmazellen ({plasma} % der Zellularität).",),
                               ("Plasmazellmyelom.",), "C90.00", ihc=("CD138 positiv, Leichtkettenrestriktion kappa.",)),
                "mds": _pp(("Hyperzelluläres Mark mit Dysplasien in zwei Zellreihen.",), ("Myelodysplastisches Neoplasma mit niedrigem Blastenanteil.",), "D46.9")},
    },
    "femoral_head": {
        "material": ("Hüftkopf {side}",), "clin": ("Schenkelhalsfraktur", "Koxarthrose"), "macro": ("Hüftkopf {n}{n2} mm, Knorpel fokal aufgebraucht.",),
        "pat": {"oa": _pp(("Knorpeldestruktion mit Eburnisation und subchondralen Geröllzysten.",), ("Fortgeschrittene Koxarthrose.",), "M16.1"),
                "fx": _pp(("Frakturzone mit Einblutung, kein Anhalt für pathologische Fraktur.",), ("Frische Schenkelhalsfraktur, kein Tumornachweis.",), "S72.01")},
    },
}

_PATH_MICRO_EXTRA = (
    "Die Untersuchung erfolgte an HE-gefärbten Schnittpräparaten sowie an Spezialfärbungen (PAS, Giemsa).",
    "Das eingesandte Material ist repräsentativ und gut beurteilbar.", "In weiteren Stufenschnitten keine zusätzlichen Befunde.",
    "Das Gewebe ist teilweise durch Quetschartefakte in der Beurteilbarkeit eingeschränkt.", "Begleitend geringe unspezifische chronische Entzündung.",
    "Eine Zweitbegutachtung der Schnitte erfolgte im Vier-Augen-Prinzip.",
)

_PATH_MATERIAL_BY_OP: dict[str, tuple[str, ...]] = {
    "sigma": ("Sigmaresektat", "Sigmaresektat mit Anastomosenringen"), "sigma_ca": ("Sigmaresektat (onkologische Resektion)", "Sigmaresektat mit Mesokolon"),
    "hemicol": ("Hemikolektomiepräparat rechts mit terminalem Ileum",), "hip_hemi": ("Hüftkopf {side}",), "hip_tep": ("Hüftkopf {side}",),
}


# --------------------------------------------------------------------------------------------------
# Operations: key -> names, OPS codes, anaesthesia, indication, steps, situs, post-op procedure
# --------------------------------------------------------------------------------------------------

_STEPS_START = (
    "Team-Time-Out gemäß Checkliste, perioperative Antibiotikaprophylaxe mit Cefuroxim 1,5 g i.v.",
    "Lagerung in Rückenlage, Hautdesinfektion und steriles Abdecken.",
    "Single-Shot-Antibiose mit Cefazolin 2 g i.v., Team-Time-Out.",
    "Rückenlagerung mit angelagerten Armen, Polsterung der Auflagepunkte, Team-Time-Out.",
)
_STEPS_END = (
    ("Kontrolle auf Bluttrockenheit, Zählkontrolle korrekt.", "Schichtweiser Wundverschluss, Hautnaht mit Klammern.", "Steriler Verband."),
    ("Bluttrockenheit.", "Fasziennaht, Intrakutannaht mit resorbierbarem Faden.", "Steriler Pflasterverband."),
    ("Einlage einer Redon-Drainage.", "Schichtweiser Wundverschluss, Hautklammern.", "Sterile Wundabdeckung, Ende der Operation."),
    ("Zählkontrolle vollständig.", "Subkutannaht, Hautnaht in Einzelknopftechnik.", "Steriler Verband, elastische Wickelung."),
    ("Spülung und Kontrolle auf Bluttrockenheit.", "Wundverschluss in Schichten, Intrakutannaht.", "Pflasterverband."),
)

_OPS: dict[str, dict[str, Any]] = {
    "appe": {
        "name": ("Laparoskopische Appendektomie",), "ops": ("5-470.11",), "ana": ("ITN",),
        "ind": ("Klinisch und sonographisch V.a. akute Appendizitis bei Druckschmerz im rechten Unterbauch und Leukozytose.",
                "Bei klinischem Bild einer akuten Appendizitis besteht die Indikation zur Appendektomie. Aufklärung über Risiken inkl. Konversion erfolgt."),
        "steps": ("Infraumbilikale Minilaparotomie und Anlage des Pneumoperitoneums (12 mmHg).", "Einbringen zweier 5-mm-Trokare im linken Unterbauch und suprasymphysär unter Sicht.",
                  "Darstellen der Appendix, Skelettieren der Mesoappendix mittels bipolarer Koagulation.", "Absetzen der Appendix an der Basis mittels Röder-Schlinge (2-fach).",
                  "Bergung des Präparates im Bergebeutel.", "Spülung des kleinen Beckens, Absaugen des Exsudats.", "Entfernung der Trokare unter Sicht, Fasziennaht umbilikal."),
        "situs": ("Phlegmonös entzündete Appendix vermiformis ohne Perforation, wenig trübes Exsudat im kleinen Becken.",
                  "Gangränöse Appendix mit Perforation an der Spitze, lokale Peritonitis im rechten Unterbauch.", "Fibrinbelegte Appendix in retrozökaler Lage."),
        "proc": ("Kostaufbau ab dem Abend.", "Antibiose mit Ampicillin/Sulbactam für 3 Tage.", "Histologie abwarten.", "Entlassung bei unauffälligem Verlauf am 2. postoperativen Tag."),
        "path": "appendix",
    },
    "chole": {
        "name": ("Laparoskopische Cholezystektomie",), "ops": ("5-511.11",), "ana": ("ITN",),
        "ind": ("Symptomatische Cholezystolithiasis mit rezidivierenden Koliken.", "Akute Cholezystitis, Operation innerhalb von 72 Stunden nach Symptombeginn."),
        "steps": ("Anlage des Pneumoperitoneums über Minilaparotomie umbilikal, Einbringen von drei weiteren Trokaren.",
                  "Darstellung des Calot-Dreiecks, Erreichen der Critical View of Safety.", "Clippen und Durchtrennen von Ductus cysticus und A. cystica.",
                  "Retrograde Auslösung der Gallenblase aus dem Leberbett mittels Elektrokauter.", "Bergung im Bergebeutel über den umbilikalen Zugang."),
        "situs": ("Chronisch entzündete, steingefüllte Gallenblase mit Verwachsungen zum Duodenum.", "Akut entzündete, ödematöse Gallenblase mit Fibrinbelägen.",
                  "Reizlose Gallenblase mit multiplen Konkrementen."),
        "proc": ("Kostaufbau ab dem 1. postoperativen Tag.", "Laborkontrolle (Bilirubin, Cholestaseparameter) am 1. postoperativen Tag.", "Fadenzug entfällt (resorbierbare Naht)."),
        "path": "gallbladder",
    },
    "hernia": {
        "name": ("Transabdominelle präperitoneale Hernioplastik (TAPP) {side}", "Leistenhernienreparation nach Lichtenstein {side}"), "ops": ("5-530.31", "5-530.33"),
        "ana": ("ITN", "Spinalanästhesie", "Larynxmaske"),
        "ind": ("Symptomatische Leistenhernie {side}.",),
        "steps": ("Eröffnung des Peritoneums oberhalb der Bruchpforte, Präparation des präperitonealen Raumes.", "Reposition des indirekten Bruchsacks.",
                  "Einlage eines Polypropylen-Netzes (15 × 10 cm) unter Abdeckung aller Bruchpforten.", "Verschluss des Peritoneums mit fortlaufender Naht.",
                  "Leistenschnitt, Spaltung der Externusaponeurose, Anschlingen des Samenstrangs.", "Netzfixation am Leistenband nach Lichtenstein."),
        "situs": ("Indirekte Leistenhernie {side} mit weiter innerer Bruchpforte (EHS L2).", "Direkte Leistenhernie {side} (EHS M2), kontralateral keine Hernie."),
        "proc": ("Keine schweren Lasten über 10 kg für 2 Wochen.", "Analgesie nach Bedarf."),
    },
    "sigma": {
        "name": ("Laparoskopische Sigmaresektion mit Deszendorektostomie", "Diskontinuitätsresektion nach Hartmann"), "ops": ("5-455.75", "5-455.71"), "ana": ("ITN mit PDK", "ITN"),
        "ind": ("Komplizierte Sigmadivertikulitis mit gedeckter Perforation nach Versagen der konservativen Therapie.", "Rezidivierende Sigmadivertikulitis, elektive Resektion im entzündungsfreien Intervall."),
        "steps": ("Laparoskopie, Mobilisation des Colon descendens und des Sigmas von lateral.", "Darstellung und Schonung des linken Ureters.",
                  "Absetzen des Mesosigmas darmnah mittels Ligasure.", "Durchtrennen des oberen Rektums mit dem Endo-GIA.", "Bergung über Pfannenstiel-Schnitt, Einknüpfen der Andruckplatte.",
                  "Zirkuläre Staplerdeszendorektostomie (29 mm), Dichtigkeitsprüfung negativ.", "Endständiges Descendostoma im linken Unterbauch."),
        "situs": ("Entzündlicher Konglomerattumor im Sigma mit gedeckter Perforation, keine freie Perforation.", "Fibrotisch verdicktes Sigma mit Verwachsungen zur Blase."),
        "proc": ("Kostaufbau nach Fast-Track-Schema.", "Entfernung des Blasenkatheters am 1. postoperativen Tag.", "Thromboseprophylaxe."),
        "path": "colon_resection",
    },
    "sigma_ca": {
        "name": ("Laparoskopische onkologische Sigmaresektion mit totaler mesokolischer Exzision",), "ops": ("5-455.75",), "ana": ("ITN mit PDK",),
        "ind": ("Histologisch gesichertes Adenokarzinom des Sigmas, Beschluss der Tumorkonferenz vom {D-10}.",),
        "steps": ("Zentrales Absetzen der A. mesenterica inferior nach Abgang der A. colica sinistra.", "Medial-to-lateral-Mobilisation unter Schonung des Plexus hypogastricus.",
                  "Mobilisation der linken Flexur.", "Zirkuläre Staplerdeszendorektostomie, Dichtigkeitsprüfung negativ.", "Bergung über Minilaparotomie mit Wundschutzfolie."),
        "situs": ("Tumor im mittleren Sigma, Serosa nicht infiltriert, keine Peritonealkarzinose, Leber palpatorisch unauffällig.",),
        "proc": ("Histologie abwarten, Vorstellung in der Tumorkonferenz.", "Fast-Track-Kostaufbau."), "path": "colon_resection",
    },
    "hemicol": {
        "name": ("Hemikolektomie rechts mit Ileotransversostomie",), "ops": ("5-455.41",), "ana": ("ITN mit PDK",),
        "ind": ("Histologisch gesichertes Kolonkarzinom im Colon ascendens.",),
        "steps": ("Mediane Laparotomie, Exploration des Abdomens.", "Zentrale Ligatur der Vasa ileocolica und der A. colica dextra.", "Mobilisation des rechten Hemikolons mit Duodenum-Kocher-Manöver.",
                  "Seit-zu-Seit-Ileotransversostomie mittels Stapler."),
        "situs": ("Tumor im Colon ascendens, die Serosa erreichend, keine Lebermetastasen.",), "proc": ("Nasogastrale Sonde am 1. postoperativen Tag entfernen.", "Tumorkonferenz."),
        "path": "colon_resection",
    },
    "ileus": {
        "name": ("Explorative Laparotomie mit Adhäsiolyse", "Laparoskopische Adhäsiolyse"), "ops": ("5-469.20", "5-469.21"), "ana": ("ITN (Rapid Sequence Induction)",),
        "ind": ("Mechanischer Dünndarmileus ohne Besserung unter konservativer Therapie.",),
        "steps": ("Mediane Laparotomie.", "Lösen eines strangulierenden Bridenstrangs im Unterbauch.", "Ausstreichen des Dünndarminhalts in den Magen.", "Inspektion des gesamten Dünndarms."),
        "situs": ("Bride im rechten Unterbauch mit Abschnürung des Ileums, Darm nach Lösung vital.", "Multiple Adhäsionen nach Voroperationen, kein ischämischer Darmabschnitt."),
        "proc": ("Magensonde bis zum Einsetzen der Darmtätigkeit.",),
    },
    "hip_hemi": {
        "name": ("Implantation einer zementierten Duokopfprothese {side}",), "ops": ("5-820.41",), "ana": ("Spinalanästhesie", "ITN"),
        "ind": ("Dislozierte mediale Schenkelhalsfraktur {side} bei älterem Patientenkollektiv.",),
        "steps": ("Seitenlagerung, anterolateraler Zugang nach Watson-Jones.", "Kapsulotomie, Entfernen des Hüftkopfes.", "Präparation des Femurschaftes mit Raspeln.",
                  "Zementieren des Schaftes, Aufsetzen des Duokopfes, Reposition.", "Stabilitätsprüfung und Beinlängenkontrolle."),
        "situs": ("Mediale Schenkelhalsfraktur mit Dislokation, osteoporotische Knochenqualität.",),
        "proc": ("Vollbelastung erlaubt.", "Röntgenkontrolle postoperativ.", "Thromboseprophylaxe für 5 Wochen.", "Geriatrische Frührehabilitation."), "path": "femoral_head",
    },
    "pfna": {
        "name": ("Geschlossene Reposition und intramedulläre Osteosynthese mit proximalem Femurnagel (PFNA) {side}",), "ops": ("5-790.8e",), "ana": ("Spinalanästhesie", "ITN"),
        "ind": ("Pertrochantäre Femurfraktur {side}.",),
        "steps": ("Lagerung auf dem Extensionstisch, geschlossene Reposition unter Bildwandler.", "Eröffnung an der Trochanterspitze, Einbringen des Führungsdrahtes.",
                  "Einbringen des Nagels, Platzierung der Klinge zentral im Kopf (TAD < 25 mm).", "Distale Verriegelung über Zielbügel."),
        "situs": ("Instabile pertrochantäre Fraktur, anatomische Reposition möglich.",), "proc": ("Schmerzadaptierte Vollbelastung.", "Röntgenkontrolle in 6 Wochen."),
    },
    "radius": {
        "name": ("Offene Reposition und palmare winkelstabile Plattenosteosynthese am distalen Radius {side}",), "ops": ("5-794.k6",), "ana": ("Plexusanästhesie (axillär)", "ITN"),
        "ind": ("Dislozierte distale Radiusfraktur {side}.",),
        "steps": ("Blutsperre am Oberarm, palmarer Zugang nach Henry.", "Ablösen des M. pronator quadratus.", "Reposition unter Bildwandler, Fixation mit K-Drähten.",
                  "Anlage einer winkelstabilen Platte, Bildwandlerkontrolle in zwei Ebenen."),
        "situs": ("Extraartikuläre Fraktur mit dorsaler Trümmerzone.",), "proc": ("Unterarmschiene für 2 Wochen.", "Frühfunktionelle Physiotherapie.", "Fadenzug am 12. Tag."),
    },
    "ankle": {
        "name": ("Offene Reposition und Plattenosteosynthese der Fibula sowie Schraubenosteosynthese des Innenknöchels {side}",), "ops": ("5-794.2r", "5-793.1r"),
        "ana": ("Spinalanästhesie", "ITN"), "ind": ("Instabile bimalleoläre OSG-Fraktur {side} Typ Weber {weber}.",),
        "steps": ("Lateraler Zugang über der Fibula, Reposition und Fixation mit Zugschraube und Drittelrohrplatte.", "Medialer Zugang, Fixation des Innenknöchels mit 2 Zugschrauben.",
                  "Hakentest: keine Syndesmoseninstabilität."),
        "situs": ("Fraktur der Fibula in Höhe der Syndesmose, Abriss des Innenknöchels.",), "proc": ("Teilbelastung mit 20 kg für 6 Wochen im Vacoped-Schuh.", "Thromboseprophylaxe bis zur Vollbelastung."),
    },
    "hip_tep": {
        "name": ("Implantation einer zementfreien Hüft-Totalendoprothese {side}",), "ops": ("5-820.00",), "ana": ("Spinalanästhesie", "ITN"),
        "ind": ("Fortgeschrittene Koxarthrose {side} mit erheblicher Einschränkung der Lebensqualität nach Ausschöpfen konservativer Maßnahmen.",),
        "steps": ("Minimalinvasiver anterolateraler Zugang.", "Resektion des Schenkelhalses, Entfernung des Hüftkopfes.", "Fräsen der Pfanne, Implantation einer Press-fit-Pfanne.",
                  "Präparation des Femurs, Einbringen des Schaftes, Keramikkopf.", "Reposition, Prüfung von Stabilität und Beinlänge."),
        "situs": ("Ausgeprägte Koxarthrose mit Knorpelglatze und Osteophyten.",), "proc": ("Vollbelastung an Unterarmgehstützen.", "Anschlussheilbehandlung.", "Hüftprotokoll für 6 Wochen."),
        "path": "femoral_head",
    },
    "knee_tep": {
        "name": ("Implantation einer bikondylären Knie-Totalendoprothese {side}",), "ops": ("5-822.g1",), "ana": ("Spinalanästhesie mit Adduktorenkanalblock", "ITN"),
        "ind": ("Therapierefraktäre Gonarthrose {side} (Kellgren-Lawrence {kl}).",),
        "steps": ("Medianer Hautschnitt, medial parapatellare Arthrotomie.", "Tibia- und Femurresektion mit Schnittblöcken, Bandbalancierung.",
                  "Zementierte Implantation der Komponenten.", "Patellarückflächen-Denervierung."),
        "situs": ("Varusgonarthrose mit medialer Knorpelglatze.",), "proc": ("Vollbelastung, CPM-Schiene.", "Anschlussheilbehandlung."),
    },
    "thyroid": {
        "name": ("Thyreoidektomie bds. mit intraoperativem Neuromonitoring", "Hemithyreoidektomie {side} mit Neuromonitoring"), "ops": ("5-063.0", "5-061.0"), "ana": ("ITN",),
        "ind": ("Struma nodosa mit szintigraphisch kaltem Knoten {side}.",),
        "steps": ("Kocher-Kragenschnitt.", "Darstellung des N. recurrens bds. mit Neuromonitoring, stabile Signale.", "Schonung der Nebenschilddrüsen.", "Resektion des Schilddrüsengewebes."),
        "situs": ("Knotig vergrößerte Schilddrüse, Knoten {side} mit {mm} mm.",), "proc": ("Calciumkontrolle am 1. postoperativen Tag.", "Laryngoskopie postoperativ."),
        "path": "thyroid",
    },
    "abscess": {
        "name": ("Abszessspaltung und Drainage perianal",), "ops": ("5-490.0",), "ana": ("Larynxmaske",), "ind": ("Perianalabszess.",),
        "steps": ("Steinschnittlage.", "Radiäre Inzision über der Fluktuation, Entleerung von Pus, Abstrich.", "Einlage einer Lasche."),
        "situs": ("Subkutaner Perianalabszess bei 5 Uhr SSL, keine Fistel darstellbar.",), "proc": ("Sitzbäder.", "Wundspülung zweimal täglich."),
    },
    "ventral": {
        "name": ("Laparoskopische Narbenhernienreparation (IPOM)",), "ops": ("5-536.4",), "ana": ("ITN",), "ind": ("Symptomatische Narbenhernie.",),
        "steps": ("Adhäsiolyse.", "Verschluss der Bruchlücke, IPOM-Netz 20 × 15 cm mit Tackern."),
        "situs": ("Bruchlücke {n} × {n2} cm im Bereich der Laparotomienarbe.",), "proc": ("Bauchgurt für 6 Wochen.",),
    },
    "port": {
        "name": ("Implantation eines venösen Portsystems über die V. cephalica {side}",), "ops": ("5-399.5",), "ana": ("Lokalanästhesie",),
        "ind": ("Geplante systemische Chemotherapie.",),
        "steps": ("Venae sectio der V. cephalica im Sulcus deltoideopectoralis.", "Vorschieben des Katheters unter Durchleuchtung bis zur cavoatrialen Junktion.",
                  "Anlage der Porttasche, Fixation der Portkammer, Funktionsprüfung."),
        "situs": ("Gut kalibrige V. cephalica.",), "proc": ("Port sofort verwendbar.",),
    },
}

# Phrases for the surgical discharge letter around an operation
_SURG_COURSE = (
    "Der postoperative Verlauf gestaltete sich komplikationslos.", "Die Wundverhältnisse waren zu jedem Zeitpunkt reizlos.",
    "Der Kostaufbau wurde problemlos toleriert, Stuhlgang am {n}. postoperativen Tag.", "Die Mobilisation erfolgte ab dem ersten postoperativen Tag mit physiotherapeutischer Unterstützung.",
    "Die Redon-Drainage konnte am 2. postoperativen Tag entfernt werden.", "Unter bedarfsadaptierter Analgesie war {der} {Patient} weitgehend schmerzfrei.",
    "Postoperativ vorübergehend Harnverhalt, Einmalkatheterisierung, danach Spontanmiktion.", "Die postoperative Röntgenkontrolle zeigte eine regelrechte Implantatlage.",
    "Die Laborkontrollen zeigten rückläufige Entzündungsparameter.", "Bei postoperativer Anämie (Hb {hb} g/dl) Transfusion von {trans} Erythrozytenkonzentraten.",
)
_SURG_PROC = (
    "Fadenzug am 10.–12. postoperativen Tag durch den Hausarzt.", "Wundkontrollen beim Hausarzt.", "Thromboseprophylaxe mit Enoxaparin 40 mg s.c. für 14 Tage.",
    "Keine schweren körperlichen Belastungen für 4 Wochen.", "Duschen ab dem 3. postoperativen Tag mit Pflaster erlaubt.",
    "Wiedervorstellung in unserer Sprechstunde bei Wundheilungsstörungen.", "Die Arbeitsunfähigkeit wurde bis zum {DF+14} bescheinigt.",
)

# --------------------------------------------------------------------------------------------------
# Generic discharge-letter phrase pools
# --------------------------------------------------------------------------------------------------

_ANAM_OPEN = (
    "Die stationäre Aufnahme {gen_art} {PAGE}-jährigen {patient_gen} erfolgte über unsere Zentrale Notaufnahme bei {sym}.",
    "{Herr} {PNAME} stellte sich am {D0} mit {sym} in unserer Notaufnahme vor.",
    "Die Einweisung erfolgte durch {gp_acc} {GP} bei {sym}.",
    "Zuverlegung aus dem {EXTORG} bei {sym}.",
    "Notärztliche Zuweisung {gen_art} {PAGE}-jährigen {patient_gen} bei {sym}.",
    "Die elektive Aufnahme erfolgte zur weiteren Diagnostik und Therapie bei {sym}.",
    "{Der} {PAGE}-jährige {Patient} wurde uns bei {sym} vorgestellt.",
    "Aufnahme {gen_art} {patient_gen} am {D0} bei {sym}.",
    "Wir übernahmen {den} am {D0} aus dem {EXTORG} bei {sym}.",
)
_ANAM_MORE = (
    "Fieber, Nachtschweiß und ungewollten Gewichtsverlust verneint {er}.", "Vegetative Anamnese: Appetit regelrecht, Miktion und Stuhlgang unauffällig.",
    "Noxen: Nikotin ({py} py), Alkohol gelegentlich.", "Nichtraucher, kein Alkoholkonsum.", "Ehemaliger Raucher ({py} py), seit {n} Jahren abstinent.",
    "Sozialanamnese: {Pat} lebt mit {RELDAT} in häuslicher Umgebung und ist im Alltag selbstständig.",
    "Fremdanamnese über {RELAKK} (Tel. {RELPHONE}).", "{Sein}e Angehörigen sind über den Aufenthalt informiert; Ansprechpartner ist {RELNOM}.",
    "Vorbefunde aus dem {EXTORG} vom {HIST} lagen vor.", "Eine ähnliche Episode sei zuletzt im {HISTM} aufgetreten.",
    "Ein Betreuungsverhältnis besteht nicht, eine Vorsorgevollmacht liegt für {RELAKK} vor.", "Die letzte Vorstellung beim Hausarzt erfolgte am {D-14}.",
    "Keine B-Symptomatik.", "Thoraxschmerzen, Palpitationen oder Synkopen werden verneint.", "Dysurie oder Pollakisurie bestünden nicht.",
    "Impfstatus laut Impfpass vollständig.", "Reiseanamnese unauffällig.", "Berufliche Tätigkeit: {job}.",
    "{Pat} lebt allein, die Versorgung erfolgt mit Unterstützung durch einen ambulanten Pflegedienst.",
)
_AZ = ("gutem", "reduziertem", "leicht reduziertem", "deutlich reduziertem", "stabilem")
_EZ = ("normalem", "adipösem", "kachektischem", "schlankem", "übergewichtigem")
_AZ_NOM = ("Guter", "Reduzierter", "Leicht reduzierter", "Deutlich reduzierter", "Stabiler")
_EZ_NOM = ("normaler", "adipöser", "kachektischer", "schlanker", "übergewichtiger")
_ANAM_OPEN_ELECTIVE = (
    "Die elektive Aufnahme erfolgte zur {sym}.",
    "Die geplante stationäre Aufnahme {gen_art} {PAGE}-jährigen {patient_gen} erfolgte zur {sym}.",
    "{Herr} {PNAME} wurde am {D0} planmäßig zur {sym} aufgenommen.",
    "Die Wiederaufnahme erfolgte zur {sym}.",
    "Die Aufnahme erfolgte auf Zuweisung unserer Ambulanz zur {sym}.",
)
_EXAM_GENERIC: dict[str, tuple[str, ...]] = {
    "Cor": ("Herztöne rein, rhythmisch, normofrequent, keine pathologischen Geräusche.", "Herztöne rhythmisch, leises Systolikum über Erb.", "Reine, rhythmische Herztöne."),
    "Pulmo": ("Vesikuläres Atemgeräusch bds., keine Rasselgeräusche.", "Pulmo auskultatorisch frei, sonorer Klopfschall.", "Leicht abgeschwächtes AG basal bds., keine RGs."),
    "Abdomen": ("Weich, kein Druckschmerz, keine Resistenzen, regelrechte Darmgeräusche.", "Abdomen weich, adipös, kein Peritonismus, Nierenlager frei.",
                "Bauchdecke weich, Leber und Milz nicht tastbar."),
    "Extremitäten": ("Keine Ödeme, periphere Pulse allseits tastbar.", "Geringe Knöchelödeme bds., Pulse tastbar.", "Unauffällig, keine Varikosis."),
    "Neuro": ("Wach, zu allen Qualitäten orientiert, keine fokal-neurologischen Defizite.", "Grob orientierend unauffällig, Pupillen isokor, lichtreagibel.",
              "Wach und orientiert, Meningismus negativ."),
    "Haut": ("Haut und Schleimhäute gut durchblutet, keine Exantheme.", "Blasses Hautkolorit, Schleimhäute feucht.", "Reizlose Narben abdominell."),
}
_LETTER_OPEN = (
    "wir berichten über {Herrn} {PFULL}, geb. {BDATE}, {wohnhaft}, {der_die} sich vom {D0} bis zum {DE} in unserer stationären Behandlung befand.",
    "wir bedanken uns für die Zuweisung {gen_art} o.g. {patient_gen} und berichten über den stationären Aufenthalt vom {D0} bis {DE}.",
    "nachfolgend berichten wir über {Herrn} {PFULL}, geb. {BDATE}, {der_die} sich vom {D0} bis {DE} in unserer Behandlung befand.",
    "wir berichten Ihnen über {Herrn} {PFULL} (* {BDATE}), {der_die} vom {D0} bis {DE} auf unserer {WARD} behandelt wurde.",
)
_COURSE_END = (
    "Am {DE} konnten wir {Herrn} {PNAME} in gebessertem Allgemeinzustand nach Hause entlassen.",
    "Wir entlassen {den} am {DE} in stabilem Zustand in Ihre weitere ambulante Betreuung.",
    "Die Verlegung in die {REHA} zur Anschlussheilbehandlung erfolgte am {DE}.",
    "{Pat} wurde am {DE} beschwerdefrei in die Häuslichkeit entlassen.",
    "Die Entlassung erfolgte am {DE}, {der} {Patient} wurde von {RELDAT} abgeholt.",
    "Am Entlassungstag war {der} {Patient} kardiopulmonal stabil und mobil.",
)
_PROC_GENERIC = (
    "Laborkontrolle (Blutbild, Elektrolyte, Kreatinin) in einer Woche durch {gp_acc} {GP}.", "Wiedervorstellung in unserer Ambulanz am {APPT}.",
    "Bei erneuter Beschwerdesymptomatik jederzeit Wiedervorstellung.", "Wir bitten um Fortführung der Medikation wie angegeben.",
    "Für Rückfragen stehen wir Ihnen gerne unter {HPHONE} zur Verfügung.", "Ein Termin in unserer Spezialambulanz wurde für den {APPT} vereinbart.",
    "Die weitere Betreuung erfolgt durch {gp_acc} {GP}.", "Eine Kopie dieses Briefes erhält {RELNOM} auf Wunsch {gen_art} {patient_gen}.",
    "Regelmäßige Blutdruck- und Blutzuckerkontrollen.", "Bei Fieber über 38,5 °C umgehende ärztliche Vorstellung.",
)
_GREETINGS = ("Mit freundlichen kollegialen Grüßen", "Mit freundlichen Grüßen", "Mit kollegialen Grüßen", "Mit besten kollegialen Grüßen")
_SALUT_GENERIC = ("Sehr geehrte Kolleginnen und Kollegen,", "Sehr geehrte Damen und Herren,")

_DEPTS: dict[str, tuple[str, ...]] = {
    "radiology": ("Institut für Diagnostische und Interventionelle Radiologie", "Klinik für Radiologie und Nuklearmedizin", "Zentrum für Radiologie"),
    "pathology": ("Institut für Pathologie", "Institut für Pathologie und Molekularpathologie", "Institut für Allgemeine Pathologie und Pathologische Anatomie"),
    "internal_medicine": ("Medizinische Klinik I – Gastroenterologie, Hepatologie und Infektiologie", "Klinik für Innere Medizin", "Medizinische Klinik II – Nephrologie und Allgemeine Innere Medizin"),
    "surgery": ("Klinik für Allgemein-, Viszeral- und Gefäßchirurgie", "Chirurgische Klinik", "Klinik für Allgemein- und Viszeralchirurgie"),
    "trauma": ("Klinik für Unfallchirurgie und Orthopädie", "Klinik für Orthopädie und Unfallchirurgie"),
    "cardiology": ("Klinik für Kardiologie und Angiologie", "Medizinische Klinik III – Kardiologie und internistische Intensivmedizin", "Herzzentrum – Klinik für Kardiologie"),
    "oncology": ("Klinik für Hämatologie und Internistische Onkologie", "Medizinische Klinik V – Onkologie und Palliativmedizin", "Onkologisches Zentrum"),
    "neurology": ("Klinik für Neurologie", "Neurologische Klinik mit Stroke Unit", "Klinik für Neurologie und Neurophysiologie"),
    "anesthesia": ("Klinik für Anästhesiologie und Intensivmedizin",),
}
_SPECIALTY_DE = {
    "radiology": "Radiologie", "pathology": "Pathologie", "internal_medicine": "Innere Medizin", "surgery": "Chirurgie",
    "cardiology": "Kardiologie", "oncology": "Onkologie", "neurology": "Neurologie", "urology": "Urologie", "gynecology": "Gynäkologie",
    "dermatology": "Dermatologie", "psychiatry": "Psychiatrie und Psychotherapie", "pediatrics": "Kinder- und Jugendmedizin",
    "orthopedics": "Orthopädie", "emergency_medicine": "Notfallmedizin", "geriatrics": "Geriatrie", "nephrology": "Nephrologie",
}
_INSURERS = ("AOK", "Techniker Krankenkasse", "BARMER", "DAK-Gesundheit", "IKK classic", "KKH", "hkk", "Knappschaft", "BKK", "privat versichert")
# relation -> (nominative, dative/accusative); order: partner, child, child, partner, other
_RELATIONS = {
    "m": (("Ehemann", "Ehemann"), ("Sohn", "Sohn"), ("Bruder", "Bruder"), ("Lebensgefährte", "Lebensgefährten"), ("Neffe", "Neffen")),
    "f": (("Ehefrau", "Ehefrau"), ("Tochter", "Tochter"), ("Schwester", "Schwester"), ("Lebensgefährtin", "Lebensgefährtin"), ("Nichte", "Nichte")),
}

_PATH_PATTERN_BY_OP: dict[str, tuple[str, ...]] = {
    "appe": ("phleg", "phleg", "gangr", "phleg", "net"), "chole": ("chronic", "chronic", "acute"), "sigma": ("diverticulitis",),
    "sigma_ca": ("ca",), "hemicol": ("ca",), "thyroid": ("nodular", "nodular", "adenoma", "papillary", "hashimoto"), "hip_hemi": ("fx",), "hip_tep": ("oa",),
}
_PATH_BY_ICD: dict[str, tuple[str, str]] = {
    "C18": ("colon_bx", "carcinoma"), "C50": ("breast", "nst"), "C34": ("lung", "adeno"), "C61": ("prostate", "ca"), "C83": ("lymph_node", "dlbcl"),
    "C81": ("lymph_node", "hodgkin"), "C90": ("bone_marrow", "myeloma"), "C16": ("gastric_bx", "carcinoma"), "C43": ("skin", "melanoma"),
    "C22": ("liver_bx", "hcc"), "C25": ("liver_bx", "met"), "K50": ("colon_bx", "crohn"), "K51": ("colon_bx", "uc"), "K26": ("gastric_bx", "hp"),
    "D50": ("colon_bx", "adenoma"), "E04": ("thyroid", "nodular"),
}
# words whose presence in a pathological finding removes contradicting "normal" sentences
_CONFLICT_WORDS = ("erguss", "infiltrat", "pneumothorax", "stauung", "herz", "rundherd", "fraktur", "lymphknoten", "luft", "blutung", "ischämie",
                   "diffusion", "gallenblase", "leber", "mittellinie", "pulmonalarterien", "flüssigkeit", "harnstau", "pankreas", "milz",
                   "raumforderung", "km", "läsion", "stenose", "ventrikel", "komprimierbar", "thrombose", "plaque", "anreicherung", "fdg",
                   "gelenkspalt", "diffusionsrestriktion", "nieren", "zwerchfell", "lymphome", "aorta")


# --------------------------------------------------------------------------------------------------
# Document builder: appends pieces and records PHI spans at the current offset
# --------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\{([^{}]+)\}")
_PHI_TYPE_SET = frozenset(PHI_TYPES)


class _Doc:
    """Accumulates text pieces; PHI goes through :meth:`phi`, which records its exact span."""

    def __init__(self, rng: random.Random, doc_type: str, ctx: "_Ctx") -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str, str]] = []
        self.rng = rng
        self.doc_type = doc_type
        self.ctx = ctx
        self.cache: dict[str, str] = {"side": ctx.case["side"]} if ctx.case.get("side") else {}  # one side per case
        self.upper = rng.random() < 0.14
        self.colon = rng.random() < 0.75
        self.numbered = rng.random() < 0.14
        self.inline_p = rng.choice((0.0, 0.0, 0.25, 0.5, 0.8))
        self.blank = rng.choice((0, 1, 1, 1, 2))
        self.variant_p = rng.choice((0.15, 0.35, 0.6))
        self.sec_no = 0
        self.last_heading = ""
        self.bullet = rng.choice(("", "", "- ", "• ", "* "))

    # -- raw writing -------------------------------------------------------------------------
    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.pos += len(s)

    def phi(self, s: str, typ: str) -> None:
        if typ not in _PHI_TYPE_SET:  # pragma: no cover - programming error
            raise ValueError(typ)
        if not s:
            return
        start = self.pos
        self.add(s)
        self.spans.append((start, self.pos, typ, s))

    def nl(self, n: int = 1) -> None:
        self.add("\n" * n)

    def text(self) -> str:
        return "".join(self.parts)

    def ends_with_newline(self) -> bool:
        return bool(self.parts) and self.parts[-1].endswith("\n")

    # -- sections ----------------------------------------------------------------------------
    def heading(self, canonical: str, allow_inline: bool = True) -> bool:
        """Write a section heading with realistic variation. Returns True if content follows on the same line."""
        rng = self.rng
        if self.parts and not self.ends_with_newline():
            self.nl()
        self.nl(self.blank)
        variants = SECTION_HEADINGS[self.doc_type][canonical]
        name = variants[0] if (len(variants) == 1 or rng.random() > self.variant_p) else rng.choice(variants[1:])
        if self.upper or rng.random() < 0.03:
            name = name.upper()
        self.sec_no += 1
        prefix = f"{self.sec_no}. " if self.numbered else ""
        colon = self.colon if rng.random() > 0.08 else not self.colon
        inline = colon and allow_inline and rng.random() < self.inline_p
        self.add(prefix + name + (":" if colon else ""))
        self.add(" " if inline else "\n")
        self.last_heading = name
        return inline

    def lines(self, items: Iterable[str], bullet: bool = False) -> None:
        """Render templates as separate lines."""
        first = True
        for t in items:
            if not first:
                self.nl()
            first = False
            if bullet and self.bullet:
                self.add(self.bullet)
            self.render(t)
        self.nl()

    def prose(self, items: Iterable[str]) -> None:
        first = True
        for t in items:
            if not first:
                self.add(" ")
            first = False
            self.render(t)
        self.nl()

    # -- template rendering ------------------------------------------------------------------
    def slot(self, key: str) -> str:
        v = self.cache.get(key)
        if v is None:
            if key == "oside":
                v = "rechts" if self.slot("side") == "links" else "links"
            elif key == "sa" and "side" in self.cache:
                v = "li." if self.cache["side"] == "links" else "re."
            elif key == "side" and "sa" in self.cache:
                v = "links" if self.cache["sa"] == "li." else "rechts"
            else:
                v = _SLOTS[key](self.rng)
            self.cache[key] = v
        return v

    def fill(self, tpl: str) -> str:
        """Render a template that contains no PHI slots into a plain string."""
        if "{" not in tpl:
            return tpl
        g = self.ctx.gender
        return _TOKEN.sub(lambda m: g[m.group(1)] if m.group(1) in g else self.slot(m.group(1)), tpl)

    def render(self, tpl: str) -> None:
        if "{" not in tpl:
            self.add(tpl)
            return
        g = self.ctx.gender
        pos = 0
        buf: list[str] = []
        for m in _TOKEN.finditer(tpl):
            buf.append(tpl[pos:m.start()])
            pos = m.end()
            key = m.group(1)
            if key in g:
                buf.append(g[key])
            elif key in _PHI_HANDLERS or key[:2] in ("D+", "D-", "DF", "DS"):
                if buf:
                    self.add("".join(buf))
                    buf = []
                self.ctx.phi_slot(self, key)
            else:
                buf.append(self.slot(key))
        buf.append(tpl[pos:])
        self.add("".join(buf))


# --------------------------------------------------------------------------------------------------
# People, organisations, formatting of identifiers
# --------------------------------------------------------------------------------------------------

_SAINTS = ("Marien", "Josef", "Elisabeth", "Vinzenz", "Antonius", "Franziskus", "Martin", "Georg", "Anna", "Hedwig", "Johannes", "Barbara")
_MAIL_DOMAINS = ("web.de", "gmx.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de", "outlook.de")


def _house_number(rng: random.Random) -> str:
    n = str(rng.choice((rng.randint(1, 30), rng.randint(1, 150))))
    r = rng.random()
    if r < 0.08:
        n += rng.choice("abc")
    elif r < 0.1:
        n += f"-{int(n) + rng.randint(1, 4)}"
    return n


def _postcode(fk: Faker, rng: random.Random) -> str:
    pc = fk.postcode()
    if pc.startswith("00") or not pc.isdigit() or len(pc) != 5:
        pc = f"{rng.randint(1067, 99998):05d}"
    return pc


def _area_code(rng: random.Random) -> str:
    return "0" + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((1, 2, 2, 3))))


def _fmt_phone(rng: random.Random, area: str, number: str, ext: str | None = None) -> str:
    style = rng.randint(0, 4)
    if ext is not None:
        if style == 0:
            return f"{area} {number}-{ext}"
        if style == 1:
            return f"({area}) {number}-{ext}"
        if style == 2:
            return f"{area}/{number}-{ext}"
        if style == 3:
            return f"+49 {area[1:]} {number}-{ext}"
        return f"{area} {number} {ext}"
    if style == 0:
        return f"{area} {number}"
    if style == 1:
        return f"({area}) {number}"
    if style == 2:
        return f"{area}/{number}"
    if style == 3:
        return f"+49 {area[1:]} {number}"
    return f"{area}-{number}"


def _mobile(rng: random.Random) -> str:
    pre = rng.choice(("0151", "0152", "0160", "0170", "0171", "0172", "0175", "0176", "0157", "0162"))
    num = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((7, 8))))
    style = rng.randint(0, 3)
    if style == 0:
        return f"{pre} {num}"
    if style == 1:
        return f"{pre}/{num}"
    if style == 2:
        return f"+49 {pre[1:]} {num}"
    return f"{pre}-{num[:3]} {num[3:]}"


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _person(fk: Faker, rng: random.Random, sex: str | None = None, last: str | None = None) -> dict[str, str]:
    sex = sex or rng.choice("mf")
    first = fk.first_name_male() if sex == "m" else fk.first_name_female()
    return {"first": first, "last": last or fk.last_name(), "sex": sex}


class _World:
    """Hospital, departments, staff pools, family doctors, external hospitals. Built once per corpus."""

    def __init__(self, fk: Faker, rng: random.Random, n_patients: int) -> None:
        self.fk = fk
        self.rng = rng
        city = fk.city()
        kind = rng.choice(("Universitätsklinikum {c}", "Klinikum {c}", "St.-{s}-Krankenhaus {c}", "Klinikum {c}-Mitte", "Universitätsmedizin {c}"))
        saint = rng.choice(_SAINTS)
        self.hospital = kind.format(c=city, s=saint)
        short = {"Universitätsklinikum": "UK", "Universitätsmedizin": "UM"}
        first_word = self.hospital.split(" ")[0]
        self.hospital_short = self.hospital.replace(first_word, short[first_word], 1) if first_word in short else self.hospital
        self.city = city
        self.domain = ("uk-" if first_word.startswith("Universität") else "klinikum-") + _ascii(city) + ".de"
        self.street = f"{fk.street_name()} {_house_number(rng)}"
        self.postal = _postcode(fk, rng)
        self.area = _area_code(rng)
        self.pre = str(rng.randint(20, 999))
        self.ext_orgs = [
            rng.choice(("Klinikum {c}", "Kreiskrankenhaus {c}", "St.-{s}-Hospital {c}", "Krankenhaus {c}-Nord", "Marienkrankenhaus {c}",
                        "Krankenhaus Bethanien {c}", "St.-{s}-Krankenhaus {c}", "Klinikum {c}-Süd")).format(c=fk.city(), s=rng.choice(_SAINTS))
            for _ in range(8)
        ]
        self.rehas = [
            rng.choice(("Rehaklinik {c}", "Klinik Sonnenhof {c}", "Fachklinik für Rehabilitation {c}", "Kurklinik am Park {c}", "Reha-Klinik Bergblick {c}",
                        "Klinik am See {c}")).format(c=fk.city())
            for _ in range(5)
        ]
        self.staff: dict[str, dict[str, Any]] = {}
        self.gps = [self._gp() for _ in range(max(12, min(600, n_patients // 15)))]

    def _gp(self) -> dict[str, Any]:
        fk, rng = self.fk, self.rng
        p = _person(fk, rng)
        p["title"] = rng.choice(("Dr. med.", "Dr. med.", "Dr. med.", "", "Dipl.-Med."))
        p["practice"] = rng.choice(("Praxis für Allgemeinmedizin", "Hausarztpraxis", "Gemeinschaftspraxis für Innere Medizin und Allgemeinmedizin",
                                    "Facharzt für Innere Medizin", "Hausärztliche Gemeinschaftspraxis", "MVZ Allgemeinmedizin"))
        p["street"] = f"{fk.street_name()} {_house_number(rng)}"
        p["postal_city"] = f"{_postcode(fk, rng)} {fk.city()}"
        area = _area_code(rng)
        num = _digits(rng, rng.choice((5, 6, 7)))
        p["phone"] = _fmt_phone(rng, area, num)
        p["fax"] = _fmt_phone(rng, area, num[:-1] + str((int(num[-1]) + 1) % 10))
        return p

    def dept(self, key: str) -> dict[str, Any]:
        d = self.staff.get(key)
        if d is not None:
            return d
        fk, rng = self.fk, self.rng
        name = rng.choice(_DEPTS.get(key) or (f"Klinik für {_SPECIALTY_DE.get(key, key.replace('_', ' ').title())}",))
        chief = _person(fk, rng)
        chief["title"] = rng.choice(("Prof. Dr. med.", "Prof. Dr. med.", "PD Dr. med.", "Dr. med."))
        seniors = []
        for _ in range(rng.randint(2, 4)):
            p = _person(fk, rng)
            p["title"] = rng.choice(("Dr. med.", "Dr. med.", "PD Dr. med.", ""))
            seniors.append(p)
        juniors = []
        for _ in range(rng.randint(3, 6)):
            p = _person(fk, rng)
            p["title"] = rng.choice(("", "", "Dr. med.", "Dr."))
            juniors.append(p)
        nurses = [_person(fk, rng) | {"title": ""} for _ in range(3)]
        slug = {"radiology": "radiologie", "pathology": "pathologie", "internal_medicine": "innere", "surgery": "chirurgie", "trauma": "unfallchirurgie",
                "cardiology": "kardiologie", "oncology": "onkologie", "neurology": "neurologie", "anesthesia": "anaesthesie"}.get(key, _ascii(key))
        wards = [f"Station {rng.choice(('', 'K', 'C', 'N', 'M'))}{rng.randint(1, 9)}{rng.choice(('', 'A', 'B', 'B', 'C'))}" for _ in range(3)]
        ext = str(rng.randint(1000, 9899))
        d = {"key": key, "name": name, "chief": chief, "seniors": seniors, "juniors": juniors, "nurses": nurses, "wards": wards,
             "phone_ext": ext, "fax_ext": str(int(ext) + rng.randint(1, 90)), "email": f"{rng.choice(('sekretariat.', '', 'info.', ''))}{slug}@{self.domain}"}
        self.staff[key] = d
        return d


# --------------------------------------------------------------------------------------------------
# Per-document context and PHI slot handlers
# --------------------------------------------------------------------------------------------------

_ROLES = {
    "chief": ("Chefarzt", "Chefärztin"), "senior": ("Oberarzt", "Oberärztin"), "lsenior": ("Leitender Oberarzt", "Leitende Oberärztin"),
    "junior": ("Assistenzarzt", "Assistenzärztin"), "specialist": ("Facharzt", "Fachärztin"), "director": ("Direktor", "Direktorin"),
}


def _role(role: str, person: dict[str, Any]) -> str:
    m, f = _ROLES[role]
    return m if person["sex"] == "m" else f


def _name_form(p: dict[str, Any], rng: random.Random, allow_reversed: bool = True) -> str:
    r = rng.random()
    if r < 0.55:
        return f"{p['first']} {p['last']}"
    if r < 0.75:
        return f"{p['first'][0]}. {p['last']}"
    if r < 0.9 or not allow_reversed:
        return p["last"]
    return f"{p['last']}, {p['first']}"


@dataclass
class _Ctx:
    rng: random.Random
    world: _World
    patient: dict[str, Any]
    case: dict[str, Any]
    doc_date: _dt.date
    dept: dict[str, Any]
    gender: dict[str, str] = field(default_factory=dict)
    relative: dict[str, Any] | None = None
    date_style: str = "dmy"

    def date(self, d: _Doc, day: _dt.date, styles: Sequence[str] = _DOC_DATE_STYLES) -> None:
        style = self.date_style if self.rng.random() < 0.7 and self.date_style in styles else self.rng.choice(styles)
        d.phi(_fmt_date(day, style), "DATE")

    def phi_slot(self, d: _Doc, key: str) -> None:
        case = self.case
        head = key[:2]
        if head in ("D+", "D-"):
            n = int(key[2:])
            if head == "D+":
                day = min(case["adm"] + _dt.timedelta(days=n), case["dis"])
                self.date(d, day, _STAY_DATE_STYLES)
            else:
                self.date(d, case["adm"] - _dt.timedelta(days=n), _DOC_DATE_STYLES)
            return
        if head == "DS":
            day = min(case["adm"] + _dt.timedelta(days=int(key[3:])), case["dis"])
            d.phi(_fmt_date(day, "dm"), "DATE")
            return
        if head == "DF":
            day = max(case["dis"], self.doc_date) + _dt.timedelta(days=int(key[3:]))
            self.date(d, day, ("dmy", "dmy", "long", "dmy_short"))
            return
        _PHI_HANDLERS[key](self, d)

    def staff(self, d: _Doc, p: dict[str, Any], title: bool = True, form: str | None = None) -> None:
        if title and p.get("title"):
            d.add(p["title"] + " ")
        if form == "full":
            name = f"{p['first']} {p['last']}"
        elif form == "last":
            name = p["last"]
        else:
            name = _name_form(p, self.rng, allow_reversed=not (title and p.get("title")))
        d.phi(name, "STAFF_NAME")

    def some_doctor(self) -> dict[str, Any]:
        dep = self.dept
        return self.rng.choice(dep["seniors"] + dep["juniors"])

    def rel(self) -> dict[str, Any]:
        if self.relative is None:
            self.relative = self.rng.choice(self.patient["relatives"])
        return self.relative


def _h_pname(c: _Ctx, d: _Doc) -> None:
    d.phi(c.patient["last_name"], "PATIENT_NAME")


def _h_pfull(c: _Ctx, d: _Doc) -> None:
    p = c.patient
    d.phi(f"{p['first_name']} {p['last_name']}", "PATIENT_NAME")


def _h_page(c: _Ctx, d: _Doc) -> None:
    d.phi(str(_age(c.patient["birth"], c.doc_date)), "AGE")


def _h_bdate(c: _Ctx, d: _Doc) -> None:
    b = c.patient["birth"]
    d.phi(_fmt_date(b, c.rng.choice(("dmy", "dmy", "dmy", "dmy", "long", "dmy_short"))), "BIRTH_DATE")


def _h_d0(c: _Ctx, d: _Doc) -> None:
    c.date(d, c.case["adm"])


def _h_de(c: _Ctx, d: _Doc) -> None:
    c.date(d, c.case["dis"])


def _hist_day(c: _Ctx) -> _dt.date:
    adm = c.case["adm"]
    birth = c.patient["birth"]
    back = c.rng.randint(60, 365 * 12)
    day = adm - _dt.timedelta(days=back)
    return day if day > birth + _dt.timedelta(days=365 * 16) else adm - _dt.timedelta(days=c.rng.randint(30, 300))


def _h_hist(c: _Ctx, d: _Doc) -> None:
    d.phi(_fmt_date(_hist_day(c), c.rng.choice(_HIST_DATE_STYLES)), "DATE")


def _h_histm(c: _Ctx, d: _Doc) -> None:
    d.phi(_fmt_date(_hist_day(c), "month"), "DATE")


def _h_relnom(c: _Ctx, d: _Doc) -> None:
    r = c.rel()
    d.add(("der " if r["sex"] == "m" else "die ") + r["relation"] + " ")
    if c.rng.random() < 0.25:
        d.add("Herr " if r["sex"] == "m" else "Frau ")
    d.phi(f"{r['first']} {r['last']}" if c.rng.random() < 0.8 else r["last"], "RELATIVE_NAME")


def _h_reldat(c: _Ctx, d: _Doc) -> None:
    r = c.rel()
    d.add(("dem " if r["sex"] == "m" else "der ") + r["relation_obl"] + " ")
    d.phi(f"{r['first']} {r['last']}", "RELATIVE_NAME")


def _h_relakk(c: _Ctx, d: _Doc) -> None:
    r = c.rel()
    d.add(("den " if r["sex"] == "m" else "die ") + r["relation_obl"] + " ")
    if c.rng.random() < 0.2:
        d.add("Herrn " if r["sex"] == "m" else "Frau ")
    d.phi(f"{r['first']} {r['last']}" if c.rng.random() < 0.85 else r["last"], "RELATIVE_NAME")


def _h_relphone(c: _Ctx, d: _Doc) -> None:
    d.phi(c.rel()["phone"], "PHONE")


def _h_gp(c: _Ctx, d: _Doc) -> None:
    c.staff(d, c.patient["gp"])


def _h_doc(c: _Ctx, d: _Doc) -> None:
    p = c.some_doctor()
    if p.get("title"):
        d.add("Dr. ")
    else:
        d.add("Herrn " if p["sex"] == "m" else "Frau ")
    d.phi(p["last"], "STAFF_NAME")


def _h_extorg(c: _Ctx, d: _Doc) -> None:
    d.phi(c.rng.choice(c.world.ext_orgs), "ORGANIZATION")


def _h_ward(c: _Ctx, d: _Doc) -> None:
    d.phi(c.case["ward"], "ORGANIZATION")


def _h_reha(c: _Ctx, d: _Doc) -> None:
    d.phi(c.rng.choice(c.world.rehas), "ORGANIZATION")


def _h_appt(c: _Ctx, d: _Doc) -> None:
    day = c.doc_date + _dt.timedelta(days=c.rng.randint(7, 90))
    c.date(d, day, ("dmy", "dmy", "long", "dmy_short"))
    d.add(f" um {c.rng.randint(8, 15)}:{c.rng.choice(('00', '15', '30', '45'))} Uhr")


def _h_hphone(c: _Ctx, d: _Doc) -> None:
    w = c.world
    d.phi(_fmt_phone(c.rng, w.area, w.pre, c.dept["phone_ext"]), "PHONE")


def _h_wohnhaft(c: _Ctx, d: _Doc) -> None:
    p = c.patient
    d.add("wohnhaft ")
    d.phi(p["street"], "STREET")
    d.add(", ")
    d.phi(f"{p['postal_code']} {p['city']}", "POSTAL_CITY")


_PHI_HANDLERS: dict[str, Callable[[_Ctx, _Doc], None]] = {
    "PNAME": _h_pname, "PFULL": _h_pfull, "PAGE": _h_page, "BDATE": _h_bdate, "D0": _h_d0, "DE": _h_de, "HIST": _h_hist, "HISTM": _h_histm,
    "RELNOM": _h_relnom, "RELDAT": _h_reldat, "RELAKK": _h_relakk, "RELPHONE": _h_relphone, "GP": _h_gp, "DOC": _h_doc, "EXTORG": _h_extorg, "WARD": _h_ward,
    "REHA": _h_reha, "APPT": _h_appt, "HPHONE": _h_hphone, "wohnhaft": _h_wohnhaft,
}


# --------------------------------------------------------------------------------------------------
# Shared document blocks
# --------------------------------------------------------------------------------------------------


def _letterhead(d: _Doc, c: _Ctx, ward: bool = True) -> None:
    w, dep, rng = c.world, c.dept, c.rng
    style = rng.randint(0, 3)
    hosp = w.hospital if rng.random() < 0.75 else w.hospital_short
    if style == 0:
        d.phi(hosp, "ORGANIZATION")
        d.nl()
        d.add(dep["name"] + "\n")
        d.add(rng.choice(("Direktor", "Chefarzt", "Klinikdirektor", "Leitung")) + ": " if dep["chief"]["sex"] == "m"
              else rng.choice(("Direktorin", "Chefärztin", "Klinikdirektorin", "Leitung")) + ": ")
        c.staff(d, dep["chief"], form="full")
        d.nl()
        d.phi(w.street, "STREET")
        d.add(rng.choice((" · ", ", ", " | ")))
        d.phi(f"{w.postal} {w.city}", "POSTAL_CITY")
        d.nl()
        d.add("Tel. ")
        d.phi(_fmt_phone(rng, w.area, w.pre, dep["phone_ext"]), "PHONE")
        d.add(rng.choice((" · Fax ", ", Fax: ", " | Fax ")))
        d.phi(_fmt_phone(rng, w.area, w.pre, dep["fax_ext"]), "FAX")
        d.nl()
        if rng.random() < 0.7:
            d.add(rng.choice(("E-Mail: ", "Mail: ", "")))
            d.phi(dep["email"], "EMAIL")
            d.nl()
    elif style == 1:
        d.phi(hosp, "ORGANIZATION")
        d.add(" | " + dep["name"])
        if ward:
            d.add(" | ")
            d.phi(c.case["ward"], "ORGANIZATION")
        d.nl()
    elif style == 2:
        d.add(dep["name"] + "\n")
        d.phi(hosp, "ORGANIZATION")
        d.add(", ")
        d.phi(w.street, "STREET")
        d.add(", ")
        d.phi(f"{w.postal} {w.city}", "POSTAL_CITY")
        d.nl()
        d.add(("Chefarzt: " if dep["chief"]["sex"] == "m" else "Chefärztin: "))
        c.staff(d, dep["chief"])
        d.nl()
        d.add("Sekretariat: Tel. ")
        d.phi(_fmt_phone(rng, w.area, w.pre, dep["phone_ext"]), "PHONE")
        d.add(", Fax ")
        d.phi(_fmt_phone(rng, w.area, w.pre, dep["fax_ext"]), "FAX")
        d.add(", ")
        d.phi(dep["email"], "EMAIL")
        d.nl()
    else:
        d.phi(hosp.upper() if rng.random() < 0.5 else hosp, "ORGANIZATION")
        d.nl()
        d.add(dep["name"])
        d.nl()
        if ward:
            d.phi(c.case["ward"], "ORGANIZATION")
            d.add(" – Tel. ")
            d.phi(_fmt_phone(rng, w.area, w.pre, str(int(dep["phone_ext"]) + rng.randint(100, 300))), "PHONE")
            d.nl()
    d.nl()


def _patient_block(d: _Doc, c: _Ctx, ids: bool = True, address_p: float = 0.35) -> None:
    p, rng = c.patient, c.rng
    male = p["sex"] == "m"
    style = rng.randint(0, 4)
    if style == 0:
        d.add("Patient: " if male else "Patientin: ")
        d.phi(f"{p['last_name'].upper()}, {p['first_name']}", "PATIENT_NAME")
        d.add(", * ")
        _h_bdate(c, d)
    elif style == 1:
        d.add("Name: ")
        d.phi(f"{p['last_name']}, {p['first_name']}", "PATIENT_NAME")
        d.add(rng.choice(("    Geb.-Datum: ", ", geb. ", "  geb. am ")))
        _h_bdate(c, d)
        d.add(f"    Geschlecht: {'männlich' if male else 'weiblich'}" if rng.random() < 0.5 else "")
    elif style == 2:
        d.add("Pat.: ")
        d.phi(f"{p['first_name']} {p['last_name']}", "PATIENT_NAME")
        d.add(" (geb. ")
        _h_bdate(c, d)
        d.add(")")
    elif style == 3:
        d.add(("Patient: Herr " if male else "Patientin: Frau "))
        d.phi(f"{p['first_name']} {p['last_name']}", "PATIENT_NAME")
        d.add(", geboren am ")
        _h_bdate(c, d)
    else:
        d.phi(f"{p['last_name']}, {p['first_name']}", "PATIENT_NAME")
        d.add(" (" + ("m" if male else "w") + ", ")
        _h_page(c, d)
        d.add(" J.), *")
        _h_bdate(c, d)
    if rng.random() < 0.3 and style != 4:
        d.add(", ")
        _h_page(c, d)
        d.add(rng.choice((" Jahre", " J.", "-jährig")))
    d.nl()
    if rng.random() < address_p:
        d.add(rng.choice(("Anschrift: ", "Adresse: ", "wohnhaft: ", "")))
        d.phi(p["street"], "STREET")
        d.add(", ")
        d.phi(f"{p['postal_code']} {p['city']}", "POSTAL_CITY")
        if rng.random() < 0.3:
            d.add(", Tel. ")
            d.phi(p["phone"], "PHONE")
        if p.get("email") and rng.random() < 0.25:
            d.add(", E-Mail: ")
            d.phi(p["email"], "EMAIL")
        d.nl()
    if ids:
        bits: list[tuple[str, str, str]] = []
        if rng.random() < 0.85:
            bits.append((rng.choice(("Pat.-Nr.: ", "PID: ", "Patienten-Nr. ", "Pat.-ID ")), p["patient_id"] if rng.random() < 0.6 else p["patient_id"][1:], "PATIENT_ID"))
        if rng.random() < 0.75:
            cid = c.case["case_id"]
            bits.append((rng.choice(("Fall-Nr.: ", "Fallnummer: ", "Fall: ", "Aufn.-Nr. ")), cid if rng.random() < 0.6 else cid[1:], "CASE_ID"))
        if rng.random() < 0.4:
            bits.append((rng.choice(("Versicherten-Nr.: ", "KV-Nr. ", "Krankenversicherten-Nr.: ")), p["insurance_id"], "INSURANCE_ID"))
        sep = rng.choice((" | ", "    ", ", ", "\n"))
        for i, (label, value, typ) in enumerate(bits):
            if i:
                d.add(sep)
            d.add(label)
            d.phi(value, typ)
        if bits and rng.random() < 0.3:
            d.add(sep + "Kostenträger: " + p["insurer"])
        if bits:
            d.nl()


def _signature(d: _Doc, c: _Ctx, people: Sequence[tuple[dict[str, Any], str]], greeting: bool = True) -> None:
    rng = c.rng
    if not d.ends_with_newline():
        d.nl()
    d.nl()
    if greeting:
        d.add(rng.choice(_GREETINGS) + "\n\n")
    style = rng.randint(0, 2)
    if style == 0:
        for i, (p, role) in enumerate(people):
            if i:
                d.nl()
            c.staff(d, p)
            d.add("\n" + role + "\n")
    elif style == 1:
        for i, (p, role) in enumerate(people):
            if i:
                d.add(rng.choice(("    ", " · ", " / ")))
            c.staff(d, p)
            d.add(f" ({role})")
        d.nl()
    else:
        for i, (p, role) in enumerate(people):
            if i:
                d.add(rng.choice(("\n", " – ")))
            c.staff(d, p)
            d.add(", " + role)
        d.nl()
    if rng.random() < 0.2:
        d.add(rng.choice(("Dieser Brief wurde elektronisch erstellt und ist ohne Unterschrift gültig.\n",
                          "Elektronisch freigegeben am ", "Vidiert durch OA am ")))
        if not d.ends_with_newline():
            c.date(d, c.doc_date)
            d.add(".\n")


def _dx_line(d: _Doc, c: _Ctx, text: str, icd: str, style: int, bullet: str = "") -> None:
    d.add(bullet)
    d.render(text)
    if style == 0:
        d.add(f" ({icd})")
    elif style == 1:
        d.add(f" (ICD-10: {icd})")
    elif style == 2:
        d.add(f" [{icd}]")
    else:
        d.add(f", ICD {icd}")
    d.nl()


def _tnm_text(d: _Doc, tnm: Sequence[str]) -> str:
    return " ".join(d.fill(t) for t in tnm)


def _lab_value(rng: random.Random, key: str, sex: str, direction: str | None) -> tuple[str, str, str, str]:
    names, unit, ref_m, ref_f, nd, hi, lo = _LABS[key]
    ref = ref_f if (sex == "f" and ref_f) else ref_m
    if direction == "hi" and hi[1] > 0:
        v = rng.uniform(*hi)
        flag = "hi"
    elif direction == "lo" and lo[1] > 0:
        v = rng.uniform(*lo)
        flag = "lo"
    else:
        if ref[0] > 0:
            v = rng.uniform(ref[0] + (ref[1] - ref[0]) * 0.05, ref[1] - (ref[1] - ref[0]) * 0.05)
        else:
            v = rng.uniform(ref[1] * 0.25, ref[1] * 0.9)
        flag = ""
    if key == "GFR" and flag == "":
        ref_txt = "> 60"
        v = rng.uniform(61, 115)
    elif ref[0] == 0:
        ref_txt = f"< {_de(ref[1], nd) if nd else ref[1]}"
    else:
        ref_txt = f"{_de(ref[0], nd)}–{_de(ref[1], nd)}" if nd else f"{ref[0]}–{ref[1]}"
    return rng.choice(names), _de(v, nd), unit, ref_txt + ("|" + flag if flag else "")


def _write_labs(d: _Doc, c: _Ctx, dx: dict[str, Any]) -> None:
    rng = c.rng
    keys = [k for k in _BASE_PANEL if rng.random() < 0.85]
    extra = list(dx.get("hi", ())) + list(dx.get("lo", ()))
    extra += rng.sample(("GOT", "GPT", "GGT", "Bili", "TSH", "INR", "Gluc", "HbA1c", "LDL", "Alb", "Hst", "CK", "LDH"), rng.randint(0, 4))
    for k in extra:
        if k not in keys:
            keys.append(k)
    flags = rng.choice((("↑", "↓"), ("H", "L"), ("(erhöht)", "(erniedrigt)"), ("*", "*"), ("+", "-")))
    style = rng.choice(("list", "list", "prose", "table"))
    if rng.random() < 0.4:
        paren = rng.random() < 0.5
        d.add("Aufnahmelabor (" if paren else "Labor vom ")
        c.date(d, c.case["adm"], _STAY_DATE_STYLES)
        d.add("):\n" if paren else ":\n")
    if rng.random() < 0.1:
        d.add("Auftrags-Nr. Labor: ")
        d.phi(c.case["year"][2:] + _digits(rng, 8), "ORDER_ID")
        d.nl()
    rows = []
    his, los = set(dx.get("hi", ())), set(dx.get("lo", ()))
    if "Krea" in his:
        los.add("GFR")
    for k in keys:
        direction = "hi" if k in his else ("lo" if k in los else None)
        if direction is None and k in _RANDOM_ABNORMAL and rng.random() < 0.08:
            direction = rng.choice(("hi", "lo"))
        name, val, unit, ref = _lab_value(rng, k, c.patient["sex"], direction)
        ref, _, flag = ref.partition("|")
        mark = flags[0] if flag == "hi" else (flags[1] if flag == "lo" else "")
        rows.append((name, val, unit, ref, mark))
    if style == "prose":
        parts = []
        for name, val, unit, ref, mark in rows:
            u = unit if unit.startswith("/") or not unit else " " + unit
            parts.append(f"{name} {val}{u}" + (f" {mark}" if mark else ""))
        d.add(rng.choice(("Bei Aufnahme: ", "Laborchemisch ", "Aufnahmelabor: ", "")) + ", ".join(parts) + ".")
        if rng.random() < 0.5:
            d.add(" " + rng.choice(("Im Verlauf rückläufige Entzündungsparameter.", "Bei Entlassung Normalisierung der Elektrolyte.",
                                    "Im Verlauf stabile Werte.", "Kontrollwerte siehe Anlage.")))
        d.nl()
    elif style == "table":
        d.add(f"{'Parameter':<22}{'Wert':>10}  {'Einheit':<16}{'Referenz'}\n")
        for name, val, unit, ref, mark in rows:
            d.add(f"{name:<22}{val:>10}  {unit:<16}{ref} {mark}".rstrip() + "\n")
    else:
        for name, val, unit, ref, mark in rows:
            u = unit if unit.startswith("/") or not unit else " " + unit
            d.add(f"{name} {val}{u} ({ref})" + (f" {mark}" if mark else "") + "\n")


def _med_keys(rng: random.Random, groups: Iterable[str]) -> list[str]:
    out: list[str] = []
    for g in groups:
        for k in _MED_GROUPS.get(g, (g,) if g in _MEDS else ()):
            if k not in out:
                out.append(k)
    return out


def _write_meds(d: _Doc, c: _Ctx, dx: dict[str, Any]) -> None:
    rng = c.rng
    keys = _med_keys(rng, list(dx.get("meds", ())) + c.patient["chronic_meds"])
    keys = [k for k in keys if rng.random() < 0.92][:13]
    if not keys:
        d.add("Keine Dauermedikation.\n")
        return
    style = rng.randint(0, 3)
    if style == 3:
        d.add("Wirkstoff\tStärke\tMo-Mi-Ab-Na\n")
    for k in keys:
        names, doses, schedules = _MEDS[k]
        name, dose, sched = rng.choice(names), rng.choice(doses), rng.choice(schedules)
        if style == 0:
            d.add(f"{name} {dose} {sched}\n")
        elif style == 1:
            d.add(f"{d.bullet or '- '}{name} {dose}: {sched.replace('-', ' – ') if sched[:1].isdigit() else sched}\n")
        elif style == 2:
            d.add(f"{name:<28}{dose:<12}{sched}\n")
        else:
            sched4 = sched + "-0" if re.fullmatch(r"\d-\d-\d", sched) else sched
            d.add(f"{name}\t{dose}\t{sched4}\n")
    if rng.random() < 0.35:
        d.add(rng.choice(("Abgesetzt: Ibuprofen (Nierenfunktion).", "Neu angesetzt: siehe oben.", "Bedarfsmedikation: Metamizol 500 mg bis 4x tgl.",
                          "Die Medikation wurde gegenüber der Aufnahme angepasst.", "Pausiert: Metformin bis zur Kontrolle der Nierenfunktion.")) + "\n")


# --------------------------------------------------------------------------------------------------
# Document generators
# --------------------------------------------------------------------------------------------------


def _pick(rng: random.Random, seq: Sequence[str], lo: int, hi: int) -> list[str]:
    if not seq:
        return []
    k = min(len(seq), rng.randint(lo, hi))
    idx = sorted(rng.sample(range(len(seq)), k))  # keep the narrative order of the pool
    return [seq[i] for i in idx]


def _dx_title(d: _Doc, dx: dict[str, Any]) -> str:
    t = dx["dx"]
    if "{tnm}" in t:
        t = t.replace("{tnm}", _tnm_text(d, dx["tnm"]) if dx.get("tnm") else "")
    return t


def _discharge_letter(c: _Ctx) -> _Doc:
    rng, p, case = c.rng, c.patient, c.case
    d = _Doc(rng, DISCHARGE_LETTER, c)
    dx = case["dx"]
    spec = case["specialty"]
    _letterhead(d, c)
    # addressee
    gp = p["gp"]
    if rng.random() < 0.7:
        d.add(("Herrn\n" if gp["sex"] == "m" else "Frau\n"))
        c.staff(d, gp, form="full")
        d.add("\n" + gp["practice"] + "\n")
        d.phi(gp["street"], "STREET")
        d.nl()
        d.phi(gp["postal_city"], "POSTAL_CITY")
        d.nl(2)
    # place/date
    if rng.random() < 0.6:
        d.phi(c.world.city, "POSTAL_CITY")
        d.add(", " + rng.choice(("den ", "")))
    else:
        d.add("Datum: ")
    c.date(d, c.doc_date)
    d.nl(2)
    d.add(rng.choice(("Entlassungsbericht", "Arztbrief", "Vorläufiger Entlassbrief", "Epikrise", "Entlassbrief", "ARZTBRIEF")) + "\n")
    _patient_block(d, c)
    if rng.random() < 0.5:
        d.add("Stationärer Aufenthalt vom ")
        _h_d0(c, d)
        d.add(" bis ")
        _h_de(c, d)
        if rng.random() < 0.5:
            d.add(", ")
            d.phi(case["ward"], "ORGANIZATION")
        d.nl()
    d.nl()
    # salutation
    if rng.random() < 0.6:
        if gp["sex"] == "m":
            d.add(rng.choice(("Sehr geehrter Herr Kollege ", "Sehr geehrter Herr Dr. " if gp["title"] else "Sehr geehrter Herr ")))
        else:
            d.add(rng.choice(("Sehr geehrte Frau Kollegin ", "Sehr geehrte Frau Dr. " if gp["title"] else "Sehr geehrte Frau ")))
        d.phi(gp["last"], "STAFF_NAME")
        d.add(",\n\n")
    else:
        d.add(rng.choice(_SALUT_GENERIC) + "\n\n")
    d.render(rng.choice(_LETTER_OPEN).replace("{der_die}", "der" if p["sex"] == "m" else "die"))
    d.nl()

    icd_style = rng.randint(0, 3)
    bullet = rng.choice(("", "", "- ", "1. "))
    # Diagnosen
    d.heading("Diagnosen", allow_inline=False)
    _dx_line(d, c, _dx_title(d, dx), dx["icd"], icd_style, "" if bullet == "1. " else bullet)
    if dx.get("tnm") and "{tnm}" not in dx["dx"]:
        d.add(("TNM: " if rng.random() < 0.5 else "Stadium: ") + _tnm_text(d, dx["tnm"]) + "\n")
    op = case.get("op")
    if op:
        o = _OPS[op]
        i = rng.randrange(len(o["name"]))
        d.render(o["name"][i])
        d.add(" am ")
        c.date(d, case["op_date"])
        d.add(f" (OPS {o['ops'][min(i, len(o['ops']) - 1)]})\n")
    # Nebendiagnosen
    if p["comorbidities"] or p["history"]:
        if rng.random() < 0.85:
            d.heading("Nebendiagnosen", allow_inline=False)
        for j, (text, icd) in enumerate(p["comorbidities"]):
            pre = f"{j + 2}. " if bullet == "1. " else bullet
            _dx_line(d, c, text, icd, icd_style, pre)
        for text in p["history"]:
            d.add(bullet if bullet != "1. " else "- ")
            d.render(text)
            if rng.random() < 0.6:
                d.add(" (")
                _h_hist(c, d)
                d.add(")")
            d.nl()
        if p["allergies"] and rng.random() < 0.5:
            d.add("Allergien: " + ", ".join(p["allergies"]) + "\n")
    # Anamnese
    d.heading("Anamnese")
    sym = d.fill(rng.choice(dx["sym"])) if dx["sym"] else "unklaren Beschwerden"
    sents = [rng.choice(_ANAM_OPEN_ELECTIVE if dx.get("elective") else _ANAM_OPEN).replace("{sym}", sym)]
    sents += _pick(rng, dx.get("anam", ()), 0, 2)
    sents += rng.sample(_ANAM_MORE, rng.randint(1, 4))
    if not p["allergies"] and rng.random() < 0.3:
        sents.append("Allergien: keine bekannt.")
    d.prose(sents)
    # Aufnahmebefund
    if rng.random() < 0.8:
        d.heading("Aufnahmebefund")
        d.render(rng.choice(("{PAGE}-{jaehrige} {Patient} in {az} AZ und {ez} EZ.", "{Patient}, {PAGE} Jahre, {az} AZ, {ez} EZ.",
                             "{az_nom} Allgemeinzustand, {ez_nom} Ernährungszustand.")).replace("{az_nom}", rng.choice(_AZ_NOM))
                 .replace("{ez_nom}", rng.choice(_EZ_NOM)).replace("{az}", rng.choice(_AZ)).replace("{ez}", rng.choice(_EZ)))
        d.add(" ")
        d.render(rng.choice(("RR {sys}/{dia} mmHg, HF {hf}/min, SpO2 {spo2} % unter Raumluft, Temp. {temp} °C.",
                             "Vitalparameter: RR {sys}/{dia} mmHg, Puls {hf}/min, AF 16/min, SpO2 {spo2} %.", "RR {sys}/{dia} mmHg, HF {hf}/min.")))
        d.nl()
        override = dict(dx.get("exam", ()))
        for system in ("Cor", "Pulmo", "Abdomen", "Extremitäten", "Neuro", "Haut"):
            if system in override:
                d.render(f"{system}: {override[system]}")
                d.nl()
            elif rng.random() < 0.7:
                d.add(f"{system}: {rng.choice(_EXAM_GENERIC[system])}\n")
    # Labor
    if rng.random() < 0.85:
        d.heading("Labor", allow_inline=False)
        _write_labs(d, c, dx)
    # Diagnostik
    dia = _pick(rng, dx.get("dia", ()), 1, 3)
    if dia and rng.random() < 0.85:
        d.heading("Diagnostik")
        d.lines(dia, bullet=True)
    # Therapie
    ther = list(dx.get("ther", ()))
    if op and rng.random() < 0.5:
        ther.append(_OPS[op]["name"][0] + " am {D+" + str((case["op_date"] - case["adm"]).days) + "}.")
    if ther and rng.random() < 0.9:
        d.heading("Therapie")
        d.lines(ther, bullet=True)
    # Verlauf
    d.heading("Verlauf")
    course = _pick(rng, dx.get("course", ()), 1, 4)
    if spec == "surgery" or op:
        course += rng.sample(_SURG_COURSE, rng.randint(2, 4))
    if not course:
        course = ["Der stationäre Verlauf gestaltete sich unauffällig."]
    course.append(rng.choice(_COURSE_END))
    d.prose(course)
    # Medikation / Procedere (sometimes swapped)
    proc = _pick(rng, dx.get("proc", ()), 1, 3)
    if op:
        proc += _pick(rng, _OPS[op]["proc"], 0, 2) + rng.sample(_SURG_PROC, rng.randint(1, 3))
    proc += rng.sample(_PROC_GENERIC, rng.randint(1, 3))
    order = ("Medikation", "Procedere") if rng.random() < 0.7 else ("Procedere", "Medikation")
    for sec in order:
        if sec == "Medikation":
            d.heading("Medikation", allow_inline=False)
            _write_meds(d, c, dx)
        else:
            d.heading("Procedere")
            if rng.random() < 0.5:
                d.lines(proc, bullet=True)
            else:
                d.prose(proc)
    # signature
    dep = c.dept
    people = []
    if rng.random() < 0.7:
        people.append((dep["chief"], _role("chief", dep["chief"])))
    s = rng.choice(dep["seniors"])
    people.append((s, _role("senior", s)))
    j = rng.choice(dep["juniors"])
    people.append((j, _role("junior", j)))
    _signature(d, c, people)
    return d


def _rad_findings(d: _Doc, exam: dict[str, Any], pattern: dict[str, Any] | None) -> tuple[list[str], list[str], list[str], str]:
    rng = d.rng
    if pattern:
        f = list(pattern["f"][:1]) + _pick(rng, pattern["f"][1:], 0, len(pattern["f"]) - 1)
        ftxt = " ".join(f).lower()
        hits = [w for w in _CONFLICT_WORDS if w in ftxt]
        normals = [s for s in exam["normal"] if not any(w in s.lower() for w in hits)]
        f += _pick(rng, normals, 1, 4)
        imp = list(_pick(rng, pattern["b"], 1, 2))
        rec = list(_pick(rng, pattern["rec"] or exam["rec"], 0, 1))
        ind = rng.choice(pattern["ind"])
    else:
        f = _pick(rng, exam["normal"], 3, 6)
        imp = _pick(rng, exam["imp"], 1, 2)
        rec = _pick(rng, exam["rec"], 0, 1)
        ind = rng.choice(exam["ind"])
    return f, imp, rec, ind


_QUESTIONS = ("Ausschluss {x}?", "{x}?", "V.a. {x}", "Frage nach {x}", "DD {x}?")


def _radiology_report(c: _Ctx) -> _Doc:
    rng, case = c.rng, c.case
    d = _Doc(rng, RADIOLOGY_REPORT, c)
    exam_key, pat_key = case["rad"]
    exam = _RAD[exam_key]
    pattern = exam["pat"].get(pat_key) if pat_key else None
    findings, imp, rec, ind = _rad_findings(d, exam, pattern)
    _letterhead(d, c, ward=False)
    _patient_block(d, c, address_p=0.15)
    d.add(rng.choice(("Untersuchung: ", "Untersuchungsart: ", "", "Leistung: ")))
    d.render(rng.choice(pattern["names"] if pattern and pattern["names"] else exam["names"]))
    d.add(rng.choice((" vom ", " am ", ", ")))
    c.date(d, c.doc_date)
    if rng.random() < 0.5:
        d.add(f", {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} Uhr")
    d.nl()
    if rng.random() < 0.8:
        d.add(rng.choice(("Auftragsnummer: ", "Auftrags-Nr. ", "Untersuchungs-Nr.: ", "Accession-Nr.: ")))
        d.phi(rng.choice(("RA", "RAD", "R", "")) + case["year"][2:] + _digits(rng, 7), "ORDER_ID")
        d.nl()
    if rng.random() < 0.8:
        d.add(rng.choice(("Anforderung: ", "Zuweiser: ", "Anforderer: ", "Einsender: ")))
        if case["clin_dept"] and rng.random() < 0.8:
            cd = c.world.dept(case["clin_dept"])
            d.add(cd["name"] + ", ")
            d.phi(case["ward"], "ORGANIZATION")
            d.add(", ")
            c.staff(d, rng.choice(cd["seniors"] + cd["juniors"]))
        else:
            c.staff(d, c.patient["gp"])
            d.add(" (" + c.patient["gp"]["practice"] + ")")
        d.nl()
    sections = ["Befund", "Beurteilung"]
    if rng.random() < 0.8:
        sections.insert(0, "Klinische Angaben")
    if rng.random() < 0.55:
        sections.insert(1 if sections[0] == "Klinische Angaben" else 0, "Fragestellung")
    if rng.random() < 0.85:
        sections.insert(len(sections) - 2, "Technik")
    if rng.random() < 0.5:
        sections.insert(len(sections) - 2, "Voruntersuchungen")
    if len(sections) < 4:
        sections.insert(len(sections) - 2, "Technik" if "Technik" not in sections else "Voruntersuchungen")
    if rec and rng.random() < 0.7:
        sections.append("Empfehlung")
    for sec in sections:
        if sec == "Klinische Angaben":
            d.heading(sec)
            extra = ""
            if case.get("dx") and rng.random() < 0.5:
                extra = " Vorbekannt: " + d.fill(_dx_title(d, case["dx"])).split(",")[0] + "."
            d.render(ind + "." + extra if not ind.endswith(".") else ind + extra)
            if rng.random() < 0.25:
                d.add(" " + rng.choice(("Z.n. Appendektomie.", "Bekannte KHK.", "Niereninsuffizienz, Krea beachten.", "Kontrastmittelallergie verneint.")))
            d.nl()
        elif sec == "Fragestellung":
            d.heading(sec)
            qs = _RAD_QUESTIONS.get(exam_key, ("Pathologie",))
            seen_txt = " ".join(findings + imp).lower()
            x = rng.choice([q for q in qs if q.lower() in seen_txt] or list(qs))
            d.add(rng.choice(_QUESTIONS).format(x=x) + "\n")
        elif sec == "Technik":
            d.heading(sec)
            d.render(rng.choice(exam["tech"]))
            if rng.random() < 0.3:
                d.add(rng.choice((" DLP 412 mGy·cm.", " Keine KM-Unverträglichkeit.", " Durchleuchtungszeit 0,4 min.", "")))
            d.nl()
        elif sec == "Voruntersuchungen":
            d.heading(sec)
            r = rng.random()
            if r < 0.35:
                d.add(rng.choice(("Keine.", "Keine Voraufnahmen vorliegend.", "Keine Vergleichsaufnahmen verfügbar.")) + "\n")
            elif r < 0.8:
                d.add(rng.choice(("Zum Vergleich: Voruntersuchung vom ", "Vergleich mit der Voruntersuchung vom ", "Voraufnahme vom ")))
                _h_hist(c, d)
                d.add(".\n")
            else:
                d.render("Externe Voraufnahmen aus dem {EXTORG} vom {HIST}.")
                d.nl()
        elif sec == "Befund":
            inline = d.heading(sec)
            if inline or rng.random() < 0.6:
                d.prose(findings)
            else:
                d.lines(findings, bullet=True)
        elif sec == "Beurteilung":
            d.heading(sec, allow_inline=len(imp) == 1)
            if len(imp) > 1:
                for i, t in enumerate(imp):
                    d.add(f"{i + 1}. ")
                    d.render(t)
                    d.nl()
            else:
                d.lines(imp)
        else:
            d.heading(sec)
            d.lines(rec)
    dep = c.dept
    s = rng.choice(dep["seniors"])
    j = rng.choice(dep["juniors"] + dep["seniors"])
    people = [(j, _role("specialist", j) + " für Radiologie" if rng.random() < 0.5 else _role("junior", j))]
    if j is not s:
        people.append((s, _role("senior", s)))
    if rng.random() < 0.3:
        d.nl()
        d.add(rng.choice(("Befund telefonisch an ", "Befund vorab mitgeteilt an ")))
        _h_doc(c, d)
        d.add(" am ")
        c.date(d, c.doc_date)
        d.add(f", {rng.randint(7, 22):02d}:{rng.randint(0, 59):02d} Uhr.\n")
    _signature(d, c, people, greeting=rng.random() < 0.3)
    return d


def _pathology_report(c: _Ctx) -> _Doc:
    rng, case = c.rng, c.case
    d = _Doc(rng, PATHOLOGY_REPORT, c)
    spec_key, pat_key = case["path"]
    sp = _PATH[spec_key]
    pat = sp["pat"][pat_key]
    _letterhead(d, c, ward=False)
    d.add(rng.choice(("Pathologisch-anatomisches Gutachten", "Histologischer Befundbericht", "Befundbericht", "PATHOLOGIEBEFUND")) + "\n")
    d.add(rng.choice(("Eingangsnummer: ", "E-Nr.: ", "Journal-Nr. ", "Einsendungs-Nr.: ")))
    y = case["year"]
    d.phi(rng.choice((f"E/{y}/{_digits(rng, 5)}", f"H{y[2:]}-{_digits(rng, 5)}", f"{y}-{_digits(rng, 6)}", f"P {_digits(rng, 5)}/{y[2:]}")), "ORDER_ID")
    d.add(rng.choice(("    Eingang: ", ", Eingangsdatum: ", " | Eingang am ")))
    c.date(d, max(c.doc_date - _dt.timedelta(days=rng.randint(1, 4)), case["adm"]))
    if rng.random() < 0.6:
        d.add(rng.choice(("    Befunddatum: ", ", Ausgang: ")))
        c.date(d, c.doc_date)
    d.nl()
    d.add(rng.choice(("Einsender: ", "Einsendende Klinik: ", "Einsender/in: ")))
    if case["clin_dept"]:
        cd = c.world.dept(case["clin_dept"])
        d.add(cd["name"] + ", ")
        c.staff(d, rng.choice(cd["seniors"] + cd["juniors"]))
        if rng.random() < 0.4:
            d.add(", ")
            d.phi(case["ward"], "ORGANIZATION")
    else:
        gp = c.patient["gp"]
        d.add(gp["practice"] + " ")
        c.staff(d, gp)
        d.add(", ")
        d.phi(gp["postal_city"], "POSTAL_CITY")
    d.nl()
    _patient_block(d, c, address_p=0.1)
    d.nl()
    sections = ["Klinische Angaben", "Material", "Makroskopie", "Mikroskopie"]
    if pat["ihc"]:
        sections.append("Immunhistochemie")
    sections.append("Diagnose")
    if pat["comment"] or rng.random() < 0.3:
        sections.append("Kommentar")
    if rng.random() < 0.15:
        sections.remove("Makroskopie")
    for sec in sections:
        if sec == "Klinische Angaben":
            d.heading(sec)
            t = rng.choice(sp["clin"])
            if case.get("op") and rng.random() < 0.6:
                t = _OPS[case["op"]]["name"][0] + " am {D+" + str((case["op_date"] - case["adm"]).days) + "}. " + t
            d.render(t + ("." if not t.endswith(".") else ""))
            if rng.random() < 0.3:
                d.add(" " + rng.choice(("Fragestellung: Dignität?", "Bitte um Schnellbearbeitung.", "Vorbefund siehe Eingangs-Nr. der Voreinsendung.",
                                        "Malignität?", "R-Status?")))
            d.nl()
        elif sec == "Material":
            d.heading(sec)
            material = _PATH_MATERIAL_BY_OP.get(case.get("op") or "") or pat["material"] or sp["material"]
            d.render(rng.choice(material))
            d.add(rng.choice((".", " (formalinfixiert).", ", in Formalin.", "")) + "\n")
        elif sec == "Makroskopie":
            d.heading(sec)
            d.lines([rng.choice(pat["macro"] or sp["macro"])])
        elif sec == "Mikroskopie":
            d.heading(sec)
            d.prose(list(pat["micro"]) + _pick(rng, _PATH_MICRO_EXTRA, 0, 2))
        elif sec == "Immunhistochemie":
            d.heading(sec)
            d.lines(pat["ihc"], bullet=rng.random() < 0.5)
        elif sec == "Diagnose":
            d.heading(sec, allow_inline=False)
            d.lines(pat["dx"])
            if pat.get("tnm"):
                d.add(("TNM-Klassifikation (UICC, 8. Auflage): " if rng.random() < 0.6 else "") + _tnm_text(d, pat["tnm"]) + "\n")
            d.add(rng.choice(("ICD-10: ", "ICD-10-GM: ", "Kodierung: ")) + pat["icd"] + "\n")
        else:
            d.heading(sec)
            items = list(pat["comment"]) or [rng.choice(("Der Befund wurde in der Konsensuskonferenz bestätigt.", "Weitere Schnittstufen ohne zusätzliche Befunde.",
                                                          "Eine Zweitbegutachtung ist jederzeit möglich."))]
            d.prose(items)
            if rng.random() < 0.3:
                d.add("Befund telefonisch vorab an ")
                _h_doc(c, d)
                d.add(" übermittelt (")
                c.date(d, c.doc_date)
                d.add(").\n")
    dep = c.dept
    s = rng.choice(dep["seniors"] + [dep["chief"]])
    people = [(s, _role("specialist", s) + " für Pathologie")]
    if rng.random() < 0.5:
        j = rng.choice(dep["juniors"])
        people.insert(0, (j, _role("junior", j)))
    _signature(d, c, people, greeting=rng.random() < 0.25)
    return d


def _operation_note(c: _Ctx) -> _Doc:
    rng, case = c.rng, c.case
    d = _Doc(rng, OPERATION_NOTE, c)
    dx = case["dx"]
    o = _OPS[case["op"]]
    _letterhead(d, c, ward=rng.random() < 0.3)
    d.add(rng.choice(("OPERATIONSBERICHT", "Operationsbericht", "OP-Bericht", "OP-Protokoll")) + "\n")
    _patient_block(d, c, address_p=0.05)
    d.add(rng.choice(("OP-Datum: ", "Datum der Operation: ", "Operationstag: ")))
    c.date(d, c.doc_date)
    t0 = rng.randint(7 * 60, 16 * 60)
    dur = int(d.slot("tmin"))
    if rng.random() < 0.7:
        d.add(f"    Saal {rng.randint(1, 12)}    Schnitt: {t0 // 60:02d}:{t0 % 60:02d} Uhr    Naht: {(t0 + dur) // 60 % 24:02d}:{(t0 + dur) % 60:02d} Uhr")
    d.nl()
    dep = c.dept
    ana = c.world.dept("anesthesia")
    team = [("Operateur: " if rng.random() < 0.8 else "1. Operateur: ", rng.choice(dep["seniors"] + [dep["chief"]])),
            ("Assistenz: " if rng.random() < 0.7 else "1. Assistenz: ", rng.choice(dep["juniors"])),
            ("Anästhesie: ", rng.choice(ana["seniors"] + ana["juniors"]))]
    if rng.random() < 0.6:
        team.append((rng.choice(("OP-Pflege: ", "Instrumentierung: ", "OTA: ")), rng.choice(dep["nurses"])))
    sep = rng.choice(("\n", "; ", "    "))
    for i, (label, person) in enumerate(team):
        if i:
            d.add(sep)
        d.add(label)
        c.staff(d, person, title=label != "OP-Pflege: " and rng.random() < 0.8)
    d.nl()
    i = rng.randrange(len(o["name"]))
    sections = ["Diagnose", "Indikation", "Eingriff", "Anästhesie", "OP-Verlauf", "Befund intraoperativ", "Procedere"]
    if rng.random() < 0.35:  # Situs before the course
        sections.remove("Befund intraoperativ")
        sections.insert(4, "Befund intraoperativ")
    if rng.random() < 0.2:
        sections.remove("Anästhesie")
    if rng.random() < 0.15:
        sections.remove("Indikation")
    for sec in sections:
        if sec == "Diagnose":
            d.heading(sec)
            _dx_line(d, c, _dx_title(d, dx), dx["icd"], rng.randint(0, 3))
        elif sec == "Indikation":
            d.heading(sec)
            t = rng.choice(o["ind"])
            extra = []
            if rng.random() < 0.5:
                extra.append("Die Aufklärung über Risiken und Alternativen erfolgte am {D-1} durch {DOC}, die Einwilligung liegt schriftlich vor.")
            if rng.random() < 0.3:
                extra.append("{Pat} ({PAGE} J.) wünscht die operative Versorgung.")
            d.prose([t] + extra)
        elif sec == "Eingriff":
            d.heading(sec)
            code = o["ops"][min(i, len(o["ops"]) - 1)]
            if d.last_heading.upper() == "OPS":
                d.add(code + " ")
                d.render(o["name"][i])
                d.nl()
            else:
                d.render(o["name"][i])
                d.add(f" (OPS {code})\n")
        elif sec == "Anästhesie":
            d.heading(sec)
            d.add(rng.choice(o["ana"]) + "\n")
        elif sec == "OP-Verlauf":
            d.heading(sec, allow_inline=False)
            steps = [rng.choice(_STEPS_START)] + _pick(rng, o["steps"], max(2, len(o["steps"]) - 2), len(o["steps"])) + list(rng.choice(_STEPS_END)[rng.randint(0, 1):])
            if rng.random() < 0.5:
                d.prose(steps)
            else:
                d.lines(steps, bullet=rng.random() < 0.5)
        elif sec == "Befund intraoperativ":
            d.heading(sec)
            d.lines([rng.choice(o["situs"])])
        else:
            d.heading(sec)
            proc = list(_pick(rng, o["proc"], 1, 3))
            if o.get("path"):
                proc.append(rng.choice(("Histologische Untersuchung des Präparates im Institut für Pathologie.", "Präparat zur Histologie.",
                                        "Histologie ausstehend.")))
            if rng.random() < 0.4:
                proc.append("Rückverlegung auf {WARD}.")
            d.lines(proc, bullet=rng.random() < 0.5)
    op_person = team[0][1]
    _signature(d, c, [(op_person, "Operateur" if op_person["sex"] == "m" else "Operateurin")], greeting=False)
    return d


_GENERATORS: dict[str, Callable[[_Ctx], _Doc]] = {
    DISCHARGE_LETTER: _discharge_letter, RADIOLOGY_REPORT: _radiology_report, PATHOLOGY_REPORT: _pathology_report, OPERATION_NOTE: _operation_note,
}


# --------------------------------------------------------------------------------------------------
# Patients and cases
# --------------------------------------------------------------------------------------------------

_CLINICAL = ("internal_medicine", "surgery", "cardiology", "oncology", "neurology")
_SPEC_WEIGHT = {"radiology": 0.6, "pathology": 0.35}


def _make_patient(fk: Faker, rng: random.Random, world: _World, pid: str, specialties: Sequence[str], first_year: int) -> dict[str, Any]:
    sex = rng.choice("mf")
    person = _person(fk, rng, sex)
    age0 = int(min(86, max(18, rng.gauss(58, 15))))
    birth = _dt.date(first_year - age0, rng.randint(1, 12), rng.randint(1, 28))
    street = f"{fk.street_name()} {_house_number(rng)}"
    postal, city = _postcode(fk, rng), fk.city()
    phone = _mobile(rng) if rng.random() < 0.5 else _fmt_phone(rng, _area_code(rng), _digits(rng, rng.choice((5, 6, 7))))
    email = None
    if rng.random() < 0.35:
        email = f"{_ascii(person['first'])}.{_ascii(person['last'])}@{rng.choice(_MAIL_DOMAINS)}".replace("-", "")
        if rng.random() < 0.3:
            email = email.replace("@", f"{rng.randint(1, 99)}@", 1)
    insurance_id = rng.choice("ABCDEFGHIJKLMNORSTUVWXYZ") + "".join(str(rng.randint(0, 9)) for _ in range(9))
    relatives = []
    partner_sex = "f" if sex == "m" else "m"
    if rng.random() < 0.05:
        partner_sex = sex
    rel_p = _person(fk, rng, partner_sex, last=person["last"] if rng.random() < 0.7 else None)
    rel_p["relation"], rel_p["relation_obl"] = rng.choice(_RELATIONS[partner_sex][:1] * 3 + _RELATIONS[partner_sex][3:4])
    relatives.append(rel_p)
    child_sex = rng.choice("mf")
    ch = _person(fk, rng, child_sex, last=person["last"] if rng.random() < 0.6 else None)
    ch["relation"], ch["relation_obl"] = rng.choice(_RELATIONS[child_sex][1:2] * 2 + _RELATIONS[child_sex][2:3] + _RELATIONS[child_sex][4:])
    relatives.append(ch)
    for r in relatives:
        r["phone"] = _mobile(rng)
    # chronic conditions (patient level, reused by every document)
    pool = [cm for cm in _COMORBIDITIES if cm[3] in (None, sex)]
    chosen = rng.sample(pool, rng.randint(0, 5))
    fake_ctx_slots: dict[str, str] = {}

    def fill(t: str) -> str:
        def rep(m: re.Match[str]) -> str:
            k = m.group(1)
            if k not in fake_ctx_slots:
                fake_ctx_slots[k] = _SLOTS[k](rng)
            return fake_ctx_slots[k]
        return _TOKEN.sub(rep, t)

    comorbidities = [(fill(t), icd) for t, icd, _, _ in chosen]
    seen_icd = {icd for _, icd in comorbidities}
    if _FH_EXTRA and rng.random() < 0.3:
        name, icd = rng.choice(_FH_EXTRA)
        if icd not in seen_icd:
            comorbidities.append((name, icd))
    chronic_meds = [g for _, _, g, _ in chosen if g]
    history = [fill(t) for t, s in rng.sample(_HISTORY, rng.randint(0, 3)) if s in (None, sex)]
    allergies = rng.sample(_ALLERGIES, rng.choice((0, 0, 0, 1, 1, 2))) if _ALLERGIES else []
    # which departments this patient gets treated in
    specs = list(specialties)
    clinical = [s for s in specs if s not in ("radiology", "pathology")] or specs
    k = rng.choice((1, 1, 2, 2, 3))
    home = rng.sample(clinical, min(k, len(clinical)))
    for s in ("radiology", "pathology"):
        if s in specs and s not in home and rng.random() < _SPEC_WEIGHT[s]:
            home.append(s)
    return {
        "patient_id": pid, "first_name": person["first"], "last_name": person["last"], "sex": sex, "birth": birth,
        "street": street, "postal_code": postal, "city": city, "phone": phone, "email": email, "insurance_id": insurance_id,
        "insurer": rng.choice(_INSURERS), "relatives": relatives, "gp": rng.choice(world.gps), "comorbidities": comorbidities,
        "chronic_meds": chronic_meds, "history": history, "allergies": allergies, "home": list(dict.fromkeys(home)), "dx_by_spec": {},
    }


def _choose_dx(rng: random.Random, patient: dict[str, Any], spec: str) -> dict[str, Any]:
    pool_spec = spec if spec in _DX else "internal_medicine"
    prev = patient["dx_by_spec"].get(pool_spec)
    if prev is not None and rng.random() < 0.45:
        return prev
    pool = [x for x in _DX[pool_spec] if x["sex"] in (None, patient["sex"])]
    dx = rng.choice(pool)
    patient["dx_by_spec"][pool_spec] = dx
    return dx


def _rad_for(rng: random.Random, spec: str, dx: dict[str, Any] | None) -> tuple[str, str | None]:
    if dx and dx.get("rad") and rng.random() < 0.75:
        exam, pat = dx["rad"]
        return exam, pat if pat else (rng.choice(list(_RAD[exam]["pat"])) if rng.random() < 0.3 else None)
    exams = _RAD_BY_SPECIALTY.get(spec) or tuple(_RAD)
    exam = rng.choice(exams)
    pats = list(_RAD[exam]["pat"])
    return exam, (rng.choice(pats) if pats and rng.random() < 0.65 else None)


def _path_for(rng: random.Random, dx: dict[str, Any] | None, op: str | None, sex: str) -> tuple[str, str]:
    if op and op in _PATH_PATTERN_BY_OP:
        return _OPS[op]["path"], rng.choice(_PATH_PATTERN_BY_OP[op])
    if dx and dx["icd"][:3] in _PATH_BY_ICD:
        return _PATH_BY_ICD[dx["icd"][:3]]
    spec = rng.choice([k for k, v in _PATH.items() if v.get("sex") in (None, sex)])
    return spec, rng.choice(list(_PATH[spec]["pat"]))


def _plan_case(rng: random.Random, spec: str, specialties: Sequence[str], dx: dict[str, Any] | None, op: str | None) -> list[tuple[str, str]]:
    """Return [(document_type, document_specialty)] for one case, main document first."""
    if spec == "radiology":
        return [(RADIOLOGY_REPORT, "radiology")] * (2 if rng.random() < 0.15 else 1)
    if spec == "pathology":
        return [(PATHOLOGY_REPORT, "pathology")]
    plan: list[tuple[str, str]] = []
    if spec == "surgery" and op:
        r = rng.random()
        if r < 0.6:
            plan = [(OPERATION_NOTE, spec), (DISCHARGE_LETTER, spec)]
        elif r < 0.85:
            plan = [(OPERATION_NOTE, spec)]
        else:
            plan = [(DISCHARGE_LETTER, spec)]
    else:
        plan = [(DISCHARGE_LETTER, spec)]
        if rng.random() < 0.22:
            plan.append((RADIOLOGY_REPORT, spec))
    if "radiology" in specialties and rng.random() < 0.3:
        plan.append((RADIOLOGY_REPORT, "radiology"))
    if "pathology" in specialties and ((op and op in _PATH_PATTERN_BY_OP and rng.random() < 0.6) or
                                       (dx and dx["icd"][:3] in _PATH_BY_ICD and rng.random() < 0.3)):
        plan.append((PATHOLOGY_REPORT, "pathology"))
    return plan


def _ward_for(world: _World, rng: random.Random, dept_key: str) -> str:
    return rng.choice(world.dept(dept_key)["wards"])


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


@dataclass
class SampleCorpus:
    """Generated documents, the exact PHI spans inside them, and the patient master list."""

    documents: list[dict]  # keys: schema.REQUIRED_REPORT_COLUMNS (date as "YYYY-MM-DD")
    phi_spans: list[dict]  # {document_id, patient_id, start, end, type, text}
    patients: list[dict]  # {patient_id, first_name, last_name, birth_date, sex, street, postal_code, city, phone, insurance_id}


def generate_corpus(
    n_patients: int = 60,
    seed: int = 42,
    specialties: Sequence[str] = DEFAULT_SPECIALTIES,
    years: Sequence[str | int] = DEFAULT_YEARS,
    docs_per_patient: tuple[int, int] = (2, 8),
) -> SampleCorpus:
    """Generate a deterministic synthetic German clinical corpus with PHI ground truth.

    Same arguments -> byte-identical output. Documents of a patient are spread over cases in several years and
    specialties; every inserted PHI item is recorded with its exact character span.
    """
    specialties = tuple(dict.fromkeys(str(s) for s in specialties))
    years = tuple(dict.fromkeys(str(int(y)) for y in years))
    if not specialties or not years:
        raise ValueError("specialties and years must not be empty")
    lo, hi = docs_per_patient
    if lo < 1 or hi < lo:
        raise ValueError(f"invalid docs_per_patient {docs_per_patient!r}")
    rng = random.Random(seed)
    fk = Faker("de_DE")
    fk.seed_instance(seed)
    world = _World(fk, rng, n_patients)
    first_year = int(min(years))

    documents: list[dict] = []
    phi_spans: list[dict] = []
    patients_out: list[dict] = []
    used_pids: set[str] = set()
    case_counter: dict[str, int] = {}
    doc_no = 0

    for _ in range(n_patients):
        pid = "P" + _digits(rng, 7)
        while pid in used_pids:
            pid = "P" + _digits(rng, 7)
        used_pids.add(pid)
        p = _make_patient(fk, rng, world, pid, specialties, first_year)
        patients_out.append({
            "patient_id": pid, "first_name": p["first_name"], "last_name": p["last_name"], "birth_date": p["birth"].isoformat(),
            "sex": p["sex"], "street": p["street"], "postal_code": p["postal_code"], "city": p["city"], "phone": p["phone"],
            "insurance_id": p["insurance_id"],
        })
        remaining = rng.randint(lo, hi)
        years_left = list(years)
        rng.shuffle(years_left)
        while remaining > 0:
            spec = rng.choice(p["home"])
            # spread a patient's cases over different years first, then repeat years
            year = years_left.pop() if years_left else rng.choice(years)
            dx = None if spec in ("radiology", "pathology") else _choose_dx(rng, p, spec)
            op = dx.get("op") if dx else None
            plan = _plan_case(rng, spec, specialties, dx, op)[:remaining]
            remaining -= len(plan)
            y = int(year)
            los = rng.randint(*dx["los"]) if dx else rng.choice((0, 0, 0, 1, 2))
            start = _dt.date(y, 1, 1)
            span_days = max(1, (_dt.date(y, 12, 31) - start).days - los - 30)
            adm = start + _dt.timedelta(days=rng.randint(0, span_days))
            dis = adm + _dt.timedelta(days=los)
            case_counter[year] = case_counter.get(year, rng.randint(10_000, 300_000)) + rng.randint(1, 40)
            clin_dept = None
            if dx:
                clin_dept = dx.get("dept") or spec
            elif rng.random() < 0.75:
                clin_dept = rng.choice(_CLINICAL)
            case = {
                "case_id": f"F{year}{case_counter[year]:06d}", "specialty": spec, "year": year, "adm": adm, "dis": dis, "dx": dx, "op": op,
                "op_date": adm + _dt.timedelta(days=min(los, rng.randint(0, 2))) if op else None, "clin_dept": clin_dept,
                "ward": _ward_for(world, rng, clin_dept) if clin_dept else _ward_for(world, rng, "internal_medicine"),
                "side": rng.choice(("links", "rechts")),
            }
            for doc_type, doc_spec in plan:
                if doc_type == DISCHARGE_LETTER:
                    day = dis
                elif doc_type == OPERATION_NOTE:
                    day = case["op_date"]
                elif doc_type == PATHOLOGY_REPORT:
                    day = (case["op_date"] or adm) + _dt.timedelta(days=rng.randint(1, 5))
                else:
                    day = adm + _dt.timedelta(days=rng.randint(0, los))
                if doc_type == RADIOLOGY_REPORT:
                    case["rad"] = _rad_for(rng, clin_dept or doc_spec, dx)
                    dept_key = "radiology"  # written by radiology, filed under the case's specialty
                elif doc_type == PATHOLOGY_REPORT:
                    case["path"] = _path_for(rng, dx, op, p["sex"])
                    dept_key = "pathology"
                else:
                    dept_key = (dx.get("dept") if dx else None) or doc_spec
                gender = dict(_GENDER[p["sex"]])
                gp = p["gp"]
                gender["gp_acc"] = ("den Hausarzt" if gp["sex"] == "m" else "die Hausärztin")
                ctx = _Ctx(rng=rng, world=world, patient=p, case=case, doc_date=day, dept=world.dept(dept_key), gender=gender,
                           date_style=rng.choice(_DOC_DATE_STYLES))
                d = _GENERATORS[doc_type](ctx)
                text = d.text()
                doc_no += 1
                doc_id = f"DOC-{year}-{doc_no:07d}"
                documents.append({"document_id": doc_id, "patient_id": pid, "case_id": case["case_id"], "specialty": doc_spec,
                                  "document_type": doc_type, "date": day.isoformat(), "text": text})
                for start_, end_, typ, s in d.spans:
                    phi_spans.append({"document_id": doc_id, "patient_id": pid, "start": start_, "end": end_, "type": typ, "text": s})
    return SampleCorpus(documents=documents, phi_spans=phi_spans, patients=patients_out)


BAD_ROW_REASONS = (
    "empty_text",
    "missing_patient_id",
    "duplicate_document_id",
    "date_outside_partition",
    "invalid_date",
    "text_too_large",
    "invalid_utf8",
    "invalid_json",
)
_FILE_FORMATS = ("jsonl", "csv", "parquet")


def _write_partition(path: Path, rows: list[dict], file_format: str) -> None:
    cols = list(REQUIRED_REPORT_COLUMNS)
    if file_format == "jsonl":
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for r in rows:
                fh.write(json.dumps({k: r[k] for k in cols}, ensure_ascii=False) + "\n")
    elif file_format == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, quoting=csv.QUOTE_MINIMAL, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({k: pa.array([r[k] for r in rows], type=pa.string()) for k in cols})
        pq.write_table(table, path)


def _bad_rows_for(spec: str, year: str, rows: list[dict], kinds: Sequence[str]) -> tuple[list[bytes], list[dict]]:
    """Build deliberately invalid lines (bytes) for one partition and their manifest entries."""
    base = rows[0]
    out: list[bytes] = []
    entries: list[dict] = []
    for k, kind in enumerate(kinds):
        doc_id = f"BAD-{spec}-{year}-{k + 1:02d}"
        row = {"document_id": doc_id, "patient_id": base["patient_id"], "case_id": base["case_id"], "specialty": spec,
               "document_type": base["document_type"], "date": f"{year}-06-15",
               "text": "Befund: Unauffälliger Befund.\nBeurteilung: Kein pathologischer Befund."}
        if kind == "empty_text":
            row["text"] = "   \n\t  "
        elif kind == "missing_patient_id":
            del row["patient_id"]
        elif kind == "duplicate_document_id":
            row = {c: base[c] for c in REQUIRED_REPORT_COLUMNS}
            doc_id = base["document_id"]
        elif kind == "date_outside_partition":
            row["date"] = f"{int(year) - 1}-11-20"
        elif kind == "invalid_date":
            row["date"] = f"{year}-02-30"
        elif kind == "text_too_large":
            sentence = "Befund: Kein Nachweis eines pneumonischen Infiltrats, kein Pleuraerguss, kein Pneumothorax. "
            row["text"] = sentence * (500_000 // len(sentence) + 50)
        if kind == "invalid_utf8":
            line = json.dumps(row, ensure_ascii=False).encode("utf-8")
            line = line.replace("Unauffälliger".encode("utf-8"), b"Unauff\xe4lliger \xff\xfe\xc3\x28", 1)
        elif kind == "invalid_json":
            line = ('{"document_id": "' + doc_id + '", "patient_id": "' + base["patient_id"] + '", "text": "Befund: abgeschnittene Zeile').encode("utf-8")
        else:
            line = json.dumps(row, ensure_ascii=False).encode("utf-8")
        out.append(line + b"\n")
        entries.append({"specialty": spec, "year": year, "file": f"{spec}/{year}/incoming_bad.jsonl", "line": k + 1,
                        "document_id": doc_id, "reason": kind})
    return out, entries


def write_sample_source(root: Path, corpus: SampleCorpus, file_format: str = "jsonl", bad_rows: bool = False) -> dict:
    """Write the corpus as the folder layout the ingestion reads.

    Layout: ``root/<specialty>/<year>/documents.<jsonl|csv|parquet>`` (UTF-8, one file per partition with documents),
    ``root/_meta/phi_spans.jsonl`` and ``root/_meta/patients.jsonl`` (PHI ground truth, kept next to the source) and
    ``root/_meta/manifest.json``. With ``bad_rows=True`` a few partitions also get ``incoming_bad.jsonl`` with invalid
    rows (one per reason in :data:`BAD_ROW_REASONS`). Returns the manifest.
    """
    if file_format not in _FILE_FORMATS:
        raise ValueError(f"file_format must be one of {_FILE_FORMATS}, got {file_format!r}")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    parts: dict[tuple[str, str], list[dict]] = {}
    for doc in corpus.documents:
        parts.setdefault((doc["specialty"], doc["date"][:4]), []).append(doc)
    partitions = []
    for (spec, year) in sorted(parts):
        pdir = root / spec / year
        pdir.mkdir(parents=True, exist_ok=True)
        for stale in [*(pdir / f"documents.{ext}" for ext in _FILE_FORMATS), pdir / "incoming_bad.jsonl"]:
            if stale.exists():
                stale.unlink()
        path = pdir / f"documents.{file_format}"
        _write_partition(path, parts[(spec, year)], file_format)
        partitions.append({"specialty": spec, "year": year, "path": str(path.relative_to(root)), "n_documents": len(parts[(spec, year)])})

    bad: list[dict] = []
    if bad_rows and parts:
        # spread the invalid kinds over (up to) three of the largest partitions, deterministically
        keys = sorted(parts, key=lambda k: (-len(parts[k]), k))[:3]
        chunks: list[list[str]] = [[] for _ in keys]
        for i, kind in enumerate(BAD_ROW_REASONS):
            chunks[i % len(keys)].append(kind)
        for (spec, year), kinds in zip(keys, chunks):
            lines, entries = _bad_rows_for(spec, year, parts[(spec, year)], kinds)
            (root / spec / year / "incoming_bad.jsonl").write_bytes(b"".join(lines))
            bad.extend(entries)

    meta = root / "_meta"
    meta.mkdir(exist_ok=True)
    with (meta / "phi_spans.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for s in corpus.phi_spans:
            fh.write(json.dumps(s, ensure_ascii=False) + "\n")
    with (meta / "patients.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for p in corpus.patients:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    manifest = {
        "root": str(root),
        "file_format": file_format,
        "n_documents": len(corpus.documents),
        "n_patients": len(corpus.patients),
        "n_phi_spans": len(corpus.phi_spans),
        "partitions": partitions,
        "documents_per_partition": {f"{p['specialty']}/{p['year']}": p["n_documents"] for p in partitions},
        "bad_rows": bad,
        "meta_files": ["_meta/phi_spans.jsonl", "_meta/patients.jsonl", "_meta/manifest.json"],
    }
    (meta / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def corpus_summary(corpus: SampleCorpus) -> dict:
    """Counts for printing: documents per type/specialty/year, PHI spans per type, sizes."""
    docs = corpus.documents
    n = len(docs)
    per_patient = Counter(d["patient_id"] for d in docs)
    years_per_patient: dict[str, set[str]] = {}
    for d in docs:
        years_per_patient.setdefault(d["patient_id"], set()).add(d["date"][:4])
    return {
        "n_documents": n,
        "n_patients": len(corpus.patients),
        "n_cases": len({d["case_id"] for d in docs}),
        "n_phi_spans": len(corpus.phi_spans),
        "documents_per_type": dict(sorted(Counter(d["document_type"] for d in docs).items())),
        "documents_per_specialty": dict(sorted(Counter(d["specialty"] for d in docs).items())),
        "documents_per_year": dict(sorted(Counter(d["date"][:4] for d in docs).items())),
        "phi_spans_per_type": {t: c for t, c in sorted(Counter(s["type"] for s in corpus.phi_spans).items())},
        "avg_documents_per_patient": round(n / max(1, len(per_patient)), 2),
        "avg_years_per_patient": round(sum(len(v) for v in years_per_patient.values()) / max(1, len(years_per_patient)), 2),
        "avg_chars_per_document": round(sum(len(d["text"]) for d in docs) / max(1, n), 1),
        "total_chars": sum(len(d["text"]) for d in docs),
    }
