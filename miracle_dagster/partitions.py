"""Specialty x year: every per-document asset shares this, so a backfill of one specialty or year is one click.

The year is a time dimension (yearly windows, keys "2018", "2019", ...) from `MIRACLE_FIRST_YEAR` on: the running
year is a partition from its 1 January (end_offset=1; a window otherwise exists only once it has ended), so a new
year's partition appears by itself. Times are UTC, as the schedule's; settings.years() lists the same years.
"""

import dagster as dg

from miracle_dagster.core import settings
from miracle_dagster.core.training import VARIANTS

SPECIALTY = "specialty"
YEAR = "year"

YEARLY_CRON = "0 0 1 1 *"
YEAR_FORMAT = "%Y"


def year_partitions(first_year: int | None = None) -> dg.TimeWindowPartitionsDefinition:
    """One partition per calendar year from `first_year` (default `settings.first_year()`) to the current year."""
    return dg.TimeWindowPartitionsDefinition(
        cron_schedule=YEARLY_CRON,
        fmt=YEAR_FORMAT,
        start=str(first_year or settings.first_year()),
        timezone="UTC",
        end_offset=1,
    )


report_partitions = dg.MultiPartitionsDefinition(
    {
        SPECIALTY: dg.StaticPartitionsDefinition(settings.specialties()),
        YEAR: year_partitions(),
    }
)


# One training set and fine-tuned model per language / privacy variant of the corpus.
variant_partitions = dg.StaticPartitionsDefinition(list(VARIANTS))


def partition_dims(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> tuple[str, str]:
    """(specialty, year) of the run's partition."""
    key = context.partition_key
    assert isinstance(key, dg.MultiPartitionKey), f"expected a specialty|year key, got {key!r}"
    return key.keys_by_dimension[SPECIALTY], key.keys_by_dimension[YEAR]


def partition_key(specialty: str, year: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({SPECIALTY: specialty, YEAR: year})


def eager_every_year() -> dg.AutomationCondition:
    """`AutomationCondition.eager()` for every year, not only the latest: with a time dimension, eager() alone would
    ignore an old year whose upstream partition was re-materialized (e.g. a backfill of `raw_reports` for 2020)."""
    return dg.AutomationCondition.eager().without(dg.AutomationCondition.in_latest_time_window()).with_label("eager (every year)")
