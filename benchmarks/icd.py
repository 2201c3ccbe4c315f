#!/usr/bin/env python
"""Code search throughput of `CodeIndex.search` (what `miracle icd` and the eval report run) against the raw
sentence-transformers calls doing the same work, with and without the cross-encoder reranker.

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/icd.py --queries 64 --rounds 3

Catalogue: ICD-10-GM terminal codes of `--chapter` (title vectors computed once, outside the timing, as the cache
does). Queries: "V.a. <title>" of the first codes. *bare* = `SentenceTransformer.encode` + matrix product + argsort
(+ `CrossEncoder.predict` on the top `--rerank-top-n` pairs and a sort); *search* = `CodeIndex.search`. The reranker
is a fresh cross-encoder on the bundled encoder: its weights do not change its cost. Nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--model", default="multilingual-e5-small")
parser.add_argument("--chapter", default="09")
parser.add_argument("--queries", type=int, default=64)
parser.add_argument("--top-k", type=int, default=5)
parser.add_argument("--rerank-top-n", type=int, default=20)
parser.add_argument("--rounds", type=int, default=3)
ARGS = parser.parse_args()
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from miracle_dagster.core.icd import catalog  # noqa: E402
from miracle_dagster.core.icd.search import CodeIndex  # noqa: E402
from miracle_dagster.core.icd.train import load_cross_encoder  # noqa: E402
from miracle_dagster.resources import build_embedder  # noqa: E402


def bare(model, spec, vectors, texts, reranker):
    queries = model.encode(texts, prompt=spec.query_prompt or None, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    depth = ARGS.rerank_top_n if reranker is not None else ARGS.top_k
    top = np.argsort(-(queries @ vectors.T), axis=1)[:, :depth]
    if reranker is None:
        return top
    scores = reranker.predict([(t, titles[j]) for t, row in zip(texts, top) for j in row], batch_size=64, show_progress_bar=False)
    return [row[np.argsort(-s)][: ARGS.top_k] for row, s in zip(top, scores.reshape(len(texts), -1))]


embedder = build_embedder()
spec = embedder.spec(ARGS.model)
model = embedder.sentence_transformer(spec.name)
frame = catalog.load_selection(catalog.Selection(chapters=(ARGS.chapter,)))
titles = frame["title"].tolist()
texts = [f"V.a. {t}" for t in titles[: ARGS.queries]]
index = CodeIndex(frame, model, spec.query_prompt, spec.passage_prompt, batch_size=64)
reranker = load_cross_encoder(embedder.provision(spec.name))
print(f"{len(frame)} codes, {len(texts)} queries, model {spec.name}, top-k {ARGS.top_k}, rerank top-n {ARGS.rerank_top_n}")
for label, rr in (("bi-encoder", None), ("bi-encoder + reranker", reranker)):
    rates = {"bare": [], "search": []}
    for round_ in range(ARGS.rounds):
        for variant in ("bare", "search") if round_ % 2 == 0 else ("search", "bare"):
            started = time.perf_counter()
            if variant == "bare":
                bare(model, spec, index.vectors, texts, rr)
            else:
                index.search(texts, ARGS.top_k, rr, ARGS.rerank_top_n)
            rates[variant].append(len(texts) / (time.perf_counter() - started))
    b, s = statistics.median(rates["bare"]), statistics.median(rates["search"])
    print(f"  {label:<22} bare {b:7.1f} queries/s   search {s:7.1f} queries/s   ratio {s / b:.2f}")
