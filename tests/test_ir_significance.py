"""Per-question retrieval metrics (equal to the evaluator's), the BM25 baseline, bootstrap intervals, paired tests, the CLI."""

import json

import numpy as np
import pandas as pd
import pytest

from miracle_dagster.cli import main
from miracle_dagster.core.evaluation import bm25, ir, ir_files, significance
from miracle_dagster.resources.embedder import EmbeddingModels

ORGANS = ["kidney", "lung", "liver", "heart", "brain", "spleen", "pancreas", "thyroid"]
FINDINGS = ["a small cyst", "a large tumor", "acute inflammation", "calcifications", "no abnormality"]


@pytest.fixture(scope="module")
def minilm(models_dir):
    return EmbeddingModels(models_dir=str(models_dir)).sentence_transformer("all-MiniLM-L6-v2")


def _world() -> ir.IRSet:
    """40 short findings (two of them duplicates: a score tie), queries with 1 to 15 relevant ones, two groups."""
    corpus = {f"d{i:02d}": f"The {o} shows {f}." for i, (o, f) in enumerate((o, f) for o in ORGANS for f in FINDINGS)}
    corpus["d40"] = corpus["d41"] = "Imaging of the kidney: a small cyst."
    qrels = {
        "q1": {"d00": 1},
        "q2": {d: 1 for d in corpus if "cyst" in corpus[d]},
        "q3": {f"d{15 + i}": 1 for i in range(5)},
        "q4": {f"d{i:02d}": 1 for i in range(0, 40, 5)} | {"d41": 2},
        "q5": {f"d{i:02d}": 1 for i in range(1, 40, 3)},
        "q6": {"d22": 1, "d41": 1},
        "q7": {"d36": 3, "d08": 1},
    }
    queries = {
        "q1": "cyst in the kidney",
        "q2": "which organs have cysts?",
        "q3": "heart findings",
        "q4": "kidney and lung problems",
        "q5": "any abnormal finding",
        "q6": "inflamed liver",
        "q7": "thyroid calcification",
        "q8": "unjudged",
    }
    groups = {q: {"specialty": "a" if q in ("q1", "q2", "q3") else "b"} for q in queries}
    return ir.IRSet(corpus=corpus, queries=queries, qrels=qrels, groups=groups)


def test_per_query_means_equal_the_information_retrieval_evaluator(minilm):
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    data = _world()
    relevant = data.relevant(1)
    evaluator = InformationRetrievalEvaluator(
        data.queries,
        data.corpus,
        relevant,
        map_at_k=[ir.MAP_K],
        ndcg_at_k=[ir.NDCG_K],
        mrr_at_k=[ir.MRR_K],
        accuracy_at_k=list(ir.CUTOFFS),
        precision_recall_at_k=list(ir.CUTOFFS),
        write_csv=False,
    )
    expected = {key.split("_", 1)[1]: value for key, value in evaluator(minilm).items()}
    values = ir.dense_per_query(minilm, data, (None, None), min_grade=1)
    assert list(values.index) == list(relevant) and list(values.columns) == list(ir.METRICS) == list(expected)
    for metric in ir.METRICS:
        assert values[metric].mean() == pytest.approx(expected[metric], abs=1e-6), metric
    assert 0 < values["map@100"].mean() < 1 and values["map@100"].nunique() > 2  # a case that tells definitions apart
    rows = ir.evaluate(minilm, data, "minilm", (None, None), min_grade=1, group_kinds=("specialty",))
    assert list(rows.columns) == ir.ROW_COLUMNS and list(rows["n_queries"].unique()) == [7, 3, 4]
    value = rows.set_index(["group_kind", "group", "metric"])
    assert value.loc[("all", "all", "map@100"), "value"] == pytest.approx(expected["map@100"], abs=1e-6)
    assert value.loc[("specialty", "a", "ndcg@10"), "value"] == pytest.approx(values.loc[["q1", "q2", "q3"], "ndcg@10"].mean())
    assert ((rows["ci_low"] <= rows["value"] + 1e-12) & (rows["value"] <= rows["ci_high"] + 1e-12)).all()


def test_per_query_by_hand_on_short_rankings():
    values = ir.per_query({"q1": ["a", "x", "b"], "q2": []}, {"q1": {"a", "b"}, "q2": {"c"}, "q3": {"d"}})
    assert values.loc["q1", "map@100"] == pytest.approx((1 + 2 / 3) / 2) and values.loc["q1", "mrr@10"] == 1.0
    assert values.loc["q1", "recall@1"] == 0.5 and values.loc["q1", "precision@5"] == pytest.approx(2 / 5)
    assert values.loc["q1", "ndcg@10"] == pytest.approx((1 + 1 / np.log2(4)) / (1 + 1 / np.log2(3)))
    assert (values.loc[["q2", "q3"]] == 0).all().all()  # an empty or missing ranking finds nothing


