"""The code location loads, the instance settings are valid, and the sensor only asks for changed partitions."""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
from pathlib import Path

import dagster as dg
import pytest

from miracle_dagster.core import settings

PROJECT = Path(__file__).resolve().parents[1]


def test_definitions_load_and_validate():
    from miracle_dagster.definitions import defs

    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"raw_reports", "rejected_reports", "report_sections"} <= keys
    assert {"multilingual_e5_small/qdrant_points", "multilingual_e5_small/qdrant_collection"} <= keys
    assert defs.resolve_job_def("collections_job") is not None
    assert defs.resolve_sensor_def("miracle_automation").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_job_def("ingest_job") is not None
    assert {"qa_pairs", "rejected_qa_pairs"} <= keys
    assert defs.resolve_job_def("qa_job").tags.get("miracle/service") == "llm"
    assert {"pseudonymized_sections", "pseudonymized_qa_pairs", "pseudonymization_eval"} <= keys
    assert {"training_pairs", "finetuned_model", "variant_index"} <= keys and defs.resolve_job_def("training_job") is not None
    assert "rag_eval_report" in keys and defs.resolve_job_def("rag_evaluation_job").partitions_def is not None
    # The privacy boundary: pseudonymized passages come with every ingest run and their leak check blocks.
    assert "pseudonymized_sections" in {k.to_user_string() for k in defs.resolve_job_def("ingest_job").asset_layer.executable_asset_keys}
    leak_checks = [spec for spec in graph.get(dg.AssetKey("pseudonymized_sections")).check_keys]
    assert leak_checks and all(k.name == "no_known_phi_leaks" for k in leak_checks)
    partitions = graph.get(dg.AssetKey("report_sections")).partitions_def
    # 7 specialties x the years from 2018 to the current one: 63 in 2026, 70 in 2027, ...
    years_so_far = settings.current_year() - 2018 + 1
    assert len(partitions.get_partition_keys()) == len(settings.specialties()) * len(settings.years()) == 7 * years_so_far
    check_names = {key.name for key in graph.asset_check_keys}
    assert {
        "rows_accounted_for",
        "passages_fit_model",
        "passage_ids_unique",
        "passages_match_source",
        "sections_accounted_for",
        "pairs_reference_passages",
        "no_known_phi_leaks",
        "recall_goal_met",
        "alias_serves_complete_collection",
        "patients_in_one_split",
        "negatives_not_from_positive_patient",
        "beats_base_on_dev",
        "patient_centred_stays_with_patient",
    } <= check_names


def test_every_asset_is_in_a_job_and_in_one_of_its_groups():
    """Jobs select by group: an asset added to a module of miracle_dagster.assets lands in its group's job."""
    from miracle_dagster import assets
    from miracle_dagster.definitions import defs

    graph = defs.resolve_asset_graph()
    in_jobs = {key for job in defs.jobs for key in defs.resolve_job_def(job.name).asset_layer.executable_asset_keys}
    assert in_jobs == set(graph.get_all_asset_keys())
    modules = {key for a in dg.load_assets_from_package_module(assets) for key in a.keys}
    assert modules == set(graph.get_all_asset_keys())  # collected by convention, nothing listed by hand


def test_dg_check_defs_passes():
    import subprocess
    import sys

    dg_cli = Path(sys.executable).parent / "dg"
    done = subprocess.run([str(dg_cli), "check", "defs"], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "All definitions loaded successfully" in done.stdout + done.stderr, done.stderr


def test_partitions_follow_environment(monkeypatch):
    monkeypatch.setenv("MIRACLE_SPECIALTIES", "radiology, pathology")
    monkeypatch.setenv("MIRACLE_FIRST_YEAR", "2020")
    import miracle_dagster.partitions as partitions

    try:
        reloaded = importlib.reload(partitions)
        keys = {str(k) for k in reloaded.report_partitions.get_partition_keys(current_time=dt.datetime(2022, 6, 1))}
        assert keys == {f"{s}|{y}" for s in ("radiology", "pathology") for y in ("2020", "2021", "2022")}
    finally:
        monkeypatch.undo()
        importlib.reload(partitions)


def test_bad_first_year_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("MIRACLE_FIRST_YEAR", "20x1")
    with pytest.raises(ValueError, match="MIRACLE_FIRST_YEAR must be a four-digit year"):
        settings.years()
    monkeypatch.setenv("MIRACLE_FIRST_YEAR", "2031")
    with pytest.raises(ValueError, match="after the current year"):
        settings.years(today=dt.date(2030, 12, 31))


def test_instance_settings_queue_rate_limited_services(tmp_path):
    shutil.copyfile(PROJECT / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        coordinator = instance.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        concurrency = instance.get_concurrency_config()
        queue = concurrency.run_queue_config
        limits = {(limit["key"], limit.get("value")): limit["limit"] for limit in queue.tag_concurrency_limits}
        assert limits[("miracle/service", "llm")] == 1 and limits[("miracle/gpus", None)] == 1  # GPU runs take turns
        assert queue.max_concurrent_runs == 4
        assert concurrency.pool_config.default_pool_limit == 1, "the embedded Qdrant store takes one writer"


def test_sensor_requests_only_new_or_changed_partitions(tmp_path, sample_corpus):
    from miracle_dagster.core.sample_corpus import write_sample_source
    from miracle_dagster.resources.source import ReportSource
    from miracle_dagster.sensors import new_documents_sensor

    write_sample_source(tmp_path / "src", sample_corpus)
    source = ReportSource(folder=str(tmp_path / "src"))
    with dg.instance_for_test() as instance:
        first = new_documents_sensor(dg.build_sensor_context(instance=instance, resources={"source": source}))
        requested = {r.partition_key for r in first}
        on_disk = {f"{p.parent.name}|{p.name}" for p in (tmp_path / "src").glob("*/*") if p.parent.name != "_meta"}
        assert requested == on_disk

        # Record an ingestion of one partition with its current fingerprint: it is no longer requested.
        done = sorted(requested)[0]
        specialty, year = done.split("|")
        instance.report_runless_asset_event(
            dg.AssetMaterialization("raw_reports", partition=done, metadata={"source_fingerprint": source.fingerprint(specialty, year)})
        )
        second = new_documents_sensor(dg.build_sensor_context(instance=instance, resources={"source": source}))
        assert {r.partition_key for r in second} == requested - {done}

        # A new file in that partition makes it due again.
        (tmp_path / "src" / specialty / year / "late_arrivals.jsonl").write_text("{}\n")
        third = new_documents_sensor(dg.build_sensor_context(instance=instance, resources={"source": source}))
        assert done in {r.partition_key for r in third}


def test_nightly_schedule_requests_every_specialty_of_the_current_year():
    from miracle_dagster.schedules import nightly_ingest_schedule

    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2025, 3, 1, 2, 0))
    requests = nightly_ingest_schedule(context)
    assert {r.partition_key for r in requests} == {f"{s}|2025" for s in settings.specialties()}
    assert len({r.run_key for r in requests}) == len(requests)

    before_first = nightly_ingest_schedule(dg.build_schedule_context(scheduled_execution_time=dt.datetime(2017, 6, 1, 2, 0)))
    assert isinstance(before_first, dg.SkipReason) and "MIRACLE_FIRST_YEAR" in before_first.skip_message
