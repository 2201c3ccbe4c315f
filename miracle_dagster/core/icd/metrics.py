"""Recall@1/5/10 and MRR of ranked code lists against the gold code, overall and per language."""

from __future__ import annotations

import pandas as pd

from miracle_dagster.core.icd import RERANK_TOP_N

CUTOFFS = (1, 5, 10)


def rank_of(ranked: list[str], gold: str) -> int:
    """1-based rank of gold in ranked, 0 when absent."""
    return ranked.index(gold) + 1 if gold in ranked else 0


def summarize(ranks: pd.DataFrame) -> pd.DataFrame:
    """ranks: columns `language`, `rank` (0 = not retrieved) -> one row per language plus `all`."""

    def row(frame: pd.DataFrame) -> dict:
        r = frame["rank"]
        found = r[r > 0]
        metrics = {f"R@{k}": float(((r > 0) & (r <= k)).mean()) if len(r) else 0.0 for k in CUTOFFS}
        return {"queries": len(r), **metrics, "MRR": float((1.0 / found).sum() / len(r)) if len(r) else 0.0}

    rows = [{"language": lang, **row(group)} for lang, group in ranks.groupby("language", sort=True)]
    rows.append({"language": "all", **row(ranks)})
    return pd.DataFrame(rows)


def search_summary(
    index, texts, gold, languages, top_k: int = 10, reranker=None, rerank_top_n: int = RERANK_TOP_N, weight=None
) -> pd.DataFrame:
    """`summarize` of where each gold code lands in `index.search` (a CodeIndex), optionally reranked and fused."""
    hits = index.search(list(texts), top_k, reranker, rerank_top_n, weight)
    return summarize(pd.DataFrame({"language": list(languages), "rank": [rank_of([h.code for h in row], g) for row, g in zip(hits, gold)]}))
