"""Passages in Qdrant: deterministic point ids, versioned collections behind an alias, incremental sync, dense,
BM25 and hybrid search, export to a server.

One interface (`VectorStore`), two stores: `EdgeStore` (Qdrant Edge in-process, the default) and `ServerStore`
(a Qdrant server). No Dagster import: the assets, `miracle search` and the RAG evaluation share these functions.
"""

from miracle_dagster.core.vector_index.edge import EdgeStore
from miracle_dagster.core.vector_index.export import export
from miracle_dagster.core.vector_index.names import (
    KEYWORD_FIELDS,
    MODES,
    PAYLOAD_COLUMNS,
    POINT_NAMESPACE,
    Encoder,
    alias_name,
    collection_name,
    partition_filter,
    point_id,
)
from miracle_dagster.core.vector_index.server import ServerStore
from miracle_dagster.core.vector_index.store import CollectionInfo, Point, StoreError, VectorStore
from miracle_dagster.core.vector_index.sync import Hit, SyncStats, publish, search, sync_partition, to_points

__all__ = [
    "KEYWORD_FIELDS",
    "MODES",
    "PAYLOAD_COLUMNS",
    "POINT_NAMESPACE",
    "CollectionInfo",
    "EdgeStore",
    "Encoder",
    "Hit",
    "Point",
    "ServerStore",
    "StoreError",
    "SyncStats",
    "VectorStore",
    "alias_name",
    "collection_name",
    "export",
    "partition_filter",
    "point_id",
    "publish",
    "search",
    "sync_partition",
    "to_points",
]
