#!/usr/bin/env python
"""The default ICD-10-GM model on held-out terms: base on titles, base on enriched text, fine-tuned on public terms,
and fine-tuned with its reranker.

    PYTHONPATH=. .venv/bin/python benchmarks/icd_default.py [--max-steps 100] [--rerank-steps 60] [--terms-file de_terms.jsonl]

The same steps as `miracle icd-train` and icd_default_eval_report, without Dagster: public terms (core/icd/public_terms.py)
split by a keyed hash of the term, training with the defaults of core/icd/default_model.py, then R@1/5/10, MRR and
three-character accuracy with 95% bootstrap intervals of R@5 over the queries, and paired randomization tests of each
step against the one before: fine-tuned against base on the same enriched index, synonym vectors and character
n-grams fused in (core/icd/fusion.py), the reranker (core/icd/default_reranker.py) on top. The fusion weights are chosen on dev
inclusion terms. Held out: ICD-10-CM inclusion terms (English) and
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
parser.add_argument("--rerank-steps", type=int, default=None, help="default: DefaultRerankConfig.max_steps; 0: no reranker")
parser.add_argument("--max-per-source", type=int, default=600)
parser.add_argument("--terms-file", default="")
parser.add_argument("--model", default="", help="a trained default model folder (with index_text.parquet): skip training")
parser.add_argument("--reranker", default="", help="a trained reranker folder: skip its training (its weight is still chosen)")
parser.add_argument("--cache", default=str(PROJECT / ".miracle" / "cache" / "icd_embeddings"))
ARGS = parser.parse_args()
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import dataclasses  # noqa: E402

import pandas as pd  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

from miracle_dagster.core import models  # noqa: E402
from miracle_dagster.core.evaluation.significance import paired_randomization_test  # noqa: E402
from miracle_dagster.core.icd import default_model, default_reranker, public_terms  # noqa: E402
from miracle_dagster.core.icd import train as icd_train  # noqa: E402
from miracle_dagster.core.icd.defaults import DefaultModelConfig, DefaultRerankConfig, TermsConfig  # noqa: E402
from miracle_dagster.core.icd.fusion import choose_weights  # noqa: E402
from miracle_dagster.core.icd.search import CodeIndex, with_index_text  # noqa: E402
from miracle_dagster.resources import build_embedder  # noqa: E402

started = time.perf_counter()
config = DefaultModelConfig()
if ARGS.max_steps:
    config = dataclasses.replace(config, max_steps=ARGS.max_steps)
rerank_config = DefaultRerankConfig()
if ARGS.rerank_steps is not None:
    rerank_config = dataclasses.replace(rerank_config, max_steps=ARGS.rerank_steps)
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
synonyms = public_terms.index_synonyms(terms.terms, texts.index)  # what default_model.train writes beside the model
base = embedder.sentence_transformer(spec.name)
version = embedder.version(spec.name)
indexing = time.perf_counter()
indexes = {
    "base, titles": CodeIndex(titles, base, spec.query_prompt, spec.passage_prompt, Path(ARGS.cache), f"{spec.name}:{version}"),
    "base, enriched": CodeIndex(enriched, base, spec.query_prompt, spec.passage_prompt, Path(ARGS.cache), f"{spec.name}:{version}"),
    "fine-tuned, enriched": CodeIndex(
        enriched, model, spec.query_prompt, spec.passage_prompt, Path(ARGS.cache), f"ft:{model_dir}", synonyms=synonyms
    ),
}
indexing = time.perf_counter() - indexing
dev = public_terms.training_pairs(terms.terms, texts, config.per_code, 0, config.max_dev, config.seed).query("split == 'dev'")
(synonym_weight, lexical_weight), weights = choose_weights(indexes["fine-tuned, enriched"], dev)
print(
    f"\nsynonym weight {synonym_weight}, character n-gram weight {lexical_weight} (chosen on {len(dev)} dev terms)\n"
    f"{weights.round(3).to_markdown(index=False)}"
)
indexes["fine-tuned + synonyms"] = indexes["fine-tuned, enriched"].with_weights(synonym=synonym_weight)
fine_tuned = indexes["fine-tuned + synonyms + n-grams"] = indexes["fine-tuned + synonyms"].with_weights(lexical=lexical_weight)
comparisons = [
    ("fine-tuned, enriched", "base, enriched"),
    ("fine-tuned + synonyms", "fine-tuned, enriched"),
    ("fine-tuned + synonyms + n-grams", "fine-tuned + synonyms"),
]
if rerank_config.max_steps:
    if ARGS.reranker:
        rerank_dir, note = Path(ARGS.reranker), "given"
        weight, weights = icd_train.choose_rerank_weight(
            fine_tuned, icd_train.load_cross_encoder(rerank_dir, rerank_config.max_length), dev
        )
    else:
        rerank, weight, weights, examples = default_reranker.train(
            fine_tuned, model_dir, terms.terms, config, rerank_config, Path(tempfile.mkdtemp(prefix="icd-default-reranker-"))
        )
        rerank_dir, note = rerank.model_dir, f"{rerank.steps} steps on {examples} examples in {rerank.train_seconds:.0f} s"
    indexes["fine-tuned + synonyms + n-grams + reranker"] = (
        fine_tuned,
        icd_train.load_cross_encoder(rerank_dir, rerank_config.max_length),
        weight,
    )
    comparisons.append(("fine-tuned + synonyms + n-grams + reranker", "fine-tuned + synonyms + n-grams"))
    print(f"\nreranker ({note}): fusion weight {weight}\n{weights.round(3).to_markdown(index=False)}")
report, ranks = default_model.evaluate(indexes, queries)
hit5 = ranks.assign(hit=(ranks["rank"] > 0) & (ranks["rank"] <= 5))
pivot = hit5.pivot_table(index=["source", "text", "code"], columns="model", values="hit", aggfunc="first").reset_index()
table = report[report["language"] == "all"].drop(columns="language").round(3)
print(f"\n{spec.name}, {config.max_steps} steps of {config.batch_size}: trained in {train_seconds:.0f} s; 3 indexes in {indexing:.0f} s")
print(table.to_markdown(index=False))
for better, than in comparisons:
    print(f"\npaired randomization test of R@5, {better} vs {than}:")
    for source, group in pivot.groupby("source"):
        print(f"  {source}: p = {paired_randomization_test(group[better].astype(float), group[than].astype(float)):.4f}")
print(f"\ntotal {time.perf_counter() - started:.0f} s")
