"""Translation between the store interface and qdrant_edge's request objects."""

from __future__ import annotations

import qdrant_edge as qe

from miracle_dagster.core.evaluation.fusion import RRF_K  # the IR evaluation's `<model>+bm25` fuses the same way
from miracle_dagster.core.vector_index.names import CANDIDATES, DENSE, HNSW_EF, SPARSE
from miracle_dagster.core.vector_index.store import Point, Sparse, Where


def point(p: Point) -> qe.Point:
    return qe.Point(id=p.id, vector={DENSE: p.dense, SPARSE: qe.SparseVector(*p.sparse)}, payload=p.payload)


def point_of(record) -> Point:
    vectors = record.vector or {}
    sparse = vectors.get(SPARSE)
    return Point(
        id=str(record.id),
        dense=list(vectors.get(DENSE, [])),
        sparse=(list(sparse.indices), list(sparse.values)) if sparse else ([], []),
        payload=record.payload or {},
    )


def filter_of(where: Where | None) -> qe.Filter | None:
    if not where:
        return None
    return qe.Filter(must=[qe.FieldCondition(key=k, match=qe.MatchValue(value=v)) for k, v in where.items()])


def query_request(
    dense: list[float] | None, sparse: Sparse | None, where: qe.Filter | None, limit: int, exact: bool
) -> qe.QueryRequest | None:
    """Nearest neighbours of one vector, or RRF over both rankings; None when there is nothing to rank by."""
    params = qe.SearchParams(exact=True) if exact else qe.SearchParams(hnsw_ef=HNSW_EF)
    rankings = []
    if dense is not None:
        rankings.append(qe.Query.Nearest(list(dense), using=DENSE))
    if sparse is not None and sparse[0]:
        rankings.append(qe.Query.Nearest(qe.SparseVector(*sparse), using=SPARSE))
    if not rankings:
        return None
    if len(rankings) == 1:
        return qe.QueryRequest(limit=limit, query=rankings[0], filter=where, params=params, with_payload=True)
    prefetches = [qe.Prefetch(limit=max(limit, CANDIDATES), query=q, filter=where, params=params) for q in rankings]
    return qe.QueryRequest(limit=limit, prefetches=prefetches, query=qe.Fusion.Rrf(k=RRF_K), filter=where, with_payload=True)
