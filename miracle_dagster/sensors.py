"""New or changed source files trigger ingestion of just their partitions: those of every year partition up to the
current one, so a new year's folder is watched from its 1 January. Running by default; `MIRACLE_AUTOMATION=off`
ships it stopped."""

import dagster as dg

from miracle_dagster.assets import PER_PARTITION
from miracle_dagster.assets.ingest import SOURCE_FINGERPRINT
from miracle_dagster.core import settings
from miracle_dagster.deployment import run_gpu_tags
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources.source import ReportSource


def _ingested_fingerprint(instance: dg.DagsterInstance, key: dg.MultiPartitionKey) -> str | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("raw_reports"), asset_partitions=[str(key)]), limit=1
    ).records
    if not records:
        return None
    value = records[0].asset_materialization.metadata.get(SOURCE_FINGERPRINT)
    return value.value if value is not None else None


def default_status() -> dg.DefaultSensorStatus:
    """RUNNING unless `MIRACLE_AUTOMATION=off`; read when the code location loads."""
    return dg.DefaultSensorStatus.RUNNING if settings.automation() else dg.DefaultSensorStatus.STOPPED


@dg.sensor(
    target=PER_PARTITION,
    minimum_interval_seconds=300,
    default_status=default_status(),
    description="Compares each source partition's content hash with the one recorded at its last ingestion.",
)
def new_documents_sensor(context: dg.SensorEvaluationContext, source: ReportSource):
    if source.kind != "folder":
        return dg.SkipReason("Only folder sources carry content hashes; schedule SQL sources instead.")
    requests = []
    for specialty in settings.specialties():
        for year in settings.years():
            current = source.fingerprint(specialty, year)
            key = partition_key(specialty, year)
            if current and current != _ingested_fingerprint(context.instance, key):
                requests.append(dg.RunRequest(partition_key=str(key), run_key=f"{key}:{current[:16]}", tags=run_gpu_tags()))
    return requests or dg.SkipReason("No new or changed source partitions.")


# Runs what AutomationCondition asks for, e.g. a collection's alias after its points change; on by default.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "miracle_automation", target=dg.AssetSelection.all(), default_status=dg.DefaultSensorStatus.RUNNING
)
