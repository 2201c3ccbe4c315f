#!/usr/bin/env python
"""Training throughput of the `finetuned_model` asset against a bare SentenceTransformerTrainer on the same pairs.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/training.py --patients 24 --steps 10

A sample corpus is ingested and pseudonymized (one partition), stand-in QA pairs are written as
`pseudonymized_qa_pairs`, and `training_pairs[de_pseudonymized]` is materialized (mining included, not part of the
ratio). Then, in alternating order per round: *asset* = `dg.materialize(finetuned_model)` end to end (model load,
base and dev evaluation, checkpoints, model card, registry); *bare* = `SentenceTransformerTrainer.train()` with the
same model, rows (anchor, positive, negative), loss (CachedMultipleNegativesRankingLoss), batch size, prompts and
steps, and nothing else. Pairs/s = steps x batch size / wall seconds. Nothing asserts; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--patients", type=int, default=24)
parser.add_argument("--pairs", type=int, default=400, help="stand-in QA pairs at most (default: %(default)s)")
parser.add_argument("--steps", type=int, default=10)
parser.add_argument("--batch-size", type=int, default=16)
parser.add_argument("--max-seq-length", type=int, default=128)
parser.add_argument("--rounds", type=int, default=2)
ARGS = parser.parse_args()
WORKDIR = Path(tempfile.mkdtemp(prefix="miracle-bench-training-"))
os.environ["MIRACLE_HOME"] = str(WORKDIR / "home")
os.environ["DAGSTER_HOME"] = str(WORKDIR / "home" / "dagster")
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.pop("MIRACLE_SOURCE_DIR", None)  # the sample corpus written below
# The model's one token limit (passages, mining, training): its registry entry.
os.environ["MIRACLE_MODELS"] = '{"multilingual-e5-small": {"max_seq_length": %d}}' % ARGS.max_seq_length

import dagster as dg  # noqa: E402

from miracle_dagster.assets import finetuned_model, ingest_assets, pseudonymized_sections, training_pairs  # noqa: E402
from miracle_dagster.core import models, settings  # noqa: E402
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source  # noqa: E402
from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs  # noqa: E402
from miracle_dagster.core.training.train import train_datasets  # noqa: E402
from miracle_dagster.partitions import partition_key  # noqa: E402
from miracle_dagster.resources import build_resources  # noqa: E402
from miracle_dagster.resources.storage import partition_file  # noqa: E402

VARIANT, SPECIALTY, YEAR = "de_pseudonymized", "internal_medicine", "2021"


def prepare(resources) -> None:
    write_sample_source(settings.sample_source_dir(), generate_corpus(ARGS.patients, 5, specialties=[SPECIALTY], years=[YEAR]))
    done = dg.materialize([*ingest_assets, pseudonymized_sections], partition_key=str(partition_key(SPECIALTY, YEAR)), resources=resources)
    qa_file = partition_file(settings.miracle_home() / "assets", "pseudonymized_qa_pairs", SPECIALTY, YEAR)
    qa_file.parent.mkdir(parents=True, exist_ok=True)
    stand_in_qa_pairs(done.output_for_node("pseudonymized_sections"), limit=ARGS.pairs).to_parquet(qa_file, index=False)


def run_asset(resources, seed: int) -> float:
    config = {
        "max_steps": ARGS.steps,
        "batch_size": ARGS.batch_size,
        "mini_batch_size": ARGS.batch_size,
        "eval_steps": ARGS.steps,
        "seed": seed,
    }
    started = time.perf_counter()
    dg.materialize(
        [training_pairs, finetuned_model],
        selection=[finetuned_model],
        partition_key=VARIANT,
        resources=resources,
        run_config=dg.RunConfig(ops={"finetuned_model": {"config": config}}),
    )
    return time.perf_counter() - started


def run_bare(spec, pairs, seed: int) -> float:
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments, losses
    from sentence_transformers.training_args import BatchSamplers

    model = models.load_sentence_transformer(spec, settings.models_dir())
    dataset = train_datasets(pairs)
    args = SentenceTransformerTrainingArguments(
        output_dir=str(WORKDIR / f"bare-{seed}"),
        max_steps=ARGS.steps,
        per_device_train_batch_size=ARGS.batch_size,
        seed=seed,
        prompts={"anchor": spec.query_prompt, "positive": spec.passage_prompt, "negative_1": spec.passage_prompt},
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=args,
        train_dataset=dataset["hard_negatives"],
        loss=losses.CachedMultipleNegativesRankingLoss(model, mini_batch_size=ARGS.batch_size),
    )
    started = time.perf_counter()
    trainer.train()
    return time.perf_counter() - started


def main() -> None:
    resources = build_resources()
    prepare(resources)
    started = time.perf_counter()
    mined = dg.materialize([training_pairs], partition_key=VARIANT, resources=resources)
    pairs = mined.output_for_node("training_pairs")
    print(f"training_pairs: {len(pairs)} pairs ({(pairs['split'] == 'train').sum()} train) in {time.perf_counter() - started:.1f}s")
    spec = resources["embedder"].spec()
    times = {"asset": [], "bare": []}
    for round_ in range(ARGS.rounds):
        order = ("asset", "bare") if round_ % 2 == 0 else ("bare", "asset")
        for variant in order:
            seconds = run_asset(resources, round_) if variant == "asset" else run_bare(spec, pairs, round_)
            times[variant].append(seconds)
            print(f"  round {round_ + 1} {variant:<5} {ARGS.steps * ARGS.batch_size / seconds:6.2f} pairs/s ({seconds:.1f}s)")
    rate = {k: ARGS.steps * ARGS.batch_size / statistics.median(v) for k, v in times.items()}
    print(f"median pairs/s: asset {rate['asset']:.2f}, bare trainer {rate['bare']:.2f}, ratio {rate['asset'] / rate['bare']:.2f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
