"""icd_biencoder, icd_reranker, icd_eval_report: code search trained on the synthetic phrasings, and its numbers.

Models land under `<data root>/models/icd/<catalogue>/<version>/` and `latest.json` there names the newest, which
`miracle icd` uses. The split is by phrasing (default: held-out phrasings of codes with training phrasings) or by
code (held-out codes no model saw a phrasing of); see core/icd/train.py.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg
import pandas as pd

from miracle_dagster.assets.train import FineTuneConfig
from miracle_dagster.config import config_from
from miracle_dagster.core import model_store, models, training
from miracle_dagster.core.icd import RERANK_TOP_N, registry
from miracle_dagster.core.icd import train as icd_train
from miracle_dagster.core.training.train import MAP_KEY
from miracle_dagster.metadata import count_table, curve, md_table
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.storage import DataRoot

BEATS_BASE = "beats_base_on_dev"


class IcdBiencoderConfig(FineTuneConfig):
    """The fine-tuning settings of finetuned_model plus the split (by phrasing or by code) and the sibling negatives."""

    split_by: str = "phrasing"  # or "code"
    split_seed: int = 0
    dev_fraction: float = 0.1
    test_fraction: float = 0.2
    num_negatives: int = 1
    batch_size: int = 32
    max_seq_length: int = 64  # phrasings and code titles are short; the saved model keeps it for search and evaluation


def _version(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]


def pairs_for(queries: pd.DataFrame, catalogue: pd.DataFrame, entry: dict) -> pd.DataFrame:
    """The bi-encoder's pairs with their split, rebuilt from the settings recorded with the model."""
    return icd_train.biencoder_pairs(
        queries,
        catalogue,
        entry.get("split_by", "code"),
        entry["split_seed"],
        entry["dev_fraction"],
        entry["test_fraction"],
        entry["num_negatives"],
    )  # models recorded before split_by split by code


@dg.asset(
    group_name="icd",
    kinds={"sentence_transformers", "pytorch"},
    check_specs=[dg.AssetCheckSpec(BEATS_BASE, asset="icd_biencoder")],
    description="The embedder fine-tuned on (phrasing, code title) pairs with sibling codes as hard negatives.",
)
def icd_biencoder(
    config: IcdBiencoderConfig,
    icd_synthetic_queries: pd.DataFrame,
    icd_code_catalog: pd.DataFrame,
    data_root: DataRoot,
    embedder: EmbeddingModels,
):
    spec = embedder.spec(config.base_model or None)
    entry = {
        "split_by": config.split_by,
        "split_seed": config.split_seed,
        "dev_fraction": config.dev_fraction,
        "test_fraction": config.test_fraction,
        "num_negatives": config.num_negatives,
    }
    pairs = pairs_for(icd_synthetic_queries, icd_code_catalog, entry)
    catalogue = str(icd_code_catalog["catalogue"].iloc[0])
    version = _version(
        training.content_version(pairs),
        training.content_version(icd_code_catalog[["code", "title"]]),
        spec.name,
        embedder.version(spec.name),
        config.model_dump(),
    )
    out_dir = registry.icd_models_root(data_root.local_models) / catalogue / version / "biencoder"
    model = models.load_sentence_transformer(spec, Path(embedder.models_dir))  # a fresh copy: training changes it
    model.max_seq_length = config.max_seq_length
    result = training.train(
        model,
        pairs,
        out_dir,
        config.to_core(),
        spec.query_prompt or None,
        spec.passage_prompt or None,
        model_name=f"miracle icd_synthetic_queries {catalogue}",
    )
    published = model_store.publish(
        result.model_dir, registry.icd_models_root(data_root.models_store) / catalogue / version / "biencoder" / "model"
    )
    registry.record(
        data_root.models_store,
        "biencoder",
        {
            **entry,
            "path": published,
            "version": version,
            "catalogue": catalogue,
            "base_model": spec.name,
            "query_prompt": spec.query_prompt,
            "passage_prompt": spec.passage_prompt,
        },
    )
    best = max(result.evals, key=lambda e: e["map@100"], default={})
    base_map = result.base_metrics.get(MAP_KEY)
    splits = pairs.groupby("split").agg(phrasings=("query", "size"), codes=("code", "nunique"))
    return dg.MaterializeResult(
        check_results=[
            dg.AssetCheckResult(
                check_name=BEATS_BASE,
                passed=bool(best) and base_map is not None and best["map@100"] > base_map,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"dev_map@100": best.get("map@100"), "base_dev_map@100": base_map},
                description="The fine-tuned model's best dev MAP@100 (dev phrasings against their titles) beats the base model's.",
            )
        ],
        metadata={
            "base_model": spec.name,
            "version": version,
            "catalogue": catalogue,
            "path": dg.MetadataValue.path(published),
            "phrasings_by_split": count_table(splits["phrasings"].to_dict(), "split"),
            "codes_by_split": count_table(splits["codes"].to_dict(), "split"),
            "steps": result.steps,
            "train_seconds": round(result.train_seconds, 1),
            "dev_map@100": best.get("map@100"),
            "base_dev_map@100": base_map,
            "loss_curve": curve(result.losses, "step", "loss"),
        },
    )


