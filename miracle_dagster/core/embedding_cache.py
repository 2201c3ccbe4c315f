"""Corpus vectors by (model version, prompt, token limit, text) under the data root: the relevance judgments and the
IR report of one model embed each passage once, and a re-run (new judgments, another report) embeds nothing again.

Keys hash the text, as the translation cache does. Values are the float32 vectors the model returned, unchanged, so a
cached ranking is the ranking a fresh encode gives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from miracle_dagster.core.sqlite_store import SqliteStore


class EmbeddingCache(SqliteStore):
    table = "embeddings"
    schema = "CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"

    def encode(self, texts: Sequence[str], scope: str, encode: Callable[[list[str]], object]) -> np.ndarray:
        """Vectors of `texts` in order; only texts not stored under `scope` (what makes vectors comparable: model
        version, prompt, token limit) go to `encode`, once each, and are stored."""
        keys = [hashlib.sha256(f"{scope}\0{text}".encode()).hexdigest() for text in texts]
        found = {key: np.frombuffer(vector, dtype=np.float32) for key, vector in self.select("vector", list(dict.fromkeys(keys)))}
        todo = {key: text for key, text in zip(keys, texts) if key not in found}
        if todo:
            vectors = np.asarray(encode(list(todo.values())), dtype=np.float32)
            self.insert([(key, vector.tobytes()) for key, vector in zip(todo, vectors)])
            found.update(zip(todo, vectors))
        return np.stack([found[key] for key in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
