"""Vector store benchmark: Qdrant Edge (the default) vs qdrant-client's old local mode vs a Qdrant server.

Synthetic normalised 384-d vectors with realistic payloads (~400-char text, N/20 patients, specialty, year).
`--vectors clustered` (the default) scatters them around a few hundred centroids, as embeddings of real text
cluster by topic; `random` (uniform on the sphere, no structure for HNSW to exploit) is the worst case for recall.
Measures upsert throughput (the HNSW build at publish included for Edge/server), time to open, query p50/p95,
patient-filtered p50/p95, hybrid (dense + BM25, RRF) p50/p95, HNSW recall@10 against exact search, disk size.
Each run ends with one `store=... recall_at_10=...` line.

    .venv/bin/python benchmarks/vector_store.py --points 10000 --store edge --store local --vectors random
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from miracle_dagster.core import vector_index as vi  # noqa: E402

DIM, QUERIES, BATCH = 384, 200, 256
CENTROIDS, SPREAD = 300, 1.0  # noise as long as a centroid: members of a cluster at cosine ~0.5, clusters at ~0
WORDS = (
    "Niere Leber Befund unauffällig Zustand nach Verdacht auf Pneumonie Infiltrat Erguss Stenose links rechts "
    "Kontrolle empfohlen Fraktur Ödem Läsion Kontrastmittel Sonographie Gallenblase Milz Lymphknoten"
).split()
SPECIALTIES = ("radiology", "neurology", "cardiology", "oncology")


def corpus(n: int, vectors_kind: str, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    if vectors_kind == "random":
        vectors = rng.normal(size=(n, DIM)).astype(np.float32)
    else:
        centroids = rng.normal(size=(CENTROIDS, DIM)).astype(np.float32)
        vectors = centroids[rng.integers(0, CENTROIDS, n)] + rng.normal(scale=SPREAD, size=(n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [" ".join(rng.choice(WORDS, 55)) for _ in range(n)]  # ~400 characters
    frame = pd.DataFrame(
        {
            "passage_id": [f"p{i}" for i in range(n)],
            "document_id": [f"d{i // 4}" for i in range(n)],
            "patient_id": [f"pat{i}" for i in rng.integers(0, max(1, n // 20), n)],
            "specialty": rng.choice(SPECIALTIES, n),
            "document_type": "Befund",
            "section_name": "Beurteilung",
            "date": "2021-01-01",
            "text": texts,
            "year": rng.integers(2018, 2025, n),
        }
    )
    return frame, vectors


def open_store(kind: str, path: Path):
    if kind == "edge":
        return vi.EdgeStore(path)
    if kind == "server":
        return vi.ServerStore(os.environ.get("MIRACLE_QDRANT_URL", "http://localhost:6333"))
    return LocalMode(path)


class LocalMode:
    """qdrant-client's local mode, kept only here for comparison (dense only: no sparse/hybrid)."""

    def __init__(self, path: Path):
        from qdrant_client import QdrantClient

        self.client = QdrantClient(path=str(path))

    def ensure_collection(self, name, dim, language):
        from qdrant_client import models as qm

        self.client.create_collection(name, vectors_config={vi.names.DENSE: qm.VectorParams(size=dim, distance=qm.Distance.COSINE)})

    def upsert(self, name, points):
        from qdrant_client import models as qm

        self.client.upsert(name, [qm.PointStruct(id=p.id, vector={vi.names.DENSE: p.dense}, payload=p.payload) for p in points])

    def build_index(self, name):
        pass

    def query(self, name, *, dense=None, sparse=None, where=None, limit=10, exact=False):
        from qdrant_client import models as qm

        if dense is None:
            return []
        flt = qm.Filter(must=[qm.FieldCondition(key=k, match=qm.MatchValue(value=v)) for k, v in where.items()]) if where else None
        return [
            (p.score, p.payload)
            for p in self.client.query_points(
                name, query=dense, using=vi.names.DENSE, query_filter=flt, limit=limit, with_payload=True
            ).points
        ]

    def close(self):
        self.client.close()


def percentiles(seconds: list[float]) -> tuple[float, float]:
    return float(np.percentile(seconds, 50) * 1000), float(np.percentile(seconds, 95) * 1000)


