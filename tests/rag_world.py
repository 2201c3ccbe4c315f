"""A small world of the whole model lifecycle for the evaluation tests: one ingested + pseudonymized partition,
stand-in QA pairs with reference answers, training pairs, a real (two-step) fine-tuning of the packaged MiniLM,
its variant index in embedded Qdrant, and the bundled CPU LLM behind a completion cache."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from miracle_dagster.assets import (
    finetuned_model,
    ingest_assets,
    ir_eval_report,
    pseudonymized_sections,
    rag_eval_report,
    relevance_judgments,
    training_pairs,
    variant_index,
)
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources import build_llm
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.qdrant import QdrantResource
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager, partition_file

MODEL = "all-MiniLM-L6-v2"  # the packaged MiniLM trains and embeds fastest; BERTScore uses the multilingual e5 folder
VARIANT = "de_pseudonymized"
SPECIALTY, YEAR = "internal_medicine", "2021"
LIFECYCLE = [training_pairs, finetuned_model, variant_index, relevance_judgments, ir_eval_report, rag_eval_report]
REPORT = rag_eval_report
SPLIT = {"MIRACLE_SPLIT_DEV_FRACTION": "0.2", "MIRACLE_SPLIT_TEST_FRACTION": "0.4"}
# Two steps are enough for a model with its own version, folder and collection; the numbers are not the point here.
TRAIN_CONFIG = {"max_steps": 2, "batch_size": 4, "mini_batch_size": 4, "eval_steps": 2, "logging_steps": 1, "save_total_limit": 1}
# 2 questions x 2 scenarios x 2 models with the bundled CPU model: one context and short answers keep it to seconds.
RAG_CONFIG = {"max_questions": 2, "top_k": 1, "max_answer_tokens": 24}
JUDGMENTS_CONFIG = {"models": [MODEL], "max_questions": 2, "pool_depth": 1, "max_passage_chars": 300}


def resources(root: Path, models_dir: Path, **llm) -> dict:
    """One LLM completion cache for the whole test session: a world built twice answers from it."""
    cache = Path(os.environ["MIRACLE_HOME"]) / "cache"
    return {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "source": ReportSource(folder=str(root / "source")),
        "embedder": EmbeddingModels(models_dir=str(models_dir), default_model=MODEL, cache_dir=str(root / "cache")),
        "qdrant": QdrantResource(path=str(root / "qdrant")),
        "pseudonymizer": Pseudonymizer(secret="rag-eval-tests-secret-0123456789", private_dir=str(root / "private")),
        "llm": build_llm(**{"cache_dir": str(cache), "models_dir": str(models_dir), **llm}),
    }


def materialize(res: dict, selection: list, instance: dg.DagsterInstance | None = None, **configs) -> dg.ExecuteInJobResult:
    """Run `selection` of the lifecycle for the variant; the other lifecycle assets are read from where they were written."""
    ops = {a.node_def.name: {"config": c} for a in selection if (c := configs.get(a.node_def.name))}
    return dg.materialize(
        LIFECYCLE,
        selection=selection,
        partition_key=VARIANT,
        resources=res,
        instance=instance,
        run_config={"ops": ops},
        raise_on_error=False,
    )


def build(root: Path, models_dir: Path, instance: dg.DagsterInstance | None = None) -> dict:
    """Everything the evaluations read; QA answers are the passage's first words, so they are supported."""
    write_sample_source(root / "source", generate_corpus(n_patients=8, seed=5, specialties=[SPECIALTY], years=[YEAR]))
    res = resources(root, models_dir)
    previous = {k: os.environ.get(k) for k in SPLIT}
    os.environ.update(SPLIT)  # the split is decided in report_sections: enough test patients for a small world
    try:
        done = dg.materialize([*ingest_assets, pseudonymized_sections], partition_key=str(partition_key(SPECIALTY, YEAR)), resources=res)
    finally:
        for k, v in previous.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    passages = done.output_for_node("pseudonymized_sections")
    qa = stand_in_qa_pairs(passages)
    qa["answer"] = qa["passage_id"].map(passages.set_index("passage_id")["text"].map(lambda t: " ".join(t.split()[:12])))
    qa_file = partition_file(root / "assets", "pseudonymized_qa_pairs", SPECIALTY, YEAR)
    qa_file.parent.mkdir(parents=True)
    qa.to_parquet(qa_file, index=False)
    trained = materialize(res, [training_pairs, finetuned_model, variant_index], instance, finetuned_model=TRAIN_CONFIG)
    assert trained.success
    return res


def evaluate(res: dict, instance: dg.DagsterInstance | None = None, **config) -> dg.ExecuteInJobResult:
    return materialize(res, [rag_eval_report], instance, rag_eval_report={**RAG_CONFIG, **config})
