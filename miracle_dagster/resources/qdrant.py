"""The vector store: Qdrant Edge under the data root by default, a Qdrant server by URL (API key from the env)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from miracle_dagster.core.vector_index import EdgeStore, ServerStore, VectorStore


class QdrantResource(dg.ConfigurableResource):
    """`url` wins over `path`."""

    path: str = ""
    url: str = ""
    api_key: str | None = None
    lock_timeout_s: float = 120.0

    def describe(self) -> str:
        return f"server {self.url}" if self.url else f"embedded (Qdrant Edge) {self.path}"

    @contextmanager
    def open(self, read_only: bool = False) -> Iterator[VectorStore]:
        """A store for one unit of work, closed afterwards. On Edge a writer holds the store's writer lock (waiting
        up to `lock_timeout_s` for another writer); a `read_only` view reads a copy and never waits."""
        store = self._connect(read_only)
        try:
            yield store
        finally:
            store.close()

    def _connect(self, read_only: bool) -> VectorStore:
        if self.url:
            return ServerStore(self.url, self.api_key)
        if not self.path:
            raise ValueError("QdrantResource needs `url` (a server) or `path` (embedded)")
        return EdgeStore(self.path, read_only=read_only, lock_timeout_s=self.lock_timeout_s)
