"""A small world for the RAG evaluation tests: one ingested + pseudonymized partition indexed into embedded
Qdrant, stand-in QA pairs with reference answers, and the bundled CPU LLM behind a completion cache."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from miracle_dagster.assets import ingest_assets, pseudonymized_sections
from miracle_dagster.assets.evaluate_rag import build_rag_eval_assets
from miracle_dagster.assets.index import build_index_assets
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources import build_llm
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.qdrant import QdrantResource
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager, partition_file

MODEL = "all-MiniLM-L6-v2"  # the packaged MiniLM embeds fastest; BERTScore uses the multilingual e5 folder
SPECIALTY, YEAR = "internal_medicine", "2021"
POINTS, COLLECTION, ALIAS_CHECK = build_index_assets(MODEL)
[REPORT] = build_rag_eval_assets(MODEL)
# 2 questions x 2 scenarios with the bundled CPU model: one context and short answers keep it to seconds.
RAG_CONFIG = {"max_questions": 2, "top_k": 1, "max_answer_tokens": 24, "dev_fraction": 0.0, "test_fraction": 0.4}


def resources(root: Path, models_dir: Path, **llm) -> dict:
    """One LLM completion cache for the whole test session: a world built twice answers from it."""
    cache = Path(os.environ["MIRACLE_HOME"]) / "cache"
    return {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "source": ReportSource(folder=str(root / "source")),
        "embedder": EmbeddingModels(models_dir=str(models_dir), default_model=MODEL),
        "qdrant": QdrantResource(path=str(root / "qdrant")),
        "pseudonymizer": Pseudonymizer(secret="rag-eval-tests-secret-0123456789", private_dir=str(root / "private")),
        "llm": build_llm(**{"cache_dir": str(cache), "models_dir": str(models_dir), **llm}),
    }


def build(root: Path, models_dir: Path, instance: dg.DagsterInstance | None = None) -> dict:
    """Everything rag_eval_report reads; QA answers are the passage's first words, so they are supported."""
    write_sample_source(root / "source", generate_corpus(n_patients=8, seed=5, specialties=[SPECIALTY], years=[YEAR]))
    res = resources(root, models_dir)
    key = str(partition_key(SPECIALTY, YEAR))
    done = dg.materialize([*ingest_assets, pseudonymized_sections, POINTS], partition_key=key, resources=res, instance=instance)
    dg.materialize([COLLECTION], resources=res, instance=instance)
    passages = done.output_for_node("pseudonymized_sections")
    qa = stand_in_qa_pairs(passages)
    qa["answer"] = qa["passage_id"].map(passages.set_index("passage_id")["text"].map(lambda t: " ".join(t.split()[:12])))
    qa_file = partition_file(root / "assets", "pseudonymized_qa_pairs", SPECIALTY, YEAR)
    qa_file.parent.mkdir(parents=True)
    qa.to_parquet(qa_file, index=False)
    return res


def evaluate(res: dict, instance: dg.DagsterInstance | None = None, **config) -> dg.ExecuteInJobResult:
    run_config = {"ops": {REPORT.node_def.name: {"config": {**RAG_CONFIG, **config}}}}
    return dg.materialize([REPORT], resources=res, instance=instance, run_config=run_config, raise_on_error=False)