def test_bm25_stems_german_and_english():
    assert bm25.tokenize(["Nieren", "die Niere"], "de") == [["nier"], ["nier"]]
    corpus = {
        "p1": "Die Lunge ist beidseits frei belüftet.",
        "p2": "Die linke Niere zeigt eine kleine Zyste.",
        "p3": "Leber mit homogener Echotextur.",
        "p4": "Zustand nach Fraktur des Radius.",
    }
    ranked = bm25.rank_bm25({"q1": "Zysten der Nieren?", "q2": "und oder die"}, corpus, "de", top_k=100)
    assert ranked == {"q1": ["p2"], "q2": []}  # only passages sharing a term; stopwords alone match nothing
    english = {"a": "Lungs are clear.", "b": "The left kidney shows a small cyst.", "c": "Kidney stones were removed."}
    assert bm25.rank_bm25({"q": "cysts of the kidneys"}, english, "en")["q"] == ["b", "c"]
    assert bm25.rank_bm25({"q": "cyst"}, {"z": "cyst", "y": "cyst", "x": "none"}, "en")["q"] == ["y", "z"]  # ties by id
    with pytest.raises(ValueError, match="de, en"):
        bm25.rank_bm25({"q": "x"}, english, "fr")


def test_randomization_test_separates_a_clear_winner_from_a_tie():
    rng = np.random.default_rng(1)
    b = rng.uniform(0.2, 0.6, 40)
    a = b + rng.uniform(0.05, 0.3, 40) * (rng.random(40) < 0.8)  # better on most questions, never worse
    assert significance.paired_randomization_test(a, b) < 0.05
    assert significance.paired_randomization_test(b, a) == significance.paired_randomization_test(a, b)
    assert significance.paired_randomization_test(a, a.copy()) == 1.0 > 0.5
    noise = b + rng.normal(0, 0.1, 40)
    assert significance.paired_randomization_test(noise - noise.mean() + b.mean(), b) > 0.5  # same mean: no difference
    with pytest.raises(ValueError):
        significance.paired_randomization_test([], [])


def test_bootstrap_interval_holds_the_mean_and_narrows_with_more_questions():
    rng = np.random.default_rng(2)
    widths = []
    for n in (20, 400):
        values = rng.uniform(0, 1, n)
        low, high = significance.bootstrap_ci(values)
        assert low < values.mean() < high
        widths.append(high - low)
    assert widths[1] < widths[0] / 2
    assert significance.bootstrap_ci([0.5, 0.5, 0.5]) == (0.5, 0.5) and all(np.isnan(significance.bootstrap_ci([0.3])))
    sample = rng.uniform(0, 1, 30)
    assert significance.bootstrap_ci(sample, seed=3) == significance.bootstrap_ci(sample.copy(), seed=3)  # seeded


def test_compare_rows_against_the_base():
    index = pd.Index([f"q{i}" for i in range(40)], name="query_id")
    rng = np.random.default_rng(4)
    base = pd.DataFrame({"map@100": rng.uniform(0, 0.5, 40), "ndcg@10": rng.uniform(0, 0.5, 40)}, index=index)
    better = base + 0.2
    rows = significance.compare({"base": base, "better": better, "extra": base.iloc[:30]}, "base", ["map@100"]).set_index("model")
    assert list(rows.columns) == ["metric", "mean", "ci_low", "ci_high", "delta_vs_base", "p_value", "n_queries"]
    assert (rows["n_queries"] == 30).all() and rows.loc["base", "delta_vs_base"] == 0 and rows.loc["base", "p_value"] == 1.0
    assert rows.loc["better", "delta_vs_base"] == pytest.approx(0.2) and rows.loc["better", "p_value"] < 0.001
    assert rows.loc["better", "ci_low"] < rows.loc["better", "mean"] < rows.loc["better", "ci_high"]
    with pytest.raises(ValueError, match="base model"):
        significance.compare({"better": better}, "base")


def test_ir_eval_cli_runs_bm25_and_compares_with_a_dense_model(four_passage_ir_files, tmp_path, capsys):
    data, args = four_passage_ir_files
    assert main([*args, "--model", "bm25", "--language", "de", "--json", "--write-files", str(tmp_path / "set")]) == 0
    written = ir_files.read_files(*(tmp_path / "set" / f"{name}.jsonl" for name in ("corpus", "queries", "qrels")))
    assert (written.corpus, written.queries, written.qrels) == (data.corpus, data.queries, data.qrels)  # the set it evaluated
    out = json.loads(capsys.readouterr().out)
    rows = pd.DataFrame(out["rows"]).set_index("metric")
    assert set(rows["model"]) == {"bm25"} and out["comparison"] == []
    assert rows.loc["map@100", "value"] == pytest.approx(2 / 3)  # "Radiusfraktur" is one word: no term shared with p3
    assert rows.loc["mrr@10", "ci_low"] <= 2 / 3 <= rows.loc["mrr@10", "ci_high"]
    assert main([*args, "--model", "bm25", "--model", "all-MiniLM-L6-v2"]) == 0
    text = capsys.readouterr().out
    assert "vs bm25" in text and "all-MiniLM-L6-v2" in text and "p_value" in text
