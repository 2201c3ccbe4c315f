"""`make ui` for real: webserver and daemon on localhost answer GraphQL, and a one-year backfill runs."""

from __future__ import annotations

import os
import shutil
import time

import pytest
import requests
from dagster_dev import ASSET_GRAPH, PROJECT, dagster_dev

LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
BACKFILL_STATUS = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status partitionNames }
  }
}"""
RUNS = "{ runsOrError { ... on Runs { results { status tags { key value } } } } }"


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory, sample_corpus):
    from miracle_dagster.core.sample_corpus import write_sample_source
    from miracle_dagster.resources.embedder import EmbeddingModels

    EmbeddingModels(models_dir=os.environ["MIRACLE_MODELS_DIR"]).provision()  # runs must not race to convert
    home = tmp_path_factory.mktemp("ui-home")
    write_sample_source(home / "sample_source", sample_corpus)
    (home / "dagster").mkdir()
    shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster" / "dagster.yaml")
    with dagster_dev(home, home / "dagster", MIRACLE_SPECIALTIES="radiology,internal_medicine", MIRACLE_FIRST_YEAR="2021") as base:
        yield f"{base}/graphql", home


def _gql(url: str, query: str, **variables) -> dict:
    body = requests.post(url, json={"query": query, "variables": variables}, timeout=30).json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def test_graphql_serves_the_asset_graph(dagster_ui):
    url, _ = dagster_ui
    nodes = {"/".join(n["assetKey"]["path"]): n for n in _gql(url, ASSET_GRAPH)["assetNodes"]}
    assert {"raw_reports", "rejected_reports", "report_sections"} <= set(nodes)
    assert nodes["report_sections"]["isPartitioned"] and nodes["raw_reports"]["groupName"] == "ingest"


def test_backfill_of_one_year_from_the_ui(dagster_ui):
    url, home = dagster_ui
    # One partition, one run: the daemon still turns the UI's request into a run, and each run imports the code location.
    partitions = ["radiology|2022"]
    params = {
        "assetSelection": [{"path": ["raw_reports"]}, {"path": ["rejected_reports"]}, {"path": ["report_sections"]}],
        "partitionNames": partitions,
    }
    launched = _gql(url, LAUNCH_BACKFILL, params=params)["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    deadline = time.monotonic() + 400
    status = None
    while time.monotonic() < deadline:
        status = _gql(url, BACKFILL_STATUS, id=launched["backfillId"])["partitionBackfillOrError"]["status"]
        if status in {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}:
            break
        time.sleep(1)
    assert status in {"COMPLETED", "COMPLETED_SUCCESS"}, (status, (home / "dagster-dev.log").read_text()[-3000:])
    for partition in partitions:
        specialty, year = partition.split("|")
        assert (home / "assets" / "report_sections" / specialty / f"{year}.parquet").exists()
