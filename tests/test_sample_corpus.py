"""Tests for the synthetic German clinical corpus generator (PHI ground truth, layout writer)."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest

from miracle_dagster.core import schema
from miracle_dagster.core.sample_corpus import (
    BAD_ROW_REASONS,
    SampleCorpus,
    corpus_summary,
    generate_corpus,
    write_sample_source,
)

PATIENT_KEYS = {"patient_id", "first_name", "last_name", "birth_date", "sex", "street", "postal_code", "city", "phone", "insurance_id"}
SPAN_KEYS = {"document_id", "patient_id", "start", "end", "type", "text"}


@pytest.fixture(scope="module")
def corpus() -> SampleCorpus:
    return generate_corpus(n_patients=120, seed=123)


@pytest.fixture(scope="module")
def small() -> SampleCorpus:
    return generate_corpus(n_patients=15, seed=5)


def _docs_by_id(c: SampleCorpus) -> dict[str, dict]:
    return {d["document_id"]: d for d in c.documents}


def _spans_by_doc(c: SampleCorpus) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for s in c.phi_spans:
        out[s["document_id"]].append(s)
    return out


def _heading_regex(variant: str) -> re.Pattern[str]:
    # a heading at line start, optionally numbered ("1. Anamnese"), followed by ':' or end of line
    return re.compile(rf"^[ \t]*(?:\d+\.[ \t]*)?{re.escape(variant)}[ \t]*(?::|$)", re.IGNORECASE | re.MULTILINE)


_HEADING_PATTERNS = {
    dtype: {canon: [_heading_regex(v) for v in variants] for canon, variants in sections.items()}
    for dtype, sections in schema.SECTION_HEADINGS.items()
}


def _sections_found(doc: dict) -> set[str]:
    return {canon for canon, pats in _HEADING_PATTERNS[doc["document_type"]].items() if any(p.search(doc["text"]) for p in pats)}


# --------------------------------------------------------------------------------------------------
# structure of documents / patients
# --------------------------------------------------------------------------------------------------


def test_documents_have_required_columns_and_unique_ids(corpus: SampleCorpus) -> None:
    assert len(corpus.documents) > 200
    for d in corpus.documents:
        assert tuple(d) == schema.REQUIRED_REPORT_COLUMNS
        assert all(isinstance(d[k], str) and d[k] for k in schema.REQUIRED_REPORT_COLUMNS)
        assert d["document_type"] in schema.DOCUMENT_TYPES
        assert d["specialty"] in schema.DEFAULT_SPECIALTIES
    ids = [d["document_id"] for d in corpus.documents]
    assert len(ids) == len(set(ids))


def test_all_document_types_and_specialties_occur(corpus: SampleCorpus) -> None:
    assert {d["document_type"] for d in corpus.documents} == set(schema.DOCUMENT_TYPES)
    assert {d["specialty"] for d in corpus.documents} == set(schema.DEFAULT_SPECIALTIES)


def test_document_types_fit_specialties(corpus: SampleCorpus) -> None:
    by_spec: dict[str, Counter] = defaultdict(Counter)
    for d in corpus.documents:
        by_spec[d["specialty"]][d["document_type"]] += 1
    assert set(by_spec["radiology"]) == {schema.RADIOLOGY_REPORT}
    assert set(by_spec["pathology"]) == {schema.PATHOLOGY_REPORT}
    assert set(by_spec["surgery"]) <= {schema.OPERATION_NOTE, schema.DISCHARGE_LETTER, schema.RADIOLOGY_REPORT}
    assert by_spec["surgery"][schema.OPERATION_NOTE] > 0
    for spec in ("internal_medicine", "cardiology", "oncology", "neurology"):
        counts = by_spec[spec]
        assert set(counts) <= {schema.DISCHARGE_LETTER, schema.RADIOLOGY_REPORT}
        assert counts[schema.DISCHARGE_LETTER] > counts[schema.RADIOLOGY_REPORT], spec  # mostly discharge letters
    assert all(d["specialty"] == "surgery" for d in corpus.documents if d["document_type"] == schema.OPERATION_NOTE)


def test_dates_are_iso_and_inside_their_year(corpus: SampleCorpus) -> None:
    for d in corpus.documents:
        day = dt.date.fromisoformat(d["date"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["date"])
        assert d["date"][:4] in schema.DEFAULT_YEARS
        assert day.year == int(d["document_id"].split("-")[1])  # id carries the partition year
    assert len({d["date"][:4] for d in corpus.documents}) == len(schema.DEFAULT_YEARS)


def test_custom_specialties_and_years() -> None:
    c = generate_corpus(n_patients=25, seed=9, specialties=("cardiology", "radiology"), years=(2020, "2021"), docs_per_patient=(3, 4))
    assert {d["specialty"] for d in c.documents} <= {"cardiology", "radiology"}
    assert {d["date"][:4] for d in c.documents} == {"2020", "2021"}
    per_patient = Counter(d["patient_id"] for d in c.documents)
    assert all(3 <= n <= 4 for n in per_patient.values())
    assert len(per_patient) == 25


def test_unknown_specialty_still_generates_discharge_letters() -> None:
    c = generate_corpus(n_patients=5, seed=2, specialties=("urology",), years=("2022",))
    assert {d["specialty"] for d in c.documents} == {"urology"}
    types = Counter(d["document_type"] for d in c.documents)
    assert set(types) <= {schema.DISCHARGE_LETTER, schema.RADIOLOGY_REPORT}
    assert types[schema.DISCHARGE_LETTER] > types[schema.RADIOLOGY_REPORT]
    assert all(len(_sections_found(d)) >= 3 for d in c.documents)


def test_patients_have_several_documents_across_years(corpus: SampleCorpus) -> None:
    docs_per_patient = Counter(d["patient_id"] for d in corpus.documents)
    years_per_patient: dict[str, set[str]] = defaultdict(set)
    cases_per_patient: dict[str, set[str]] = defaultdict(set)
    for d in corpus.documents:
        years_per_patient[d["patient_id"]].add(d["date"][:4])
        cases_per_patient[d["patient_id"]].add(d["case_id"])
    assert all(2 <= n <= 8 for n in docs_per_patient.values())
    assert sum(docs_per_patient.values()) / len(docs_per_patient) >= 3
    assert sum(len(v) for v in years_per_patient.values()) / len(years_per_patient) >= 2
    assert sum(len(v) for v in cases_per_patient.values()) / len(cases_per_patient) >= 2
    # a case belongs to exactly one patient and one year
    case_owner: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for d in corpus.documents:
        case_owner[d["case_id"]].add((d["patient_id"], d["date"][:4]))
    assert all(len(v) == 1 for v in case_owner.values())


def test_patient_master_list(corpus: SampleCorpus) -> None:
    assert len(corpus.patients) == 120
    ids = [p["patient_id"] for p in corpus.patients]
    assert len(set(ids)) == len(ids)
    for p in corpus.patients:
        assert set(p) == PATIENT_KEYS
        assert p["sex"] in ("m", "f")
        assert dt.date.fromisoformat(p["birth_date"]) < dt.date(2001, 1, 1)
        assert re.fullmatch(r"\d{5}", p["postal_code"])
        assert re.fullmatch(r"[A-Z]\d{9}", p["insurance_id"])
        assert all(p[k].strip() for k in PATIENT_KEYS)
    assert {d["patient_id"] for d in corpus.documents} == set(ids)


def test_every_document_has_section_headings_of_its_type(corpus: SampleCorpus) -> None:
    for d in corpus.documents:
        found = _sections_found(d)
        assert len(found) >= 3, (d["document_id"], d["document_type"], found, d["text"][:400])
        if d["document_type"] == schema.RADIOLOGY_REPORT:
            assert {"Befund", "Beurteilung"} <= found
        if d["document_type"] == schema.PATHOLOGY_REPORT:
            assert {"Material", "Diagnose"} <= found


def test_heading_spellings_vary(corpus: SampleCorpus) -> None:
    texts = "\n".join(d["text"] for d in corpus.documents)
    assert re.search(r"^BEFUND", texts, re.M)  # upper case
    assert re.search(r"^\d+\. [A-ZÄÖÜ]", texts, re.M)  # numbered headings
    assert re.search(r"^Befund: \S", texts, re.M)  # text on the heading line
    assert re.search(r"^Beurteilung$", texts, re.M)  # without colon
    used_variants = {
        v
        for sections in schema.SECTION_HEADINGS.values()
        for vs in sections.values()
        for v in vs
        if re.search(rf"^(?:\d+\. )?{re.escape(v)}(?::|$| )", texts, re.M | re.I)
    }
    assert len(used_variants) >= 40


# --------------------------------------------------------------------------------------------------
# PHI ground truth
# --------------------------------------------------------------------------------------------------


def test_spans_match_text_exactly(corpus: SampleCorpus) -> None:
    docs = _docs_by_id(corpus)
    assert len(corpus.phi_spans) > 10 * len(corpus.documents)
    for s in corpus.phi_spans:
        assert set(s) == SPAN_KEYS
        text = docs[s["document_id"]]["text"]
        assert 0 <= s["start"] < s["end"] <= len(text)
        assert text[s["start"] : s["end"]] == s["text"]
        assert s["text"] == s["text"].strip() and s["text"]
        assert s["patient_id"] == docs[s["document_id"]]["patient_id"]
        assert s["type"] in schema.PHI_TYPES


def test_spans_do_not_overlap(corpus: SampleCorpus) -> None:
    for doc_id, spans in _spans_by_doc(corpus).items():
        spans = sorted(spans, key=lambda s: (s["start"], s["end"]))
        for a, b in zip(spans, spans[1:]):
            assert a["end"] <= b["start"], (doc_id, a, b)


def test_every_phi_type_occurs(corpus: SampleCorpus) -> None:
    counts = Counter(s["type"] for s in corpus.phi_spans)
    assert set(counts) == set(schema.PHI_TYPES)
    assert all(counts[t] >= 10 for t in schema.PHI_TYPES), counts


def test_every_document_contains_phi(corpus: SampleCorpus) -> None:
    spans = _spans_by_doc(corpus)
    for d in corpus.documents:
        types = {s["type"] for s in spans[d["document_id"]]}
        assert {"PATIENT_NAME", "BIRTH_DATE", "DATE", "ORGANIZATION", "STAFF_NAME"} <= types, (d["document_id"], types)


def test_patient_surname_appears_in_name_spans(corpus: SampleCorpus) -> None:
    patients = {p["patient_id"]: p for p in corpus.patients}
    spans = _spans_by_doc(corpus)
    for d in corpus.documents:
        p = patients[d["patient_id"]]
        names = [s["text"].casefold() for s in spans[d["document_id"]] if s["type"] == "PATIENT_NAME"]
        assert any(p["last_name"].casefold() in n for n in names), (d["document_id"], p["last_name"], names)


def test_phi_values_are_consistent_with_master_list(corpus: SampleCorpus) -> None:
    patients = {p["patient_id"]: p for p in corpus.patients}
    for s in corpus.phi_spans:
        p = patients[s["patient_id"]]
        if s["type"] == "PATIENT_ID":
            assert s["text"] in (p["patient_id"], p["patient_id"][1:])
        elif s["type"] == "INSURANCE_ID":
            assert s["text"] == p["insurance_id"]
        elif s["type"] == "BIRTH_DATE":
            b = dt.date.fromisoformat(p["birth_date"])
            assert str(b.day) in s["text"] and (str(b.year) in s["text"] or s["text"].endswith(f"{b.year % 100:02d}"))
        elif s["type"] == "AGE":
            assert s["text"].isdigit() and 16 <= int(s["text"]) <= 110
        elif s["type"] == "CASE_ID":
            assert re.fullmatch(r"F?\d{10,}", s["text"])


def test_patient_address_and_phone_are_annotated_where_they_appear(corpus: SampleCorpus) -> None:
    patients = {p["patient_id"]: p for p in corpus.patients}
    streets = Counter()
    for s in corpus.phi_spans:
        p = patients[s["patient_id"]]
        if s["type"] == "STREET" and s["text"] == p["street"]:
            streets["patient"] += 1
        if s["type"] == "POSTAL_CITY" and s["text"] == f"{p['postal_code']} {p['city']}":
            streets["postal"] += 1
        if s["type"] == "PHONE" and s["text"] == p["phone"]:
            streets["phone"] += 1
    assert streets["patient"] > 20 and streets["postal"] > 20 and streets["phone"] > 5


def test_german_date_formats_are_used(corpus: SampleCorpus) -> None:
    dates = [s["text"] for s in corpus.phi_spans if s["type"] in ("DATE", "BIRTH_DATE")]
    assert any(re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", t) for t in dates)
    assert any(re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2}", t) for t in dates)
    assert any(
        re.fullmatch(r"\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}", t)
        for t in dates
    )
    assert any(
        re.fullmatch(r"(Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}", t) for t in dates
    )


def test_relatives_and_staff_are_annotated_with_context(corpus: SampleCorpus) -> None:
    docs = _docs_by_id(corpus)
    rel_ctx = Counter()
    staff_ctx = Counter()
    for s in corpus.phi_spans:
        before = docs[s["document_id"]]["text"][max(0, s["start"] - 30) : s["start"]]
        if s["type"] == "RELATIVE_NAME":
            rel_ctx[
                bool(
                    re.search(
                        r"(Ehefrau|Ehemann|Tochter|Sohn|Schwester|Bruder|Lebensgefährt\w*|Neffe\w*|Nichte)\s+(Herrn?\s+|Frau\s+)?$", before
                    )
                )
            ] += 1
        if s["type"] == "STAFF_NAME":
            staff_ctx[bool(re.search(r"(Dr\. med\. |Prof\. Dr\. med\. |Dr\. )$", before))] += 1
    assert rel_ctx[True] > 0 and rel_ctx[False] == 0
    assert staff_ctx[True] > staff_ctx[False] > 0  # mostly titled, some without title


def test_medical_eponyms_and_vocabulary_are_not_phi(corpus: SampleCorpus) -> None:
    text = "\n".join(d["text"] for d in corpus.documents)
    eponyms = ["Parkinson", "Crohn", "Hashimoto", "Garden", "Breslow", "Weber", "McBurney", "Forrest", "NASCET", "Calot"]
    present = [e for e in eponyms if e in text]
    assert len(present) >= 6
    for s in corpus.phi_spans:
        for e in ("Parkinson", "Crohn", "Hashimoto", "Calot"):
            assert e not in s["text"] or s["type"] in (
                "PATIENT_NAME",
                "RELATIVE_NAME",
                "STAFF_NAME",
                "STREET",
                "POSTAL_CITY",
                "ORGANIZATION",
            )


def test_clinical_content_is_realistic(corpus: SampleCorpus) -> None:
    text = "\n".join(d["text"] for d in corpus.documents)
    assert len(re.findall(r"\([A-Z]\d{2}(?:\.\d{1,2})?\)", text)) > 50  # ICD-10 codes like (I21.0)
    assert re.search(r"OPS \d-\d{2,3}[a-z]?\.[0-9a-z]{1,2}", text)  # OPS codes
    assert re.search(r"\bp?T[1-4][a-d]?\b.*\bp?N[0-3]", text)  # TNM
    assert re.search(r"\b(Hb|Hämoglobin) \d+,\d g/dl", text)  # lab value with unit
    assert re.search(r"CRP \d+(,\d)? mg/l", text) or re.search(r"C-reaktives Protein \d+(,\d)? mg/l", text)
    assert re.search(r"\b\d-\d-\d\b", text)  # medication schedule 1-0-0
    for abbr in ("V.a.", "Z.n.", "bds.", "b.B.", "DD"):
        assert abbr in text, abbr
    assert re.search(r"\b(li\.|re\.)", text)


def test_texts_are_german_and_varied(corpus: SampleCorpus) -> None:
    common = re.compile(r"\b(und|der|die|das|mit|bei|für|ohne|kein|keine|nicht|vom|des|ein|eine|im|zur|ist|am|nach|bis|auf)\b", re.I)
    hits = []
    for d in corpus.documents:
        hits.append(len(common.findall(d["text"])))
        assert hits[-1] >= 2, d["document_id"]  # even telegraphic reports contain German function words
        assert "lorem" not in d["text"].lower() and "ipsum" not in d["text"].lower()
        assert not re.search(r"\b(the|and|with|patient was)\b", d["text"])
        assert "{" not in d["text"] and "}" not in d["text"]  # no unfilled template slots
    assert sum(h >= 5 for h in hits) >= 0.9 * len(hits)
    all_text = "\n".join(d["text"] for d in corpus.documents)
    assert sum(all_text.count(ch) for ch in "äöüßÄÖÜ") > 1000
    # texts are not near-identical: sentences are shared but combinations differ
    assert len({d["text"] for d in corpus.documents}) == len(corpus.documents)
    sentences = Counter(s.strip() for d in corpus.documents for s in re.split(r"(?<=[.!?])\s+|\n", d["text"]) if len(s.strip()) > 40)
    assert len(sentences) > 1500
    befunde = {d["text"].split("Befund", 1)[-1][:300] for d in corpus.documents if d["document_type"] == schema.RADIOLOGY_REPORT}
    assert len(befunde) > 0.9 * sum(d["document_type"] == schema.RADIOLOGY_REPORT for d in corpus.documents)


# --------------------------------------------------------------------------------------------------
# determinism
# --------------------------------------------------------------------------------------------------


def _dump(c: SampleCorpus) -> str:
    return json.dumps({"d": c.documents, "s": c.phi_spans, "p": c.patients}, ensure_ascii=False, sort_keys=True)


def test_same_seed_is_identical_and_ignores_global_random_state() -> None:
    random.seed(1)
    a = generate_corpus(n_patients=20, seed=77)
    random.seed(999)
    random.random()
    b = generate_corpus(n_patients=20, seed=77)
    assert a.documents == b.documents and a.phi_spans == b.phi_spans and a.patients == b.patients
    assert _dump(a) == _dump(b)


def test_other_seed_differs() -> None:
    a = generate_corpus(n_patients=20, seed=77)
    b = generate_corpus(n_patients=20, seed=78)
    assert _dump(a) != _dump(b)
    assert {p["last_name"] for p in a.patients} != {p["last_name"] for p in b.patients}
    assert [d["text"] for d in a.documents[:5]] != [d["text"] for d in b.documents[:5]]


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        generate_corpus(n_patients=1, docs_per_patient=(3, 2))
    with pytest.raises(ValueError):
        generate_corpus(n_patients=1, years=())


# --------------------------------------------------------------------------------------------------
# summary and writer
# --------------------------------------------------------------------------------------------------


def test_corpus_summary(corpus: SampleCorpus) -> None:
    s = corpus_summary(corpus)
    n = len(corpus.documents)
    assert s["n_documents"] == n and s["n_patients"] == 120
    assert sum(s["documents_per_type"].values()) == n
    assert sum(s["documents_per_specialty"].values()) == n
    assert sum(s["documents_per_year"].values()) == n
    assert sum(s["phi_spans_per_type"].values()) == s["n_phi_spans"] == len(corpus.phi_spans)
    assert s["avg_years_per_patient"] >= 2
    assert s["avg_chars_per_document"] > 500


def _read_partition(path: Path) -> pd.DataFrame:
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype=False, convert_dates=False)
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return pd.read_parquet(path)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_write_sample_source_layout_roundtrip(tmp_path: Path, small: SampleCorpus, fmt: str) -> None:
    manifest = write_sample_source(tmp_path, small, file_format=fmt)
    files = sorted(tmp_path.glob(f"*/*/documents.{fmt}"))
    expected_parts = {(d["specialty"], d["date"][:4]) for d in small.documents}
    assert {(f.parent.parent.name, f.parent.name) for f in files} == expected_parts
    assert not list(tmp_path.glob("*/*/incoming_bad.jsonl"))
    originals = _docs_by_id(small)
    n = 0
    for f in files:
        df = _read_partition(f)
        assert list(df.columns) == list(schema.REQUIRED_REPORT_COLUMNS)
        for row in df.to_dict("records"):
            n += 1
            assert {k: str(v) for k, v in row.items()} == originals[row["document_id"]]  # exact text round trip
            assert row["specialty"] == f.parent.parent.name and row["date"][:4] == f.parent.name
    assert n == len(small.documents) == manifest["n_documents"]
    assert sum(p["n_documents"] for p in manifest["partitions"]) == n
    assert manifest["n_phi_spans"] == len(small.phi_spans)
    spans = [json.loads(line) for line in (tmp_path / "_meta" / "phi_spans.jsonl").read_text(encoding="utf-8").splitlines()]
    patients = [json.loads(line) for line in (tmp_path / "_meta" / "patients.jsonl").read_text(encoding="utf-8").splitlines()]
    assert spans == small.phi_spans and patients == small.patients
    assert json.loads((tmp_path / "_meta" / "manifest.json").read_text(encoding="utf-8"))["n_documents"] == n


def test_rewrite_in_other_format_removes_stale_files(tmp_path: Path, small: SampleCorpus) -> None:
    write_sample_source(tmp_path, small, file_format="jsonl", bad_rows=True)
    write_sample_source(tmp_path, small, file_format="csv")
    assert not list(tmp_path.glob("*/*/documents.jsonl"))
    assert not list(tmp_path.glob("*/*/incoming_bad.jsonl"))
    assert list(tmp_path.glob("*/*/documents.csv"))


def test_write_sample_source_rejects_unknown_format(tmp_path: Path, small: SampleCorpus) -> None:
    with pytest.raises(ValueError):
        write_sample_source(tmp_path, small, file_format="xml")


def test_bad_rows_are_written_with_documented_kinds(tmp_path: Path, small: SampleCorpus) -> None:
    manifest = write_sample_source(tmp_path, small, file_format="jsonl", bad_rows=True)
    bad = manifest["bad_rows"]
    assert sorted(b["reason"] for b in bad) == sorted(BAD_ROW_REASONS)
    bad_files = sorted(tmp_path.glob("*/*/incoming_bad.jsonl"))
    assert 1 <= len(bad_files) <= 3
    assert {b["file"] for b in bad} == {str(f.relative_to(tmp_path)) for f in bad_files}
    existing_ids = {d["document_id"] for d in small.documents}
    seen = set()
    for b in bad:
        raw_lines = (tmp_path / b["file"]).read_bytes().split(b"\n")
        raw = raw_lines[b["line"] - 1]
        year = b["year"]
        reason = b["reason"]
        seen.add(reason)
        if reason == "invalid_utf8":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            continue
        line = raw.decode("utf-8")
        if reason == "invalid_json":
            with pytest.raises(json.JSONDecodeError):
                json.loads(line)
            continue
        row = json.loads(line)
        assert row["document_id"] == b["document_id"]
        if reason == "empty_text":
            assert row["text"].strip() == ""
        elif reason == "missing_patient_id":
            assert "patient_id" not in row
        elif reason == "duplicate_document_id":
            assert row["document_id"] in existing_ids
        elif reason == "date_outside_partition":
            assert dt.date.fromisoformat(row["date"]).year != int(year)
        elif reason == "invalid_date":
            with pytest.raises(ValueError):
                dt.date.fromisoformat(row["date"])
        elif reason == "text_too_large":
            assert len(row["text"]) > 500_000
        else:  # pragma: no cover
            pytest.fail(f"unknown reason {reason}")
        if reason not in ("duplicate_document_id",):
            assert row["document_id"] not in existing_ids
    assert seen == set(BAD_ROW_REASONS)
    # the valid partition files stay fully valid next to the bad ones
    total = sum(len(_read_partition(f)) for f in tmp_path.glob("*/*/documents.jsonl"))
    assert total == len(small.documents)
