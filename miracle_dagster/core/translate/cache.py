"""Translations keyed by (text hash, source, target, glossary version, backend) under the data root.

The engine writes after every batch, so a quota error mid-partition keeps what was paid for, and a
re-materialization or a nightly run sends only text it has not translated before.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from miracle_dagster.core.sqlite_store import SqliteStore


def cache_key(text: str, source: str, target: str, glossary_version: str, backend: str) -> str:
    text_hash = hashlib.sha256(text.encode()).hexdigest()
    payload = json.dumps([text_hash, source.upper(), target.upper(), glossary_version, backend])
    return hashlib.sha256(payload.encode()).hexdigest()


class TranslationCache(SqliteStore):
    table = "translations"
    schema = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    translation TEXT NOT NULL,
    billed_characters INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""

    def get_many(self, keys: list[str]) -> dict[str, str]:
        return {key: text for key, text in self.select("translation", keys)}

    def put_many(self, backend: str, items: dict[str, tuple[str, int]]) -> None:
        """key -> (translation, characters billed for it)."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.insert([(key, backend, text, billed, now) for key, (text, billed) in items.items()])
