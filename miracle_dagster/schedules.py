"""Nightly ingestion and re-embedding of the current year: new documents land there, and SQL sources have no
content hash. Only new passages are embedded, so a night with 1% new documents costs about 1% of a full run."""

import datetime as dt
import os

import dagster as dg

from miracle_dagster.assets import partitioned_assets
from miracle_dagster.core import settings
from miracle_dagster.partitions import partition_key

NIGHTLY_CRON = os.environ.get("MIRACLE_NIGHTLY_CRON", "0 2 * * *")


@dg.schedule(
    cron_schedule=NIGHTLY_CRON,
    target=partitioned_assets,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Re-ingests every specialty of the current year; unchanged passages keep their ids.",
)
def nightly_ingest_schedule(context: dg.ScheduleEvaluationContext):
    year = str((context.scheduled_execution_time or dt.datetime.now()).year)
    if year not in settings.years():
        return dg.SkipReason(f"{year} is not a configured year partition (MIRACLE_YEARS)")
    stamp = context.scheduled_execution_time.isoformat() if context.scheduled_execution_time else "manual"
    return [
        dg.RunRequest(partition_key=str(partition_key(specialty, year)), run_key=f"{specialty}|{year}@{stamp}")
        for specialty in settings.specialties()
    ]
