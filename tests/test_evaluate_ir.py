"""Retrieval evaluation: metrics by hand, judge parsing, pooling, the assets with the bundled LLM, `miracle ir-eval`, LiveQA-Med."""

import json
import math
import re
import shutil
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
import pytest
from materialized import metadata_of

from miracle_dagster.assets import finetuned_model, ingest_assets, ir_eval_report, relevance_judgments, training_pairs
from miracle_dagster.assets.evaluate_ir import BEATS_BASE
from miracle_dagster.cli import main
from miracle_dagster.core import training
from miracle_dagster.core.evaluation import ir, ir_files, judge, public_data
from miracle_dagster.core.llm import Completion, LLMClient
from miracle_dagster.core.models import ModelSpec
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs
from miracle_dagster.core.text import normalized
from miracle_dagster.core.training import registry
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources import build_llm
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "liveqa_med").is_dir(), reason=f"public data not at {DATA}")
MODELS = ["multilingual-e5-small", "all-MiniLM-L6-v2"]
TUNED = "finetuned-de"


def _angle_model():
    """A real SentenceTransformer whose texts are single words with hand-set 2-D directions: rankings known exactly."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, pre_tokenizers

    angles = {"q1": 0, "q2": 90, "d1": 10, "d2": 20, "d3": 30, "d4": 40, "d5": 50}
    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(angles)}, unk_token="q1"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    weights = np.array([[math.cos(math.radians(a)), math.sin(math.radians(a))] for a in angles.values()], dtype=np.float32)
    return SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")


def test_metrics_match_a_hand_computed_case_with_several_relevant_documents():
    data = ir.IRSet(
        corpus={f"d{i}": f"d{i}" for i in range(1, 6)},
        queries={"q1": "q1", "q2": "q2"},
        qrels={"q1": {"d1": 3, "d3": 2, "d5": 2}, "q2": {"d4": 2, "d1": 3, "d5": 1}},
        groups={"q1": {"specialty": "a"}, "q2": {"specialty": "b"}},
    )
    # q1 ranks d1..d5, relevant d1 d3 d5: AP = (1/1 + 2/3 + 3/5) / 3; q2 ranks d5 d4 d3 d2 d1, relevant d4 d1: AP = (1/2 + 2/5) / 2
    rows = ir.evaluate(_angle_model(), data, "angles", (None, None), min_grade=2, group_kinds=("specialty",))
    value = rows.set_index(["group_kind", "group", "metric"])["value"]
    ap1, ap2 = (1 + 2 / 3 + 3 / 5) / 3, (1 / 2 + 2 / 5) / 2
    assert value[("all", "all", "map@100")] == pytest.approx((ap1 + ap2) / 2)
    assert value[("specialty", "a", "map@100")] == pytest.approx(ap1) and value[("specialty", "b", "map@100")] == pytest.approx(ap2)
    assert value[("all", "all", "mrr@10")] == pytest.approx((1 + 1 / 2) / 2)
    assert value[("all", "all", "recall@1")] == pytest.approx((1 / 3 + 0) / 2)
    assert value[("all", "all", "recall@5")] == 1.0 and set(rows["n_queries"]) == {2, 1}
    # grade 1 counts with min_grade 1: q2's d5 (rank 1) becomes relevant, AP = (1/1 + 2/2 + 3/5) / 3
    loose = ir.evaluate(_angle_model(), data, "angles", (None, None), min_grade=1).set_index("metric")["value"]
    assert loose["map@100"] == pytest.approx((ap1 + (1 + 1 + 3 / 5) / 3) / 2)
    assert list(ir.overall(rows).columns) == list(ir.HEADLINE)


@pytest.mark.parametrize(
    "reply, grade, reason",
    [
        ('{"grade": 2}', 2, ""),
        ('{"relevance": "3"}', 3, ""),
        ("Grade: 1", 1, ""),
        ('```json\n{"grade": 0}\n```', 0, ""),
        ('{"grade": 5}', None, "grade_out_of_range"),
        ("2.5", None, "grade_out_of_range"),
        ("between 1 and 2", None, "ambiguous_grade"),
        ("The passage is relevant.", None, "no_grade"),
        ("", None, "empty_reply"),
        ('{"grade": true}', None, "no_grade"),
    ],
)
def test_grade_parsing(reply, grade, reason):
    assert judge.parse_grade(reply) == (grade, reason)


class _Replies:
    model_id = "fake-judge"

    def __init__(self, replies):
        self.replies = list(replies)

    def complete(self, requests):
        return [Completion(error="boom") if r is None else Completion(text=r) for r in self.replies[: len(requests)]]


def test_garbage_replies_are_recorded_as_failures_never_dropped():
    pairs = pd.DataFrame(
        {
            "question_id": ["q1", "q1", "q2"],
            "passage_id": ["a", "b", "a"],
            "question": ["Was?", "Was?", "Wo?"],
            "passage": ["Text a", "Text b", "Text a"],
            "pooled_by": "m",
        }
    )
    out = judge.judge(LLMClient(_Replies(['{"grade": 3}', "no idea", None])), pairs)
    assert len(out) == 3 and list(out["grade"].isna()) == [False, True, True]
    assert list(out["reason"]) == ["", "no_grade", "llm_error"] and out["detail"].iloc[1] == "no idea"
    assert set(out["judge"]) == {"fake-judge"} and set(out["prompt_version"]) == {judge.PROMPT_VERSION}
    # A re-run reuses the same judge's grades and parse failures, retries backend failures, ignores other judges.
    assert list(judge.reusable(out, "fake-judge")["passage_id"]) == ["a", "b"] and judge.reusable(out, "other").empty


def test_pool_holds_every_models_top_k_and_the_source():
    rankings = {"m1": {"q1": ["a", "b", "c"], "q2": ["x"]}, "m2": {"q1": ["c", "d", "a"]}}
    pooled = judge.pool({"q1": "s", "q2": "x"}, rankings, depth=2).set_index(["question_id", "passage_id"])
    assert set(pooled.index) == {("q1", "s"), ("q1", "a"), ("q1", "b"), ("q1", "c"), ("q1", "d"), ("q2", "x")}
    assert pooled.loc[("q1", "c"), "pooled_by"] == "m2" and pooled.loc[("q1", "s"), "is_source"]
    assert pooled.loc[("q2", "x"), "is_source"] and pooled.loc[("q2", "x"), "pooled_by"] == "m1"
    assert list(judge.source_judgments(pooled.reset_index())["grade"]) == [3, 3]


def test_warn_check_both_ways():
    def frame(values):
        return pd.DataFrame([(m, "all", "all", "map@100", v, 5, v, v) for m, v in values.items()], columns=ir.ROW_COLUMNS)

    assert ir.finetuned_vs_base(frame({"e5": 0.3, "finetuned-de_pseudonymized": 0.4}), "e5")[0]
    passed, values, losers = ir.finetuned_vs_base(frame({"e5": 0.3, "finetuned-de": 0.2, "finetuned-en_pseudonymized": 0.5}), "e5")
    assert not passed and losers == ["finetuned-de"] and values["e5"] == 0.3
    assert not ir.finetuned_vs_base(frame({"finetuned-de": 0.2}), "e5")[0]  # no base number: nothing is shown to be better


@pytest.fixture(scope="module")
def world(tmp_path_factory, models_dir):
    """One ingested partition (variant `de`: raw passages); training pairs from stand-in questions, half of them test;
    the `finetuned_model` slot holds the packaged MiniLM folder (training is tested in test_training.py)."""
    root = tmp_path_factory.mktemp("evaluation")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("MIRACLE_SPLIT_TEST_FRACTION", "0.5")
    write_sample_source(root / "source", generate_corpus(n_patients=4, seed=5, specialties=["radiology"], years=["2022"]))
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "source": ReportSource(folder=str(root / "source")),
        "embedder": EmbeddingModels(models_dir=str(models_dir), cache_dir=str(root / "cache")),
        "llm": build_llm(cache_dir="", models_dir=str(models_dir)),  # no completion cache: reuse must come from the asset
        "pseudonymizer": Pseudonymizer(secret="evaluation-tests-secret-0123456789", private_dir=str(root / "private")),
    }
    done = dg.materialize(ingest_assets, partition_key=str(partition_key("radiology", "2022")), resources=resources)
    passages = done.output_for_node("report_sections")
    monkeypatch.undo()
    pairs = training.build_pairs(stand_in_qa_pairs(passages, limit=40).assign(year="2022"), passages).pairs
    (root / "assets" / "training_pairs").mkdir(parents=True)
    pairs.assign(negatives=[[] for _ in range(len(pairs))]).to_parquet(root / "assets" / "training_pairs" / "de.parquet")
    minilm = resources["embedder"].provision("all-MiniLM-L6-v2")
    (root / "assets" / "finetuned_model").mkdir(parents=True)
    registry.as_row(
        ModelSpec(TUNED, f"path:{minilm}", max_seq_length=128), variant="de", version="v1", base_model=MODELS[0], data_version="d1"
    ).to_parquet(root / "assets" / "finetuned_model" / "de.parquet")
    config = {
        "relevance_judgments": {"config": {"models": MODELS, "max_questions": 2, "pool_depth": 2, "max_passage_chars": 300}},
        "ir_eval_report": {"config": {"n_resamples": 2000}},
    }
    instance = dg.DagsterInstance.ephemeral()

    def run(*selection):
        return dg.materialize(
            [training_pairs, finetuned_model, relevance_judgments, ir_eval_report],
            selection=selection,
            partition_key="de",
            resources=resources,
            instance=instance,
            run_config=dg.RunConfig(ops={a.key.path[-1]: config[a.key.path[-1]] for a in selection}),
        )

    yield passages, pairs, run(relevance_judgments, ir_eval_report), run(relevance_judgments)
    shutil.rmtree(root, ignore_errors=True)


def test_judgments_pool_both_models_and_a_rerun_judges_nothing_new(world):
    passages, pairs, first, second = world
    judged = first.output_for_node("relevance_judgments")
    meta = metadata_of(first, "relevance_judgments")
    test = pairs[pairs["split"] == "test"].sort_values("pair_id").head(2)
    assert set(judged["question_id"]) == set(test["pair_id"]) and meta["questions"] == 2
    sources = judged[judged["judge"] == judge.SOURCE_JUDGE]
    assert set(zip(sources["question_id"], sources["passage_id"])) == set(zip(test["pair_id"], test["passage_id"]))
    assert (sources["grade"] == 3).all() and set(",".join(judged["pooled_by"]).split(",")) - {""} == set(MODELS)
    asked = judged[judged["judge"] != judge.SOURCE_JUDGE]
    assert meta["pairs_pooled"] == len(judged) and meta["newly_judged"] == len(asked) > 0 and meta["already_judged"] == 0
    assert asked["grade"].isna().sum() == meta["failed"] and set(asked["prompt_version"]) == {judge.PROMPT_VERSION}
    assert meta["judge_model"].startswith("local:") and meta["llm_requests"] == len(asked)
    texts = set(passages["text"]) | set(pairs["query"])
    assert not any(str(v) in texts for v in meta.values())  # `de` is raw PHI: no passage or question in metadata
    again = metadata_of(second, "relevance_judgments")
    assert (
        again["newly_judged"] == 0
        and again["llm_requests"] == 0
        and again["already_judged"] == len(asked) - (asked["reason"] == "llm_error").sum()
    )
    pd.testing.assert_frame_equal(judged, second.output_for_node("relevance_judgments"), check_dtype=False)


def test_ir_eval_report_compares_base_finetuned_baseline_bm25_and_hybrid_with_intervals(world):
    _, _, first, _ = world
    rows = first.output_for_node("ir_eval_report")
    meta = metadata_of(first, "ir_eval_report")
    compared = [*MODELS[:1], TUNED, MODELS[1], "bm25", f"{TUNED}+bm25"]
    assert list(rows["model"].unique()) == compared and set(rows["group_kind"]) == {"all", "language", "specialty", "year"}
    overall = rows[(rows["group_kind"] == "all") & (rows["metric"] == "map@100")].set_index("model")
    assert len(overall) == 5 and overall["value"].between(0, 1).all() and (overall["n_queries"] == 2).all()
    assert (overall["ci_low"] <= overall["value"]).all() and (overall["value"] <= overall["ci_high"]).all()
    assert overall.loc[MODELS[0], "p_value"] == 1.0 and overall["p_value"].between(0, 1).all()
    # the fine-tuned slot holds the MiniLM folder: the same numbers as the MiniLM baseline
    assert overall.loc[TUNED, "value"] == pytest.approx(overall.loc[MODELS[1], "value"])
    assert set(rows.loc[rows["group_kind"] == "language", "group"]) == {"de"} and "| year | 2022 | 2 |" in meta["map@100_by_group"]
    assert all(f"| {m} |" in meta["comparison"] for m in compared) and "[" in meta["comparison"] and " p=" in meta["comparison"]
    assert all(isinstance(meta[f"map@100 {m}"], float) for m in compared) and meta["chart"].startswith("![score](data:image/png;base64,")
    assert "| finetuned-de | 128 |" in meta["max_seq_length"] and "| bm25 | – |" in meta["max_seq_length"]
    assert f"| {TUNED}+bm25 | 128 |" in meta["max_seq_length"]
    assert meta["mean_relevant_per_question"] >= 1 and meta["models_not_in_pool"] == f"{TUNED}, bm25, {TUNED}+bm25"
    [check] = [c for c in first.get_asset_check_evaluations() if c.check_name == BEATS_BASE]
    assert check.severity == dg.AssetCheckSeverity.WARN and check.passed == (overall.loc[TUNED, "value"] > overall.loc[MODELS[0], "value"])


@pytest.fixture(scope="module")
def liveqa_slice(tmp_path_factory):
    """Two LiveQA-Med questions with several relevant answers, their judged answers as the corpus."""
    full = public_data.load_liveqa(DATA).data
    chosen = [q for q in sorted(full.queries) if len(full.relevant(2).get(q, ())) >= 2][:2]
    docs = {d for q in chosen for d in full.qrels[q]}
    small = ir.IRSet(
        corpus={d: full.corpus[d] for d in sorted(docs)},
        queries={q: full.queries[q] for q in chosen},
        qrels={q: full.qrels[q] for q in chosen},
    )
    return small, ir_files.write_files(small, tmp_path_factory.mktemp("liveqa"))


@needs_data
def test_liveqa_loader_counts():
    loaded = public_data.load_liveqa(DATA, distractors=50)
    stats, data = loaded.stats, loaded.data
    assert stats["questions_with_relevant"] == len(data.queries) == len(data.relevant(2))
    assert stats["questions_with_2_or_more_relevant"] == sum(len(d) >= 2 for d in data.relevant(2).values()) > stats["questions"] / 2
    assert stats["corpus"] == len(data.corpus) == stats["judged_answers"] + 50 and stats["distractors"] == 50
    assert not any(re.match(r"Question:.*\nURL: ", t) for t in data.corpus.values())  # judged answers look like distractors
    judged = [t for i, t in data.corpus.items() if not i.startswith("medquad/")]
    assert sum(t.endswith(")") for t in judged) < len(judged) / 20  # their export's closing ")" is gone too
    assert set(public_data.load_liveqa(DATA, distractors=50).data.corpus) == set(data.corpus)  # a seeded sample
    # MedQuAD holds the judged answers' own texts: as distractors they would be right answers counted as wrong
    assert stats["distractors_dropped_as_duplicates"] > 500
    judged_keys = {normalized(t) for t in judged}
    assert not any(normalized(t) in judged_keys for i, t in data.corpus.items() if i.startswith("medquad/"))


@needs_data
def test_ir_eval_cli_on_a_liveqa_slice_applies_the_models_prompts(liveqa_slice, models_dir, capsys):
    small, files = liveqa_slice
    args = [
        "ir-eval",
        "--corpus",
        str(files["corpus"]),
        "--queries",
        str(files["queries"]),
        "--qrels",
        str(files["qrels"]),
        "--min-grade",
        "2",
        "--max-seq-length",
        "128",
        "--json",
    ]
    assert main([*args, "--model", "multilingual-e5-small", "--model", str(models_dir / "multilingual-e5-small")]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = pd.DataFrame(out["rows"]).set_index(["model", "metric"])["value"]
    # MAP@100 by hand from the model's own ranking with its e5 prompts
    model = EmbeddingModels(models_dir=str(models_dir)).sentence_transformer("multilingual-e5-small")
    with ir.max_length(model, 128):
        ranked = ir.rank(model, small.queries, small.corpus, 100, ("query: ", "passage: "))
    relevant = small.relevant(2)
    aps = [
        sum((i + 1) / (r + 1) for i, r in enumerate(p for p, d in enumerate(ranked[q]) if d in relevant[q])) / len(relevant[q])
        for q in relevant
    ]
    assert rows[("multilingual-e5-small", "map@100")] == pytest.approx(np.mean(aps), abs=1e-6)
    # the folder's config_sentence_transformers.json carries the same prompts: the same numbers
    assert rows[(str(models_dir / "multilingual-e5-small"), "map@100")] == pytest.approx(np.mean(aps), abs=1e-6)


def test_ir_eval_cli_names_the_bad_line(tmp_path, capsys):
    corpus, queries, qrels = tmp_path / "c.jsonl", tmp_path / "q.jsonl", tmp_path / "r.jsonl"
    corpus.write_text('{"id": "d1", "text": "Pneumonie"}\n{"id": "d2", "text": "Fraktur"}\n')
    queries.write_text('{"id": "q1", "text": "Lunge?"}\n')
    cases = {
        '{"query_id": "q1", "doc_id": "d1", "grade": 2}\n{"query_id": "q1", "doc_id": "d9", "grade": 1}\n': f"{qrels}:2: unknown document id 'd9'",
        '{"query_id": "q1", "doc_id": "d1", "grade": "high"}\n': f"{qrels}:1: grade must be an integer",
        '{"query_id": "q1", "doc_id": "d1"}\n': f"{qrels}:1: missing 'grade'",
        "{not json\n": f"{qrels}:1: invalid JSON",
    }
    for text, message in cases.items():
        qrels.write_text(text)
        assert (
            main(["ir-eval", "--corpus", str(corpus), "--queries", str(queries), "--qrels", str(qrels), "--model", "all-MiniLM-L6-v2"]) == 2
        )
        assert message in capsys.readouterr().err
    corpus.write_text('{"id": "d1", "text": "Pneumonie"}\n{"id": "d1", "text": "Fraktur"}\n')
    assert main(["ir-eval", "--corpus", str(corpus), "--queries", str(queries), "--qrels", str(qrels), "--model", "all-MiniLM-L6-v2"]) == 2
    assert f"{corpus}:2: duplicate id 'd1'" in capsys.readouterr().err


def test_ir_eval_cli_fuses_a_dense_model_with_bm25(four_passage_ir_files, models_dir, capsys):
    from miracle_dagster.core.evaluation import bm25, fusion

    data, args = four_passage_ir_files
    assert main([*args, "--model", "all-MiniLM-L6-v2+bm25", "--model", "bm25", "--language", "de", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = pd.DataFrame(out["rows"]).set_index(["model", "metric"])["value"]
    # the fusion of the two rankings the CLI also scores alone: BM25 with the same stemmer, MiniLM without prompts
    model = EmbeddingModels(models_dir=str(models_dir)).sentence_transformer("all-MiniLM-L6-v2")
    dense = ir.rank(model, data.queries, data.corpus, ir.DEPTH, (None, None))
    lexical = bm25.rank_bm25(data.queries, data.corpus, "de", ir.DEPTH)
    assert lexical["q3"] == []  # "Radiusfraktur" shares no stemmed term with p3: only the dense ranking finds it
    fused = {q: [d for d, _ in fusion.rrf([dense[q], lexical[q]])] for q in data.queries}
    expected = ir.per_query(fused, data.relevant())["map@100"].mean()
    assert rows[("all-MiniLM-L6-v2+bm25", "map@100")] == pytest.approx(expected)
    assert rows[("all-MiniLM-L6-v2+bm25", "map@100")] > rows[("bm25", "map@100")] == pytest.approx(2 / 3)
    assert {c["model"] for c in out["comparison"]} == {"all-MiniLM-L6-v2+bm25", "bm25"}
