"""k-fold evaluation of the trained detector on real annotated letters: each fold's letters are scored by a model
that never saw them (nor another letter of their template family), so no number is measured on training text.

Three detectors are scored on the same folds: the rules alone, the trained model alone, and both merged (what the
pseudonymizer runs). Recall comes with a 95% bootstrap interval over documents.
"""

from __future__ import annotations

import random
from typing import Callable, Sequence

from miracle_dagster.core.pseudonymize import grascco
from miracle_dagster.core.pseudonymize.detect import PHIDetector, PHISpan
from miracle_dagster.core.pseudonymize.trained import Annotated, PhiTrainConfig, TrainedPHISource, train

SETTINGS = ("rules", "model", "rules_and_model")


def cross_validate(
    documents: Sequence[dict], k: int, config: PhiTrainConfig, extra: Sequence[Annotated] = (), log: Callable[[str], None] = lambda _: None
) -> dict:
    """Per setting, the pooled :func:`~.grascco.score` over all folds plus its bootstrap interval; per fold, the
    test documents and the model's training record. ``extra``: further training data (generated letters)."""
    predicted: dict[str, dict[str, list]] = {s: {} for s in SETTINGS}
    folds = []
    rules = PHIDetector()
    for i, test_ids in enumerate(grascco.folds(documents, k)):
        held_out = set(test_ids)
        train_docs = [d for d in documents if d["document_id"] not in held_out]
        test_docs = [d for d in documents if d["document_id"] in held_out]
        nlp, record = train(grascco.examples(train_docs) + list(extra), None, config)
        source = TrainedPHISource(nlp)
        texts = [d["text"] for d in test_docs]
        ids = [d["document_id"] for d in test_docs]
        model_spans = source.spans(texts)
        for doc_id, text, spans in zip(ids, texts, model_spans):
            predicted["model"][doc_id] = [PHISpan(s, e, t, text[s:e], "model") for s, e, t in spans]
        predicted["rules"].update(zip(ids, rules.pipe(texts)))
        predicted["rules_and_model"].update(zip(ids, PHIDetector(sources=[source]).pipe(texts)))
        folds.append(
            {
                "fold": i,
                "test_documents": sorted(held_out),
                "train_documents": sorted(d["document_id"] for d in train_docs),
                "train_seconds": record["train_seconds"],
                "train_spans": record["spans"],
            }
        )
        log(f"fold {i + 1}/{k}: trained on {len(train_docs)} letters + {len(extra)} generated in {record['train_seconds']} s")
    results = {}
    for setting, pred in predicted.items():
        result = grascco.score(documents, pred)
        result["recall_ci95"] = bootstrap_recall(documents, pred, seed=config.seed)
        results[setting] = result
    return {"k": k, "folds": folds, "results": results}


def bootstrap_recall(documents: Sequence[dict], predicted: dict[str, list], n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% percentile interval of identifying-span recall, resampling documents with replacement."""
    per_doc = []
    for d in documents:
        gold = [s for s in d["spans"] if s["identifying"]]
        preds = predicted.get(d["document_id"], ())
        per_doc.append((sum(grascco.caught(s, preds) for s in gold), len(gold)))
    rng = random.Random(seed)
    values = []
    for _ in range(n):
        sample = [per_doc[rng.randrange(len(per_doc))] for _ in per_doc]
        total = sum(g for _, g in sample)
        values.append(sum(h for h, _ in sample) / total if total else 1.0)
    values.sort()
    return round(values[int(0.025 * n)], 4), round(values[int(0.975 * n) - 1], 4)
