#!/usr/bin/env python
"""Does fine-tuning help on questions real people wrote? TREC 2017 LiveQA-Med with MedQuAD distractors: the study's
baselines, and the bundled base against itself fine-tuned, over seeds, with 95% intervals.

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/liveqa.py --pairs human --seeds 0 1 2
    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/liveqa.py --pairs generated --passages 300 --cache ~/.cache/miracle-liveqa

1. Evaluation set: LiveQA-Med (NLM summaries, grade >= 2 relevant) over the judged answers plus `--distractors`
   MedQuAD answers (core/evaluation/public_data.py; read from `--data`, never copied).
2. Training pairs, all from MedQuAD answers that are *not* in the evaluation corpus (LiveQA questions are never used):
   - `human`: MedQuAD's own questions with their answers (`--train` + `--dev`).
   - `generated`: the LLM resource writes queries for `--passages` answers with benchmarks/prompts/consumer_queries.json
     (a patient's question, a keyword search, a statement). Completions are cached in `--cache`, so a re-run
     generates nothing; a vLLM server (MIRACLE_LLM_BACKEND=openai) does the same requests in batches.
   The pairs are written as the JSONL `miracle finetune` reads and trained by its core (core/training/finetune.py):
   dev split by passage, guarded hard negatives, the best dev checkpoint. Steps and learning rate come from the
   command line and the dev split, never from the LiveQA questions.
3. The table: each `--baseline` (a missing model is skipped with the reason), BM25, and the fine-tuned base per seed
   and averaged over seeds (each question's values averaged over seeds). MAP@100, NDCG@10, MRR@10, R@100 with 95%
   bootstrap intervals over questions; the fine-tuned mean's gain over the base with its interval and the paired
   randomization p-value; seconds per row. Nothing asserts; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import replace
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--data", default=str(PROJECT.parent / "shared" / "data"))
parser.add_argument("--pairs", choices=("human", "generated"), default="human")
parser.add_argument("--train", type=int, default=640, help="human: training pairs")
parser.add_argument("--dev", type=int, default=200, help="human: dev pairs")
parser.add_argument("--passages", type=int, default=300, help="generated: answers to write queries for (15-40 s each on 2 CPU cores)")
parser.add_argument("--distractors", type=int, default=1500, help="MedQuAD answers added to the evaluation corpus (-1: all)")
parser.add_argument("--baseline", action="append", help="models in the table (default: the bundled two and the study's two)")
parser.add_argument("--base-model", default="multilingual-e5-small")
parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
parser.add_argument("--epochs", type=float, default=1.0)
parser.add_argument("--max-steps", type=int, default=-1)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--learning-rate", type=float, default=5e-5)
parser.add_argument("--negatives", type=int, default=1, help="hard negatives mined per pair (0: in-batch only)")
parser.add_argument(
    "--loss", choices=("cmnrl", "gist"), default="cmnrl", help="gist: a frozen copy of the base vetoes false in-batch negatives"
)
parser.add_argument("--eval-steps", type=int, default=0, help="dev evaluations (0: once per epoch); the best is kept")
parser.add_argument("--max-seq-length", type=int, default=256)
parser.add_argument("--work", default=str(PROJECT / ".miracle" / "bench-liveqa"), help="pairs, models and rankings; reused")
parser.add_argument("--cache", default="", help="generated: LLM completion cache folder (default: under --work)")
parser.add_argument("--out", default="", help="also write the table as CSV here")
parser.add_argument("--timing", action="store_true", help="also time ir.evaluate against a bare InformationRetrievalEvaluator")
ARGS = parser.parse_args()
WORK = Path(ARGS.work).expanduser()
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pandas as pd  # noqa: E402

from miracle_dagster.cli.evaluate import load_model  # noqa: E402
from miracle_dagster.core import models, settings  # noqa: E402
from miracle_dagster.core.evaluation import bm25, ir, public_data, significance  # noqa: E402
from miracle_dagster.core.text import normalized  # noqa: E402
from miracle_dagster.core.training.finetune import FinetuneConfig, finetune  # noqa: E402

REPORTED = ("map@100", "ndcg@10", "mrr@10", "recall@100")
STUDY_BASELINES = ("multilingual-e5-large", "bge-m3")


def training_rows(corpus: dict[str, str]) -> list[dict]:
    """MedQuAD pairs whose answer is not in the evaluation corpus, shuffled by the first seed."""
    held = {normalized(t) for t in corpus.values()}
    rows = [r for r in public_data.medquad_pairs(Path(ARGS.data)) if normalized(r["answer"]) not in held]
    random.Random(ARGS.seeds[0]).shuffle(rows)
    return rows


def human_pairs(rows: list[dict]) -> tuple[list[dict], float]:
    chosen = rows[: ARGS.train + ARGS.dev]
    return [{"query": r["question"], "positive": r["answer"].strip()} for r in chosen], ARGS.dev / (ARGS.train + ARGS.dev)


def generated_pairs(rows: list[dict]) -> tuple[list[dict], float]:
    from miracle_dagster.core import qa
    from miracle_dagster.resources import build_embedder, build_llm

    cache = Path(ARGS.cache or WORK / "llm-cache").expanduser()
    client = build_llm(cache_dir=str(cache)).client()
    passages = {f"p{i}": r["answer"].strip() for i, r in enumerate(rows[: ARGS.passages])}
    config = qa.QAConfig(
        language="en",
        questions_per_section=3,
        min_section_tokens=0,
        prompts_file=str(PROJECT / "benchmarks" / "prompts" / "consumer_queries.json"),
        min_answer_support=0.0,  # a keyword query or a statement points at a passage, not at an answer span
        questions_only=False,
    )
    embedder = build_embedder()
    started = time.perf_counter()
    sections = [{"passage_id": i, "text": t[:1500], "language": "en"} for i, t in passages.items()]  # the prompt's share of 2,048
    encoders = embedder.encoder(ARGS.base_model, "query"), embedder.encoder(ARGS.base_model)  # the round trip: own passage in the top 3
    result = qa.generate_qa(sections, client, config, *encoders)
    print(
        f"generated from {len(passages)} answers in {time.perf_counter() - started:.0f}s: {len(result.kept)} queries kept, "
        f"rejected {dict(result.rejected_by_reason)}; {client.usage.as_metadata()}"
    )
    return [{"query": q, "positive": passages[p]} for q, p in zip(result.kept["question"], result.kept["passage_id"])], 0.15


def trained(pairs_file: Path, dev_fraction: float, seed: int) -> Path:
    recipe = f"lr{ARGS.learning_rate}-e{ARGS.epochs}-s{ARGS.max_steps}-n{ARGS.negatives}-{ARGS.loss}"
    out = WORK / "models" / f"{pairs_file.stem}-{recipe}-seed{seed}"
    if (out / "config_sentence_transformers.json").is_file():
        return out
    defaults = FinetuneConfig()
    train = replace(
        defaults.train,
        epochs=ARGS.epochs,
        max_steps=ARGS.max_steps,
        batch_size=ARGS.batch_size,
        learning_rate=ARGS.learning_rate,
        eval_steps=ARGS.eval_steps,
        seed=seed,
        loss=ARGS.loss,
    )
    mining = replace(defaults.mining, negatives=ARGS.negatives)
    config = replace(defaults, train=train, mining=mining, dev_fraction=dev_fraction, max_seq_length=ARGS.max_seq_length)
    report = finetune(ARGS.base_model, pairs_file, out, config, settings.models_dir())
    print(
        f"  seed {seed}: {report.steps} steps in {report.train_seconds:.0f}s; dev {report.dev_before} -> {report.dev_after}; "
        f"negatives {report.negatives_mined}, guarded away {report.negatives_removed_by_guard}"
    )
    return out


def ranked(name: str, model_ref: str, data: ir.IRSet, relevant) -> tuple[pd.DataFrame, float]:
    """Per-question metrics of a model (a registry name or folder) or BM25, and the seconds it took; cached on disk."""
    cached = WORK / "rankings" / f"{ARGS.distractors}-{ARGS.max_seq_length}-{Path(model_ref).name}.json"
    if cached.is_file():
        saved = json.loads(cached.read_text())
        return ir.per_query(saved["ranking"], relevant), saved["seconds"]
    started = time.perf_counter()
    queries = {q: data.queries[q] for q in relevant}
    if name == bm25.BM25:
        ranking = bm25.rank_bm25(queries, data.corpus, "en", ir.DEPTH)
    else:
        model, prompts = load_model(model_ref)
        with ir.max_length(model, ARGS.max_seq_length):
            ranking = ir.rank(model, queries, data.corpus, ir.DEPTH, prompts)
    seconds = time.perf_counter() - started
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"ranking": ranking, "seconds": seconds}))
    return ir.per_query(ranking, relevant), seconds


def timing(data: ir.IRSet) -> None:
    """Seconds of ir.evaluate (the code behind ir_eval_report and `miracle ir-eval`) and of the bare evaluator, base model."""
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    model, prompts = load_model(ARGS.base_model)
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
        seconds = time.perf_counter() - started
    print(f"ir.evaluate {ours:.1f}s vs bare InformationRetrievalEvaluator {seconds:.1f}s: ratio (bare / ours) {seconds / ours:.2f}")


def main() -> None:
    loaded = public_data.load_liveqa(Path(ARGS.data), ARGS.distractors, seed=0)
    data, relevant = loaded.data, loaded.data.relevant(public_data.MIN_GRADE)
    print(f"LiveQA-Med: {loaded.stats}")
    if ARGS.timing:
        timing(data)
    values, seconds = {}, {}
    for name in [*(ARGS.baseline or [ARGS.base_model, "all-MiniLM-L6-v2", *STUDY_BASELINES]), bm25.BM25]:
        try:
            values[name], seconds[name] = ranked(name, name, data, relevant)
        except (OSError, models.ModelProvisioningError) as error:  # the study's models need their weights
            print(f"  {name}: skipped, its weights are not on this machine ({str(error).splitlines()[0][:120]})")
    rows = training_rows(data.corpus)
    pairs, dev_fraction = human_pairs(rows) if ARGS.pairs == "human" else generated_pairs(rows)
    pairs_file = WORK / f"{ARGS.pairs}-{len(pairs)}.jsonl"
    pairs_file.parent.mkdir(parents=True, exist_ok=True)
    pairs_file.write_text("".join(json.dumps(p) + "\n" for p in pairs))
    print(f"{len(pairs)} {ARGS.pairs} pairs -> {pairs_file}")
    tuned = []
    for seed in ARGS.seeds:
        folder = trained(pairs_file, dev_fraction, seed)
        name = f"fine-tuned seed {seed}"
        values[name], seconds[name] = ranked(name, str(folder), data, relevant)
        tuned.append(name)
    mean = f"fine-tuned, mean of {len(tuned)} seeds"
    values[mean] = sum(values[n] for n in tuned) / len(tuned)
    table = significance.compare(values, ARGS.base_model, REPORTED)
    wide = table.pivot_table(index="model", columns="metric", values=["mean", "ci_low", "ci_high"], sort=False)
    out = pd.DataFrame(
        {
            m: [f"{wide.loc[i, ('mean', m)]:.3f} [{wide.loc[i, ('ci_low', m)]:.3f}, {wide.loc[i, ('ci_high', m)]:.3f}]" for i in wide.index]
            for m in REPORTED
        },
        index=wide.index,
    )
    out["seconds"] = [round(seconds.get(i, sum(seconds[n] for n in tuned) / len(tuned))) for i in out.index]
    print(out.to_string())
    base, gain = values[ARGS.base_model]["map@100"], values[mean]["map@100"] - values[ARGS.base_model]["map@100"]
    low, high = significance.bootstrap_ci(gain.to_numpy())
    p = table.set_index(["model", "metric"]).loc[(mean, "map@100"), "p_value"]
    print(
        f"MAP@100 {base.mean():.3f} -> {values[mean]['map@100'].mean():.3f}: {gain.mean() / base.mean():+.1%} relative, "
        f"difference {gain.mean():+.3f} [{low:+.3f}, {high:+.3f}], p {p:.4f} ({len(gain)} questions)"
    )
    if ARGS.out:
        table.to_csv(ARGS.out, index=False)


if __name__ == "__main__":
    main()
