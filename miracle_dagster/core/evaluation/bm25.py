"""BM25, the lexical baseline a dense model has to beat to be worth its GPU hours.

bm25s (Lucene's BM25 variant) over words lower-cased, stopword-filtered and Snowball-stemmed (PyStemmer), so
"Nieren" finds "Niere". The result has the shape of ir.rank's: query id -> corpus ids, best first, ties by id, so
the same metric code scores both. Only passages sharing at least one term with the question are ranked: the
zero-score rest would be ordered by id alone, which is no retrieval.
"""

from __future__ import annotations

import numpy as np

BM25 = "bm25"  # the model name callers use for this baseline
LANGUAGES = {"de": "german", "en": "english"}  # our code -> Snowball stemmer and bm25s stopword list


def _stemmer(language: str):
    import Stemmer

    if language not in LANGUAGES:
        raise ValueError(f"BM25 supports the languages {', '.join(LANGUAGES)}, got {language!r}")
    return Stemmer.Stemmer(LANGUAGES[language])


def tokenize(texts: list[str], language: str) -> list[list[str]]:
    """Stemmed, stopword-free tokens per text (bm25s' regex: words of two or more letters or digits)."""
    import bm25s

    stemmer = _stemmer(language)
    return bm25s.tokenize(list(texts), stopwords=language, stemmer=stemmer, return_ids=False, show_progress=False)


def rank_bm25(queries: dict[str, str], corpus: dict[str, str], language: str = "de", top_k: int = 100) -> dict[str, list[str]]:
    """The top_k corpus ids per query by BM25 score (ties by id); fewer where fewer passages share a term."""
    import bm25s

    _stemmer(language)  # an unknown language fails before any work
    ids = list(corpus)
    if not ids or not queries:
        return {qid: [] for qid in queries}
    retriever = bm25s.BM25()
    retriever.index(tokenize(list(corpus.values()), language), show_progress=False)
    id_order = np.argsort(np.argsort(np.array(ids, dtype=object)))  # each passage's position among the sorted ids
    ranked = {}
    for qid, tokens in zip(queries, tokenize(list(queries.values()), language)):
        token_ids = retriever.get_tokens_ids([t for t in tokens if t])
        if not token_ids:
            ranked[qid] = []
            continue
        scores = retriever.get_scores_from_ids(token_ids)
        order = np.lexsort((id_order, -scores))
        ranked[qid] = [ids[i] for i in order[:top_k] if scores[i] > 0]
    return ranked
