"""Where trained code-search models live: `<models>/icd/<catalogue>/<version>/{biencoder,reranker-*,default}/model`,
and `latest.json` naming the newest of each with the catalogue and prompts they were trained for (read by the CLI). The
models root is the model store (core/model_store.py): `$MIRACLE_HOME/models`, or object storage."""

from __future__ import annotations

import time
from pathlib import Path

from upath import UPath

from miracle_dagster.core import model_store, settings


def icd_models_root(models: Path | UPath) -> Path | UPath:
    return models / "icd"


def latest_file(models: Path | UPath) -> UPath:
    return UPath(icd_models_root(models) / "latest.json")


def read_latest(models: Path | UPath) -> dict:
    return model_store.read_json(latest_file(models))


def answering(latest: dict) -> tuple[str, dict]:
    """(kind, entry) of the bi-encoder `miracle icd` uses: the newer of icd_job's `biencoder` (trained on LLM
    phrasings) and the `default` one trained on public terms; ('', {}) before either exists."""
    kinds = [k for k in ("biencoder", "default") if latest.get(k)]
    if not kinds:
        return "", {}
    kind = max(kinds, key=lambda k: latest[k].get("trained_at", ""))
    return kind, latest[kind]


def record(models: Path | UPath, kind: str, entry: dict) -> None:
    """Set latest[kind] (biencoder | reranker | default) = entry (path, version, catalogue, prompts, ...) stamped with
    trained_at (UTC; kept when the same version is recorded again, so a re-run does not make an old model newer),
    atomically."""
    latest = read_latest(models)
    previous = latest.get(kind, {})
    same = entry.get("version") and previous.get("version") == entry.get("version")  # a re-run that trained nothing new
    stamp = previous.get("trained_at") if same else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    latest[kind] = {**entry, "trained_at": stamp}
    model_store.write_json(latest_file(models), latest)


def embedding_cache(home: Path) -> Path:
    return Path(home) / "cache" / "icd_embeddings"


def trained_index(entry: dict, catalogue, home: Path):
    """A CodeIndex of the catalogue with the bi-encoder `entry` (from latest.json) names, by the index text the model
    was trained for where it brought one and the catalogue is the one it was trained on (codes it does not list keep
    their title) with its synonyms, fused by the entry's synonym_weight and lexical_weight (core/icd/fusion.py)."""
    import pandas as pd
    from sentence_transformers import SentenceTransformer

    from miracle_dagster.core.icd.search import CodeIndex, with_index_text

    folder = model_store.local_copy(entry["path"])
    model = SentenceTransformer(str(folder), device=settings.device(), local_files_only=True)
    synonyms = None
    if entry.get("index_text") and set(catalogue.get("catalogue", [entry.get("catalogue")])) == {entry.get("catalogue")}:
        catalogue = with_index_text(catalogue, pd.read_parquet(Path(folder) / entry["index_text"]).set_index("code")["index_text"])
        synonyms = pd.read_parquet(Path(folder) / entry["synonyms"]) if entry.get("synonyms") else None
    return CodeIndex(
        catalogue,
        model,
        entry["query_prompt"],
        entry["passage_prompt"],
        embedding_cache(home),
        f"icd-biencoder:{entry['version']}",
        lexical_weight=entry.get("lexical_weight", 0.0),
        synonyms=synonyms,
        synonym_weight=entry.get("synonym_weight", 0.0),
    )


def trained_reranker(entry: dict):
    from miracle_dagster.core.icd.train import load_cross_encoder

    return load_cross_encoder(model_store.local_copy(entry["path"]), entry["max_length"])
