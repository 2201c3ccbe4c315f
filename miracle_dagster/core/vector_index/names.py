"""Names that must be stable across stores and machines: point ids, aliases, collection versions."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import numpy as np

from miracle_dagster.core.schema import PASSAGE_KEYS

# Fixed namespace: the same passage id maps to the same point id in every collection, on every machine.
POINT_NAMESPACE = uuid.UUID("6f1c1d8e-3b9a-5d2e-9c4f-0a7b5e2d9c11")
PAYLOAD_COLUMNS = (*PASSAGE_KEYS, "passage_index", "text")
KEYWORD_FIELDS = ("passage_id", "document_id", "patient_id", "case_id", "specialty", "document_type", "section_name")
INTEGER_FIELDS = ("year",)
DENSE, SPARSE = "dense", "bm25"  # the named vectors of every collection
MODES = ("dense", "sparse", "hybrid")
CANDIDATES = 50  # per ranking fused, at least; more than any top_k miracle asks for
# HNSW of both stores (Edge and server build and search alike). Qdrant's defaults (m 16, ef_construct 100, search
# ef = ef_construct) find 0.73 of the exact top 10 among 10k random 384-d vectors, the worst case; these find 0.995
# (1.0 on vectors clustered like embeddings of real text) for ~1.4x the graph build time and ~3x the query time:
# 2-3 ms on one core (benchmarks/vector_store.py).
HNSW_M, HNSW_EF_CONSTRUCT, HNSW_EF = 32, 128, 256

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


def partition_filter(specialty: str, year: str | int) -> dict:
    """The payload equality filter of one (specialty, year) partition, as every store takes it."""
    return {"specialty": specialty, "year": int(year)}


def asset_prefix(model_name: str) -> str:
    """The asset key prefix of a model's index assets (`multilingual_e5_small/qdrant_points`)."""
    return re.sub(r"\W+", "_", model_name).strip("_").lower()