class IcdRerankerConfig(config_from(icd_train.RerankConfig)):
    """No pretrained reranker ships on PyPI here: the reranker starts from the encoder of the fine-tuned bi-encoder it
    reranks (which has already learnt the phrasings' vocabulary) or from a registered model named in base_encoder.
    Training settings: core RerankConfig."""

    base_encoder: str = ""  # a registered model name; default the fine-tuned icd_biencoder
    rerank_top_n: int = RERANK_TOP_N  # the candidates the fusion weight is chosen on (as icd_eval_report and miracle icd rerank)


def latest(data_root: DataRoot, kind: str) -> dict:
    entry = registry.read_latest(data_root.models_store).get(kind)
    if not entry:
        raise dg.Failure(description=f"no trained ICD {kind}: materialize icd_{kind} first")
    return entry


@dg.asset(
    group_name="icd",
    kinds={"sentence_transformers", "pytorch"},
    deps=["icd_biencoder"],
    description="A CrossEncoder trained to pick the right code among the fine-tuned bi-encoder's top candidates.",
)
def icd_reranker(
    config: IcdRerankerConfig,
    icd_synthetic_queries: pd.DataFrame,
    icd_code_catalog: pd.DataFrame,
    data_root: DataRoot,
    embedder: EmbeddingModels,
):
    entry = latest(data_root, "biencoder")
    pairs = pairs_for(icd_synthetic_queries, icd_code_catalog, entry)
    index = registry.trained_index(entry, icd_code_catalog, Path(data_root.path))
    examples = icd_train.reranker_examples(pairs[pairs["split"] == "train"], index, config.top_n, config.negatives_per_query)
    base_name = config.base_encoder or f"icd_biencoder {entry['version']}"
    base_dir = embedder.provision(config.base_encoder) if config.base_encoder else model_store.local_copy(entry["path"])
    folder = (
        Path(entry["catalogue"])
        / entry["version"]
        / f"reranker-{_version(base_name, training.content_version(examples), config.model_dump())}"
    )
    out_dir = registry.icd_models_root(data_root.local_models) / folder
    result = icd_train.train_reranker(base_dir, examples, out_dir, config.to_core())
    dev = pairs[pairs["split"] == "dev"]
    weights = pd.DataFrame()
    weight = None  # without dev phrasings nothing can choose a fusion weight: the reranker's score alone ranks
    if len(dev):
        weight, weights = icd_train.choose_rerank_weight(
            index, icd_train.load_cross_encoder(result.model_dir, config.max_length), dev, config.rerank_top_n
        )
    published = model_store.publish(result.model_dir, registry.icd_models_root(data_root.models_store) / folder / "model")
    registry.record(
        data_root.models_store,
        "reranker",
        {
            "path": published,
            "base_encoder": base_name,
            "rerank_weight": weight,
            "biencoder_version": entry["version"],
            "max_length": config.max_length,
        },
    )
    return dg.MaterializeResult(
        metadata={
            "base_encoder": base_name,
            "biencoder_version": entry["version"],
            "path": dg.MetadataValue.path(published),
            "examples": len(examples),
            "hard_negatives_per_example": config.negatives_per_query,
            "steps": result.steps,
            "train_seconds": round(result.train_seconds, 1),
            "loss_curve": curve(result.losses, "step", "loss"),
            "rerank_weight": str(weight),
            "dev_r5_by_weight": md_table(weights.columns, weights.round(3).values, empty="No dev phrasings."),
        }
    )
