#!/usr/bin/env python
"""The default ICD-10-GM model on held-out terms: base on titles, base on enriched text, fine-tuned on public terms.

    PYTHONPATH=. .venv/bin/python benchmarks/icd_default.py [--max-steps 100] [--terms-file de_terms.jsonl]

The same steps as `miracle icd-train` and icd_default_eval_report, without Dagster: public terms (core/icd/public_terms.py)
split by a keyed hash of the term, training with the defaults of core/icd/default_model.py, then R@1/5/10, MRR and
three-character accuracy with 95% bootstrap intervals of R@5 over the queries, and a paired randomization test of the
fine-tuned against the base model on the same enriched index. Held out: ICD-10-CM inclusion terms (English) and
CodiEsp dev mentions (Spanish), neither trained on nor indexed; `--terms-file` adds your own phrasings
(JSONL {"code", "text", "lang"}), e.g. German ones. `--model DIR` evaluates a trained model instead of training.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--max-steps", type=int, default=None, help="default: DefaultModelConfig.max_steps")
parser.add_argument("--max-per-source", type=int, default=600)
parser.add_argument("--terms-file", default="")
parser.add_argument("--model", default="", help="a trained default model folder (with index_text.parquet): skip training")
parser.add_argument("--cache", default=str(PROJECT / ".miracle" / "cache" / "icd_embeddings"))
ARGS = parser.parse_args()
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import dataclasses  # noqa: E402

import pandas as pd  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

from miracle_dagster.core import models  # noqa: E402
from miracle_dagster.core.evaluation.significance import paired_randomization_test  # noqa: E402
from miracle_dagster.core.icd import default_model  # noqa: E402
from miracle_dagster.core.icd.defaults import DefaultModelConfig, TermsConfig  # noqa: E402
from miracle_dagster.core.icd.search import CodeIndex, with_index_text  # noqa: E402
from miracle_dagster.resources import build_embedder  # noqa: E402

started = time.perf_counter()
config = DefaultModelConfig()
if ARGS.max_steps:
    config = dataclasses.replace(config, max_steps=ARGS.max_steps)
embedder = build_embedder()
spec = embedder.spec()
gm, terms, _ = default_model.load_sources(TermsConfig())
if ARGS.model:
    model_dir, train_seconds = Path(ARGS.model), float("nan")
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
else:
    model = models.load_sentence_transformer(spec, Path(embedder.models_dir))
    result, _, _ = default_model.train(model, spec, gm, terms.terms, Path(tempfile.mkdtemp(prefix="icd-default-")), config)
    model_dir, train_seconds = result.model_dir, result.train_seconds
texts = pd.read_parquet(model_dir / default_model.INDEX_TEXT_FILE).set_index("code")["index_text"]
queries = default_model.held_out(terms.terms, ARGS.max_per_source)
if ARGS.terms_file:
    own = pd.read_json(ARGS.terms_file, lines=True).rename(columns={"lang": "language"}).assign(source=Path(ARGS.terms_file).stem)
    queries = pd.concat([queries, own[list(queries.columns)]], ignore_index=True)
titles = gm[gm["terminal"]].reset_index(drop=True)
enriched = with_index_text(titles, texts)
base = embedder.sentence_transformer(spec.name)
version = embedder.version(spec.name)
indexing = time.perf_counter()
indexes = {
    "base, titles": CodeIndex(titles, base, spec.query_prompt, spec.passage_prompt, Path(ARGS.cache), f"{spec.name}:{version}"),
    "base, enriched": CodeIndex(enriched, base, spec.query_prompt, spec.passage_prompt, Path(ARGS.cache), f"{spec.name}:{version}"),
    "fine-tuned, enriched": CodeIndex(enriched, model, spec.query_prompt, spec.passage_prompt, Path(ARGS.cache), f"ft:{model_dir}"),
}
indexing = time.perf_counter() - indexing
report, ranks = default_model.evaluate(indexes, queries)
hit5 = ranks.assign(hit=(ranks["rank"] > 0) & (ranks["rank"] <= 5))
pivot = hit5.pivot_table(index=["source", "text", "code"], columns="model", values="hit", aggfunc="first").reset_index()
p_values = {
    source: paired_randomization_test(group["fine-tuned, enriched"].astype(float), group["base, enriched"].astype(float))
    for source, group in pivot.groupby("source")
}
table = report[report["language"] == "all"].drop(columns="language").round(3)
print(f"\n{spec.name}, {config.max_steps} steps of {config.batch_size}: trained in {train_seconds:.0f} s; 3 indexes in {indexing:.0f} s")
print(table.to_markdown(index=False))
print("\npaired randomization test of R@5, fine-tuned vs base (both on enriched text):")
for source, p in p_values.items():
    print(f"  {source}: p = {p:.4f}")
print(f"\ntotal {time.perf_counter() - started:.0f} s")
