"""Cheap checks that a translation is one: numbers, units and ICD codes survive, and it is not still German.

Decimal commas become points in English ("3,5 cm" -> "3.5 cm"), so numbers are compared with either separator
read as the same; everything else must match exactly.
"""

from __future__ import annotations

import re
from collections import Counter

from miracle_dagster.core.qa.filters import detect_language
from miracle_dagster.core.translate.protect import ICD10

FAITHFULNESS_REASONS = ("empty_translation", "icd_codes_changed", "numbers_changed", "units_changed", "still_german")

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_UNIT = re.compile(
    r"(\d+(?:[.,]\d+)?)\s?(mmol/l|µmol/l|mg/dl|g/dl|mg/l|g/l|U/l|ml/min|mmHg|mg|µg|g|kg|ml|l|cm|mm|Gy|°C|%|/min)(?![\w/])", re.IGNORECASE
)
MIN_WORDS_FOR_LANGUAGE = 4  # langid guesses on a few words; "3 Tage" may read as anything
MIN_GERMAN_PROBABILITY = 0.9


def _number(token: str) -> str:
    return token.replace(",", ".")


def numbers(text: str) -> Counter:
    """Numbers outside ICD codes (a changed code is reported as such)."""
    return Counter(_number(m) for m in _NUMBER.findall(ICD10.sub(" ", text)))


def units(text: str) -> Counter:
    return Counter((_number(n), u.lower()) for n, u in _UNIT.findall(text))


def still_german(source: str, translation: str) -> bool:
    """The output is the input again, or reads as German with high probability."""
    if " ".join(source.split()) == " ".join(translation.split()) and len(source.split()) >= 2:
        return True
    if len(translation.split()) < MIN_WORDS_FOR_LANGUAGE:
        return False
    lang, probability = detect_language(translation)
    return lang == "de" and probability >= MIN_GERMAN_PROBABILITY


def problem(source: str, translation: str) -> tuple[str, str]:
    """('', '') for a faithful translation, else (reason, detail); details name tokens, never the text."""
    if not translation.strip():
        return "empty_translation", ""
    codes = set(ICD10.findall(source)) - set(ICD10.findall(translation))
    if codes:
        return "icd_codes_changed", "missing " + ", ".join(sorted(codes))
    missing = numbers(source) - numbers(translation)
    if missing:
        return "numbers_changed", "missing " + ", ".join(sorted(missing))
    lost_units = units(source) - units(translation)
    if lost_units:
        return "units_changed", "missing " + ", ".join(f"{n} {u}" for n, u in sorted(lost_units))
    if still_german(source, translation):
        return "still_german", ""
    return "", ""
