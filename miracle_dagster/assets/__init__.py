"""One module per pipeline stage; each asset reads inputs, calls the core, writes output, reports metadata."""

from miracle_dagster.assets.ingest import ingest_reports
from miracle_dagster.assets.sections import report_sections

ingest_assets = [ingest_reports, report_sections]
