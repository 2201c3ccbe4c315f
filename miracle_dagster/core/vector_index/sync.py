"""Incremental sync of a partition's passages, publishing a complete version under its alias, and search."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from miracle_dagster.core.vector_index import sparse as bm25_vectors
from miracle_dagster.core.vector_index.names import MODES, PAYLOAD_COLUMNS, Encoder, partition_filter, point_id
from miracle_dagster.core.vector_index.store import Point, VectorStore


@dataclass
class SyncStats:
    passages: int
    unchanged: int
    embedded: int
    deleted: int
    embed_seconds: float
    upsert_seconds: float

    @property
    def passages_per_second(self) -> float:
        return self.embedded / self.embed_seconds if self.embed_seconds else 0.0


def sync_partition(
    store: VectorStore, collection: str, passages: pd.DataFrame, specialty: str, year: str, encode: Encoder, batch_size: int = 64
) -> SyncStats:
    """Make the partition's points equal its passages: embed only new ids, delete ids that disappeared.
    Upserts are idempotent (deterministic ids), so a sync killed midway is finished by the next one."""
    wanted = {point_id(pid): i for i, pid in enumerate(passages["passage_id"])} if len(passages) else {}
    present = store.ids(collection, partition_filter(specialty, year))
    new = [pid for pid in wanted if pid not in present]
    stale = sorted(present - wanted.keys())
    language = store.info(collection).language
    embed_seconds = upsert_seconds = 0.0
    rows = passages.iloc[[wanted[pid] for pid in new]] if new else passages.iloc[0:0]
    rows = rows.iloc[np.argsort(rows["text"].str.len().to_numpy(), kind="stable")]  # similar lengths: less padding
    for start in range(0, len(rows), batch_size):
        batch = rows.iloc[start : start + batch_size]
        started = time.perf_counter()
        vectors = encode(batch["text"].tolist())
        embed_seconds += time.perf_counter() - started
        started = time.perf_counter()
        store.upsert(collection, to_points(batch, vectors, year, language))
        upsert_seconds += time.perf_counter() - started
    if stale:
        store.delete(collection, stale)
    return SyncStats(len(wanted), len(wanted) - len(new), len(new), len(stale), embed_seconds, upsert_seconds)


def to_points(batch: pd.DataFrame, vectors: np.ndarray, year: str | int, language: str) -> list[Point]:
    columns = [c for c in PAYLOAD_COLUMNS if c in batch.columns]
    records = batch[columns].to_dict("records")
    sparse = bm25_vectors.documents([r["text"] for r in records], language)
    points = []
    for record, vector, terms in zip(records, vectors, sparse):
        payload = {k: (v.item() if hasattr(v, "item") else v) for k, v in record.items()} | {"year": int(year)}
        points.append(Point(point_id(record["passage_id"]), np.asarray(vector, dtype=np.float32).tolist(), terms, payload))
    return points


def publish(store: VectorStore, alias: str, collection: str) -> tuple[str | None, list[str]]:
    """Serve a complete collection under `alias`: build its HNSW index, switch the alias, keep the version it
    replaced for rollback and drop older ones. Returns (the previous collection, the dropped ones)."""
    store.build_index(collection)
    previous = store.switch_alias(alias, collection)
    if previous == collection:
        return previous, []
    keep = {collection, previous}
    dropped = [c for c in store.collections() if c.startswith(f"{alias}__") and c not in keep]
    for name in dropped:
        store.drop_collection(name)
    return previous, dropped


@dataclass(frozen=True)
class Hit:
    score: float
    passage_id: str
    document_id: str
    patient_id: str
    specialty: str
    year: int
    document_type: str
    section_name: str
    date: str
    text: str


def search(
    store: VectorStore,
    collection: str,
    query_vector: np.ndarray | None = None,
    *,
    query_text: str = "",
    mode: str = "dense",
    patient_id: str | None = None,
    specialty: str | None = None,
    year: int | str | None = None,
    document_type: str | None = None,
    top_k: int = 10,
) -> list[Hit]:
    """Nearest passages by the dense vector, by BM25 over `query_text` (`sparse`) or both fused by RRF (`hybrid`),
    optionally restricted to one patient (patient-centred RAG), specialty, year or type."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    where = {
        k: v
        for k, v in (
            ("patient_id", patient_id),
            ("specialty", specialty),
            ("year", int(year) if year is not None else None),
            ("document_type", document_type),
        )
        if v is not None
    }
    dense = np.asarray(query_vector, dtype=np.float32).tolist() if mode != "sparse" else None
    terms = bm25_vectors.query(query_text, store.info(collection).language) if mode != "dense" else None
    scored = store.query(collection, dense=dense, sparse=terms, where=where, limit=top_k)
    return [Hit(score=score, **{f: payload.get(f) for f in Hit.__dataclass_fields__ if f != "score"}) for score, payload in scored]
