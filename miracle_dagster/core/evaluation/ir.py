"""Retrieval metrics computed from rankings, per question, so dense models and BM25 are scored the same way.

A ranking is query id -> corpus ids, best first (ir.rank for a dense model, bm25.rank_bm25 for the lexical
baseline, fusion.rrf of both for `<model>+bm25`; ranker picks by the model name). Each question gets the
metrics of sentence-transformers' InformationRetrievalEvaluator, with its exact definitions (binary relevance;
MAP@k divides by min(k, relevant)); keeping them per question is what lets a report give bootstrap intervals and
paired tests (significance.py). A group (language, specialty, year) is the subset of questions that carries it,
ranked against the whole corpus, so group numbers compare with the overall ones. Graded judgments become relevant
sets with `min_grade`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from miracle_dagster.core.evaluation import bm25, fusion
from miracle_dagster.core.evaluation.significance import bootstrap_ci

MAP_K, NDCG_K, MRR_K, CUTOFFS = 100, 10, 10, (1, 5, 10, 100)
DEPTH = max(MAP_K, NDCG_K, MRR_K, *CUTOFFS)  # how deep a ranking must be for every metric
HEADLINE = ("map@100", "ndcg@10", "mrr@10", "recall@10")
REPORTED = (*HEADLINE, "recall@100")  # the metrics compared between models with intervals and p-values
METRICS = (*(f"{m}@{k}" for m in ("accuracy", "precision", "recall") for k in CUTOFFS), f"ndcg@{NDCG_K}", f"mrr@{MRR_K}", f"map@{MAP_K}")
ROW_COLUMNS = ["model", "group_kind", "group", "metric", "value", "n_queries", "ci_low", "ci_high"]
HYBRID = f"+{bm25.BM25}"  # `<model>+bm25`: the dense model's ranking and BM25's fused, as hybrid search serves them


@dataclass
class IRSet:
    """queries and corpus by id, graded judgments qid -> {doc id: grade}, and each query's groups (kind -> value)."""

    corpus: dict[str, str]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    groups: dict[str, dict[str, str]] = field(default_factory=dict)

    def relevant(self, min_grade: int = 1) -> dict[str, set[str]]:
        """Queries with at least one judged document of grade >= min_grade that is in the corpus."""
        sets = {q: {d for d, g in docs.items() if g >= min_grade and d in self.corpus} for q, docs in self.qrels.items()}
        return {q: docs for q, docs in sets.items() if docs and q in self.queries}


def model_prompts(model, spec=None) -> tuple[str | None, str | None]:
    """(query, passage) prompts: the registry entry's, else the model folder's own (config_sentence_transformers.json)."""
    if spec is not None and (spec.query_prompt or spec.passage_prompt):
        return spec.query_prompt or None, spec.passage_prompt or None
    prompts = getattr(model, "prompts", {}) or {}
    return prompts.get("query") or None, prompts.get("document") or prompts.get("passage") or None


@contextmanager
def max_length(model, limit: int):
    """Temporarily cap the model's token limit (0: leave it), e.g. on a model object shared in the process."""
    before = model.max_seq_length
    if limit:
        model.max_seq_length = min(before or limit, limit)
    try:
        yield model
    finally:
        model.max_seq_length = before


def embed_corpus(model, texts: list[str], prompt: str | None, batch_size: int = 32):
    """Corpus embeddings in order, as InformationRetrievalEvaluator embeds them (encode_document, tensors)."""
    return model.encode_document(texts, prompt=prompt, batch_size=batch_size, convert_to_tensor=True)


def rank(
    model,
    queries: dict[str, str],
    corpus: dict[str, str],
    top_k: int,
    prompts: tuple[str | None, str | None],
    corpus_embeddings=None,
    batch_size: int = 32,
) -> dict[str, list[str]]:
    """The top_k corpus ids per query by the model's similarity (ties by id, like the evaluator)."""
    from sentence_transformers.util import semantic_search

    if corpus_embeddings is None:
        corpus_embeddings = embed_corpus(model, list(corpus.values()), prompts[1], batch_size)
    query_embeddings = model.encode_query(list(queries.values()), prompt=prompts[0], batch_size=batch_size, convert_to_tensor=True)
    ids = list(corpus)
    hits = semantic_search(query_embeddings, corpus_embeddings, top_k=top_k, score_function=model.similarity)
    return {
        q: [ids[h["corpus_id"]] for h in sorted(found, key=lambda h: (-h["score"], ids[h["corpus_id"]]))] for q, found in zip(queries, hits)
    }


def ranker(
    queries: dict[str, str], corpus: dict[str, str], language: str, depth: int, rank_dense: Callable[[str], dict[str, list[str]]]
) -> Callable[[str], dict[str, list[str]]]:
    """name -> the top `depth` corpus ids per query of `bm25` (in `language`), of `<model>+bm25` (the RRF of both
    rankings' top `depth`) or of a dense model. `rank_dense(model name)` ranks a dense model `depth` deep, so the
    caller keeps loading models its way (prompts, token limit, batch size); each ranking is computed once, so a model
    compared alone and fused encodes the corpus once."""
    dense = cache(rank_dense)
    lexical = cache(lambda: bm25.rank_bm25(queries, corpus, language, depth))

    def rank(name: str) -> dict[str, list[str]]:
        if name == bm25.BM25:
            return lexical()
        if name.endswith(HYBRID):
            return fusion.fuse_rankings([dense(name.removesuffix(HYBRID)), lexical()], depth)
        return dense(name)

    return rank


