"""The default model's reranker: a cross-encoder started from the fine-tuned default bi-encoder's encoder, trained on
the same public terms against the bi-encoder's own mistakes, fused with its cosine by a weight chosen on dev terms.

It reads what the bi-encoder embedded (each code's index text), lands beside the bi-encoder in the model store
(`icd/icd10gm/<version>/default-reranker-<settings>/model`) and is recorded inside the `default` entry of latest.json,
so it never reranks another bi-encoder.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from miracle_dagster.core import model_store
from miracle_dagster.core.icd import RERANK_TOP_N, default_model, public_terms, registry
from miracle_dagster.core.icd import train as icd_train
from miracle_dagster.core.icd.defaults import DefaultModelConfig, DefaultRerankConfig


def pairs(terms: pd.DataFrame, index, model_config: DefaultModelConfig, config: DefaultRerankConfig) -> pd.DataFrame:
    """The bi-encoder's pairs (the same keyed choice of terms per code): max_steps × batch_size training terms, sampled
    with the seed, and up to max_dev dev terms."""
    frame = public_terms.training_pairs(
        terms, pd.Series(index.texts, index=index.codes), model_config.per_code, 0, config.max_dev, config.seed
    )
    train = frame[frame["split"] == "train"]
    train = train.sample(n=min(len(train), config.max_steps * config.batch_size), random_state=config.seed)
    return pd.concat([train, frame[frame["split"] == "dev"]], ignore_index=True)


def train(index, biencoder_dir: Path, terms: pd.DataFrame, model_config: DefaultModelConfig, config: DefaultRerankConfig, out_dir: Path):
    """Train a reranker from the encoder in biencoder_dir on the terms against the mistakes of `index` (that bi-encoder's
    CodeIndex) and choose its fusion weight on dev terms: (RerankResult, weight, R@5/MRR by weight, training examples).
    Without dev terms the weight is None: the reranker's score alone ranks."""
    chosen = pairs(terms, index, model_config, config)
    examples = icd_train.reranker_examples(chosen[chosen["split"] == "train"], index, config.top_n, config.negatives_per_query)
    result = icd_train.train_reranker(biencoder_dir, examples, out_dir, config)
    dev = chosen[chosen["split"] == "dev"]
    weight, weights = None, pd.DataFrame()
    if len(dev):
        reranker = icd_train.load_cross_encoder(result.model_dir, config.max_length)
        weight, weights = icd_train.choose_rerank_weight(index, reranker, dev, RERANK_TOP_N)
    return result, weight, weights, len(examples)


def train_and_publish(
    entry: dict, terms: pd.DataFrame, models_store, local_models: Path, home: Path, config: DefaultRerankConfig
) -> tuple[dict, icd_train.RerankResult, pd.DataFrame, int]:
    """Train the reranker for the default bi-encoder `entry` (from latest.json), publish it and record it in the
    default entry: (entry, RerankResult, R@5/MRR by weight, training examples)."""
    codes = default_model.trained_catalogue(terms)
    index = registry.trained_index(entry, codes[codes["terminal"]].reset_index(drop=True), home)
    settings_key = hashlib.sha256(json.dumps(asdict(config), sort_keys=True).encode()).hexdigest()[:8]
    folder = Path("icd10gm") / entry["version"] / f"default-reranker-{settings_key}"
    result, weight, weights, examples = train(
        index,
        model_store.local_copy(entry["path"]),
        terms,
        DefaultModelConfig(**entry["config"]),
        config,
        registry.icd_models_root(local_models) / folder,
    )
    published = model_store.publish(result.model_dir, registry.icd_models_root(models_store) / folder / "model")
    reranker_entry = {
        "path": published,
        "rerank_weight": weight,
        "max_length": config.max_length,
        "steps": result.steps,
        "train_seconds": round(result.train_seconds, 1),
        "config": asdict(config),
    }
    entry = {**entry, "reranker": reranker_entry}
    registry.record(models_store, default_model.KIND, entry)
    return entry, result, weights, examples
