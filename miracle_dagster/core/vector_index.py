"""Passages in Qdrant: deterministic point ids, versioned collections behind an alias, incremental sync, search.

No Dagster import: the assets, the `miracle search` command and the RAG evaluation share these functions.
"""

from __future__ import annotations

import re
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from qdrant_client import QdrantClient
from qdrant_client import models as qm

# Fixed namespace: the same passage id maps to the same point id in every collection, on every machine.
POINT_NAMESPACE = uuid.UUID("6f1c1d8e-3b9a-5d2e-9c4f-0a7b5e2d9c11")
PAYLOAD_COLUMNS = (
    "passage_id", "section_id", "document_id", "patient_id", "case_id", "specialty",
    "document_type", "date", "section_name", "passage_index", "text",
)  # fmt: skip
KEYWORD_FIELDS = ("passage_id", "document_id", "patient_id", "case_id", "specialty", "document_type", "section_name")

Encoder = Callable[[list[str]], np.ndarray]


def point_id(passage_id: str) -> str:
    return str(uuid.uuid5(POINT_NAMESPACE, passage_id))


def alias_name(model_name: str) -> str:
    """What searches use: the model name, made safe for Qdrant."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", model_name).strip("-").lower()
    return re.sub(r"_{2,}", "_", safe)  # "__" separates alias, version and dimension in collection names


def collection_name(model_name: str, version: str, dim: int) -> str:
    """One collection per model version and dimension; a new model version never overwrites the live one."""
    return f"{alias_name(model_name)}__{version}__d{dim}"


def ensure_collection(client: QdrantClient, name: str, dim: int) -> bool:
    """Create the collection with cosine distance and the payload indexes filters need; True if created."""
    if client.collection_exists(name):
        size = client.get_collection(name).config.params.vectors.size
        if size != dim:
            raise ValueError(f"collection {name} holds {size}-d vectors, the model gives {dim}-d")
        return False
    client.create_collection(name, vectors_config=qm.VectorParams(size=dim, distance=qm.Distance.COSINE))
    with warnings.catch_warnings():  # embedded Qdrant filters without indexes and says so; a server uses them
        warnings.filterwarnings("ignore", message="Payload indexes have no effect")
        for field in KEYWORD_FIELDS:
            client.create_payload_index(name, field, qm.PayloadSchemaType.KEYWORD)
        client.create_payload_index(name, "year", qm.PayloadSchemaType.INTEGER)
    return True


def partition_filter(specialty: str, year: str | int) -> qm.Filter:
    return qm.Filter(
        must=[
            qm.FieldCondition(key="specialty", match=qm.MatchValue(value=specialty)),
            qm.FieldCondition(key="year", match=qm.MatchValue(value=int(year))),
        ]
    )


def existing_point_ids(client: QdrantClient, collection: str, query_filter: qm.Filter) -> set[str]:
    ids: set[str] = set()
    offset = None
    while True:
        points, offset = client.scroll(
            collection, scroll_filter=query_filter, limit=1024, offset=offset, with_payload=False, with_vectors=False
        )
        ids.update(str(p.id) for p in points)
        if offset is None:
            return ids


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
    client: QdrantClient,
    collection: str,
    passages: pd.DataFrame,
    specialty: str,
    year: str,
    encode: Encoder,
    batch_size: int = 64,
) -> SyncStats:
    """Make the partition's points equal its passages: embed only new ids, delete ids that disappeared."""
    wanted = {point_id(pid): i for i, pid in enumerate(passages["passage_id"])} if len(passages) else {}
    present = existing_point_ids(client, collection, partition_filter(specialty, year))
    new = [pid for pid in wanted if pid not in present]
    stale = sorted(present - wanted.keys())
    embed_seconds = upsert_seconds = 0.0
    rows = passages.iloc[[wanted[pid] for pid in new]] if new else passages.iloc[0:0]
    rows = rows.iloc[np.argsort(rows["text"].str.len().to_numpy(), kind="stable")]  # similar lengths: less padding
    for start in range(0, len(rows), batch_size):
        batch = rows.iloc[start : start + batch_size]
        started = time.perf_counter()
        vectors = encode(batch["text"].tolist())
        embed_seconds += time.perf_counter() - started
        started = time.perf_counter()
        client.upsert(collection, points=list(_points(batch, vectors, year)), wait=True)
        upsert_seconds += time.perf_counter() - started
    if stale:
        client.delete(collection, points_selector=qm.PointIdsList(points=stale), wait=True)
    return SyncStats(len(wanted), len(wanted) - len(new), len(new), len(stale), embed_seconds, upsert_seconds)


def _points(batch: pd.DataFrame, vectors: np.ndarray, year: str) -> Iterable[qm.PointStruct]:
    columns = [c for c in PAYLOAD_COLUMNS if c in batch.columns]
    for record, vector in zip(batch[columns].to_dict("records"), vectors):
        payload = {k: (v.item() if hasattr(v, "item") else v) for k, v in record.items()}
        payload["year"] = int(year)
        yield qm.PointStruct(id=point_id(record["passage_id"]), vector=vector.tolist(), payload=payload)


def switch_alias(client: QdrantClient, alias: str, collection: str) -> str | None:
    """Point `alias` at `collection` in one atomic call; returns the collection it pointed at before."""
    previous = next((a.collection_name for a in client.get_aliases().aliases if a.alias_name == alias), None)
    if previous == collection:
        return previous
    operations: list = [qm.DeleteAliasOperation(delete_alias=qm.DeleteAlias(alias_name=alias))] if previous else []
    operations.append(qm.CreateAliasOperation(create_alias=qm.CreateAlias(collection_name=collection, alias_name=alias)))
    client.update_collection_aliases(change_aliases_operations=operations)
    return previous


def drop_old_versions(client: QdrantClient, alias: str, keep: Sequence[str]) -> list[str]:
    """Delete this alias's older collection versions, keeping `keep` (the live one and one to roll back to)."""
    dropped = [
        c.name for c in client.get_collections().collections if c.name.startswith(f"{alias}__") and c.name not in keep
    ]
    for name in dropped:
        client.delete_collection(name)
    return dropped


def publish(client: QdrantClient, alias: str, collection: str) -> tuple[str | None, list[str]]:
    """Serve a complete collection under `alias`; keep the version it replaced for rollback, drop older ones.
    Returns (the previous collection, the dropped ones)."""
    previous = switch_alias(client, alias, collection)
    dropped = drop_old_versions(client, alias, keep=[collection, previous or collection]) if previous != collection else []
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
    client: QdrantClient,
    collection: str,
    query_vector: np.ndarray,
    *,
    patient_id: str | None = None,
    specialty: str | None = None,
    year: int | str | None = None,
    document_type: str | None = None,
    top_k: int = 10,
) -> list[Hit]:
    """Nearest passages, optionally restricted to one patient (patient-centred RAG), specialty, year or type."""
    conditions = [
        qm.FieldCondition(key=key, match=qm.MatchValue(value=value))
        for key, value in (
            ("patient_id", patient_id),
            ("specialty", specialty),
            ("year", int(year) if year is not None else None),
            ("document_type", document_type),
        )
        if value is not None
    ]
    response = client.query_points(
        collection,
        query=np.asarray(query_vector, dtype=np.float32).tolist(),
        query_filter=qm.Filter(must=conditions) if conditions else None,
        limit=top_k,
        with_payload=True,
    )
    return [
        Hit(score=p.score, **{f: p.payload.get(f) for f in Hit.__dataclass_fields__ if f != "score"})
        for p in response.points
    ]
