"""Tests for the PHI training letters (sample_corpus.phi_letters): exact spans, determinism, format coverage."""

from __future__ import annotations

import re
from typing import Callable

import pytest

from miracle_dagster.core.sample_corpus.phi_letters import phi_training_documents
from miracle_dagster.core.schema import PHI_TYPES

N = 200


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return phi_training_documents(N, seed=7)


@pytest.fixture(scope="module")
def spans(docs) -> list[tuple[str, str, str, str]]:
    """Every span as (text before it, its text, text after it, type): what the format checks look at."""
    out = []
    for d in docs:
        t = d["text"]
        out += [(t[max(0, s - 60) : s], t[s:e], t[e : e + 20], typ) for s, e, typ in d["spans"]]
    return out


def test_deterministic_for_a_seed():
    a, b = phi_training_documents(12, seed=3), phi_training_documents(12, seed=3)
    assert a == b
    assert a != phi_training_documents(12, seed=4)
    assert phi_training_documents(5, seed=3) == a[:5]  # document i depends on (seed, i) only


def test_documents_and_spans_are_exact(docs):
    assert len(docs) == N
    assert len({d["document_id"] for d in docs}) == N
    for d in docs:
        text = d["text"]
        assert 800 <= len(text) <= 4000, (d["document_id"], len(text))
        assert d["spans"], d["document_id"]
        prev_end = 0
        for start, end, typ in d["spans"]:
            piece = text[start:end]
            assert typ in PHI_TYPES
            assert 0 <= start < end <= len(text)
            assert start >= prev_end, f"{d['document_id']}: overlapping or unsorted span at {start}"
            assert piece == piece.strip() and piece.strip("\ufeff") == piece, f"{d['document_id']}: untrimmed span {piece!r}"
            prev_end = end


def test_every_type_occurs(spans):
    assert {typ for *_, typ in spans} == set(PHI_TYPES)


def _full(pattern: str) -> Callable[[str, str, str, str], bool]:
    rx = re.compile(pattern)
    return lambda before, text, after, typ: bool(rx.fullmatch(text))


