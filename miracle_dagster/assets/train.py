"""training_pairs and finetuned_model per variant (de, de_pseudonymized, en_pseudonymized).

Inputs are read from the data root across every materialized specialty x year partition; a variant whose inputs
are missing fails with the assets to materialize, never with made-up data. No text of the `de` variant (raw PHI)
appears in metadata.
"""

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import dagster as dg
import pandas as pd

from miracle_dagster.config import config_from
from miracle_dagster.core import model_store, models, settings, training
from miracle_dagster.core.pseudonymize.records import pseudonym_id
from miracle_dagster.core.training import negatives, registry
from miracle_dagster.core.training.train import MAP_KEY, NDCG_KEY
from miracle_dagster.metadata import column_schema, count_table, curve, md_table
from miracle_dagster.partitions import variant_partitions
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.storage import DataRoot
from miracle_dagster.torchrun import train_with_torchrun

SPLIT_CHECK, GUARD_CHECK, BEATS_BASE = "patients_in_one_split", "negatives_not_from_positive_patient", "beats_base_on_dev"
SAME_SPLIT_CHECK = "same_split_in_every_variant"
_INPUT_KEYS = sorted({name for pair in training.VARIANT_INPUTS.values() for name in pair})


class TrainingPairsConfig(dg.Config):
    """Mining settings decide the hard negatives; which patients train or evaluate comes with the rows (`split`)."""

    num_negatives: int = 1
    negative_candidates: int = 10
    negative_margin: float = 0.05
    mining_model: str = ""  # default: the embedder (MIRACLE_EMBEDDER)


