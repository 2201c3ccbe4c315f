#!/usr/bin/env python
"""The RAG evaluation's retrieval and scoring against the bare libraries doing the same work (no LLM).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/rag_eval.py --patients 20 --questions 60

Sample-corpus sections (split by `core.sections`, no Dagster) are embedded once with all-MiniLM-L6-v2 into a
Qdrant Edge store in a temporary folder; stand-in questions (two word stems of their passage) ask for them. In
alternating order per round: *retrieve*: `rag.retrieve` (both scenarios) through a read-only view of the store, as
`miracle search` reads it, vs the bare `encode` of the questions and `EdgeShard.query` on the collection's shard with
the same filters; *BERTScore*:
`rag_metrics.bertscore_f1` vs a `BERTScorer.score` call on the same pairs (one warmed model each); *ragas*:
`rag_metrics.ragas_scores` vs bare `ragas.evaluate` with the two non-LLM context metrics. Printed: medians and the
ratio ours / bare (time), and the context precision / recall per scenario the stand-in questions get.
Nothing asserts; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--patients", type=int, default=20)
parser.add_argument("--questions", type=int, default=60)
parser.add_argument("--top-k", type=int, default=5)
parser.add_argument("--rounds", type=int, default=3)
ARGS = parser.parse_args()
os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")

import pandas as pd  # noqa: E402
import qdrant_edge as qe  # noqa: E402

from miracle_dagster.core import vector_index  # noqa: E402
from miracle_dagster.core.evaluation import rag, rag_metrics  # noqa: E402
from miracle_dagster.core.sample_corpus import generate_corpus  # noqa: E402
from miracle_dagster.core.sample_corpus.questions import stem_question  # noqa: E402
from miracle_dagster.core.sections import split_sections  # noqa: E402
from miracle_dagster.resources.embedder import EmbeddingModels  # noqa: E402


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


YEAR = "2021"  # every passage goes into one stand-in partition
corpus = generate_corpus(n_patients=ARGS.patients, seed=3)
rows = [
    {"passage_id": f"{d['document_id']}-{i}", "patient_id": d["patient_id"], "specialty": d["specialty"], "text": s.text}
    for d in corpus.documents
    for i, s in enumerate(split_sections(d["text"], d["document_type"]))
    if s.name != "Kopf"
]
passages = pd.DataFrame(rows).drop_duplicates("passage_id")
embedder = EmbeddingModels(models_dir=os.environ["MIRACLE_MODELS_DIR"], default_model="all-MiniLM-L6-v2")
root = Path(tempfile.mkdtemp(prefix="miracle-bench-rag-"))
atexit.register(shutil.rmtree, root, ignore_errors=True)
with vector_index.EdgeStore(root) as writer:
    writer.ensure_collection("bench", 384, "de")
    vector_index.sync_partition(writer, "bench", passages, "all", YEAR, embedder.encoder())
store = vector_index.EdgeStore(root, read_only=True)  # a copy: the bare side below may load the collection itself
shard = qe.EdgeShard.load(str(root / "collections" / "bench"))
asked = [(r, q) for r in passages.itertuples() if (q := stem_question(r.text, r.passage_id))][: ARGS.questions]
questions = pd.DataFrame(
    {
        "pair_id": [r.passage_id for r, _ in asked],
        "question": [q for _, q in asked],
        "answer": [" ".join(r.text.split()[:12]) for r, _ in asked],
        "patient_id": [r.patient_id for r, _ in asked],
        "passage_id": [r.passage_id for r, _ in asked],
        "reference_context": [r.text for r, _ in asked],
        "specialty": [r.specialty for r, _ in asked],
        "year": YEAR,
    }
)
encode = embedder.encoder(kind="query")


def bare_retrieve():
    for q, v in zip(questions.itertuples(), encode(questions["question"].tolist())):
        for patient in (None, q.patient_id):
            flt = qe.Filter(must=[qe.FieldCondition(key="patient_id", match=qe.MatchValue(value=patient))]) if patient else None
            shard.query(
                qe.QueryRequest(
                    limit=ARGS.top_k, query=qe.Query.Nearest(v.tolist(), using=vector_index.names.DENSE), filter=flt, with_payload=True
                )
            )


frame = rag.as_frame(rag.retrieve(store, "bench", encode, questions, ARGS.top_k)).assign(response=lambda f: f["reference"])
folder = str(embedder.provision("multilingual-e5-small"))
responses, references = [t[:80] for t in frame["reference_context"]], frame["reference"].tolist()
bare_scorer = rag_metrics._bert_scorer.__wrapped__(folder, 9)  # the same model, loaded outside the cache
rag_metrics.bertscore_f1(responses[:2], references[:2], folder, 9)  # warm ours


def bare_ragas():
    from ragas import EvaluationDataset, evaluate

    context, _ = rag_metrics._ragas_metrics()
    data = [{"retrieved_contexts": list(r.contexts), "reference_contexts": [r.reference_context]} for r in frame.itertuples()]
    return evaluate(EvaluationDataset.from_list(data), metrics=context, show_progress=False).to_pandas()


variants = {
    "retrieve": (lambda: rag.retrieve(store, "bench", encode, questions, ARGS.top_k), bare_retrieve),
    "BERTScore": (
        lambda: rag_metrics.bertscore_f1(responses, references, folder, 9),
        lambda: bare_scorer.score(responses, references, batch_size=16),
    ),
    "ragas context metrics": (lambda: rag_metrics.ragas_scores(frame), bare_ragas),
}
times = {name: ([], []) for name in variants}
for round_ in range(ARGS.rounds):
    for name, (ours, bare) in variants.items():
        order = [(0, ours), (1, bare)] if round_ % 2 == 0 else [(1, bare), (0, ours)]
        for slot, fn in order:
            times[name][slot].append(timed(fn)[0])
print(f"{len(passages)} passages, {len(questions)} questions x 2 scenarios, top_k {ARGS.top_k}, {ARGS.rounds} rounds")
for name, (ours, bare) in times.items():
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"  {name:24s} ours {o:7.3f} s  bare {b:7.3f} s  ours/bare {o / b:5.2f}   (rounds: {ours} / {bare})")
scores = frame.join(rag_metrics.ragas_scores(frame)).groupby("scenario")[["context_precision", "context_recall"]].mean()
print("stand-in questions, retrieval against the source passage:\n" + scores.round(3).to_string())
