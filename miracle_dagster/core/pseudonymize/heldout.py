"""Detection quality on a freshly generated corpus the rules were not tuned on: another seed, held-out templates."""

from __future__ import annotations

from typing import Sequence

from miracle_dagster.core.pseudonymize.detect import PHIDetector, SpanSource
from miracle_dagster.core.pseudonymize.evaluate import GROUPS, evaluate
from miracle_dagster.core.sample_corpus import generate_corpus

RECALL_GOAL = 0.99  # names, dates and identifiers: a miss is a leak


def heldout_evaluation(n_patients: int, seed: int, ner_model: str | None = None, sources: Sequence[SpanSource] = ()) -> dict[str, dict]:
    """`evaluate` results for the rules alone, rules + the patient master list (as a source provides it) and, with
    ``sources`` (the trained detector), all of them merged: the last setting is what the pseudonymizer runs."""
    corpus = generate_corpus(n_patients=n_patients, seed=seed, holdout=True)
    texts = [d["text"] for d in corpus.documents]
    patient_ids = [d["patient_id"] for d in corpus.documents]
    results = {}
    settings = [("rules", (), ()), ("rules_and_master_list", corpus.patients, ())]
    if sources:
        settings.append(("rules_master_list_and_model", corpus.patients, sources))
    for setting, patients, extra in settings:
        detector = PHIDetector(patients=patients, ner_model=ner_model, sources=extra)
        predicted = {d["document_id"]: spans for d, spans in zip(corpus.documents, detector.pipe(texts, patient_ids))}
        results[setting] = evaluate(corpus.documents, corpus.phi_spans, predicted)
    return {"documents": len(corpus.documents), "phi_spans": len(corpus.phi_spans), "results": results}


def recall_shortfalls(result: dict) -> dict[str, float]:
    """Groups (names, dates, identifiers) whose overlap recall is under the goal."""
    return {g: row["overlap_r"] for g, row in result["groups"].items() if g in GROUPS and row["overlap_r"] < RECALL_GOAL}
