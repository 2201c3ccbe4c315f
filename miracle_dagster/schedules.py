"""Nightly ingestion and re-embedding of the current year: new documents land there, and SQL sources have no
content hash. Only new passages are embedded, so a night with 1% new documents costs about 1% of a full run.

The current year is the tick's: from 1 January its partitions exist (time-based year dimension), so the schedule
moves on to the new year by itself. Running by default; `MIRACLE_AUTOMATION=off` ships it stopped."""

import datetime as dt

import dagster as dg

from miracle_dagster.assets import PER_PARTITION
from miracle_dagster.core import settings, variables
from miracle_dagster.deployment import run_gpu_tags
from miracle_dagster.partitions import partition_key

NIGHTLY_CRON = variables.value("MIRACLE_NIGHTLY_CRON")


def default_status() -> dg.DefaultScheduleStatus:
    """RUNNING unless `MIRACLE_AUTOMATION=off`; read when the code location loads."""
    return dg.DefaultScheduleStatus.RUNNING if settings.automation() else dg.DefaultScheduleStatus.STOPPED


@dg.schedule(
    cron_schedule=NIGHTLY_CRON,
    target=PER_PARTITION,
    execution_timezone="UTC",  # the year partitions' time zone
    default_status=default_status(),
    description="Re-ingests every specialty of the current year; unchanged passages keep their ids.",
)
def nightly_ingest_schedule(context: dg.ScheduleEvaluationContext):
    when = context.scheduled_execution_time or dt.datetime.now(dt.timezone.utc)
    year = str(when.year)
    if int(year) < settings.first_year():
        return dg.SkipReason(f"{year} lies before the first year partition (MIRACLE_FIRST_YEAR={settings.first_year()})")
    stamp = context.scheduled_execution_time.isoformat() if context.scheduled_execution_time else "manual"
    return [
        dg.RunRequest(partition_key=str(partition_key(specialty, year)), run_key=f"{specialty}|{year}@{stamp}", tags=run_gpu_tags())
        for specialty in settings.specialties()
    ]
