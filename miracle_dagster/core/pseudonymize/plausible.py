"""Shape checks for the spans of a further detector (the trained model, an LLM): a span must look like its type.

A statistical detector trained on a few dozen letters also tags lab values ("Ht 33.5" as a street), doses
("1/2-0-0" as a date) and medical terms ("Arterieller Hypertonus" as a name). Replacing those costs the text its
meaning and catches nobody, so a model span is kept only when it has the shape of its type: the same constraints
the rules are built on (a date parses and stands outside quantities, an age is a number, a phone has digits, a
name is capitalised words without medical vocabulary). Recall is what the rules and the shapes still allow.
"""

from __future__ import annotations

import re

from miracle_dagster.core.pseudonymize.dates import date_context_ok, parse
from miracle_dagster.core.pseudonymize.places import PLACES
from miracle_dagster.core.pseudonymize.vocab import EPONYMS, FIRST_NAMES, HONORIFICS, NON_NAMES, PARTICLES, TITLES, is_medical
from miracle_dagster.core.schema import NAME_TYPES

ID_TYPES = frozenset({"PATIENT_ID", "CASE_ID", "ORDER_ID", "INSURANCE_ID"})
_NAME_WORD = re.compile(r"^(?:[A-ZÄÖÜ][^\W\d_]*\.?|[A-ZÄÖÜ]\.)(?:-[A-ZÄÖÜ][^\W\d_]*)*$")
_DECIMAL = re.compile(r"\d[.,]\d")
_MONTH = re.compile(r"(?i)\b(?:jan|feb|mär|mrz|apr|mai|jun|jul|aug|sep|okt|nov|dez)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_CODE = re.compile(r"^[A-Z]\d{2}(?:\.\d+)?$")  # an ICD-10 code ("I10", "C20"), not a ward or an id
_AGE_AFTER = re.compile(r"^ ?-? ?(?:[jJ]ähr|[jJ]ahr|J\.|jähr)")
_STREET_WORD = re.compile(
    r"(?i)(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|ufer|damm|chaussee|steig|pfad|promenade|"
    r"wall|graben|stieg|markt|hof|berg|blick|feld|garten|zeile|kai|anger|au|tal|höhe|siedlung)\b"
)
_CONTEXT_WORDS = HONORIFICS | TITLES
_NOT_NAMES = NON_NAMES | {"ja", "nein", "zwei", "drei", "vier", "fünf", "keine", "kein", "offener", "offene"}
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|aus|nach|bei|von)|\d{4,5}|[A-Z]{1,2}-\d{4,5})\s+$")


def medical_name(text: str) -> bool:
    """A detector's "name" holding a medical word or an eponym ("Morbus Crohn"): a disease, not a person."""
    return any(is_medical(w) or w.lower() in EPONYMS for w in text.split())


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text) if w]


def plausible(text: str, start: int, end: int, typ: str, names_need_evidence: bool = True) -> bool:
    """Whether ``text[start:end]`` has the shape of a ``typ`` item where it stands. ``names_need_evidence``: a name
    must also have a first name, initial, capitals or a title to vouch for it (a detector that reads the context,
    an LLM, may go without)."""
    span = text[start:end]
    digits = sum(c.isdigit() for c in span)
    if len(span.strip()) < 2:
        return False
    if typ in NAME_TYPES:
        return _name(text, start, end, names_need_evidence)
    if typ in ("DATE", "BIRTH_DATE"):
        parsed = parse(span)
        if parsed is not None:
            return date_context_ok(text, start, end, parsed.style)
        return digits >= 2 and bool(_MONTH.search(span) or _YEAR.search(span)) and date_context_ok(text, start, end, "m_yy")
    if typ == "AGE":
        return span.isdigit() and int(span) <= 125 and bool(_AGE_AFTER.match(text[end : end + 6]))
    if typ in ("PHONE", "FAX"):
        return digits >= 6
    if typ in ID_TYPES:
        return digits >= 2 and not _DECIMAL.search(span) and not re.search(r"[a-zäöü]{3}", span) and not _CODE.match(span)
    if typ == "STREET":
        line_start = text[:start].rstrip(" \t").endswith("\n") or not text[:start].strip()
        return digits >= 1 and not _DECIMAL.search(span) and (bool(_STREET_WORD.search(span)) or line_start)
    if typ == "EMAIL":
        return "@" in span or span.lower().startswith("www.")
    if typ in ("POSTAL_CITY", "ORGANIZATION"):
        words = _words(span)
        if not span[:1].isupper() or _DECIMAL.search(span) or _CODE.match(span) or (len(words) == 1 and is_medical(words[0])):
            return False
        if typ == "POSTAL_CITY" and not digits:  # a place name alone: a known place, or one after "in" / a zip
            return span in PLACES or bool(_PLACE_BEFORE.search(text[max(0, start - 12) : start]))
        return True
    return True


def _name(text: str, start: int, end: int, need_evidence: bool) -> bool:
    """Capitalised name words, no medical word, no label ("Collum:"), no list, and something that vouches for a
    person: a known first name, an initial, upper case, or a title or honorific just before it ("Arterieller
    Hypertonus" has none of them)."""
    span = text[start:end]
    words = [w for w in _words(span) if w.lower() not in PARTICLES]
    if not words or len(words) > 4 or any(c.isdigit() for c in span) or text[end : end + 2].lstrip(" ").startswith(":"):
        return False
    if (
        not all(_NAME_WORD.match(w) for w in words)
        or medical_name(" ".join(w.rstrip(".") for w in words))
        or any(w.lower() in _NOT_NAMES for w in words)
    ):
        return False
    if not need_evidence:
        return True
    before = _words(text[max(0, start - 30) : start].replace("\n", " "))
    vouched = any(w.lower() in FIRST_NAMES or re.fullmatch(r"[A-ZÄÖÜ]\.", w) for w in words) or (
        bool(before) and before[-1].lower().rstrip(":") in {c.rstrip(".") for c in _CONTEXT_WORDS} | _CONTEXT_WORDS
    )
    return vouched or span.isupper()
