"""raw_reports -> report_sections materialized in-process, as a data engineer would from the UI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from miracle_dagster.assets import ingest_assets
from miracle_dagster.checks import section_checks
from miracle_dagster.core.sample_corpus import write_sample_source
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager, partition_file


def _resources(root: Path, models_dir: Path, source: ReportSource) -> dict:
    return {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "source": source,
        "embedder": EmbeddingModels(models_dir=str(models_dir)),
    }


def _materialize(resources: dict, specialty: str, year: str) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*ingest_assets, *section_checks],
        partition_key=str(partition_key(specialty, year)),
        resources=resources,
        instance=dg.DagsterInstance.ephemeral(),
    )


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(asset)]
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory, sample_corpus) -> Path:
    root = tmp_path_factory.mktemp("source")
    write_sample_source(root, sample_corpus, bad_rows=True)
    return root


def _partition_with_bad_rows(source_dir: Path) -> tuple[str, str]:
    bad = sorted(source_dir.glob("*/*/incoming_bad.jsonl"))
    assert bad, "the sample source should contain invalid rows"
    return bad[0].parent.parent.name, bad[0].parent.name


def test_materialize_one_partition(tmp_path, models_dir, source_dir):
    specialty, year = _partition_with_bad_rows(source_dir)
    resources = _resources(tmp_path, models_dir, ReportSource(folder=str(source_dir)))
    result = _materialize(resources, specialty, year)
    assert result.success

    raw = pd.read_parquet(partition_file(tmp_path / "assets", "raw_reports", specialty, year))
    rejected = pd.read_parquet(partition_file(tmp_path / "assets", "rejected_reports", specialty, year))
    passages = pd.read_parquet(partition_file(tmp_path / "assets", "report_sections", specialty, year))
    assert len(raw) > 0 and len(rejected) > 0
    assert set(raw["specialty"]) == {specialty}
    assert all(d.startswith(year) for d in raw["date"])
    assert "text" not in rejected.columns, "rejected rows must not carry document text"
    assert set(passages["document_id"]) == set(raw["document_id"])

    raw_meta = _metadata(result, "raw_reports")
    assert raw_meta["rows_in"] == raw_meta["rows_out"] + raw_meta["rows_rejected"]
    assert raw_meta["source_fingerprint"]
    assert [c.name for c in raw_meta["dagster/column_schema"].columns] == list(raw.columns)
    sections_meta = _metadata(result, "report_sections")
    assert sections_meta["passages"] == len(passages) == sections_meta["passages_new"]
    assert sections_meta["tokens_max"] <= sections_meta["max_tokens"]

    evaluations = result.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == {
        "rows_accounted_for",
        "passages_fit_model",
        "passage_ids_unique",
        "passages_match_source",
    }
    assert all(e.passed for e in evaluations), [(e.check_name, e.metadata) for e in evaluations if not e.passed]


def test_rematerializing_adds_nothing_new(tmp_path, models_dir, source_dir):
    specialty, year = _partition_with_bad_rows(source_dir)
    resources = _resources(tmp_path, models_dir, ReportSource(folder=str(source_dir)))
    first = _metadata(_materialize(resources, specialty, year), "report_sections")
    second = _metadata(_materialize(resources, specialty, year), "report_sections")
    assert second["passages"] == first["passages"] > 0
    assert second["passages_new"] == 0 and second["passages_removed"] == 0


def test_sql_source_partition(tmp_path, models_dir, sample_corpus):
    db = tmp_path / "warehouse.sqlite"
    frame = pd.DataFrame(sample_corpus.documents).rename(columns={"document_id": "doc_id"})
    with sqlite3.connect(db) as connection:
        frame.to_sql("reports", connection, index=False)
    specialty, year = frame.iloc[0]["specialty"], frame.iloc[0]["date"][:4]
    source = ReportSource(
        kind="sql",
        sql_url=f"sqlite:///{db}",
        sql_query="SELECT * FROM reports WHERE specialty = :specialty AND substr(date, 1, 4) = :year",
        column_map_json='{"doc_id": "document_id"}',
    )
    result = _materialize(_resources(tmp_path, models_dir, source), specialty, year)
    assert result.success
    expected = frame[(frame["specialty"] == specialty) & frame["date"].str.startswith(year)]
    raw = pd.read_parquet(partition_file(tmp_path / "assets", "raw_reports", specialty, year))
    assert sorted(raw["document_id"]) == sorted(expected["doc_id"])
    assert _metadata(result, "raw_reports")["source"].startswith("sql:sqlite")
