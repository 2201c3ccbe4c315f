"""Code search: bi-encoder top-k over the catalogue's titles (or the richer text a model was trained for), optionally
reranked by a cross-encoder.

Code embeddings are the expensive part (13,440 GM codes take minutes on a CPU), so they are cached as `.npy`
keyed by the model's version and the exact texts: a CLI call embeds only the query.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from miracle_dagster.core.icd import RERANK_TOP_N


@dataclass
class Hit:
    code: str
    title: str
    score: float  # what the ranking used: the reranker's score when reranked, else the cosine
    bi_score: float
    rerank_score: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def with_index_text(frame: pd.DataFrame, texts: pd.Series) -> pd.DataFrame:
    """The catalogue rows with `index_text` from texts (code -> text); a code texts lacks keeps its title."""
    return frame.assign(index_text=frame["code"].map(texts).fillna(frame["title"]))


class CodeIndex:
    """A catalogue embedded by one bi-encoder, by its `index_text` column where it has one (else the titles);
    `model_key` (a version) enables the on-disk embedding cache. The ranking score is the cosine, plus synonym_weight ×
    the best cosine with one of the code's `synonyms` (code, text: each embedded on its own), plus lexical_weight × the
    character n-gram similarity (core/icd/lexical.py)."""

    def __init__(
        self,
        catalogue: pd.DataFrame,
        model,
        query_prompt: str = "",
        passage_prompt: str = "",
        cache_dir: Path | None = None,
        model_key: str = "",
        batch_size: int = 64,
        lexical_weight: float = 0.0,
        synonyms: pd.DataFrame | None = None,
        synonym_weight: float = 0.0,
    ):
        self.codes = catalogue["code"].tolist()
        self.titles = catalogue["title"].tolist()
        self.texts = catalogue["index_text"].tolist() if "index_text" in catalogue else self.titles
        self.text_of = dict(zip(self.codes, self.texts))  # what the reranker reads beside the query, as the bi-encoder did
        self.model, self.query_prompt, self.batch_size, self.model_key = model, query_prompt or None, batch_size, model_key
        self.vectors = self._vectors(self.texts, passage_prompt or None, cache_dir, model_key)
        self.lexical_weight, self.synonym_weight = lexical_weight, synonym_weight
        self.synonyms = None
        column = {code: i for i, code in enumerate(self.codes)}
        synonyms = pd.DataFrame(columns=["code", "text"]) if synonyms is None else synonyms[synonyms["code"].isin(column)]
        if len(synonyms):  # grouped by the code's column, so one reduceat takes each code's best synonym
            synonyms = synonyms.assign(column=synonyms["code"].map(column)).sort_values(["column", "text"])
            self.synonym_columns, self.synonym_starts = np.unique(synonyms["column"].to_numpy(), return_index=True)
            self.synonyms = self._vectors(synonyms["text"].tolist(), passage_prompt or None, cache_dir, model_key)

    @cached_property
    def lexical(self):
        from miracle_dagster.core.icd.lexical import CharNgrams

        return CharNgrams(self.texts)

    def _vectors(self, texts: list[str], prompt, cache_dir, model_key) -> np.ndarray:
        cache = None
        if cache_dir and model_key:
            digest = hashlib.sha256("\n".join([model_key, prompt or "", *self.codes, *texts]).encode()).hexdigest()[:20]
            cache = Path(cache_dir) / f"{digest}.npy"
            if cache.is_file():
                return np.load(cache)
        vectors = self.model.encode(texts, prompt=prompt, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache.with_suffix(".tmp.npy"), vectors)
            cache.with_suffix(".tmp.npy").replace(cache)
        return vectors

    def query_vectors(self, queries: list[str]) -> np.ndarray:
        return self.model.encode(
            list(queries), prompt=self.query_prompt, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )

    def dense_scores(self, vectors: np.ndarray) -> np.ndarray:
        """Cosine of every query vector with every code's index text: (queries, codes)."""
        return vectors @ self.vectors.T

    def synonym_scores(self, vectors: np.ndarray, chunk: int = 256) -> np.ndarray:
        """Per query vector and code, the best cosine with one of the code's synonyms, at least 0 (0 without any)."""
        best = np.zeros((len(vectors), len(self.codes)), dtype=np.float32)
        if self.synonyms is None:
            return best
        for start in range(0, len(vectors), chunk):  # queries × synonyms is the large matrix: a chunk at a time
            cosines = vectors[start : start + chunk] @ self.synonyms.T
            best[start : start + chunk, self.synonym_columns] = np.maximum(np.maximum.reduceat(cosines, self.synonym_starts, axis=1), 0)
        return best

    def scores(self, queries: list[str]) -> np.ndarray:
        """What the ranking uses: the cosine, plus synonym_weight × the best synonym cosine, plus lexical_weight × the
        character n-gram similarity."""
        vectors = self.query_vectors(queries)
        scores = self.dense_scores(vectors)
        if self.synonym_weight:
            scores = scores + self.synonym_weight * self.synonym_scores(vectors)
        return scores + self.lexical_weight * self.lexical.scores(queries) if self.lexical_weight else scores

    def with_weights(self, synonym: float | None = None, lexical: float | None = None) -> CodeIndex:
        """The same index (vectors shared, nothing embedded again) ranking with other fusion weights."""
        other = copy.copy(self)
        other.synonym_weight = self.synonym_weight if synonym is None else synonym
        other.lexical_weight = self.lexical_weight if lexical is None else lexical
        return other

    def search(
        self, queries: list[str], top_k: int = 10, reranker=None, rerank_top_n: int = RERANK_TOP_N, rerank_weight: float | None = None
    ) -> list[list[Hit]]:
        """Top-k codes per query; with a CrossEncoder, its logits reorder the bi-encoder's top rerank_top_n: alone
        (rerank_weight None) or fused as cosine + rerank_weight × logit (a weight chosen on dev phrasings)."""
        scores = self.scores(queries)
        depth = min(len(self.codes), max(top_k, rerank_top_n if reranker is not None else top_k))
        top = np.argsort(-scores, axis=1)[:, :depth]
        results = [[Hit(self.codes[j], self.titles[j], float(s[j]), float(s[j])) for j in row] for s, row in zip(scores, top)]
        if reranker is not None:
            logits = iter(
                rerank_logits(
                    reranker, [(query, self.text_of[hit.code]) for query, hits in zip(queries, results) for hit in hits], self.batch_size
                )
            )
            for hits in results:
                for hit in hits:
                    hit.rerank_score = float(next(logits))
                    hit.score = hit.rerank_score if rerank_weight is None else hit.bi_score + rerank_weight * hit.rerank_score
                hits.sort(key=lambda hit: -hit.score)
        return [hits[:top_k] for hits in results]


def rerank_logits(reranker, pairs: list[tuple[str, str]], batch_size: int = 64) -> list[float]:
    """The cross-encoder's raw logits (no sigmoid: fusion adds them to cosines, and a sigmoid saturates)."""
    if not pairs:
        return []
    import torch

    return reranker.predict(pairs, batch_size=batch_size, show_progress_bar=False, activation_fn=torch.nn.Identity()).tolist()
