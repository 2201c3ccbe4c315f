"""Qdrant Edge: Qdrant's own engine in-process, one shard directory per collection under the store's root.

Layout: `collections/<name>/` (an Edge shard plus `miracle.json`: dimension, BM25 language), `aliases/<alias>` (a
file holding the collection name, replaced atomically: write a temporary file, fsync, os.replace), `writer.lock`.

Edge lets one `EdgeShard` own a directory (it locks the write-ahead log), and the Python binding has no read-only
follower. So: one writer at a time holds `writer.lock` (flock, released by the kernel even when the writer is
killed; the WAL replays on the next load, so an acknowledged upsert is never lost). A reader never opens the
writer's files: it copies the shard (segments first, then the WAL that covers them) into `readers/` and loads the
copy - the writer is neither blocked nor touched, at the cost of one copy per collection per read view.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import qdrant_edge as qe

from miracle_dagster.core.vector_index import edge_requests as rq
from miracle_dagster.core.vector_index.names import DENSE, HNSW_EF_CONSTRUCT, HNSW_M, INTEGER_FIELDS, KEYWORD_FIELDS, SPARSE
from miracle_dagster.core.vector_index.store import CollectionInfo, Point, Sparse, StoreError, VectorStore, Where

META = "miracle.json"
BULK_LOAD = qe.EdgeOptimizersConfig(indexing_threshold=0)  # no HNSW while a collection is first filled
SERVING = qe.EdgeOptimizersConfig(indexing_threshold=10_000)  # KB: the server's default; smaller segments stay plain
HNSW = qe.HnswIndexConfig(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCT, full_scan_threshold=10_000)  # KB


def refuse_local_mode(root: Path) -> None:
    """qdrant-client's local mode left `meta.json` and `collection/<name>/storage.sqlite` here: say how to rebuild."""
    if (root / "meta.json").exists() or (root / "collection").is_dir():
        raise StoreError(
            f"{root} holds an index of the old embedded store (qdrant-client local mode), which miracle no longer "
            f"reads. Move it away (mv {root} {root}.local-mode) and re-materialize the index assets "
            "(the */qdrant_points partitions, then */qdrant_collection and variant_index) to rebuild it with Qdrant Edge."
        )


def _config(dim: int, optimizers: qe.EdgeOptimizersConfig) -> qe.EdgeConfig:
    return qe.EdgeConfig(
        vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
        sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        hnsw_config=HNSW,
        optimizers=optimizers,
    )


