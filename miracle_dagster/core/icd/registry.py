"""Where trained code-search models live: `<data root>/models/icd/<catalogue>/<version>/{biencoder,reranker}`, and
`latest.json` naming the newest of each with the catalogue and prompts they were trained for (read by the CLI)."""

from __future__ import annotations

import json
from pathlib import Path


def icd_models_root(home: Path) -> Path:
    return Path(home) / "models" / "icd"


def latest_file(home: Path) -> Path:
    return icd_models_root(home) / "latest.json"


def read_latest(home: Path) -> dict:
    path = latest_file(home)
    return json.loads(path.read_text()) if path.is_file() else {}


def record(home: Path, kind: str, entry: dict) -> None:
    """Set latest[kind] (biencoder | reranker) = entry (path, version, catalogue, prompts, ...), atomically."""
    latest = read_latest(home)
    latest[kind] = entry
    path = latest_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(latest, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)


def embedding_cache(home: Path) -> Path:
    return Path(home) / "cache" / "icd_embeddings"


def trained_index(entry: dict, catalogue, home: Path):
    """A CodeIndex of the catalogue with the bi-encoder `entry` (from latest.json) names."""
    from sentence_transformers import SentenceTransformer

    from miracle_dagster.core.icd.search import CodeIndex

    model = SentenceTransformer(entry["path"], local_files_only=True)
    return CodeIndex(catalogue, model, entry["query_prompt"], entry["passage_prompt"], embedding_cache(home), f"icd-biencoder:{entry['version']}")


def trained_reranker(entry: dict):
    from miracle_dagster.core.icd.train import load_cross_encoder

    return load_cross_encoder(Path(entry["path"]), entry["max_length"])
