"""The `miracle` command as a user runs it: a subprocess with its own data root."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pandas as pd

MIRACLE = [sys.executable, "-m", "miracle_dagster.cli"]


def _run(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "MIRACLE_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"), **env}
    return subprocess.run(MIRACLE + args, env=full_env, capture_output=True, text=True, timeout=600)


def test_sample_corpus_command_writes_the_source_layout(tmp_path, capsys):
    out = tmp_path / "src"
    done = _run(["sample-corpus", "--patients", "4", "--seed", "3", "--out", str(out), "--format", "parquet"], tmp_path)
    assert done.returncode == 0, done.stderr
    files = sorted(out.glob("*/*/documents.parquet"))
    assert files and sum(len(pd.read_parquet(f)) for f in files) == json.loads((out / "_meta" / "manifest.json").read_text())["n_documents"]
    from miracle_dagster import cli  # in this process: a second interpreter would import the whole CLI again (~8 CPU-s)

    assert cli.main(["sample-corpus", "--out", str(out)]) == 0
    assert "already" in capsys.readouterr().out, "an existing corpus is kept unless --force"


def test_search_mode_reaches_the_store_and_names_the_score(monkeypatch, capsys):
    """`--mode` offers the store's modes (the CLI keeps its own copy so it starts without importing Qdrant)."""
    from miracle_dagster import cli, search
    from miracle_dagster.cli.search import SEARCH_SCORES
    from miracle_dagster.core.vector_index import MODES

    assert tuple(SEARCH_SCORES) == MODES
    assert cli.main(["search", "--help"]) == 0 and "--mode [dense|sparse|hybrid]" in capsys.readouterr().out
    asked = {}
    monkeypatch.setattr(search, "search", lambda query, **kwargs: asked.update(kwargs) or [])
    assert cli.main(["search", "Nierenzyste", "--mode", "hybrid"]) == 0
    assert asked["mode"] == "hybrid" and "reciprocal rank fusion" in capsys.readouterr().out
    assert cli.main(["search", "Nierenzyste"]) == 0 and asked["mode"] == "dense"


def test_demo_materializes_every_source_partition_into_the_instance(tmp_path, monkeypatch, capsys):
    three_years = str(dt.datetime.now(dt.timezone.utc).year - 2)  # the year partitions run up to the current year
    env = {"MIRACLE_SPECIALTIES": "radiology,surgery", "MIRACLE_FIRST_YEAR": three_years}
    # 4 patients: still every partition, 45 PHI values to look for and the same first QA passage as with 10, but 169
    # passages to embed instead of 391.
    demo = ["demo", "--patients", "4", "--qa-partitions", "1", "--qa-sections", "1", "--translate-rows", "1", "--icd-steps", "0"]
    done = _run(demo, tmp_path, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    partitions = {(p.parent.name, p.name) for p in (tmp_path / "sample_source").glob("*/*") if p.parent.name != "_meta"}
    assert f"{len(partitions)}/{len(partitions)} partitions" in done.stdout
    assert "rejected: empty_text: 1" in done.stdout and "http://127.0.0.1:3000" in done.stdout
    for specialty, year in partitions:
        assert (tmp_path / "assets" / "report_sections" / specialty / f"{year}.parquet").exists()
    assert (tmp_path / "dagster" / "dagster.yaml").exists()
    assert "Qdrant alias multilingual-e5-small ->" in done.stdout and "live)" in done.stdout
    assert f"leak check passed in {len(partitions)}/{len(partitions)} partitions" in done.stdout
    assert "QA pairs (1 partitions x 1 passages)" in done.stdout
    assert "QA pairs in English (llm -> EN-GB, first 1 per partition)" in done.stdout
    with dg.DagsterInstance.from_config(str(tmp_path / "dagster")) as instance:
        runs = instance.get_runs()
        assert len(runs) == len(partitions) + 3 and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        # No PHI in what a demo run prints or records: the console, and every event of every run.
        logged = (
            done.stdout
            + done.stderr
            + "\n".join(str(event.message) for run in runs for event in instance.all_logs(run.run_id) if event.message)
        )
    phi = [json.loads(line) for line in (tmp_path / "sample_source" / "_meta" / "phi_spans.jsonl").read_text().splitlines()]
    values = {
        s["text"] for s in phi if s["type"] in ("PATIENT_NAME", "BIRTH_DATE", "STREET", "PHONE", "INSURANCE_ID") and len(s["text"]) >= 5
    }
    assert len(values) > 20 and not [v for v in values if v in logged]

    # Search the live collection, then the same query restricted to one patient (in this process: one model load).
    from miracle_dagster import cli

    for name, value in {"MIRACLE_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster"), **env}.items():
        monkeypatch.setenv(name, value)

    def search(*args: str) -> list[dict]:
        assert cli.main(["search", "Beurteilung Befund", *args, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    hits = search("--top-k", "4")
    assert len(hits) == 4 and hits[0]["score"] >= hits[-1]["score"]
    patient = hits[-1]["patient_id"]
    mine = search("--patient", patient)
    assert mine and {h["patient_id"] for h in mine} == {patient}
    # The collection holds pseudonymized passages: keyed ids, no raw text; a hospital patient id still finds them.
    assert patient.startswith("pat_") and not [h for h in hits if h["patient_id"] in {p["patient_id"] for p in phi}]
    keys = pd.concat(pd.read_parquet(f) for f in (tmp_path / "private" / "surrogate_keys" / "pseudonymized_sections").rglob("*.parquet"))
    [raw_id] = set(keys.loc[(keys["type"] == "column:patient_id") & (keys["surrogate"] == patient), "original"])
    by_raw = search("--patient", raw_id)
    assert [h["passage_id"] for h in by_raw] == [h["passage_id"] for h in mine]

    assert cli.main(["search", "x", "--model", "all-MiniLM-L6-v2"]) == 2
    assert "no live collection" in capsys.readouterr().err
