"""A key -> row table in one SQLite file under the data root: the shape of every paid-for-work cache here.

Written after every batch by its callers, so a crash or a quota error loses at most the batch in flight.
WAL mode lets parallel runs read while one writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

_CHUNK = 500  # below SQLite's bound-parameter limit


class SqliteStore:
    """Subclasses name the table and give its CREATE statement; the first column is the primary key `key`."""

    table: str = ""
    schema: str = ""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(self.schema)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=60)

    def select(self, columns: str, keys: Sequence[str]) -> Iterator[tuple]:
        """Rows (`key`, then `columns`) for those of `keys` that are stored."""
        with closing(self._connect()) as db:
            for start in range(0, len(keys), _CHUNK):
                chunk = list(keys[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                yield from db.execute(f"SELECT key, {columns} FROM {self.table} WHERE key IN ({marks})", chunk)

    def insert(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        with closing(self._connect()) as db, db:
            db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES ({','.join('?' * len(rows[0]))})", rows)

    def __len__(self) -> int:
        with closing(self._connect()) as db:
            return db.execute(f"SELECT COUNT(*) FROM {self.table}").fetchone()[0]
