"""Recall@1/5/10, MRR and three-character accuracy of ranked code lists against the gold code, overall and per
language. Three-character accuracy: the first code's category (its first three characters) is the gold code's, the
answer a coder can refine in the catalogue."""

from __future__ import annotations

import pandas as pd

from miracle_dagster.core.icd import RERANK_TOP_N

CUTOFFS = (1, 5, 10)


def rank_of(ranked: list[str], gold: str) -> int:
    """1-based rank of gold in ranked, 0 when absent."""
    return ranked.index(gold) + 1 if gold in ranked else 0


def summarize(ranks: pd.DataFrame) -> pd.DataFrame:
    """ranks: columns `language`, `rank` (0 = not retrieved), optionally `category_hit` (the first code's category is
    the gold one's) -> one row per language plus `all`."""

    def row(frame: pd.DataFrame) -> dict:
        r = frame["rank"]
        found = r[r > 0]
        metrics = {f"R@{k}": float(((r > 0) & (r <= k)).mean()) if len(r) else 0.0 for k in CUTOFFS}
        if "category_hit" in frame:
            metrics["3-char acc"] = float(frame["category_hit"].mean()) if len(r) else 0.0
        return {"queries": len(r), **metrics, "MRR": float((1.0 / found).sum() / len(r)) if len(r) else 0.0}

    rows = [{"language": lang, **row(group)} for lang, group in ranks.groupby("language", sort=True)]
    rows.append({"language": "all", **row(ranks)})
    return pd.DataFrame(rows)


def best_weight(weights, ranks_at, languages) -> tuple[float | tuple, pd.DataFrame]:
    """The fusion weight whose ranking (ranks_at(weight): the gold code's rank per query) has the best R@5, then MRR,
    the smallest winning ties (so 0, the unfused ranking, unless fusion helps; tuples of weights compare in order);
    with the table of every weight tried."""
    rows = []
    for weight in weights:
        row = summarize(pd.DataFrame({"language": list(languages), "rank": ranks_at(weight)})).set_index("language").loc["all"]
        rows.append({"weight": weight, "R@5": float(row["R@5"]), "MRR": float(row["MRR"])})
    best = min(rows, key=lambda row: (-row["R@5"], -row["MRR"], row["weight"]))
    return best["weight"], pd.DataFrame(rows)


def ranked(index, texts, gold, languages, top_k: int = 10, reranker=None, rerank_top_n: int = RERANK_TOP_N, weight=None) -> pd.DataFrame:
    """Per query: language, the gold code's `rank` in `index.search` (a CodeIndex; optionally reranked and fused) and
    `category_hit`, what `summarize` reads."""
    hits = index.search(list(texts), top_k, reranker, rerank_top_n, weight)
    return pd.DataFrame(
        {
            "language": list(languages),
            "rank": [rank_of([h.code for h in row], g) for row, g in zip(hits, gold)],
            "category_hit": [bool(row) and row[0].code[:3] == g[:3] for row, g in zip(hits, gold)],
        }
    )


def search_summary(
    index, texts, gold, languages, top_k: int = 10, reranker=None, rerank_top_n: int = RERANK_TOP_N, weight=None
) -> pd.DataFrame:
    """`summarize` of `ranked`."""
    return summarize(ranked(index, texts, gold, languages, top_k, reranker, rerank_top_n, weight))
