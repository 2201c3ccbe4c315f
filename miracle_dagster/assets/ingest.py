"""raw_reports and rejected_reports: one partition of the source, validated; every row is accounted for."""

import dagster as dg

from miracle_dagster.core import ingest
from miracle_dagster.metadata import column_schema, count_table
from miracle_dagster.partitions import partition_dims, report_partitions
from miracle_dagster.resources.source import ReportSource

ROWS_ACCOUNTED = "rows_accounted_for"
SOURCE_FINGERPRINT = "source_fingerprint"


@dg.multi_asset(
    outs={
        "raw_reports": dg.AssetOut(
            description="Validated source documents of one specialty and year (hospital-internal: contains PHI).",
            kinds={"pandas", "parquet"},
            is_required=True,
        ),
        "rejected_reports": dg.AssetOut(
            description="Source rows that failed validation, with a reason each (ids only, never the text).",
            kinds={"pandas", "parquet"},
        ),
    },
    partitions_def=report_partitions,
    group_name="ingest",
    check_specs=[
        dg.AssetCheckSpec(
            ROWS_ACCOUNTED,
            asset="raw_reports",
            additional_deps=["rejected_reports"],
            blocking=True,
            description="rows read from the source = rows kept + rows rejected",
        )
    ],
)
def ingest_reports(context: dg.AssetExecutionContext, source: ReportSource):
    specialty, year = partition_dims(context)
    fingerprint = source.fingerprint(specialty, year)
    batch = source.read_partition(specialty, year)
    result = ingest.validate_reports(batch, specialty, year)
    counts = result.counts
    rows_read = batch.rows_in
    rejected_by_reason = counts["rejected_by_reason"]

    yield dg.Output(
        result.valid,
        output_name="raw_reports",
        metadata={
            "source": source.describe(),
            SOURCE_FINGERPRINT: fingerprint or "",
            "rows_in": rows_read,
            "rows_out": len(result.valid),
            "rows_rejected": len(result.rejected),
            "dagster/row_count": len(result.valid),
            "dagster/column_schema": column_schema(result.valid),
            "patients": result.valid["patient_id"].nunique() if len(result.valid) else 0,
            "document_types": count_table(result.valid["document_type"].value_counts().to_dict(), "document type"),
        },
    )
    yield dg.Output(
        result.rejected,
        output_name="rejected_reports",
        metadata={
            "dagster/row_count": len(result.rejected),
            "rejection_reasons": count_table(rejected_by_reason, "reason", empty="No rows rejected."),
        },
    )
    accounted = len(result.valid) + len(result.rejected)
    yield dg.AssetCheckResult(
        check_name=ROWS_ACCOUNTED,
        asset_key="raw_reports",
        passed=rows_read == accounted == counts["rows_in"],
        metadata={"rows_in": rows_read, "rows_out": len(result.valid), "rows_rejected": len(result.rejected)},
        description=None if rows_read == accounted else f"{rows_read - accounted} rows unaccounted for",
    )
