"""Hand a collection built on Edge to a Qdrant server (or any store): re-upload its points in batches.

Edge's Python binding can restore snapshots but not write one, so the export re-uploads: the same ids, dense and
sparse vectors and payloads, into a collection of the same name, dimension and BM25 language, HNSW built at the end.
"""

from __future__ import annotations

from itertools import islice

from miracle_dagster.core.vector_index.server import ServerStore
from miracle_dagster.core.vector_index.store import VectorStore


def export(store: VectorStore, collection: str, target: VectorStore | str, batch_size: int = 256) -> int:
    """Copy `collection` (a name or alias) into `target` (a store, or a server URL); returns the points copied."""
    destination = ServerStore(target) if isinstance(target, str) else target
    try:
        info = store.info(collection)
        name = store.aliases().get(collection, collection)
        destination.ensure_collection(name, info.dim, info.language)
        copied = 0
        points = store.points(collection, batch_size)
        while batch := list(islice(points, batch_size)):
            destination.upsert(name, batch)
            copied += len(batch)
        destination.build_index(name)
        return copied
    finally:
        if isinstance(target, str):
            destination.close()