def _dcg(hits) -> float:
    return sum(hit / np.log2(i + 2) for i, hit in enumerate(hits))  # the evaluator's sum, term by term


def _metrics(ranking: list[str], relevant: set[str]) -> list[float]:
    hits = [int(d in relevant) for d in ranking[:DEPTH]]
    found = np.cumsum(hits) if hits else np.zeros(0)
    correct = [float(found[min(k, len(hits)) - 1]) if hits else 0.0 for k in CUTOFFS]
    first = next((i for i, hit in enumerate(hits[:MRR_K]) if hit), None)
    precisions = sum(found[i] / (i + 1) for i, hit in enumerate(hits[:MAP_K]) if hit)
    return [
        *(float(c > 0) for c in correct),
        *(c / k for c, k in zip(correct, CUTOFFS)),
        *(c / len(relevant) for c in correct),
        _dcg(hits[:NDCG_K]) / _dcg([1] * min(len(relevant), NDCG_K)),
        0.0 if first is None else 1 / (first + 1),
        float(precisions) / min(MAP_K, len(relevant)),
    ]


def per_query(rankings: dict[str, list[str]], relevant: dict[str, set[str]]) -> pd.DataFrame:
    """One row per query of `relevant` (index query_id), one column per metric (METRICS); unranked queries score 0."""
    return pd.DataFrame(
        [_metrics(rankings.get(q, []), docs) for q, docs in relevant.items()],
        columns=list(METRICS),
        index=pd.Index(list(relevant), name="query_id"),
        dtype=float,
    )


def metric_rows(values: pd.DataFrame, data: IRSet, name: str, group_kinds: tuple[str, ...] = (), seed: int = 0) -> pd.DataFrame:
    """Rows (ROW_COLUMNS) of per_query values: the mean and its 95% bootstrap interval, `all` then each group."""
    subsets = [("all", "all", list(values.index))]
    for kind in group_kinds:
        groups = [data.groups.get(q, {}).get(kind, "") for q in values.index]
        subsets += [(kind, v, [q for q, g in zip(values.index, groups) if g == v]) for v in sorted(set(groups) - {""})]
    rows = []
    for kind, group, ids in subsets:
        subset = values.loc[ids]
        low, high = bootstrap_ci(subset.to_numpy().T, seed=seed)
        rows += [
            (name, kind, group, m, float(subset[m].mean()), len(ids), float(lo), float(hi)) for m, lo, hi in zip(values.columns, low, high)
        ]
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


def relevant_or_fail(data: IRSet, min_grade: int) -> dict[str, set[str]]:
    """data.relevant(min_grade), or a ValueError when no query has a relevant document: no metric means anything."""
    relevant = data.relevant(min_grade)
    if not relevant:
        raise ValueError(f"no query has a relevant document (grade >= {min_grade}) in the corpus")
    return relevant


def dense_per_query(model, data: IRSet, prompts: tuple[str | None, str | None], min_grade: int = 1, batch_size: int = 32) -> pd.DataFrame:
    """per_query of a dense model: the corpus embedded once, every judged query ranked DEPTH deep."""
    relevant = relevant_or_fail(data, min_grade)
    ranked = rank(model, {q: data.queries[q] for q in relevant}, data.corpus, DEPTH, prompts, batch_size=batch_size)
    return per_query(ranked, relevant)


def evaluate(
    model,
    data: IRSet,
    name: str,
    prompts: tuple[str | None, str | None],
    min_grade: int = 1,
    group_kinds: tuple[str, ...] = (),
    batch_size: int = 32,
) -> pd.DataFrame:
    """Metric rows (ROW_COLUMNS) of a dense model: `all` first, then every group of each kind."""
    return metric_rows(dense_per_query(model, data, prompts, min_grade, batch_size), data, name, group_kinds)


def overall(rows: pd.DataFrame, metrics=HEADLINE) -> pd.DataFrame:
    """models x metrics over all queries."""
    frame = rows[(rows["group_kind"] == "all") & rows["metric"].isin(metrics)]
    table = frame.pivot_table(index="model", columns="metric", values="value", sort=False)
    table = table.reindex(columns=[m for m in metrics if m in table.columns])
    table.columns.name = None
    return table


def finetuned_vs_base(rows: pd.DataFrame, base: str, metric: str = "map@100") -> tuple[bool, dict[str, float], list[str]]:
    """(every fine-tuned model beats the base on `metric`, each one's value and the base's, the models that do not)."""
    table = overall(rows, (metric,))[metric] if len(rows) else pd.Series(dtype=float)
    tuned = [m for m in table.index if str(m).startswith("finetuned-")]
    base_value = table.get(base)
    losers = [m for m in tuned if base_value is None or not table[m] > base_value]
    values = {str(m): round(float(table[m]), 4) for m in [*tuned, *([base] if base_value is not None else [])]}
    return not losers, values, losers
