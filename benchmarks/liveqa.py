#!/usr/bin/env python
"""Does fine-tuning on generated questions help on questions real people wrote? TREC 2017 LiveQA-Med, base vs fine-tuned.

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/liveqa.py --answers 20

1. Loads LiveQA-Med (NLM summaries as questions, grade >= 2 relevant) over the judged answers plus `--distractors`
   MedQuAD answers, from `--data` (default ../shared/data; never copied).
2. Base numbers: every `--baseline` model on the full set (MAP@100, NDCG@10, MRR@10, R@10). For the last one, also
   the time of `ir.evaluate` against a bare InformationRetrievalEvaluator call on the same model (ratio; ~1 expected).
3. Generates English QA pairs with the LLM resource (core/qa, language `en`) from `--answers` answers of the
   corpus (a seeded sample; the LiveQA questions are never shown to the LLM), fine-tunes the base model on them with
   core/training, and prints base vs fine-tuned and the ratio. Nothing asserts; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--data", default=str(PROJECT.parent / "shared" / "data"))
parser.add_argument("--answers", type=int, default=20, help="answers to generate questions from (~20-40 s each on 2 CPU cores)")
parser.add_argument("--questions", type=int, default=2, help="questions per answer")
parser.add_argument("--distractors", type=int, default=0, help="MedQuAD answers added to the corpus (-1: all 16k)")
parser.add_argument("--baseline", action="append", help="models to report on the full set (default e5-small and MiniLM)")
parser.add_argument("--base-model", default="multilingual-e5-small")
parser.add_argument("--epochs", type=float, default=3.0)
parser.add_argument("--batch-size", type=int, default=16)
parser.add_argument("--max-seq-length", type=int, default=256)
parser.add_argument("--seed", type=int, default=0)
ARGS = parser.parse_args()
WORKDIR = Path(tempfile.mkdtemp(prefix="miracle-bench-liveqa-"))
os.environ["MIRACLE_HOME"] = str(WORKDIR / "home")
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pandas as pd  # noqa: E402

from miracle_dagster.core import qa  # noqa: E402
from miracle_dagster.core.evaluation import ir, public_data  # noqa: E402
from miracle_dagster.core.training import TrainConfig, train  # noqa: E402
from miracle_dagster.resources import build_embedder, build_llm  # noqa: E402

COLUMNS = ("map@100", "ndcg@10", "mrr@10", "recall@10")


def scores(model, data: ir.IRSet, name: str, prompts) -> pd.Series:
    with ir.max_length(model, ARGS.max_seq_length):
        return ir.overall(ir.evaluate(model, data, name, prompts, public_data.MIN_GRADE), COLUMNS).iloc[0]


def timing(model, data: ir.IRSet, prompts) -> tuple[float, float]:
    """Seconds of ir.evaluate (overall only) and of the bare evaluator on the same model and data."""
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    with ir.max_length(model, ARGS.max_seq_length):
        started = time.perf_counter()
        ir.evaluate(model, data, "ours", prompts, public_data.MIN_GRADE)
        ours = time.perf_counter() - started
        bare = InformationRetrievalEvaluator(
            data.queries,
            data.corpus,
            data.relevant(public_data.MIN_GRADE),
            map_at_k=[100],
            query_prompt=prompts[0],
            corpus_prompt=prompts[1],
            write_csv=False,
        )
        started = time.perf_counter()
        bare(model)
        return ours, time.perf_counter() - started


def generated_pairs(data: ir.IRSet, embedder) -> pd.DataFrame:
    ids = random.Random(ARGS.seed).sample(sorted(data.corpus), min(ARGS.answers, len(data.corpus)))
    sections = [{"passage_id": i, "text": data.corpus[i][:1500], "language": "en"} for i in ids]
    client = build_llm().client()
    started = time.perf_counter()
    result = qa.generate_qa(
        sections,
        client,
        qa.QAConfig(language="en", questions_per_section=ARGS.questions, min_section_tokens=0),
        encode_queries=embedder.encoder(ARGS.base_model, "query"),
        encode_passages=embedder.encoder(ARGS.base_model),
    )
    print(
        f"generated from {len(ids)} answers in {time.perf_counter() - started:.0f}s: {len(result.kept)} pairs kept, "
        f"rejected {dict(result.rejected_by_reason)}; {client.usage.tokens_out} tokens at {client.usage.tokens_per_s:.1f}/s"
    )
    kept = result.kept
    return pd.DataFrame(
        {
            "query": kept["question"],
            "positive": kept["passage_id"].map(data.corpus),
            "pair_id": kept["pair_id"],
            "passage_id": kept["passage_id"],
            "split": "train",
            "negatives": [[] for _ in range(len(kept))],
        }
    )


def main() -> None:
    from miracle_dagster.core import models

    loaded = public_data.load_liveqa(Path(ARGS.data), ARGS.distractors, seed=ARGS.seed)
    data = loaded.data
    print(f"LiveQA-Med: {loaded.stats}")
    embedder = build_embedder()
    table = {}
    names = ARGS.baseline or [ARGS.base_model, "all-MiniLM-L6-v2"]
    for name in names:
        model = embedder.sentence_transformer(name)
        prompts = ir.model_prompts(model, embedder.spec(name))
        started = time.perf_counter()
        table[name] = scores(model, data, name, prompts)
        print(f"  {name}: {table[name].round(4).to_dict()} in {time.perf_counter() - started:.0f}s")
        if name == names[-1]:  # the cheapest to run twice more, by default
            ours, bare = timing(model, data, prompts)
            print(f"  ir.evaluate {ours:.1f}s vs bare InformationRetrievalEvaluator {bare:.1f}s: ratio (bare / ours) {bare / ours:.2f}")
    pairs = generated_pairs(data, embedder)
    spec = embedder.spec(ARGS.base_model)
    if len(pairs):
        model = models.load_sentence_transformer(spec, Path(embedder.models_dir))
        model.max_seq_length = ARGS.max_seq_length  # the length it is evaluated at below
        config = TrainConfig(
            epochs=ARGS.epochs,
            batch_size=min(ARGS.batch_size, len(pairs)),
            mini_batch_size=8,
            learning_rate=5e-5,
            logging_steps=5,
            seed=ARGS.seed,
        )
        result = train(model, pairs, WORKDIR / "finetuned", config, spec.query_prompt or None, spec.passage_prompt or None)
        print(f"fine-tuned on {len(pairs)} pairs: {result.steps} steps in {result.train_seconds:.0f}s")
        table[f"finetuned {ARGS.base_model}"] = scores(model, data, "finetuned", (spec.query_prompt or None, spec.passage_prompt or None))
    frame = pd.DataFrame(table).T
    print(frame.round(4).to_string())
    if len(frame) > 1 and f"finetuned {ARGS.base_model}" in frame.index:
        print("ratio fine-tuned / base:", (frame.loc[f"finetuned {ARGS.base_model}"] / frame.loc[ARGS.base_model]).round(3).to_dict())


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
