#!/usr/bin/env python
"""Does the ICD reranker find more codes than the bi-encoder it reranks? R@1/R@5/MRR on held-out phrasings.

    PYTHONPATH=. .venv/bin/python benchmarks/icd_rerank.py --split-by phrasing --biencoder finetuned

Phrasings: ICD-10-CM's own inclusion terms of `--chapter` (written by coders; no LLM), split like `icd_biencoder`
by phrasing or by code (seed 0, dev 0.15, test 0.25). Bi-encoder: the bundled `--model` as is, or fine-tuned on the
train phrasings with the project's trainer. Reranker: `core/icd/train.py` on the bi-encoder's top candidates of the
train phrasings, starting from the bi-encoder (`--init biencoder`, the asset's default) or the base model; fusion
weight chosen on dev. The same steps as `icd_biencoder` / `icd_reranker` / `icd_eval_report`, without Dagster.
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
parser.add_argument("--model", default="all-MiniLM-L6-v2")
parser.add_argument("--chapter", default="09")
parser.add_argument("--split-by", choices=("phrasing", "code"), default="phrasing")
parser.add_argument("--biencoder", choices=("base", "finetuned"), default="finetuned")
parser.add_argument("--init", choices=("biencoder", "base"), default="biencoder")
parser.add_argument("--epochs", type=float, default=3.0)
parser.add_argument("--negatives", type=int, default=1, help="hard negatives per phrasing (bi-encoder's top wrong codes)")
parser.add_argument("--in-batch", type=int, default=1)
parser.add_argument("--learning-rate", type=float, default=3e-4)
parser.add_argument("--max-length", type=int, default=32)
parser.add_argument("--rerank-top-n", type=int, default=20)
ARGS = parser.parse_args()
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sentence_transformers import SentenceTransformer  # noqa: E402

from miracle_dagster.core import models, training  # noqa: E402
from miracle_dagster.core.icd import catalog, metrics  # noqa: E402
from miracle_dagster.core.icd import train as icd_train  # noqa: E402
from miracle_dagster.core.icd.search import CodeIndex  # noqa: E402
from miracle_dagster.resources import build_embedder  # noqa: E402


def scores(index, pairs, reranker=None, weight=None) -> dict:
    summary = metrics.search_summary(index, pairs["query"], pairs["code"], pairs["language"], 10, reranker, ARGS.rerank_top_n, weight)
    row = summary.set_index("language").loc["all"]
    return {k: round(float(row[k]), 3) for k in ("R@1", "R@5", "MRR")}


started = time.perf_counter()
work = Path(tempfile.mkdtemp(prefix="icd-rerank-"))
embedder = build_embedder()
spec = embedder.spec(ARGS.model)
frame = catalog.select(catalog.load("icd10cm"), catalog.Selection("icd10cm", chapters=(ARGS.chapter,)))
pairs = icd_train.biencoder_pairs(catalog.inclusion_term_phrasings(frame), frame, ARGS.split_by, 0, 0.15, 0.25)
dev, test = pairs[pairs["split"] == "dev"], pairs[pairs["split"] == "test"]
print(
    f"ICD-10-CM chapter {ARGS.chapter}: {len(frame)} codes; phrasings by split {pairs['split'].value_counts().to_dict()}, split by {ARGS.split_by}"
)
bi_dir = Path(embedder.provision(spec.name))
if ARGS.biencoder == "finetuned":
    config = training.TrainConfig(epochs=1, batch_size=32, mini_batch_size=32, learning_rate=5e-5)
    model = models.load_sentence_transformer(spec, Path(embedder.models_dir))
    model.max_seq_length = 64  # phrasings and code titles are short
    result = training.train(model, pairs, work / "bi", config, spec.query_prompt or None, spec.passage_prompt or None)
    bi_dir = result.model_dir
    print(f"bi-encoder fine-tuned: {result.steps} steps, {result.train_seconds:.0f} s")
index = CodeIndex(frame, SentenceTransformer(str(bi_dir), local_files_only=True), spec.query_prompt, spec.passage_prompt)
examples = icd_train.reranker_examples(pairs[pairs["split"] == "train"], index, 10, ARGS.negatives)
config = icd_train.RerankConfig(
    epochs=ARGS.epochs, batch_size=16, learning_rate=ARGS.learning_rate, max_length=ARGS.max_length, in_batch_negatives=ARGS.in_batch
)
init = bi_dir if ARGS.init == "biencoder" else Path(embedder.provision(spec.name))
result = icd_train.train_reranker(init, examples, work / "reranker", config)
reranker = icd_train.load_cross_encoder(result.model_dir, ARGS.max_length)
losses = f", loss {result.losses[0]['loss']:.2f} -> {result.losses[-1]['loss']:.2f}" if result.losses else ""  # logged every 10 steps
print(f"reranker from {ARGS.init}: {len(examples)} examples, {result.steps} steps, {result.train_seconds:.0f} s{losses}")
weight, table = icd_train.choose_rerank_weight(index, reranker, dev, ARGS.rerank_top_n)
print(f"fusion weight {weight} (dev R@5 by weight: {dict(zip(table['weight'], table['R@5'].round(3)))})")
print(f"{'held-out test, ' + str(len(test)) + ' phrasings':<34} {'R@1':>6} {'R@5':>6} {'MRR':>6}")
for label, rr, w in (
    (f"{ARGS.biencoder} bi-encoder", None, None),
    ("reranker alone", reranker, None),
    (f"fused (w={weight})", reranker, weight),
):
    s = scores(index, test, rr, w)
    print(f"{label:<34} {s['R@1']:>6} {s['R@5']:>6} {s['MRR']:>6}")
print(f"{time.perf_counter() - started:.0f} s")
shutil.rmtree(work, ignore_errors=True)
