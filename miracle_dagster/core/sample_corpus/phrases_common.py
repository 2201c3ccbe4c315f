"""Shared phrase pools: template slots, gendered wording, lab panels, medication, comorbidities, history.

Pure data (plus the tiny slot factories); lower-case ``{slot}`` placeholders in templates are filled
from :data:`SLOTS`.
"""

from __future__ import annotations

import random
import re
from typing import Callable

from miracle_dagster.core.sample_corpus.formatting import fmt_decimal

try:  # German disease / allergy vocabulary from faker-healthcare-provider (a declared dependency)
    from faker_healthcare.de_DE.constants import ALLERGIES as _FH_ALLERGIES
    from faker_healthcare.de_DE.disease_correlations import DISEASE_CORRELATIONS as _FH_DISEASES
except Exception:  # pragma: no cover - optional vocabulary
    _FH_ALLERGIES = ()
    _FH_DISEASES = {}


# --------------------------------------------------------------------------------------------------
# non-PHI template slots ({side}, {mm}, ...). Values are cached per document so that a finding and
# its impression mention the same side / size.
# --------------------------------------------------------------------------------------------------

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def _r(a: float, b: float, nd: int = 1) -> Callable[[random.Random], str]:
    return lambda rng: fmt_decimal(rng.uniform(a, b), nd)


def _i(a: int, b: int) -> Callable[[random.Random], str]:
    return lambda rng: str(rng.randint(a, b))


def _c(*options: str) -> Callable[[random.Random], str]:
    return lambda rng: rng.choice(options)


SLOTS: dict[str, Callable[[random.Random], str]] = {
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
GENDER = {
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

LABS: dict[str, tuple] = {
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
BASE_PANEL = ("Hb", "Leuko", "Thrombo", "Na", "K", "Krea", "GFR", "CRP")
RANDOM_ABNORMAL = frozenset(("Hb", "Leuko", "Thrombo", "Na", "K", "CRP", "GGT", "Gluc", "LDL"))

# --------------------------------------------------------------------------------------------------
# Medication: key -> (name variants, doses, schedules)
# --------------------------------------------------------------------------------------------------

MEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
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

MED_GROUPS: dict[str, tuple[str, ...]] = {
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

COMORBIDITIES: tuple[tuple[str, str, str | None, str | None], ...] = (
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
HISTORY: tuple[tuple[str, str | None], ...] = (
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
FH_EXTRA: tuple[tuple[str, str], ...] = tuple(
    (name, re.sub(r"^([A-Z]\d\d)(\.\d)?.*$", lambda m: m.group(1) + (m.group(2) or ""), data["icd10"]))
    for name, data in _FH_DISEASES.items()
    if data.get("medical_specialty") not in _FH_SKIP and name not in {"Pleurale Erguss", "Angeborene Herzkrankheit"}
)
ALLERGIES: tuple[str, ...] = tuple(_FH_ALLERGIES) or ("Penicillin", "Kontrastmittel", "Pollen", "Latex")