def _inputs(data_root: DataRoot, variant: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    qa_name, passages_name = training.VARIANT_INPUTS[variant]
    frames = {qa_name: data_root.read_all(qa_name), passages_name: data_root.read_all(passages_name, ["passage_id", "text"])}
    missing = [name for name, frame in frames.items() if frame is None]
    if missing:
        raise dg.Failure(
            description=f"training_pairs[{variant}] needs {' and '.join(missing)}: materialize "
            f"{', '.join(missing)} for at least one specialty x year partition first.",
            metadata={"inputs_missing": ", ".join(missing)},
        )
    return frames[qa_name], frames[passages_name]


@dg.asset(
    partitions_def=variant_partitions,
    group_name="training",
    kinds={"sentence_transformers", "pandas", "parquet"},
    deps=[dg.AssetDep(name, partition_mapping=dg.AllPartitionMapping()) for name in _INPUT_KEYS],
    check_specs=[
        dg.AssetCheckSpec(SPLIT_CHECK, asset="training_pairs", blocking=True),
        dg.AssetCheckSpec(GUARD_CHECK, asset="training_pairs", blocking=True),
        dg.AssetCheckSpec(SAME_SPLIT_CHECK, asset="training_pairs", blocking=True),
    ],
    description="(question, passage, hard negatives) per QA pair, split train / dev / test by patient.",
)
def training_pairs(
    context: dg.AssetExecutionContext,
    config: TrainingPairsConfig,
    data_root: DataRoot,
    embedder: EmbeddingModels,
    pseudonymizer: Pseudonymizer,
):
    variant = context.partition_key
    qa, passages = _inputs(data_root, variant)
    try:
        built = training.build_pairs(qa, passages)
    except ValueError as e:
        raise dg.Failure(description=f"training_pairs[{variant}]: {e}") from e
    pairs, train_rows = built.pairs, built.pairs["split"] == "train"
    spec = embedder.spec(config.mining_model or None)
    model = embedder.sentence_transformer(spec.name)  # at the model's one token limit, as passages, training and evaluation
    mined = training.mine(
        pairs[train_rows],
        model,
        config.num_negatives,
        config.negative_candidates,
        config.negative_margin,
        spec.query_prompt or None,
        spec.passage_prompt or None,
    )
    pairs["negatives"] = pd.Series([[] for _ in range(len(pairs))], index=pairs.index, dtype=object)
    pairs.loc[train_rows, "negatives"] = pd.Series(mined.negatives, index=pairs.index[train_rows], dtype=object)
    stats = training.statistics(pairs)
    overlap = training.patients_in_several_splits(pairs)
    leaked = negatives.same_patient_negatives(pairs)
    with_negatives = int((pairs["negatives"].map(len) >= max(config.num_negatives, 1)).sum())
    yield dg.Output(
        pairs,
        metadata={
            "variant": variant,
            "qa_pairs_in": built.rows_in,
            "pairs": len(pairs),
            "rejected_by_reason": count_table(built.rejected, "reason", empty="Nothing rejected."),
            "patients": int(pairs["patient_id"].nunique()),
            "by_split": md_table(stats["split"].columns, stats["split"].values),
            "by_specialty": md_table(stats["specialty"].columns, stats["specialty"].values),
            "by_year": md_table(stats["year"].columns, stats["year"].values),
            "train_pairs_with_negatives": with_negatives,
            "negative_candidates": mined.candidates,
            "negatives_removed_by_guard": count_table(mined.removed, "guard", empty="None removed."),
            "mining_model": spec.name,
            "max_seq_length": model.max_seq_length,
            "data_version": training.content_version(pairs),
            "dagster/row_count": len(pairs),
            "dagster/column_schema": column_schema(pairs),
            **({} if variant in training.PRIVATE_VARIANTS else {"sample": _sample(pairs)}),
        },
    )
    yield dg.AssetCheckResult(
        check_name=SPLIT_CHECK,
        passed=not overlap,
        metadata={"patients_in_several_splits": len(overlap)},
        description="No patient has pairs in two splits: evaluation never sees a trained patient.",
    )
    yield dg.AssetCheckResult(
        check_name=GUARD_CHECK,
        passed=leaked == 0,
        metadata={"same_patient_negatives": leaked},
        description="No hard negative is a passage of the positive's own patient.",
    )
    agreement = training.split_agreement(_splits_by_variant(data_root, pseudonymizer))
    yield dg.AssetCheckResult(
        check_name=SAME_SPLIT_CHECK,
        passed=agreement["patients_split_differently"] == 0,
        metadata=agreement,
        description="Every patient is in the same split in every variant's QA pairs (raw ids compared through their keyed "
        "pseudonyms), so the variants' models are tested on the same held-out patients; a missing test patient is "
        "one whose rows were withheld or not translated.",
    )


def _splits_by_variant(data_root: DataRoot, pseudonymizer: Pseudonymizer) -> dict[str, pd.DataFrame]:
    """(patient, split) of every materialized variant input, the `de` variant's raw ids mapped to their pseudonyms."""
    surrogator = pseudonymizer.surrogator([])
    out = {}
    for variant, (qa_name, _) in training.VARIANT_INPUTS.items():
        frame = data_root.read_all(qa_name)
        if frame is not None and "split" in frame:  # rows written before the split column are caught by build_pairs
            frame = frame[["patient_id", "split"]]
            if variant in training.PRIVATE_VARIANTS:
                frame["patient_id"] = frame["patient_id"].map(lambda raw: pseudonym_id(surrogator, "patient_id", raw))
            out[variant] = frame
    return out


def _sample(pairs: pd.DataFrame) -> dg.MetadataValue:
    rows = pairs[pairs["negatives"].map(len) > 0].head(3)
    return md_table(
        ["query", "positive", "negative"], [(r.query, r.positive[:160], r.negatives[0][:160]) for r in rows.itertuples()], empty="No pairs."
    )


class FineTuneConfig(config_from(training.TrainConfig)):
    """Hyperparameters (core TrainConfig); with the data version and the base model they make the model's version."""

    base_model: str = ""  # default: the embedder (MIRACLE_EMBEDDER); multilingual-e5-large for production


class FinetunedModelConfig(FineTuneConfig):
    """Where the training runs: in the run's process, or in torchrun workers (one per GPU) launched through Pipes."""

    processes: int | None = None  # default MIRACLE_TRAIN_PROCESSES: 0 in this process, N torchrun workers


@dg.asset(
    partitions_def=variant_partitions,
    group_name="training",
    kinds={"sentence_transformers", "pytorch"},
    check_specs=[dg.AssetCheckSpec(BEATS_BASE, asset="finetuned_model")],
    description="The base model fine-tuned on the variant's training pairs: a versioned folder with model card; the asset's "
    "value is one row (where the model is, how to prompt it) that the index and the evaluations load it from.",
)
def finetuned_model(
    context: dg.AssetExecutionContext,
    config: FinetunedModelConfig,
    training_pairs: pd.DataFrame,
    data_root: DataRoot,
    embedder: EmbeddingModels,
):
    variant = context.partition_key
    spec = embedder.spec(config.base_model or None)
    pairs_version = training.content_version(training_pairs)
    processes = settings.train_processes() if config.processes is None else config.processes
    if processes < 0:
        raise dg.Failure(
            description=f"finetuned_model: processes must be 0 (in this process) or the number of torchrun workers, got {processes}"
        )
    # the spec (prompts, token limit), the base weights and the processes (each takes a batch) are part of what it is
    recipe = {**config.model_dump(exclude={"processes"}), "world_size": max(processes, 1)}
    fingerprint = json.dumps([pairs_version, asdict(spec), embedder.version(spec.name), recipe], sort_keys=True)
    version = hashlib.sha256(fingerprint.encode()).hexdigest()[:10]
    out_dir = registry.finetuned_root(data_root.local_models) / variant / version
    name, private = f"miracle training_pairs[{variant}] {pairs_version}", variant in training.PRIVATE_VARIANTS
    if processes:
        result = train_with_torchrun(
            context, processes, spec, embedder.models_dir, training_pairs, out_dir, config.to_core(), name, private
        )
    else:
        model = models.load_sentence_transformer(spec, Path(embedder.models_dir))  # a fresh copy: training changes it
        guide = embedder.sentence_transformer(spec.name) if config.loss == "gist" else None
        result = training.train(
            model,
            training_pairs,
            out_dir,
            config.to_core(),
            spec.query_prompt or None,
            spec.passage_prompt or None,
            guide=guide,
            model_name=name,
            private=private,
        )
    published = model_store.publish(result.model_dir, registry.finetuned_root(data_root.models_store) / variant / version / "model")
    tuned = registry.register(
        data_root.models_store, variant, published, spec.query_prompt, spec.passage_prompt, embedder.max_seq_length(spec.name), spec.license
    )
    best = max(result.evals, key=lambda e: e["map@100"], default={})
    base_map = result.base_metrics.get(MAP_KEY)
    passed = bool(best) and base_map is not None and best["map@100"] > base_map
    check = dg.AssetCheckResult(
        check_name=BEATS_BASE,
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"dev_map@100": best.get("map@100"), "base_dev_map@100": base_map},
        description="The fine-tuned model's best dev MAP@100 is above the base model's.",
    )
    # The model version is the data version: retraining on the same pairs and config leaves its index and reports fresh.
    row = registry.as_row(tuned, variant=variant, version=version, base_model=spec.name, data_version=pairs_version)
    yield dg.Output(
        row,
        data_version=dg.DataVersion(version),
        metadata={
            "variant": variant,
            "base_model": spec.name,
            "data_version": pairs_version,
            "version": version,
            "model_path": dg.MetadataValue.path(published),
            "registered_as": tuned.name,
            "loss": config.loss,
            "max_seq_length": tuned.max_seq_length,
            "processes": processes,
            "device": settings.device(),
            "train_pairs": int((training_pairs["split"] == "train").sum()),
            "dev_pairs": int((training_pairs["split"] == "dev").sum()),
            "steps": result.steps,
            "pairs_per_second": round(result.pairs_per_second, 2),
            "train_seconds": round(result.train_seconds, 1),
            "resumed_from": result.resumed_from or "",
            "best_checkpoint": result.best_checkpoint or "",
            "dev_map@100": best.get("map@100"),
            "dev_ndcg@10": best.get("ndcg@10"),
            "base_dev_map@100": base_map,
            "base_dev_ndcg@10": result.base_metrics.get(NDCG_KEY),
            "dev_metrics_per_evaluation": md_table(
                ["step", "epoch", "MAP@100", "NDCG@10"],
                [(e["step"], round(e["epoch"] or 0, 2), round(e["map@100"], 4), round(e["ndcg@10"], 4)) for e in result.evals],
            ),
            "loss_curve": curve(result.losses, "step", "loss"),
            "config": dg.MetadataValue.json(config.model_dump()),
        },
    )
    yield check
