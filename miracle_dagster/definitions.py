"""The one place that assembles assets, checks, resources, jobs, schedules and sensors."""

import dagster as dg

from miracle_dagster.assets import (
    evaluation_assets,
    icd_assets,
    index_assets,
    index_checks,
    ingest_assets,
    partitioned_assets,
    phi_detector,
    privacy_assets,
    pseudonymization_eval,
    pseudonymized_qa_pairs,
    qa_assets,
    rag_eval_assets,
    training_assets,
    translation_assets,
)
from miracle_dagster.checks import section_checks
from miracle_dagster.core import settings
from miracle_dagster.deployment import gpu_tags
from miracle_dagster.partitions import report_partitions, variant_partitions
from miracle_dagster.resources import backend_from_env, build_resources
from miracle_dagster.schedules import nightly_ingest_schedule
from miracle_dagster.sensors import automation_sensor, new_documents_sensor


def _gpus(count: int = 1) -> dict:
    """GPU reservation tags for jobs that embed, train or evaluate, when the deployment asks for CUDA (MIRACLE_DEVICE)."""
    return gpu_tags(count) if settings.gpu_requested() else {}


ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.assets(*partitioned_assets),
    partitions_def=report_partitions,
    tags=_gpus(),  # the passages' embeddings
    description="Source files -> validated reports -> passages -> pseudonymized passages and Qdrant points, per partition.",
)

collections_job = dg.define_asset_job(
    "collections_job",
    selection=dg.AssetSelection.assets(*(a for a in index_assets if a.partitions_def is None)),
    description="Move each index model's alias to its current collection version once every partition is in.",
)

qa_job = dg.define_asset_job(
    "qa_job",
    selection=dg.AssetSelection.assets(*qa_assets, pseudonymized_qa_pairs),
    partitions_def=report_partitions,
    tags={"miracle/service": "llm"},
    description="Passages -> LLM-generated QA pairs (cached: only new or changed passages cost tokens) -> pseudonymized.",
)

translation_job = dg.define_asset_job(
    "translation_job",
    selection=dg.AssetSelection.assets(*translation_assets),
    partitions_def=report_partitions,
    tags={"miracle/service": backend_from_env()},
    description="Pseudonymized passages and QA pairs -> English (DeepL or the LLM; cached: only new text is sent).",
)

training_job = dg.define_asset_job(
    "training_job",
    selection=dg.AssetSelection.assets(*training_assets),
    partitions_def=variant_partitions,
    tags=_gpus(max(settings.train_processes(), 1)),  # one GPU per torchrun worker
    description="QA pairs + passages of every partition -> training pairs (the patients' split, hard negatives) -> fine-tuned "
    "model -> its collection (and the base model's) of the variant's passages, per variant.",
)

ir_evaluation_job = dg.define_asset_job(
    "ir_evaluation_job",
    selection=dg.AssetSelection.assets(*evaluation_assets),
    partitions_def=variant_partitions,
    tags={"miracle/service": "llm", **_gpus()},
    description="Held-out questions -> pooled LLM relevance judgments -> retrieval metrics of every compared model, per variant.",
)

rag_evaluation_job = dg.define_asset_job(
    "rag_evaluation_job",
    selection=dg.AssetSelection.assets(*rag_eval_assets),
    partitions_def=variant_partitions,
    tags={"miracle/service": "llm", **_gpus()},
    description="Per variant: test-split questions answered with the base and the fine-tuned model's passages (cross-patient and patient-centred), scored.",
)

icd_job = dg.define_asset_job(
    "icd_job",
    selection=dg.AssetSelection.assets(*icd_assets),
    tags={"miracle/service": "llm", **_gpus()},
    description="ICD-10 catalogue -> LLM phrasings (cached) -> fine-tuned bi-encoder -> reranker -> evaluation per language.",
)

privacy_eval_job = dg.define_asset_job(
    "privacy_eval_job",
    selection=dg.AssetSelection.assets(phi_detector, pseudonymization_eval),
    description="Train the PHI detector (k-fold scored on annotated letters) -> detection quality of rules + model.",
)

defs = dg.Definitions(
    assets=[
        *ingest_assets,
        *index_assets,
        *qa_assets,
        *privacy_assets,
        *translation_assets,
        *training_assets,
        *evaluation_assets,
        *rag_eval_assets,
        *icd_assets,
    ],
    asset_checks=[*section_checks, *index_checks],
    jobs=[
        ingest_job,
        collections_job,
        qa_job,
        translation_job,
        training_job,
        ir_evaluation_job,
        rag_evaluation_job,
        icd_job,
        privacy_eval_job,
    ],
    schedules=[nightly_ingest_schedule],
    sensors=[new_documents_sensor, automation_sensor],
    resources=build_resources(),
    # Steps of one partition are sequential and share loaded models; runs, not steps, are the unit of parallelism.
    executor=dg.in_process_executor,
)
