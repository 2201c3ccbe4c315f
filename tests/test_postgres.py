"""The compose stack's Dagster instance (deploy/dagster.yaml: Postgres storage, queued runs) against a real PostgreSQL
server started from PyPI: pgserver, whose wheels carry the server binaries and which runs it as root too (CI).

A partition is materialized, the nightly schedule and the new-documents sensor tick through Dagster's own daemon
code, and a second instance, made from the same file the way the webserver and the daemon each make theirs, reads
the run, the materialization, the ticks and the sensor's state back."""

import datetime as dt
import logging
import shutil

import dagster as dg
import pytest

from miracle_dagster.assets import ingest_assets, pseudonymized_sections
from miracle_dagster.assets.index import index_assets
from miracle_dagster.assets.ingest import ingest_reports
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.deployment import DEPLOY_INSTANCE
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.qdrant import QdrantResource
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager
from miracle_dagster.schedules import nightly_ingest_schedule
from miracle_dagster.sensors import new_documents_sensor


@pytest.fixture(scope="module")
def postgres_env(tmp_path_factory):
    """DAGSTER_POSTGRES_* as compose passes them; the server listens on a unix socket in its data folder (PGHOST)."""
    import pgserver

    data = tmp_path_factory.mktemp("postgres")
    server = pgserver.get_server(data, cleanup_mode="stop")
    yield {
        "DAGSTER_POSTGRES_HOST": "",
        "PGHOST": str(data),
        "DAGSTER_POSTGRES_USER": "postgres",
        "DAGSTER_POSTGRES_PASSWORD": "",
        "DAGSTER_POSTGRES_DB": "postgres",
    }
    server.cleanup()


def _workspace(instance: dg.DagsterInstance, defs_file):
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.test_utils import InProcessTestWorkspaceLoadTarget, create_test_daemon_workspace_context
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    target = LoadableTargetOrigin(module_name=defs_file.stem, working_directory=str(defs_file.parent), attribute="defs")
    origin = InProcessCodeLocationOrigin(target, location_name="miracle")
    return create_test_daemon_workspace_context(InProcessTestWorkspaceLoadTarget(origin), instance)


def test_deployed_instance_keeps_runs_ticks_and_sensor_state_in_postgres(postgres_env, tmp_path, models_dir, monkeypatch):
    from dagster._core.scheduler.instigation import TickStatus
    from dagster._daemon.sensor import execute_sensor_iteration
    from dagster._scheduler.scheduler import launch_scheduled_runs

    year = str(dt.date.today().year)
    for name, value in {**postgres_env, "MIRACLE_SPECIALTIES": "radiology", "MIRACLE_FIRST_YEAR": year}.items():
        monkeypatch.setenv(name, value)  # one partition: the schedule asks for one run, the sensor hashes one folder
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY_INSTANCE, home / "dagster.yaml")
    write_sample_source(tmp_path / "source", generate_corpus(n_patients=3, seed=2, specialties=["radiology"], years=[year]))
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(tmp_path / "assets")),
        "data_root": DataRoot(path=str(tmp_path)),
        "source": ReportSource(folder=str(tmp_path / "source")),
        "embedder": EmbeddingModels(models_dir=str(models_dir)),
        "pseudonymizer": Pseudonymizer(secret="postgres-test-secret-0123456789", private_dir=str(tmp_path / "private")),
        "qdrant": QdrantResource(path=str(tmp_path / "qdrant")),
    }
    module = tmp_path / "postgres_defs.py"  # the daemon code loads definitions from a module, as from workspace.yaml
    module.write_text("import dagster as dg\nfrom test_postgres import definitions\ndefs = definitions()\n")
    monkeypatch.setitem(globals(), "RESOURCES", resources)

    key = str(partition_key("radiology", year))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert dg.materialize([ingest_reports], partition_key=key, resources=resources, instance=instance).success
        with _workspace(instance, module) as context:
            repo = next(iter(context.create_request_context().get_code_location("miracle").get_repositories().values()))
            schedule, sensor = repo.get_schedule(nightly_ingest_schedule.name), repo.get_sensor(new_documents_sensor.name)
            instance.start_schedule(schedule)
            instance.start_sensor(sensor)
            start = dt.datetime.now(dt.timezone.utc)
            log = logging.getLogger("test_postgres")
            for end in (start, start + dt.timedelta(days=1)):  # the second pass is past a 02:00 tick
                list(launch_scheduled_runs(context, log, end_datetime_utc=end, iteration_times={}))
            list(execute_sensor_iteration(context, log, threadpool_executor=None, submit_threadpool_executor=None))

    with dg.DagsterInstance.from_config(str(home)) as reader:  # a second process's view: nothing held in memory
        [run] = [r for r in reader.get_runs() if r.tags.get("dagster/partition") == key and not r.tags.get("dagster/schedule_name")]
        assert run.status == dg.DagsterRunStatus.SUCCESS
        assert reader.get_latest_materialization_event(dg.AssetKey("raw_reports")) is not None
        [tick] = reader.get_ticks(schedule.get_remote_origin_id(), schedule.selector_id)
        assert tick.status == TickStatus.SUCCESS and tick.run_ids  # the nightly run of the current year, queued
        assert reader.get_run_by_id(tick.run_ids[0]).status == dg.DagsterRunStatus.QUEUED
        sensor_ticks = reader.get_ticks(sensor.get_remote_origin_id(), sensor.selector_id)
        assert [t.status for t in sensor_ticks] == [TickStatus.SKIPPED]  # the ingested partition is unchanged
        state = reader.get_instigator_state(sensor.get_remote_origin_id(), sensor.selector_id)
        assert state.instigator_data.last_tick_timestamp == sensor_ticks[0].timestamp


RESOURCES: dict = {}


def definitions() -> dg.Definitions:
    """The per-partition assets with the project's own schedule and sensor, on the test's resources."""
    return dg.Definitions(
        assets=[*ingest_assets, pseudonymized_sections, *index_assets],
        schedules=[nightly_ingest_schedule],
        sensors=[new_documents_sensor],
        resources=RESOURCES,
    )
