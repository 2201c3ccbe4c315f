"""qa_pairs: questions a clinician would ask of each passage, with the answer from the text, filtered."""

import dagster as dg
import pandas as pd

from miracle_dagster.config import config_from
from miracle_dagster.core import qa
from miracle_dagster.core.qa.generate import REASONS
from miracle_dagster.metadata import column_schema, count_table
from miracle_dagster.partitions import report_partitions
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.llm import LLMResource


class QAGenerationConfig(config_from(qa.QAConfig)):
    """Prompts and sampling are part of the cache key: changing them regenerates, nothing else does (core QAConfig)."""


@dg.multi_asset(
    outs={
        "qa_pairs": dg.AssetOut(
            kinds={"pandas", "parquet"},
            description="Kept question-answer pairs with their source passage, generator, prompt version and filter scores.",
        ),
        "rejected_qa_pairs": dg.AssetOut(
            kinds={"pandas", "parquet"},
            description="Every dropped pair or failed section, with the filter or error that dropped it.",
        ),
    },
    partitions_def=report_partitions,
    group_name="qa",
    pool="llm",
    check_specs=[
        dg.AssetCheckSpec("sections_accounted_for", asset="qa_pairs", blocking=True),
        dg.AssetCheckSpec("pairs_reference_passages", asset="qa_pairs", blocking=True),
    ],
)
def generate_qa_pairs(
    context: dg.AssetExecutionContext,
    config: QAGenerationConfig,
    report_sections: pd.DataFrame,
    llm: LLMResource,
    embedder: EmbeddingModels,
):
    client = llm.client()
    result = qa.generate_qa(
        report_sections.to_dict("records"),
        client,
        config.to_core(),
        encode_queries=embedder.encoder(kind="query"),
        encode_passages=embedder.encoder(kind="passage"),
    )
    kept, rejected, sections = result.kept, result.rejected, result.sections
    accounted = sum(sections[k] for k in ("skipped_section", "skipped_short", "over_limit", "with_pairs", "failed"))
    known = set(report_sections["passage_id"])
    usage = client.usage
    yield dg.Output(
        kept,
        output_name="qa_pairs",
        metadata={
            "sections_seen": sections["seen"],
            "sections_skipped_section": sections["skipped_section"],
            "sections_skipped_short": sections["skipped_short"],
            "sections_over_limit": sections["over_limit"],
            "sections_with_pairs": sections["with_pairs"],
            "sections_failed": sections["failed"],
            "sections_generated": sections["generated"],
            "sections_cached": sections["cached"],
            "pairs_kept": len(kept),
            "pairs_rejected": int((rejected["question"] != "").sum()),
            "outputs_repaired": result.repaired,
            "rejected_by_reason": count_table(result.rejected_by_reason, "reason", empty="Nothing rejected."),
            "prompt_version": result.prompt_version,
            "generator_model": client.model_id,
            "embedder_round_trip": embedder.spec().name,
            **llm.describe(),
            **usage.as_metadata(),
            "dagster/row_count": len(kept),
            "dagster/column_schema": column_schema(kept),
        },
    )
    yield dg.Output(
        rejected,
        output_name="rejected_qa_pairs",
        metadata={"dagster/row_count": len(rejected), **{f"rejected_{r}": result.rejected_by_reason[r] for r in REASONS}},
    )
    yield dg.AssetCheckResult(
        check_name="sections_accounted_for",
        asset_key="qa_pairs",
        passed=accounted == sections["seen"] == len(report_sections),
        metadata={"sections_in": len(report_sections), "accounted": accounted},
        description="Every section was skipped, failed or produced pairs.",
    )
    unknown = set(kept["passage_id"]) - known
    yield dg.AssetCheckResult(
        check_name="pairs_reference_passages",
        asset_key="qa_pairs",
        passed=not unknown and kept["pair_id"].is_unique,
        metadata={"unknown_passages": len(unknown), "duplicate_pair_ids": int(kept["pair_id"].duplicated().sum())},
        description="Each kept pair points at a passage of this partition and has a unique id.",
    )
