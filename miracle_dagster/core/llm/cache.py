"""Completions keyed by (model, prompt, sampling) in SQLite under the data root.

Written after every batch, so a crash or an unreachable server loses at most the batch in flight,
and a re-materialization pays only for prompts it has not seen (new or changed sections, new prompt
version, new model). WAL mode lets parallel runs read while one writes.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from miracle_dagster.core.llm.backends import Completion

_SCHEMA = """
CREATE TABLE IF NOT EXISTS completions (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""


class CompletionCache:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=60)

    def get_many(self, keys: list[str]) -> dict[str, Completion]:
        found: dict[str, Completion] = {}
        with closing(self._connect()) as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = db.execute(
                    f"SELECT key, text, tokens_in, tokens_out FROM completions WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                for key, text, tokens_in, tokens_out in rows:
                    found[key] = Completion(text=text, tokens_in=tokens_in, tokens_out=tokens_out, cached=True)
        return found

    def put_many(self, model: str, items: dict[str, Completion]) -> None:
        """Only successful completions are stored: failures are retried on the next run."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        rows = [(k, model, c.text, c.tokens_in, c.tokens_out, now) for k, c in items.items() if c.ok]
        if not rows:
            return
        with closing(self._connect()) as db, db:
            db.executemany("INSERT OR REPLACE INTO completions VALUES (?, ?, ?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        with closing(self._connect()) as db:
            return db.execute("SELECT COUNT(*) FROM completions").fetchone()[0]
