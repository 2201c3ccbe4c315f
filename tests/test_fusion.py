"""Reciprocal rank fusion: by hand, and the same numbers as the vector store's hybrid search."""

import pytest

from miracle_dagster.core import vector_index as vi
from miracle_dagster.core.evaluation import fusion


def test_a_document_first_lexically_and_one_first_densely_both_lead_the_fused_ranking():
    dense, lexical = ["b", "a", "c"], ["a", "d"]
    fused = fusion.rrf([dense, lexical])
    assert [ident for ident, _ in fused] == ["a", "b", "d", "c"]
    scores = dict(fused)
    assert fusion.RRF_K == 60
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 60)  # second densely, first lexically
    assert scores["b"] == pytest.approx(1 / 60) and scores["d"] == pytest.approx(1 / 61) and scores["c"] == pytest.approx(1 / 62)


def test_ties_break_by_id_and_rankings_are_cut_to_depth_per_query():
    assert fusion.rrf([["y", "x"], ["x", "y"]]) == [("x", 1 / 60 + 1 / 61), ("y", 1 / 60 + 1 / 61)]
    fused = fusion.fuse_rankings([{"q1": ["a", "b", "c"], "q2": ["z"]}, {"q1": ["c", "d"]}], depth=2)
    assert fused == {"q1": ["a", "c"], "q2": ["z"]}  # "c" enters only through the second ranking: dense "c" is cut


def test_the_stores_hybrid_search_scores_like_rrf_of_its_dense_and_bm25_rankings(tmp_path):
    texts = ["Zyste der linken Niere", "Niere ohne Befund", "Lunge frei belüftet", "Fraktur des Radius"]
    dense = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]]
    points = [
        vi.Point(vi.point_id(f"p{i}"), vector, terms, {"passage_id": f"p{i}"})
        for i, (vector, terms) in enumerate(zip(dense, vi.sparse.documents(texts, "de")))
    ]
    query_vector, query_terms = [0.6, 0.8, 0.0], vi.sparse.query("Nierenzyste links", "de")
    with vi.EdgeStore(tmp_path) as store:
        store.ensure_collection("c", 3, "de")
        store.upsert("c", points)

        def ranking(**query):
            return [payload["passage_id"] for _, payload in store.query("c", limit=10, **query)]

        expected = fusion.rrf([ranking(dense=query_vector), ranking(sparse=query_terms)])
        hybrid = store.query("c", dense=query_vector, sparse=query_terms, limit=10)
    assert [p["passage_id"] for _, p in hybrid] == [ident for ident, _ in expected]
    assert [score for score, _ in hybrid] == pytest.approx([score for _, score in expected], rel=1e-6)


def test_a_model_compared_alone_and_fused_ranks_the_corpus_once():
    from miracle_dagster.core.evaluation import ir

    calls = []

    def rank_dense(name):
        calls.append(name)
        return {"q": ["d2", "d1"]}

    rank = ir.ranker({"q": "Niere"}, {"d1": "Die Niere", "d2": "Die Lunge"}, "de", 2, rank_dense)
    assert rank("m") == {"q": ["d2", "d1"]} and rank("m+bm25")["q"][0] in {"d1", "d2"} and rank("bm25")["q"][0] == "d1"
    assert calls == ["m"] and rank("bm25") is rank("bm25")  # the BM25 ranking is computed once too