# family -> (type, predicate on (before, text, after, type)); each must occur at least once in N letters
FAMILIES: dict[str, tuple[str, Callable[[str, str, str, str], bool]]] = {
    # letterheads, hospitals, wards
    "hospital over several lines": ("ORGANIZATION", lambda b, t, a, y: "\n" in t),
    "hospital upper case": ("ORGANIZATION", lambda b, t, a, y: len(t) > 8 and t == t.upper() and t.upper() != t.lower()),
    "Spital der barmherzigen Schwestern": (
        "ORGANIZATION",
        lambda b, t, a, y: t.lower().startswith("spital der barmherzigen schwestern st. "),
    ),
    "Landesnervenklinik der Medizinischen Hochschule": (
        "ORGANIZATION",
        lambda b, t, a, y: "Landesnervenklinik der Medizinischen Hochschule" in t,
    ),
    "hospital – department on one line": ("ORGANIZATION", lambda b, t, a, y: a.startswith(" – ")),
    "ward Station O-11": ("ORGANIZATION", lambda b, t, a, y: b.endswith("Station ") and re.fullmatch(r"[A-Z]-\d+", t) is not None),
    "ward Station: A31": ("ORGANIZATION", lambda b, t, a, y: b.endswith("Station: ") and re.fullmatch(r"[A-Z]\d\d", t) is not None),
    "ward PSY13": ("ORGANIZATION", _full(r"PSY-?\d+")),
    "room Zi: 119": ("ORGANIZATION", lambda b, t, a, y: b.endswith("Zi: ") and t.isdigit()),
    "insurer": ("ORGANIZATION", lambda b, t, a, y: b.endswith(("Versicherung: ", "Kostenträger: ", "KK: "))),
    # staff names
    "Klinikvorstand: o.Univ. Prof. Dr.": ("STAFF_NAME", lambda b, t, a, y: b.endswith("Klinikvorstand: o.Univ. Prof. Dr. ")),
    "CHEFARZT: DR. MED. H. BLASENSTEIN": (
        "STAFF_NAME",
        lambda b, t, a, y: b.endswith("CHEFARZT: DR. MED. ") and re.fullmatch(r"[A-Z]+\.(-[A-Z]+\.)? \S.*", t) is not None,
    ),
    "Ärztlicher Direktor": ("STAFF_NAME", lambda b, t, a, y: b.endswith("Ärztlicher Direktor: Univ.-Prof. Dr. med. ")),
    "Sehr geehrter Herr Kollege X": ("STAFF_NAME", lambda b, t, a, y: b.endswith("Sehr geehrter Herr Kollege ")),
    "signature Dr. med. X\\nOberärztin": (
        "STAFF_NAME",
        lambda b, t, a, y: b.endswith(("Dr. med. ", "Dr. ")) and a.startswith(("\nOberärztin", "\nOberarzt")),
    ),
    "OA Dr. Huber Karina": ("STAFF_NAME", lambda b, t, a, y: b.endswith("OA Dr. ") and re.fullmatch(r"\S+ \S+", t) is not None),
    "Fr. OÄ Schönfeld": ("STAFF_NAME", lambda b, t, a, y: b.endswith("Fr. OÄ ")),
    "Drs. Leber und Krauth": ("STAFF_NAME", lambda b, t, a, y: b.endswith("Drs. ") and a.startswith((" und ", " u. ", " & ", " / ", "/"))),
    "Dr.med. glued title": ("STAFF_NAME", lambda b, t, a, y: b.endswith("Dr.med. ")),
    "Dra. foreign": ("STAFF_NAME", lambda b, t, a, y: b.endswith("Dra. ")),
    "Prim. Dr.": ("STAFF_NAME", lambda b, t, a, y: b.endswith("Prim. Dr. ")),
    "non-German letters in a name": ("STAFF_NAME", lambda b, t, a, y: re.search(r"[ăşţșțćčšžłńőűçñãõ]", t.lower()) is not None),
    # patients and relatives
    "Herrn Ramón Cajal": ("PATIENT_NAME", lambda b, t, a, y: b.endswith("Herrn ") and " " in t),
    "Frau I. / Pat. M.": ("PATIENT_NAME", _full(r"[A-ZÄÖÜ]\.")),
    "LAST, First": ("PATIENT_NAME", _full(r"[A-ZÄÖÜ][A-ZÄÖÜ \-]+, [A-ZÄÖÜ]\w+.*")),
    "unsere gemeinsame Patientin X geb.": (
        "PATIENT_NAME",
        lambda b, t, a, y: (
            b.endswith(("unsere gemeinsame Patientin ", "unseren gemeinsamen Patienten ")) and a.startswith((" geb. ", ", geb. "))
        ),
    ),
    "die Tochter Frau X": ("RELATIVE_NAME", lambda b, t, a, y: b.endswith("die Tochter Frau ")),
    # addresses
    "German street\\nzip city": ("STREET", lambda b, t, a, y: re.match(r"\n\d{5} \S", a) is not None),
    "house number with letter": ("STREET", _full(r".+ \d+ ?[abc]")),
    "Austrian A-1234 city": ("POSTAL_CITY", _full(r"A-\d{4} .+")),
    "Austrian zip first, then street": (
        "POSTAL_CITY",
        lambda b, t, a, y: re.fullmatch(r"A-\d{4} .+", t) is not None and a.startswith(", "),
    ),
    "Swiss CH-8001 city": ("POSTAL_CITY", _full(r"CH-\d{4} .+")),
    "D-12345 city": ("POSTAL_CITY", _full(r"D-\d{5} .+")),
    "saint town St. Johann am Bergle": ("POSTAL_CITY", _full(r"(A-)?\d{4,5} St\. \w+ (am|im|an der|in der) \w+")),
    "town in a dateline": ("POSTAL_CITY", lambda b, t, a, y: a.startswith((", den ", ", am "))),
    # phones, faxes, mail
    "+43(0)333 775-8447": ("PHONE", _full(r"\+43\(0\)\d+ \d+-\d+")),
    "+43 (453) 14-DW": ("PHONE", lambda b, t, a, y: re.fullmatch(r"\+43 \(\d+\) \d+", t) is not None and a.startswith("-DW")),
    "+43 (453) 14-592-12098 fax": ("FAX", _full(r"\+43 \(\d+\) \d+-\d+-\d+")),
    "(0461) 708 - 223": ("PHONE", _full(r"\(0\d+\) \d+ - \d+")),
    "012/332-4454": ("PHONE", _full(r"0\d+/\d+-\d+")),
    "0233-220-312257": ("PHONE", _full(r"0\d+-\d+-\d+")),
    "+49 (0)30 1234567": ("PHONE", _full(r"\+49 \(0\)\d+ \d+")),
    "+41 44 123 45 67": ("PHONE", _full(r"\+41 \d\d \d{3} \d\d \d\d")),
    "mobile 0664/1234567": ("PHONE", _full(r"06\d\d/\d{7}")),
    "e-mail": ("EMAIL", _full(r"[\w.\-]+@[\w.\-]+\.(de|at|ch)")),
    "web address": ("EMAIL", _full(r"www\.[\w.\-]+")),
    # dates
    "21/3/2017": ("DATE", _full(r"\d{1,2}/\d{1,2}/\d{4}")),
    "12/12/66": ("DATE", _full(r"\d{1,2}/\d{1,2}/\d\d")),
    "7/63": ("DATE", _full(r"\d{1,2}/\d\d")),
    "(07/63-12/63)": (
        "DATE",
        lambda b, t, a, y: b.endswith("(") and re.fullmatch(r"\d\d/\d\d", t) is not None and re.match(r"-\d\d/\d\d\)", a) is not None,
    ),
    "01-12/64": ("DATE", _full(r"\d\d-\d\d/\d\d")),
    "5. März2063": ("DATE", _full(r"\d{1,2}\. [A-ZJ][a-zä]+\d{4}")),
    "Jan 2018": ("DATE", _full(r"[A-ZJ][a-zä]{2} \d{4}")),
    "September 28": ("DATE", _full(r"[A-ZJ][a-zä]{3,} \d\d")),
    "23.04 2029": ("DATE", _full(r"\d\d\.\d\d \d{4}")),
    "15. 03. 2043": ("DATE", _full(r"\d\d\. \d\d\. \d{4}")),
    "8.11. 2064": ("DATE", _full(r"\d{1,2}\.\d{1,2}\. \d{4}")),
    "1. Nov": ("DATE", _full(r"\d{1,2}\. [A-ZJ][a-zä]{2}")),
    "bare year Z.n. SHT 1995": (
        "DATE",
        lambda b, t, a, y: re.search(r"Z\.n\. [^\n(]+ $", b) is not None and re.fullmatch(r"\d{4}", t) is not None,
    ),
    "bare year (2033)": ("DATE", lambda b, t, a, y: b.endswith("(") and a.startswith(")") and re.fullmatch(r"\d{4}", t) is not None),
    "seit 2002": ("DATE", lambda b, t, a, y: b.endswith("seit ") and re.fullmatch(r"\d{4}", t) is not None),
    "ISO 2023-04-01": ("DATE", _full(r"\d{4}-\d\d-\d\d")),
    "range 8.3. - 22.3.2025": (
        "DATE",
        lambda b, t, a, y: re.fullmatch(r"\d{1,2}\.\d{1,2}\.", t) is not None and a.startswith((" - ", " bis ")),
    ),
    "geb. 30.12.1987": ("BIRTH_DATE", lambda b, t, a, y: b.endswith("geb. ")),
    "*23.03.1968": ("BIRTH_DATE", lambda b, t, a, y: b.endswith("*")),
    # ids
    "Fallzahl: A-2029461541": (
        "CASE_ID",
        lambda b, t, a, y: b.endswith(("Fallzahl: ", "Fallzahl: \t")) and re.fullmatch(r"A-\d{9,10}", t) is not None,
    ),
    "FN:445544767": ("CASE_ID", lambda b, t, a, y: b.endswith("FN:")),
    "SV: 6444030763": ("INSURANCE_ID", lambda b, t, a, y: b.endswith("SV: ") and re.fullmatch(r"\d{4} ?\d{6}", t) is not None),
    "AHV-Nr. 756.": ("INSURANCE_ID", _full(r"756\.\d{4}\.\d{4}\.\d\d")),
    "Pat.-Nr. 123456": ("PATIENT_ID", lambda b, t, a, y: b.endswith("Pat.-Nr. ") and t.isdigit()),
    "PIZ:": ("PATIENT_ID", lambda b, t, a, y: b.endswith("PIZ: ")),
    "HNr.:9334a/20": ("ORDER_ID", lambda b, t, a, y: b.endswith("HNr.:") and re.fullmatch(r"\d{4}[abc]/\d\d", t) is not None),
    # ages
    "82-jährige Pat.": ("AGE", lambda b, t, a, y: a.startswith("-jährige")),
    "im Alter von 54 Jahren": ("AGE", lambda b, t, a, y: b.lower().endswith("im alter von ") and a.startswith(" Jahren")),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_format_family_occurs(spans, family):
    typ, pred = FAMILIES[family]
    assert any(y == typ and pred(b, t, a, y) for b, t, a, y in spans), f"no {family!r} ({typ}) in {N} letters"


def test_layout_and_letter_types(docs):
    texts = [d["text"] for d in docs]
    assert any(t.startswith("\ufeff") for t in texts), "a byte-order mark at the start"
    assert any("\t" in t for t in texts) and any(" \n" in t for t in texts)
    assert any(re.search(r"\n\n\n", t) for t in texts)
    for title in ("Arztbrief", "Entlassungsbrief", "Befundbericht", "Ambulanzbrief", "Dekurs"):
        assert any(title.lower() in t.lower() for t in texts), title
    assert any("Mit freundlichen Grüßen" in t for t in texts)
    assert not [t for t in texts if re.search(r"\{\w[^{}]*\}", t)], "an unfilled phrase-pool slot"