class EdgeStore(VectorStore):
    def __init__(self, root: str | Path, *, read_only: bool = False, lock_timeout_s: float = 120.0):
        self.root, self.read_only = Path(root), read_only
        refuse_local_mode(self.root)
        for folder in ("collections", "aliases", "readers"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        self._shards: dict[str, qe.EdgeShard] = {}
        self._lock = None if read_only else self._acquire_writer_lock(lock_timeout_s)
        self._copies = Path(tempfile.mkdtemp(dir=self.root / "readers")) if read_only else None

    def _acquire_writer_lock(self, timeout_s: float):
        handle = open(self.root / "writer.lock", "a+")
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    raise StoreError(
                        f"the embedded Qdrant store {self.root} is being written by another process (a running job); "
                        "wait for it, or run a Qdrant server and set MIRACLE_QDRANT_URL for concurrent writers"
                    ) from None
                time.sleep(0.5)

    def close(self) -> None:
        for shard in self._shards.values():
            shard.close()
        self._shards.clear()
        if self._copies:
            shutil.rmtree(self._copies, ignore_errors=True)
        if self._lock:
            self._lock.close()  # releases the flock
            self._lock = None

    # ---------------------------------------------------------------------------------------- collections
    def _dir(self, name: str) -> Path:
        return self.root / "collections" / name

    def _resolve(self, name: str) -> str:
        return name if self._dir(name).is_dir() else self.aliases().get(name, name)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("this view of the embedded store is read-only")

    def _shard(self, name: str) -> qe.EdgeShard:
        name = self._resolve(name)
        if name not in self._shards:
            source = self._dir(name)
            if not (source / META).exists():
                raise StoreError(f"no collection or alias {name!r} in {self.root}")
            self._shards[name] = qe.EdgeShard.load(str(source if not self.read_only else self._copy(source)))
        return self._shards[name]

    def _copy(self, source: Path) -> Path:
        """Segments first, then the WAL: replaying the later log on load covers whatever a segment missed."""
        target = self._copies / source.name
        shutil.copytree(source / "segments", target / "segments")
        for entry in sorted(source.iterdir(), key=lambda p: p.name == "wal"):
            if entry.name != "segments":
                (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, target / entry.name)
        return target

    def ensure_collection(self, name: str, dim: int, language: str) -> bool:
        if self._dir(name).is_dir():
            if (size := self.info(name).dim) != dim:
                raise StoreError(f"collection {name} holds {size}-d vectors, the model gives {dim}-d")
            return False
        self._writable()
        building = self.root / "collections" / f".{name}.{uuid.uuid4().hex[:8]}"  # appears whole or not at all
        shard = qe.EdgeShard.create(str(building), _config(dim, BULK_LOAD))
        for field in KEYWORD_FIELDS:
            shard.update(qe.UpdateOperation.create_field_index(field, qe.PayloadSchemaType.Keyword))
        for field in INTEGER_FIELDS:
            shard.update(qe.UpdateOperation.create_field_index(field, qe.PayloadSchemaType.Integer))
        shard.flush()
        shard.close()
        (building / META).write_text(json.dumps({"dim": dim, "language": language}))
        os.replace(building, self._dir(name))
        return True

    def info(self, collection: str) -> CollectionInfo:
        meta = self._dir(self._resolve(collection)) / META
        if not meta.exists():
            raise StoreError(f"no collection or alias {collection!r} in {self.root}")
        return CollectionInfo(**json.loads(meta.read_text()))

    def collections(self) -> list[str]:
        return sorted(p.parent.name for p in (self.root / "collections").glob(f"*/{META}"))

    def drop_collection(self, name: str) -> None:
        self._writable()
        if shard := self._shards.pop(name, None):
            shard.close()
        shutil.rmtree(self._dir(name), ignore_errors=True)

    def build_index(self, collection: str) -> None:
        """Reload with the serving indexing threshold and optimize: one HNSW build over the bulk-loaded segment;
        a later nightly sync leaves a small plain segment that the next call keeps as it is."""
        self._writable()
        name = self._resolve(collection)
        self._shard(name).close()
        self._shards[name] = qe.EdgeShard.load(str(self._dir(name)), _config(self.info(name).dim, SERVING))
        self._shards[name].optimize()

    # ---------------------------------------------------------------------------------------- points
    def upsert(self, collection: str, points: list[Point]) -> None:
        self._writable()
        self._shard(collection).update(qe.UpdateOperation.upsert_points([rq.point(p) for p in points]))

    def delete(self, collection: str, ids: list[str]) -> None:
        self._writable()
        self._shard(collection).update(qe.UpdateOperation.delete_points(list(ids)))

    def ids(self, collection: str, where: Where) -> set[str]:
        return {p.id for p in self._scroll(collection, where, with_vector=False)}

    def count(self, collection: str, where: Where | None = None) -> int:
        return self._shard(collection).count(qe.CountRequest(exact=True, filter=rq.filter_of(where)))

    def points(self, collection: str, batch_size: int = 256) -> Iterator[Point]:
        return self._scroll(collection, None, with_vector=True, batch_size=batch_size)

    def _scroll(self, collection: str, where: Where | None, with_vector: bool, batch_size: int = 1024) -> Iterator[Point]:
        shard, offset = self._shard(collection), None
        while True:
            records, offset = shard.scroll(
                qe.ScrollRequest(
                    offset=offset, limit=batch_size, filter=rq.filter_of(where), with_payload=with_vector, with_vector=with_vector
                )
            )
            yield from (rq.point_of(r) for r in records)
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
        request = rq.query_request(dense, sparse, rq.filter_of(where), limit, exact)
        return [(p.score, p.payload or {}) for p in self._shard(collection).query(request)] if request else []

    # ---------------------------------------------------------------------------------------- aliases
    def aliases(self) -> dict[str, str]:
        return {p.name: p.read_text().strip() for p in (self.root / "aliases").iterdir() if not p.name.startswith(".")}

    def switch_alias(self, alias: str, collection: str) -> str | None:
        self._writable()
        previous = self.aliases().get(alias)
        if previous != collection:
            folder = self.root / "aliases"
            with tempfile.NamedTemporaryFile("w", dir=folder, prefix=f".{alias}.", delete=False) as handle:
                handle.write(collection)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, folder / alias)
            directory = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        return previous
