"""How the default model ranks codes: the cosine with the code's enriched text, plus s × the best cosine with one of
its synonyms (every training term of the code embedded on its own), plus w × the character n-gram similarity
(core/icd/lexical.py), with (s, w) chosen together on dev terms.

The enriched text crowds a title, its parents and six terms into one vector; a query worded like one term of a code
with many meets that term's own vector. Measured on the default model (see README): R@5 +0.05 on held-out English
inclusion terms and Spanish CodiEsp mentions, +0.01 on German phrasings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SYNONYM_WEIGHTS = (0.0, 0.5, 1.0)
LEXICAL_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5)


def choose_weights(index, pairs: pd.DataFrame) -> tuple[tuple[float, float], pd.DataFrame]:
    """((synonym weight, lexical weight)) for `index` (a CodeIndex) with the best R@5 on pairs (query, code,
    language: dev terms), and the table of every pair tried (metrics.best_weight); synonym weights only where the index
    has synonyms."""
    from miracle_dagster.core.icd.metrics import best_weight, rank_of

    queries = pairs["query"].tolist()
    vectors = index.query_vectors(queries)
    dense, synonym, lexical = index.dense_scores(vectors), index.synonym_scores(vectors), index.lexical.scores(queries)
    codes = np.array(index.codes)

    def ranks_at(weights: tuple[float, float]) -> list[int]:
        top = np.argsort(-(dense + weights[0] * synonym + weights[1] * lexical), axis=1)[:, :10]
        return [rank_of(list(codes[row]), code) for row, code in zip(top, pairs["code"])]

    grid = [(s, w) for s in (SYNONYM_WEIGHTS if index.synonyms is not None else (0.0,)) for w in LEXICAL_WEIGHTS]
    best, table = best_weight(grid, ranks_at, pairs["language"])
    weights = pd.DataFrame(table.pop("weight").tolist(), columns=["synonym weight", "lexical weight"])
    return best, pd.concat([weights, table], axis=1)
