"""A Qdrant server through qdrant-client: the production store, for concurrent writers and readers."""

from __future__ import annotations

from collections.abc import Iterator

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from miracle_dagster.core.evaluation.fusion import RRF_K
from miracle_dagster.core.vector_index.names import (
    CANDIDATES,
    DENSE,
    HNSW_EF,
    HNSW_EF_CONSTRUCT,
    HNSW_M,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SPARSE,
)
from miracle_dagster.core.vector_index.store import CollectionInfo, Point, Sparse, StoreError, VectorStore, Where

BULK_LOAD = qm.OptimizersConfigDiff(indexing_threshold=0)  # no HNSW while a collection is first filled
SERVING = qm.OptimizersConfigDiff(indexing_threshold=10_000)  # KB, the server's default
HNSW = qm.HnswConfigDiff(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCT)


def _filter(where: Where | None) -> qm.Filter | None:
    return qm.Filter(must=[qm.FieldCondition(key=k, match=qm.MatchValue(value=v)) for k, v in where.items()]) if where else None


class ServerStore(VectorStore):
    def __init__(self, url: str, api_key: str | None = None, timeout_s: int = 60):
        self.url = url
        self.client = QdrantClient(location=url, api_key=api_key or None, timeout=timeout_s)  # ":memory:" in tests

    def close(self) -> None:
        self.client.close()

    def ensure_collection(self, name: str, dim: int, language: str) -> bool:
        if self.client.collection_exists(name):
            if (size := self.info(name).dim) != dim:
                raise StoreError(f"collection {name} holds {size}-d vectors, the model gives {dim}-d")
            return False
        self.client.create_collection(
            name,
            vectors_config={DENSE: qm.VectorParams(size=dim, distance=qm.Distance.COSINE)},
            sparse_vectors_config={SPARSE: qm.SparseVectorParams(modifier=qm.Modifier.IDF)},
            hnsw_config=HNSW,
            optimizers_config=BULK_LOAD,
            metadata={"language": language},
        )
        for field in KEYWORD_FIELDS:
            self.client.create_payload_index(name, field, qm.PayloadSchemaType.KEYWORD)
        for field in INTEGER_FIELDS:
            self.client.create_payload_index(name, field, qm.PayloadSchemaType.INTEGER)
        return True

    def info(self, collection: str) -> CollectionInfo:
        name = self.aliases().get(collection, collection)
        if not self.client.collection_exists(name):
            raise StoreError(f"no collection or alias {collection!r} on {self.url}")
        config = self.client.get_collection(name).config
        vectors = config.params.vectors
        if not isinstance(vectors, dict) or DENSE not in vectors:
            raise StoreError(f"collection {name} predates named dense/BM25 vectors; re-materialize the index assets")
        return CollectionInfo(dim=vectors[DENSE].size, language=(config.metadata or {}).get("language", "de"))

    def collections(self) -> list[str]:
        return sorted(c.name for c in self.client.get_collections().collections)

    def drop_collection(self, name: str) -> None:
        self.client.delete_collection(name)

    def build_index(self, collection: str) -> None:
        """The server builds HNSW in the background once the threshold is set; searches work meanwhile."""
        self.client.update_collection(self.aliases().get(collection, collection), optimizers_config=SERVING)

    def upsert(self, collection: str, points: list[Point]) -> None:
        structs = [
            qm.PointStruct(
                id=p.id, payload=p.payload, vector={DENSE: p.dense, SPARSE: qm.SparseVector(indices=p.sparse[0], values=p.sparse[1])}
            )
            for p in points
        ]
        self.client.upsert(collection, points=structs, wait=True)

    def delete(self, collection: str, ids: list[str]) -> None:
        self.client.delete(collection, points_selector=qm.PointIdsList(points=list(ids)), wait=True)

    def ids(self, collection: str, where: Where) -> set[str]:
        return {p.id for p in self._scroll(collection, where, with_vector=False)}

    def count(self, collection: str, where: Where | None = None) -> int:
        return self.client.count(collection, count_filter=_filter(where), exact=True).count

    def points(self, collection: str, batch_size: int = 256) -> Iterator[Point]:
        return self._scroll(collection, None, with_vector=True, batch_size=batch_size)

    def _scroll(self, collection: str, where: Where | None, with_vector: bool, batch_size: int = 1024) -> Iterator[Point]:
        offset = None
        while True:
            records, offset = self.client.scroll(
                collection,
                scroll_filter=_filter(where),
                limit=batch_size,
                offset=offset,
                with_payload=with_vector,
                with_vectors=with_vector,
            )
            for r in records:
                vectors = r.vector or {}
                sparse = vectors.get(SPARSE)
                yield Point(
                    str(r.id),
                    list(vectors.get(DENSE, [])),
                    (list(sparse.indices), list(sparse.values)) if sparse else ([], []),
                    r.payload or {},
                )
            if offset is None:
                return

    def query(
        self,
        collection: str,
        *,
        dense: list[float] | None = None,
        sparse: Sparse | None = None,
        where: Where | None = None,
        limit: int = 10,
        exact: bool = False,
    ) -> list[tuple[float, dict]]:
        params = qm.SearchParams(exact=True) if exact else qm.SearchParams(hnsw_ef=HNSW_EF)
        rankings = ([(list(dense), DENSE)] if dense is not None else []) + (
            [(qm.SparseVector(indices=sparse[0], values=sparse[1]), SPARSE)] if sparse is not None and sparse[0] else []
        )
        if not rankings:
            return []
        if len(rankings) == 1:
            query, using = rankings[0]
            response = self.client.query_points(
                collection, query=query, using=using, query_filter=_filter(where), limit=limit, search_params=params, with_payload=True
            )
        else:
            prefetch = [
                qm.Prefetch(query=q, using=u, filter=_filter(where), limit=max(limit, CANDIDATES), params=params) for q, u in rankings
            ]
            response = self.client.query_points(
                collection,
                prefetch=prefetch,
                query=qm.RrfQuery(rrf=qm.Rrf(k=RRF_K)),
                query_filter=_filter(where),
                limit=limit,
                with_payload=True,
            )
        return [(p.score, p.payload or {}) for p in response.points]

    def aliases(self) -> dict[str, str]:
        return {a.alias_name: a.collection_name for a in self.client.get_aliases().aliases}

    def switch_alias(self, alias: str, collection: str) -> str | None:
        previous = self.aliases().get(alias)
        if previous != collection:
            operations: list = [qm.DeleteAliasOperation(delete_alias=qm.DeleteAlias(alias_name=alias))] if previous else []
            operations.append(qm.CreateAliasOperation(create_alias=qm.CreateAlias(collection_name=collection, alias_name=alias)))
            self.client.update_collection_aliases(change_aliases_operations=operations)
        return previous
