#!/usr/bin/env python
"""The model lifecycle on the sample corpus, with the project's own jobs: what the README's comparison table shows.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/lifecycle.py --patients 40

`ingest_job` for every partition of a generated corpus, stand-in QA pairs (the sample generator's questions; the
passage's first words as the reference answer: the bundled CPU LLM would take hours for QA generation), then
`training_job`, `ir_evaluation_job` and `rag_evaluation_job` for one variant, each timed. Prints the retrieval
comparison (MAP@100 ... with 95% bootstrap intervals and p against the base) and the RAG means. Nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--patients", type=int, default=40)
parser.add_argument("--variant", default="de_pseudonymized", choices=["de", "de_pseudonymized"])
parser.add_argument("--epochs", type=float, default=1.0)
parser.add_argument("--questions", type=int, default=40, help="judged test questions (default: %(default)s)")
parser.add_argument("--pool-depth", type=int, default=3)
parser.add_argument("--rag-questions", type=int, default=10)
ARGS = parser.parse_args()
WORKDIR = Path(tempfile.mkdtemp(prefix="miracle-bench-lifecycle-"))
os.environ.update(MIRACLE_HOME=str(WORKDIR / "home"), DAGSTER_HOME=str(WORKDIR / "home" / "dagster"), MIRACLE_AUTOMATION="off")
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.pop("MIRACLE_SOURCE_DIR", None)  # the sample corpus written below

import dagster as dg  # noqa: E402

from miracle_dagster.core import settings, training  # noqa: E402
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source  # noqa: E402
from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs  # noqa: E402
from miracle_dagster.partitions import partition_key  # noqa: E402
from miracle_dagster.resources.storage import partition_file  # noqa: E402

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _meta(result, asset: str) -> dict:
    events = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(asset)]
    return {k: v.value for k, v in events[-1].materialization.metadata.items()}


def timed(label: str, run):
    started = time.perf_counter()
    result = run()
    print(f"{label}: {time.perf_counter() - started:.0f} s, {'ok' if result.success else 'FAILED'}", flush=True)
    return result


def main() -> None:
    corpus = generate_corpus(ARGS.patients, seed=42)
    write_sample_source(settings.sample_source_dir(), corpus)
    from miracle_dagster.definitions import defs

    instance = dg.DagsterInstance.ephemeral()
    partitions = sorted({p.relative_to(settings.sample_source_dir()).parts for p in settings.sample_source_dir().glob("*/[0-9]*")})
    ingest = defs.resolve_job_def("ingest_job")
    timed(f"ingest_job x {len(partitions)} partitions", lambda: _all(ingest, instance, partitions))
    qa_name, passages_name = training.VARIANT_INPUTS[ARGS.variant]
    for specialty, year in partitions:  # stand-in QA pairs with the passage's first words as the reference answer
        passages = _read(passages_name, specialty, year)
        if passages is not None:
            qa = stand_in_qa_pairs(passages)
            qa["answer"] = qa["passage_id"].map(passages.set_index("passage_id")["text"].map(lambda t: " ".join(t.split()[:12])))
            file = partition_file(settings.miracle_home() / "assets", qa_name, specialty, year)
            file.parent.mkdir(parents=True, exist_ok=True)
            qa.to_parquet(file, index=False)
    train = {"ops": {"finetuned_model": {"config": {"epochs": ARGS.epochs, "batch_size": 16, "mini_batch_size": 16}}}}
    trained = timed(
        "training_job",
        lambda: defs.resolve_job_def("training_job").execute_in_process(
            partition_key=ARGS.variant, instance=instance, run_config={**QUIET, **train}
        ),
    )
    meta = _meta(trained, "training_pairs")
    print(f"  pairs {meta['pairs']}, patients {meta['patients']}\n{meta['by_split']}")
    judge = {"ops": {"relevance_judgments": {"config": {"max_questions": ARGS.questions, "pool_depth": ARGS.pool_depth}}}}
    judged = timed(
        "ir_evaluation_job",
        lambda: defs.resolve_job_def("ir_evaluation_job").execute_in_process(
            partition_key=ARGS.variant, instance=instance, run_config={**QUIET, **judge}
        ),
    )
    report = _meta(judged, "ir_eval_report")
    print(f"  questions {report['questions']}, judged pairs {report['judged_pairs']}, mean relevant {report['mean_relevant_per_question']}")
    print(report["comparison"])
    rag = {"ops": {"rag_eval_report": {"config": {"max_questions": ARGS.rag_questions, "top_k": 3, "max_answer_tokens": 48}}}}
    answered = timed(
        "rag_evaluation_job",
        lambda: defs.resolve_job_def("rag_evaluation_job").execute_in_process(
            partition_key=ARGS.variant, instance=instance, run_config={**QUIET, **rag}
        ),
    )
    print(_meta(answered, "rag_eval_report")["metrics"])


def _all(job, instance, partitions):
    results = [
        job.execute_in_process(partition_key=str(partition_key(s, y)), instance=instance, run_config=QUIET, raise_on_error=False)
        for s, y in partitions
    ]
    return next((r for r in results if not r.success), results[-1])


def _read(asset: str, specialty: str, year: str):
    import pandas as pd

    file = partition_file(settings.miracle_home() / "assets", asset, specialty, year)
    return pd.read_parquet(file) if file.exists() else None


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
