"""Years that grow with time: the year dimension, the nightly schedule and the sensor move on to a new year by
themselves (clock frozen in March 2027), and MIRACLE_AUTOMATION is the one switch for the schedule and the sensor."""

from __future__ import annotations

import datetime as dt
import importlib

import dagster as dg
import pytest

from miracle_dagster.core import schema, settings
from miracle_dagster.partitions import YEAR, partition_key, report_partitions, year_partitions

MARCH_2027 = dt.datetime(2027, 3, 15, 2, 0, tzinfo=dt.timezone.utc)


def test_the_running_year_is_a_partition_from_its_first_day():
    years = year_partitions(2018)
    assert years.get_partition_keys(current_time=MARCH_2027) == [str(y) for y in range(2018, 2028)]
    assert years.get_partition_keys(current_time=dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.timezone.utc))[-1] == "2026"
    assert years.get_partition_keys(current_time=dt.datetime(2027, 1, 1, 0, 1, tzinfo=dt.timezone.utc))[-1] == "2027"
    # settings.years() lists what the dimension holds, so the sensor, the demo and the sample corpus agree with it.
    assert settings.years(today=MARCH_2027.date()) == years.get_partition_keys(current_time=MARCH_2027)
    assert settings.years() == year_partitions().get_partition_keys()


def test_multi_partitions_hold_every_specialty_of_2027():
    keys = report_partitions.get_partition_keys(current_time=MARCH_2027)
    assert len(keys) == len(settings.specialties()) * len(range(2018, 2028))
    in_2027 = {str(k) for k in keys if k.keys_by_dimension[YEAR] == "2027"}
    assert in_2027 == {str(partition_key(s, "2027")) for s in settings.specialties()}
    assert str(partition_key("radiology", "2027")) == "radiology|2027"  # stored data keeps its keys
    assert "radiology|2018" in {str(k) for k in keys}
    assert not {str(k) for k in report_partitions.get_partition_keys(current_time=dt.datetime(2026, 12, 31))} & in_2027


def test_sample_corpus_years_are_partitions():
    assert set(schema.DEFAULT_YEARS) <= set(settings.years())


def test_nightly_schedule_in_march_2027_requests_2027_for_every_specialty():
    from miracle_dagster.definitions import defs
    from miracle_dagster.schedules import nightly_ingest_schedule

    requests = nightly_ingest_schedule(dg.build_schedule_context(scheduled_execution_time=MARCH_2027))
    assert {r.partition_key for r in requests} == {f"{s}|2027" for s in settings.specialties()}
    assert {r.partition_key for r in requests} <= {str(k) for k in report_partitions.get_partition_keys(current_time=MARCH_2027)}

    # The same tick as the daemon evaluates it: partition tags resolved against the code location's definitions.
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=MARCH_2027, repository_def=defs.get_repository_def()
        )
        tick = nightly_ingest_schedule.evaluate_tick(context)
    assert tick.skip_message is None
    assert {r.tags["dagster/partition/year"] for r in tick.run_requests} == {"2027"}
    assert {r.tags["dagster/partition/specialty"] for r in tick.run_requests} == set(settings.specialties())


def test_sensor_watches_the_new_year(tmp_path, monkeypatch):
    from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
    from miracle_dagster.resources.source import ReportSource
    from miracle_dagster.sensors import new_documents_sensor

    monkeypatch.setenv("MIRACLE_SPECIALTIES", "radiology")
    monkeypatch.setattr(settings, "current_year", lambda today=None: 2027)  # the clock in 2027
    write_sample_source(tmp_path / "src", generate_corpus(n_patients=3, seed=1, specialties=("radiology",), years=("2026", "2027")))
    source = ReportSource(folder=str(tmp_path / "src"))
    with dg.instance_for_test() as instance:
        requests = new_documents_sensor(dg.build_sensor_context(instance=instance, resources={"source": source}))
    assert {r.partition_key for r in requests} == {"radiology|2026", "radiology|2027"}


def test_schedule_and_sensor_run_by_default():
    from miracle_dagster.definitions import defs

    assert settings.automation()
    assert defs.resolve_schedule_def("nightly_ingest_schedule").default_status == dg.DefaultScheduleStatus.RUNNING
    assert defs.resolve_sensor_def("new_documents_sensor").default_status == dg.DefaultSensorStatus.RUNNING


def test_one_switch_stops_schedule_and_sensor(monkeypatch):
    import miracle_dagster.schedules as schedules
    import miracle_dagster.sensors as sensors

    monkeypatch.setenv("MIRACLE_AUTOMATION", "off")
    try:
        assert importlib.reload(schedules).nightly_ingest_schedule.default_status == dg.DefaultScheduleStatus.STOPPED
        assert importlib.reload(sensors).new_documents_sensor.default_status == dg.DefaultSensorStatus.STOPPED
        assert sensors.automation_sensor.default_status == dg.DefaultSensorStatus.RUNNING  # not part of the switch
    finally:
        monkeypatch.undo()
        importlib.reload(schedules)
        importlib.reload(sensors)
    assert schedules.nightly_ingest_schedule.default_status == dg.DefaultScheduleStatus.RUNNING


@pytest.mark.parametrize(("value", "on"), [("on", True), ("", True), ("OFF", False), ("0", False), ("false", False)])
def test_automation_switch_values(monkeypatch, value, on):
    monkeypatch.setenv("MIRACLE_AUTOMATION", value)
    assert settings.automation() is on


def test_automation_switch_rejects_other_values(monkeypatch):
    monkeypatch.setenv("MIRACLE_AUTOMATION", "sometimes")
    with pytest.raises(ValueError, match="MIRACLE_AUTOMATION"):
        settings.automation()


def test_eager_assets_follow_an_old_year_too():
    """With a time dimension, AutomationCondition.eager() alone would only follow the latest year."""
    from miracle_dagster.definitions import defs

    with dg.instance_for_test() as instance:
        first = dg.evaluate_automation_conditions(defs=defs, instance=instance, asset_selection=dg.AssetSelection.assets("report_sections"))
        instance.report_runless_asset_event(dg.AssetMaterialization("raw_reports", partition="radiology|2020"))
        result = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, asset_selection=dg.AssetSelection.assets("report_sections"), cursor=first.cursor
        )
    assert result.get_requested_partitions(dg.AssetKey("report_sections")) == {"radiology|2020"}