def timed(calls) -> list[float]:
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def run(kind: str, n: int, vectors_kind: str) -> str:
    frame, vectors = corpus(n, vectors_kind)
    root = Path(tempfile.mkdtemp(prefix=f"vs-{kind}-"))
    name = f"bench{n}__v1__d{DIM}"
    store = open_store(kind, root / "qdrant")
    store.ensure_collection(name, DIM, "de")
    started = time.perf_counter()
    for start in range(0, n, BATCH):
        batch = frame.iloc[start : start + BATCH]
        points = vi.to_points(batch.drop(columns="year"), vectors[start : start + BATCH], 2021, "de")
        for point, year in zip(points, batch["year"]):
            point.payload["year"] = int(year)
        store.upsert(name, points)
    upsert_s = time.perf_counter() - started
    started = time.perf_counter()
    store.build_index(name)
    build_s = time.perf_counter() - started
    store.close()
    started = time.perf_counter()
    store = open_store(kind, root / "qdrant")
    store.query(name, dense=vectors[0].tolist(), limit=1)
    open_s = time.perf_counter() - started
    reader_open_s = float("nan")
    if kind == "edge":  # what `miracle search` pays: a read view copies the shard
        started = time.perf_counter()
        with vi.EdgeStore(root / "qdrant", read_only=True) as reader:
            reader.query(name, dense=vectors[0].tolist(), limit=1)
        reader_open_s = time.perf_counter() - started
    rng = np.random.default_rng(1)
    picks = rng.integers(0, n, QUERIES)
    queries = vectors[picks] + rng.normal(scale=0.05, size=(QUERIES, DIM)).astype(np.float32)
    texts = [" ".join(frame["text"].iloc[i].split()[:4]) for i in picks]
    dense = timed(lambda q=q: store.query(name, dense=q.tolist(), limit=10) for q in queries)
    filtered = timed(
        lambda q=q, i=i: store.query(name, dense=q.tolist(), where={"patient_id": frame["patient_id"].iloc[i]}, limit=10)
        for q, i in zip(queries, picks)
    )
    hybrid = (
        timed(
            lambda q=q, t=t: store.query(name, dense=q.tolist(), sparse=vi.sparse.query(t, "de"), limit=10) for q, t in zip(queries, texts)
        )
        if kind != "local"
        else [float("nan")]
    )
    recall = np.mean(
        [
            len(
                {p["passage_id"] for _, p in store.query(name, dense=q.tolist(), limit=10)}
                & {p["passage_id"] for _, p in store.query(name, dense=q.tolist(), limit=10, exact=True)}
            )
            / 10
            for q in queries[:100]
        ]
    )
    store.close()
    disk = subprocess.run(["du", "-sm", str(root)], capture_output=True, text=True).stdout.split()[0]
    shutil.rmtree(root, ignore_errors=True)
    (q50, q95), (f50, f95), (h50, h95) = percentiles(dense), percentiles(filtered), percentiles(hybrid)
    print(
        f"  {kind} {n} {vectors_kind}: upsert {upsert_s:.1f} s + HNSW build {build_s:.1f} s, query p50 {q50:.2f} ms, "
        f"filtered p50 {f50:.2f} ms, hybrid p50 {h50:.2f} ms, read view open {reader_open_s:.2f} s, disk {disk} MB"
    )
    return (
        f"store={kind} points={n} upsert_per_s={n / upsert_s:.0f} open_s={open_s:.2f} query_p95_ms={q95:.2f} "
        f"filtered_p95_ms={f95:.2f} hybrid_p95_ms={h95:.2f} recall_at_10={recall:.3f} vectors={vectors_kind} "
        f"build_s={build_s:.1f} reader_open_s={reader_open_s:.2f} disk_mb={disk}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, action="append", help="points per run (repeatable; default 10000)")
    parser.add_argument("--store", choices=("edge", "local", "server"), action="append", help="repeatable; default edge")
    parser.add_argument(
        "--vectors",
        choices=("clustered", "random"),
        action="append",
        help="clustered around centroids like real embeddings, or uniformly random (the worst case "
        "for HNSW recall); repeatable; default clustered",
    )
    args = parser.parse_args()
    for kind in args.store or ["edge"]:
        for vectors_kind in args.vectors or ["clustered"]:
            for n in args.points or [10_000]:
                print(run(kind, n, vectors_kind), flush=True)
