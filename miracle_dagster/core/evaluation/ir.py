"""Retrieval metrics with sentence-transformers' InformationRetrievalEvaluator: overall and per group of queries.

Every model sees the same corpus; a group (language, specialty, year) is the subset of queries that carries it,
scored against the whole corpus, so group numbers are comparable with the overall ones. The corpus is embedded
once per model and reused for every group. Graded judgments become relevant sets with `min_grade`.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

MAP_K, NDCG_K, MRR_K, CUTOFFS = [100], [10], [10], [1, 5, 10, 100]
HEADLINE = ("map@100", "ndcg@10", "mrr@10", "recall@10")
ROW_COLUMNS = ["model", "group_kind", "group", "metric", "value", "n_queries"]


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


def embed_corpus(model, corpus: dict[str, str], prompt: str | None, batch_size: int = 32):
    """Corpus embeddings in dict order, as InformationRetrievalEvaluator embeds them (encode_document, tensors)."""
    return model.encode_document(list(corpus.values()), prompt=prompt, batch_size=batch_size, convert_to_tensor=True)


def rank(model, queries: dict[str, str], corpus: dict[str, str], top_k: int, prompts: tuple[str | None, str | None],
         corpus_embeddings=None, batch_size: int = 32) -> dict[str, list[str]]:  # fmt: skip
    """The top_k corpus ids per query by the model's similarity (ties by id, like the evaluator)."""
    from sentence_transformers.util import semantic_search

    if corpus_embeddings is None:
        corpus_embeddings = embed_corpus(model, corpus, prompts[1], batch_size)
    query_embeddings = model.encode_query(list(queries.values()), prompt=prompts[0], batch_size=batch_size, convert_to_tensor=True)
    ids = list(corpus)
    hits = semantic_search(query_embeddings, corpus_embeddings, top_k=top_k, score_function=model.similarity)
    return {q: [ids[h["corpus_id"]] for h in sorted(found, key=lambda h: (-h["score"], ids[h["corpus_id"]]))]
            for q, found in zip(queries, hits)}  # fmt: skip


def _evaluator(queries: dict[str, str], data: IRSet, relevant: dict[str, set[str]], prompts, batch_size: int):
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    return InformationRetrievalEvaluator(
        queries=queries, corpus=data.corpus, relevant_docs=relevant, map_at_k=MAP_K, ndcg_at_k=NDCG_K, mrr_at_k=MRR_K,
        accuracy_at_k=CUTOFFS, precision_recall_at_k=CUTOFFS, query_prompt=prompts[0], corpus_prompt=prompts[1],
        batch_size=batch_size, write_csv=False,
    )  # fmt: skip


def evaluate(model, data: IRSet, name: str, prompts: tuple[str | None, str | None], min_grade: int = 1,
             group_kinds: tuple[str, ...] = (), batch_size: int = 32) -> pd.DataFrame:  # fmt: skip
    """Metric rows (model, group_kind, group, metric, value, n_queries): `all` first, then every group of each kind."""
    relevant = data.relevant(min_grade)
    if not relevant:
        raise ValueError(f"no query has a relevant document (grade >= {min_grade}) in the corpus")
    corpus_embeddings = embed_corpus(model, data.corpus, prompts[1], batch_size)
    subsets = [("all", "all", list(relevant))]
    for kind in group_kinds:
        values = sorted({data.groups.get(q, {}).get(kind, "") for q in relevant} - {""})
        subsets += [(kind, v, [q for q in relevant if data.groups.get(q, {}).get(kind) == v]) for v in values]
    similarity = model.similarity_fn_name
    rows = []
    for kind, group, ids in subsets:
        evaluator = _evaluator({q: data.queries[q] for q in ids}, data, relevant, prompts, batch_size)
        metrics = evaluator(model, corpus_embeddings=corpus_embeddings)
        rows += [(name, kind, group, key.removeprefix(f"{similarity}_"), float(value), len(ids)) for key, value in metrics.items()]
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


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
