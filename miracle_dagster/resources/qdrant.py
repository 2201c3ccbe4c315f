"""Qdrant: embedded on disk under the data root by default, a server by URL (API key from the environment)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from qdrant_client import QdrantClient

LOCKED = "already accessed by another instance"


class QdrantResource(dg.ConfigurableResource):
    """`url` wins over `path`."""

    path: str = ""
    url: str = ""
    api_key: str | None = None
    lock_timeout_s: float = 120.0

    def describe(self) -> str:
        return f"server {self.url}" if self.url else f"embedded {self.path}"

    @contextmanager
    def open(self) -> Iterator[QdrantClient]:
        """A client for one unit of work, closed afterwards so the embedded store's file lock is released."""
        client = self._connect()
        try:
            yield client
        finally:
            client.close()

    def _connect(self) -> QdrantClient:
        if self.url:
            return QdrantClient(url=self.url, api_key=self.api_key or None)
        if not self.path:
            raise ValueError("QdrantResource needs `url` (a server) or `path` (embedded)")
        deadline = time.monotonic() + self.lock_timeout_s
        while True:
            try:
                return QdrantClient(path=self.path)
            except RuntimeError as error:
                if LOCKED not in str(error) or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"The embedded Qdrant store {self.path} is in use by another process (a running job or "
                        "search). Wait for it, or run a Qdrant server and set MIRACLE_QDRANT_URL for concurrent use."
                    ) from error
                time.sleep(1.0)
