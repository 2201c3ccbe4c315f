"""Hard negatives from sentence-transformers' `mine_hard_negatives`, plus the false-negative guards it lacks.

The library only masks the query's own positives. In a clinical archive the passages most similar to a
positive are often the same patient's other letters (the same diagnosis restated in the discharge letter,
the follow-up scan): taking those as negatives teaches the model to push true answers away. So we mine more
candidates than needed, then drop every candidate text that also occurs in the positive's document, case or
patient, every candidate scoring within `margin` of the positive (TopK-PercPos from NV-Retriever), and every
near-duplicate of the positive's text (the same answer republished elsewhere: word Jaccard >= `near_duplicate`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pandas as pd

from miracle_dagster.core.qa.filters import jaccard, words

GUARDS = ("same_document", "same_case", "same_patient", "near_duplicate", "margin")


@dataclass
class Mined:
    negatives: list[list[str]]  # per input row, best first
    removed: Counter = field(default_factory=Counter)  # guard -> candidates removed
    candidates: int = 0


def _owners(pairs: pd.DataFrame) -> dict[str, set[tuple[str, str, str]]]:
    owners = defaultdict(set)
    for text, doc, case, patient in pairs[["positive", "document_id", "case_id", "patient_id"]].itertuples(index=False):
        owners[text].add((doc, case, patient))
    return owners


def guard_reason(candidate_owners, document_id: str, case_id: str, patient_id: str) -> str | None:
    """Why a candidate text may be a false negative for this positive (the most specific reason), or None."""
    for reason, position, value in (("same_document", 0, document_id), ("same_case", 1, case_id), ("same_patient", 2, patient_id)):
        if any(owner[position] == value for owner in candidate_owners):
            return reason
    return None


def mine(
    pairs: pd.DataFrame,
    model,
    num_negatives: int = 1,
    candidates: int = 10,
    margin: float = 0.05,
    query_prompt: str | None = None,
    passage_prompt: str | None = None,
    batch_size: int = 32,
    near_duplicate: float = 0.8,
) -> Mined:
    """Up to `num_negatives` guarded negatives per row of `pairs` (columns query, positive and the id columns).

    The corpus is the rows' own passages, so negatives of the training split never come from dev or test.
    """
    result = Mined(negatives=[[] for _ in range(len(pairs))])
    corpus = list(dict.fromkeys(pairs["positive"]))
    if num_negatives < 1 or len(corpus) < 2:
        return result
    from datasets import Dataset
    from sentence_transformers.util import mine_hard_negatives

    mined = mine_hard_negatives(
        Dataset.from_dict({"query": list(pairs["query"]), "positive": list(pairs["positive"])}),
        model,
        num_negatives=min(max(candidates, num_negatives), len(corpus) - 1),
        output_format="labeled-list",
        output_scores=True,
        query_prompt=query_prompt,
        corpus_prompt=passage_prompt,
        batch_size=batch_size,
        verbose=False,
    )
    found = {(row["query"], row["positive"][0]): (row["positive"][1:], row["scores"]) for row in mined}
    owners = _owners(pairs)
    for i, row in enumerate(pairs[["query", "positive", "document_id", "case_id", "patient_id"]].itertuples(index=False)):
        texts, scores = found.get((row.query, row.positive), ([], [0.0]))
        positive_score, kept = scores[0], []
        for text, score in zip(texts, scores[1:]):
            result.candidates += 1
            reason = guard_reason(owners[text], row.document_id, row.case_id, row.patient_id)
            if reason is None and jaccard(set(words(text)), set(words(row.positive))) >= near_duplicate:
                reason = "near_duplicate"
            if reason is None and score > positive_score - abs(positive_score) * margin:
                reason = "margin"
            if reason:
                result.removed[reason] += 1
            elif len(kept) < num_negatives:
                kept.append(text)
        result.negatives[i] = kept
    return result


def same_patient_negatives(pairs: pd.DataFrame) -> int:
    """Negatives whose text is a passage of the positive's own patient: an independent check of the guard."""
    texts = pairs.groupby("patient_id")["positive"].agg(set)
    return sum(1 for patient, negatives in zip(pairs["patient_id"], pairs["negatives"]) for text in negatives if text in texts[patient])
