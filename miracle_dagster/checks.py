"""What must hold for passages before anything embeds or trains on them."""

import warnings

import dagster as dg
import pandas as pd

from miracle_dagster.assets.sections import report_sections
from miracle_dagster.core import sections
from miracle_dagster.partitions import report_partitions
from miracle_dagster.resources.embedder import EmbeddingModels

# Partitioned checks are marked preview in Dagster 1.13; they are what per-partition guarantees need.
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning)

_CHECK = dict(asset=report_sections, partitions_def=report_partitions)


@dg.asset_check(**_CHECK, blocking=True, description="Every passage fits the embedding model, counted anew with its tokenizer.")
def passages_fit_model(report_sections: pd.DataFrame, embedder: EmbeddingModels) -> dg.AssetCheckResult:
    limit = embedder.max_seq_length()
    count = sections.token_counter(embedder.tokenizer(), prompt=embedder.spec().passage_prompt)
    too_long = [pid for pid, text in zip(report_sections["passage_id"], report_sections["text"]) if count(text) > limit]
    return dg.AssetCheckResult(
        passed=not too_long,
        metadata={"limit": limit, "passages": len(report_sections), "too_long": len(too_long)},
    )


@dg.asset_check(**_CHECK, blocking=True, description="Passage ids are unique, so upserts never collide.")
def passage_ids_unique(report_sections: pd.DataFrame) -> dg.AssetCheckResult:
    duplicates = int(report_sections["passage_id"].duplicated().sum())
    return dg.AssetCheckResult(passed=duplicates == 0, metadata={"duplicates": duplicates})


@dg.asset_check(
    **_CHECK,
    blocking=True,
    additional_ins={"raw_reports": dg.AssetIn()},
    description="Each passage is the exact document text at its offsets, so spans map back to the source.",
)
def passages_match_source(report_sections: pd.DataFrame, raw_reports: pd.DataFrame) -> dg.AssetCheckResult:
    texts = dict(zip(raw_reports["document_id"], raw_reports["text"]))
    mismatched = sum(texts.get(row.document_id, "")[row.char_start : row.char_end] != row.text for row in report_sections.itertuples())
    uncovered = len(set(texts) - set(report_sections["document_id"]))
    return dg.AssetCheckResult(
        passed=mismatched == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"mismatched_passages": mismatched, "documents_without_passages": uncovered},
        description=f"{uncovered} documents produced no passage" if uncovered else None,
    )


section_checks = [passages_fit_model, passage_ids_unique, passages_match_source]
