"""Pseudonymize whole rows (passages, QA pairs): free text, identifiers and dates, with a final leak check.

Rows that still contain a known PHI value of their patient after replacement are withheld, never written
downstream; the surrogate key (original -> surrogate) is returned separately for the restricted folder.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from miracle_dagster.core.pseudonymize.detect import PHIDetector, PHISpan
from miracle_dagster.core.pseudonymize.evaluate import find_leaks
from miracle_dagster.core.pseudonymize.surrogates import Replacement, Surrogator, pseudonymize

# Identifier columns get keyed pseudonyms (prefix + HMAC): joins keep working, the raw ids never leave.
ID_PREFIXES = {"patient_id": "pat_", "case_id": "case_", "document_id": "doc_", "passage_id": "", "section_id": "", "pair_id": ""}
KEY_COLUMNS = ("patient_id", "type", "original", "surrogate", "row_id")


@dataclass
class Pseudonymized:
    """Output rows, surrogate-key entries, withheld rows (with the reason) and PHI counts per type."""

    rows: list[dict] = field(default_factory=list)
    key: list[dict] = field(default_factory=list)
    withheld: list[dict] = field(default_factory=list)
    phi_counts: Counter = field(default_factory=Counter)


def pseudonym_id(surrogator: Surrogator, column: str, value: str) -> str:
    """The keyed pseudonym of an identifier: the same for the same secret, irreversible without it."""
    return ID_PREFIXES[column] + surrogator.digest("ID", column, str(value)).hex()[:16]


def shift_iso_date(surrogator: Surrogator, value: str, patient_id: str) -> str:
    """An ISO date column moved by the patient's offset (the same offset the dates in the text get)."""
    try:
        day = _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return ""
    return (day + _dt.timedelta(days=surrogator.date_offset(patient_id))).isoformat()


class RowPseudonymizer:
    """One partition's detector, surrogator and the known PHI values its outputs are checked against."""

    def __init__(self, detector: PHIDetector, surrogator: Surrogator, known_values: Mapping[str, set[str]]) -> None:
        self.detector = detector
        self.surrogator = surrogator
        self.known_values = known_values

    def passages(self, passages: Iterable[dict], documents: Mapping[str, str]) -> Pseudonymized:
        """Detect on the whole document (names in letterheads and signatures have context there), then cut."""
        passages = list(passages)
        doc_ids = sorted({p["document_id"] for p in passages if p["document_id"] in documents})
        patient_of = {p["document_id"]: p["patient_id"] for p in passages}
        texts = [documents[d] for d in doc_ids]
        spans = dict(zip(doc_ids, self.detector.pipe(texts, [patient_of[d] for d in doc_ids])))
        result = Pseudonymized()
        for row in passages:
            start, end = int(row["char_start"]), int(row["char_end"])
            document = documents.get(row["document_id"])
            if document is not None and document[start:end] == row["text"]:
                local = [_clip(s, start, end) for s in spans[row["document_id"]] if s.start < end and s.end > start]
            else:  # passage does not match its document: detect on the passage alone
                local = self.detector.detect(row["text"], row["patient_id"])
            self._add(result, row, {"text": local}, row_id=row["passage_id"])
        return result

    def qa_pairs(self, pairs: Iterable[dict]) -> Pseudonymized:
        """Questions and answers quote the passage, so they get the same per-patient surrogates."""
        result = Pseudonymized()
        for row in pairs:
            spans = {col: self.detector.detect(row[col], row["patient_id"]) for col in ("question", "answer", "text") if col in row}
            self._add(result, row, spans, row_id=row["pair_id"])
        return result

    def _add(self, result: Pseudonymized, row: dict, spans: Mapping[str, list[PHISpan]], row_id: str) -> None:
        patient = row["patient_id"]
        out = dict(row)
        for column, found in spans.items():
            out[column], replacements = pseudonymize(row[column], found, patient, self.surrogator)
            result.key += [_key_entry(patient, r, row_id) for r in replacements]
            result.phi_counts.update(r.type for r in replacements)
        for column in ID_PREFIXES:
            if column in out:
                out[column] = pseudonym_id(self.surrogator, column, row[column])
                result.key.append(
                    {
                        "patient_id": patient,
                        "type": f"column:{column}",
                        "original": str(row[column]),
                        "surrogate": out[column],
                        "row_id": row_id,
                    }
                )
        if "date" in out:
            out["date"] = shift_iso_date(self.surrogator, row["date"], patient)
        raw_ids = {str(row[c]) for c in ("patient_id", "case_id", "document_id") if c in row}
        leaks = sorted({leak for column in spans for leak in find_leaks(out[column], self.known_values.get(patient, set()) | raw_ids)})
        if leaks:
            # The withheld row carries only ids and PHI types, never the leaked values themselves.
            result.withheld.append(
                {"row_id": row_id, "patient_id": patient, "reason": "known_phi_after_replacement", "n_leaks": len(leaks)}
            )
        else:
            result.rows.append(out)


def _clip(span: PHISpan, start: int, end: int) -> PHISpan:
    s, e = max(span.start, start), min(span.end, end)
    return PHISpan(s - start, e - start, span.type, span.text[s - span.start : e - span.start], span.source)


def _key_entry(patient: str, r: Replacement, row_id: str) -> dict:
    return {"patient_id": patient, "type": r.type, "original": r.original, "surrogate": r.surrogate, "row_id": row_id}
