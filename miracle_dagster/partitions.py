"""Specialty x year: every per-document asset shares this, so a backfill of one specialty or year is one click."""

import dagster as dg

from miracle_dagster.core import settings
from miracle_dagster.core.training import VARIANTS

SPECIALTY = "specialty"
YEAR = "year"

report_partitions = dg.MultiPartitionsDefinition(
    {
        SPECIALTY: dg.StaticPartitionsDefinition(settings.specialties()),
        YEAR: dg.StaticPartitionsDefinition(settings.years()),
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
