"""report_sections: documents split into sections, then passages that fit the embedding model."""

import dagster as dg
import pandas as pd

from miracle_dagster.core import sections, settings
from miracle_dagster.core.sections import OVERLAP_TOKENS
from miracle_dagster.metadata import column_schema, count_table
from miracle_dagster.partitions import eager_every_year, partition_dims, report_partitions
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.storage import DataRoot


class SectioningConfig(dg.Config):
    """Passage size is capped by the model's own limit; overlap keeps context across passage borders."""

    max_tokens: int = 512
    overlap_tokens: int = OVERLAP_TOKENS


@dg.asset(
    partitions_def=report_partitions,
    group_name="ingest",
    kinds={"pandas", "parquet"},
    automation_condition=eager_every_year(),
    description="One row per passage: section name, offsets in the document, token count, stable content-hash ids, "
    "and the patient's train / dev / test split (decided here, where the hospital's patient id is known).",
)
def report_sections(
    context: dg.AssetExecutionContext,
    config: SectioningConfig,
    raw_reports: pd.DataFrame,
    embedder: EmbeddingModels,
    data_root: DataRoot,
) -> dg.Output[pd.DataFrame]:
    spec = embedder.spec()
    tokenizer = embedder.tokenizer()
    max_tokens = min(config.max_tokens, embedder.max_seq_length())
    count_tokens = sections.token_counter(tokenizer, prompt=spec.passage_prompt)
    passages = sections.section_documents(
        raw_reports.to_dict("records"), count_tokens, max_tokens=max_tokens, overlap_tokens=config.overlap_tokens
    )

    split = settings.split()
    passages["split"] = passages["patient_id"].map(split.of).astype("object")
    specialty, year = partition_dims(context)
    previous = data_root.previous("report_sections", specialty, year, columns=["passage_id"])
    old_ids = set() if previous is None else set(previous["passage_id"])
    new_ids = set(passages["passage_id"])
    tokens = passages["n_tokens"] if len(passages) else pd.Series([0])
    unsectioned = set(raw_reports["document_id"]) - set(passages["document_id"])
    return dg.Output(
        passages,
        metadata={
            "documents": len(raw_reports),
            "documents_without_passages": len(unsectioned),
            "sections": passages["section_id"].nunique(),
            "passages": len(passages),
            "passages_new": len(new_ids - old_ids),
            "passages_removed": len(old_ids - new_ids),
            "tokens_median": int(tokens.median()),
            "tokens_p95": int(tokens.quantile(0.95)),
            "tokens_max": int(tokens.max()),
            "max_tokens": max_tokens,
            "overlap_tokens": config.overlap_tokens,
            "tokenizer_model": spec.name,
            "id_version": sections.ID_VERSION,
            "split": f"seed {split.seed}, dev {split.dev_fraction}, test {split.test_fraction}",
            "passages_by_split": count_table(passages["split"].value_counts().to_dict(), "split"),
            "dagster/row_count": len(passages),
            "dagster/column_schema": column_schema(passages),
            "sections_by_name": count_table(passages.drop_duplicates("section_id")["section_name"].value_counts().to_dict(), "section"),
        },
    )
