"""Completions keyed by (model, prompt, sampling) in SQLite under the data root.

A re-materialization pays only for prompts it has not seen (new or changed sections, new prompt version,
new model); the client writes after every batch, so an unreachable server loses at most the batch in flight.
"""

from __future__ import annotations

from datetime import datetime, timezone

from miracle_dagster.core.llm.backends import Completion
from miracle_dagster.core.sqlite_store import SqliteStore


class CompletionCache(SqliteStore):
    table = "completions"
    schema = """
CREATE TABLE IF NOT EXISTS completions (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""

    def get_many(self, keys: list[str]) -> dict[str, Completion]:
        return {
            key: Completion(text=text, tokens_in=tokens_in, tokens_out=tokens_out, cached=True)
            for key, text, tokens_in, tokens_out in self.select("text, tokens_in, tokens_out", keys)
        }

    def put_many(self, model: str, items: dict[str, Completion]) -> None:
        """Only successful completions are stored: failures are retried on the next run."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.insert([(k, model, c.text, c.tokens_in, c.tokens_out, now) for k, c in items.items() if c.ok])
