"""Where trained code-search models live: `<models>/icd/<catalogue>/<version>/{biencoder,reranker-*}/model`, and
`latest.json` naming the newest of each with the catalogue and prompts they were trained for (read by the CLI). The
models root is the model store (core/model_store.py): `$MIRACLE_HOME/models`, or object storage."""

from __future__ import annotations

from pathlib import Path

from upath import UPath

from miracle_dagster.core import model_store, settings


def icd_models_root(models: Path | UPath) -> Path | UPath:
    return models / "icd"


def latest_file(models: Path | UPath) -> UPath:
    return UPath(icd_models_root(models) / "latest.json")


def read_latest(models: Path | UPath) -> dict:
    return model_store.read_json(latest_file(models))


def record(models: Path | UPath, kind: str, entry: dict) -> None:
    """Set latest[kind] (biencoder | reranker) = entry (path, version, catalogue, prompts, ...), atomically."""
    latest = read_latest(models)
    latest[kind] = entry
    model_store.write_json(latest_file(models), latest)


def embedding_cache(home: Path) -> Path:
    return Path(home) / "cache" / "icd_embeddings"


def trained_index(entry: dict, catalogue, home: Path):
    """A CodeIndex of the catalogue with the bi-encoder `entry` (from latest.json) names."""
    from sentence_transformers import SentenceTransformer

    from miracle_dagster.core.icd.search import CodeIndex

    model = SentenceTransformer(str(model_store.local_copy(entry["path"])), device=settings.device(), local_files_only=True)
    return CodeIndex(
        catalogue, model, entry["query_prompt"], entry["passage_prompt"], embedding_cache(home), f"icd-biencoder:{entry['version']}"
    )


def trained_reranker(entry: dict):
    from miracle_dagster.core.icd.train import load_cross_encoder

    return load_cross_encoder(model_store.local_copy(entry["path"]), entry["max_length"])
