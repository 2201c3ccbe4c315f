"""The one place that assembles the code location, by convention: every asset and asset check defined in a module of
`miracle_dagster.assets` (and the checks of `miracle_dagster.checks`) is collected, and each job selects by asset group,
so a new asset joins its group's job with no other edit (tests/test_definitions.py fails when an asset is in no job)."""

import dagster as dg

from miracle_dagster import assets, checks
from miracle_dagster.assets import PER_PARTITION
from miracle_dagster.core import settings
from miracle_dagster.deployment import run_gpu_tags
from miracle_dagster.partitions import report_partitions, variant_partitions
from miracle_dagster.resources import backend_from_env, build_resources
from miracle_dagster.schedules import nightly_ingest_schedule
from miracle_dagster.sensors import automation_sensor, new_documents_sensor

LLM = {"miracle/service": "llm"}  # runs that call the LLM queue behind the instance's limit for this tag


jobs = [
    dg.define_asset_job(
        "ingest_job",
        selection=PER_PARTITION,
        partitions_def=report_partitions,
        tags=run_gpu_tags(),  # the passages' embeddings
        description="Source files -> validated reports -> passages -> pseudonymized passages and Qdrant points, per partition.",
    ),
    dg.define_asset_job(
        "collections_job",
        selection=dg.AssetSelection.key_substring("qdrant_collection"),
        description="Move each index model's alias to its current collection version once every partition is in.",
    ),
    dg.define_asset_job(
        "qa_job",
        selection=dg.AssetSelection.groups("qa") | dg.AssetSelection.assets("pseudonymized_qa_pairs"),
        partitions_def=report_partitions,
        tags=LLM,
        description="Passages -> LLM-generated QA pairs (cached: only new or changed passages cost tokens) -> pseudonymized.",
    ),
    dg.define_asset_job(
        "translation_job",
        selection=dg.AssetSelection.groups("translation"),
        partitions_def=report_partitions,
        tags={"miracle/service": backend_from_env()},
        description="Pseudonymized passages and QA pairs -> English (DeepL or the LLM; cached: only new text is sent).",
    ),
    dg.define_asset_job(
        "training_job",
        selection=dg.AssetSelection.groups("training") | dg.AssetSelection.assets("variant_index"),
        partitions_def=variant_partitions,
        tags=run_gpu_tags(max(settings.train_processes(), 1)),  # one GPU per torchrun worker
        description="QA pairs + passages of every partition -> training pairs (the patients' split, hard negatives) -> fine-tuned "
        "model -> its collection (and the base model's) of the variant's passages, per variant.",
    ),
    dg.define_asset_job(
        "ir_evaluation_job",
        selection=dg.AssetSelection.groups("evaluation") - dg.AssetSelection.assets("rag_eval_report"),
        partitions_def=variant_partitions,
        tags={**LLM, **run_gpu_tags()},
        description="Held-out questions -> pooled LLM relevance judgments -> retrieval metrics of every compared model, per variant.",
    ),
    dg.define_asset_job(
        "rag_evaluation_job",
        selection=dg.AssetSelection.assets("rag_eval_report"),
        partitions_def=variant_partitions,
        tags={**LLM, **run_gpu_tags()},
        description="Per variant: test-split questions answered with the base and the fine-tuned model's passages (cross-patient and "
        "patient-centred), scored.",
    ),
    dg.define_asset_job(
        "icd_job",
        selection=dg.AssetSelection.groups("icd"),
        tags={**LLM, **run_gpu_tags()},
        description="ICD-10 catalogue -> LLM phrasings (cached) -> fine-tuned bi-encoder -> reranker -> evaluation per language.",
    ),
    dg.define_asset_job(
        "icd_default_job",
        selection=dg.AssetSelection.groups("icd_default"),
        tags=run_gpu_tags(),
        description="The default ICD-10-GM code search without an LLM: public term -> code data -> fine-tuned bi-encoder -> evaluation.",
    ),
    dg.define_asset_job(
        "privacy_eval_job",
        selection=dg.AssetSelection.groups("privacy") - dg.AssetSelection.key_substring("pseudonymized_"),  # not the per-partition data
        description="Train the PHI detector (k-fold scored on annotated letters) -> detection quality of rules + model.",
    ),
]

defs = dg.Definitions(
    assets=dg.load_assets_from_package_module(assets),
    asset_checks=[*dg.load_asset_checks_from_package_module(assets), *dg.load_asset_checks_from_modules([checks])],
    jobs=jobs,
    schedules=[nightly_ingest_schedule],
    sensors=[new_documents_sensor, automation_sensor],
    resources=build_resources(),
    # Steps of one partition are sequential and share loaded models; runs, not steps, are the unit of parallelism.
    executor=dg.in_process_executor,
)
