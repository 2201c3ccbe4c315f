"""The one index interface the assets, `miracle search` and the RAG evaluation talk to.

Two implementations: `EdgeStore` (Qdrant Edge in-process, the default) and `ServerStore` (a Qdrant server through
qdrant-client, for production and concurrent use). Callers never learn which one runs. Filters are payload equality
conditions `{field: value}`, all of which must hold: that is every filter miracle needs, and both stores index it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

Where = dict[str, str | int]
Sparse = tuple[list[int], list[float]]  # (indices, values)


class StoreError(RuntimeError):
    """The store cannot serve the request: busy, missing collection, incompatible data on disk."""


@dataclass
class Point:
    id: str
    dense: list[float]
    sparse: Sparse
    payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CollectionInfo:
    dim: int
    language: str  # of the BM25 tokenizer that made the sparse vectors; queries must be tokenized the same way


class VectorStore(ABC):
    """Collections of passages (a dense and a BM25 sparse vector each) and aliases naming the live version."""

    read_only = False

    def __enter__(self) -> VectorStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def ensure_collection(self, name: str, dim: int, language: str) -> bool:
        """Create it (deferred HNSW, payload indexes on the filter fields) unless it exists; True if created.
        Raises StoreError when it exists with another dimension."""

    @abstractmethod
    def info(self, collection: str) -> CollectionInfo:
        """Of a collection or alias; raises StoreError when there is none."""

    @abstractmethod
    def collections(self) -> list[str]: ...

    @abstractmethod
    def drop_collection(self, name: str) -> None: ...

    @abstractmethod
    def upsert(self, collection: str, points: list[Point]) -> None:
        """Durable when it returns (the write-ahead log holds it)."""

    @abstractmethod
    def delete(self, collection: str, ids: list[str]) -> None: ...

    @abstractmethod
    def ids(self, collection: str, where: Where) -> set[str]: ...

    @abstractmethod
    def count(self, collection: str, where: Where | None = None) -> int: ...

    @abstractmethod
    def points(self, collection: str, batch_size: int = 256) -> Iterator[Point]:
        """Every point with vectors and payload, in id order (export, tests)."""

    @abstractmethod
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
        """(score, payload) best first: dense or sparse nearest neighbours, both fused by reciprocal rank fusion
        when both are given; `exact` skips HNSW (the benchmark's recall reference)."""

    @abstractmethod
    def aliases(self) -> dict[str, str]:
        """alias -> the collection it names."""

    @abstractmethod
    def switch_alias(self, alias: str, collection: str) -> str | None:
        """Point `alias` at `collection` atomically: a reader sees the old or the new one, never none. Returns
        the collection it named before."""

    @abstractmethod
    def build_index(self, collection: str) -> None:
        """Build the HNSW graph once the bulk load is done; a no-op for the few points of a nightly sync."""
