"""Reciprocal rank fusion (Cormack et al., 2009): one ranking from several by position alone, so a cosine and a BM25
score need no calibration against each other.

The IR evaluation's `<model>+bm25` and the vector store's hybrid search (Qdrant's RRF) use the same constant and the
same formula, so the evaluation measures the ranking `miracle search --mode hybrid` serves.
"""

from __future__ import annotations

RRF_K = 60  # the paper's constant and Qdrant's default


def rrf(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """(id, score) best first, ties by id; score = sum over the rankings holding the id of 1 / (k + position), the
    position counted from 0 as Qdrant counts it (the paper counts from 1)."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for position, ident in enumerate(ranking):
            scores[ident] = scores.get(ident, 0.0) + 1.0 / (k + position)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def fuse_rankings(rankings: list[dict[str, list[str]]], depth: int, k: int = RRF_K) -> dict[str, list[str]]:
    """Per query, the top `depth` ids of the RRF of each ranking's top `depth`."""
    queries = dict.fromkeys(q for ranking in rankings for q in ranking)
    return {q: [ident for ident, _ in rrf([r.get(q, [])[:depth] for r in rankings], k)[:depth]] for q in queries}
