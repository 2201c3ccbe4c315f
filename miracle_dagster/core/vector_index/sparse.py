"""BM25 as sparse vectors, tokenized exactly like the BM25 baseline (`evaluation.bm25.tokenize`).

Tokenizer: bm25s' regex (words of two or more letters or digits), lower-cased. Stopwords: bm25s' list of the
collection's language (German: articles, pronouns, auxiliaries such as "der", "und", "nicht", "wurde" - note
"nicht"/"kein" are dropped, so negation is left to the dense model). Stemmer: Snowball German (PyStemmer), which
folds inflections ("Nieren" -> "nier") but does not split compounds ("Nierenarterienstenose" stays one term) and
keeps umlauts. Abbreviations ("V.a.", "Z.n.") lose their dots and their one-letter parts.

A document carries the BM25 term-frequency part, saturated by k1 and normalised by length against a fixed average
(incremental indexing cannot renormalise old points); a query carries 1.0 per distinct term. The IDF comes from
Qdrant's `idf` modifier over the collection at query time, so new passages shift it without re-upserting anything.
"""

from __future__ import annotations

import zlib
from collections import Counter

from miracle_dagster.core.evaluation.bm25 import tokenize
from miracle_dagster.core.vector_index.store import Sparse

K1, B = 1.5, 0.75  # bm25s' defaults, as the baseline uses
AVG_LEN = 50.0  # stemmed terms in a passage of at most 128 model tokens, after stopwords


def term_index(term: str) -> int:
    """A stable 32-bit index per stemmed term: the same on every machine and in every process."""
    return zlib.crc32(term.encode("utf-8"))


def _vector(weights: dict[int, float]) -> Sparse:
    indices = sorted(weights)
    return indices, [float(weights[i]) for i in indices]


def documents(texts: list[str], language: str) -> list[Sparse]:
    vectors = []
    for tokens in tokenize(texts, language):
        tf = Counter(term_index(t) for t in tokens if t)
        norm = K1 * (1 - B + B * sum(tf.values()) / AVG_LEN)
        vectors.append(_vector({i: n * (K1 + 1) / (n + norm) for i, n in tf.items()}))
    return vectors


def query(text: str, language: str) -> Sparse:
    return _vector({term_index(t): 1.0 for t in tokenize([text], language)[0] if t})
