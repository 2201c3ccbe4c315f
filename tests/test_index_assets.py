"""Qdrant assets in-process: incremental points, the alias moving only to a complete collection version."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from miracle_dagster.assets import ingest_assets, pseudonymized_sections
from miracle_dagster.assets.index import build_index_assets
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.core.vector_index import StoreError
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.qdrant import QdrantResource
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager

MODEL = "all-MiniLM-L6-v2"  # the packaged English MiniLM: fast enough to embed in every test run
POINTS, COLLECTION, ALIAS_CHECK = build_index_assets(MODEL)


@pytest.fixture
def env(tmp_path, models_dir, sample_corpus):
    write_sample_source(tmp_path / "src", sample_corpus)
    partitions = sorted({(p.parent.name, p.name) for p in (tmp_path / "src").glob("*/*") if p.parent.name != "_meta"})
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(tmp_path / "assets")),
        "data_root": DataRoot(path=str(tmp_path)),
        "source": ReportSource(folder=str(tmp_path / "src")),
        "embedder": EmbeddingModels(models_dir=str(models_dir), default_model=MODEL),
        "qdrant": QdrantResource(path=str(tmp_path / "qdrant")),
        "pseudonymizer": Pseudonymizer(secret="index-tests-secret-0123456789", private_dir=str(tmp_path / "private")),
    }
    return tmp_path, partitions[:2], resources, dg.DagsterInstance.ephemeral()


def _points(env, specialty: str, year: str) -> dict:
    _, _, resources, instance = env
    result = dg.materialize(
        [*ingest_assets, pseudonymized_sections, POINTS],
        partition_key=str(partition_key(specialty, year)),
        resources=resources,
        instance=instance,
    )
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == POINTS.key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def _collection(env) -> tuple[dict, bool]:
    _, _, resources, instance = env
    result = dg.materialize([COLLECTION, ALIAS_CHECK], resources=resources, instance=instance, selection=[COLLECTION], raise_on_error=False)
    [event] = result.get_asset_materialization_events()
    [check] = result.get_asset_check_evaluations()
    return {k: v.value for k, v in event.materialization.metadata.items()}, check.passed


def test_points_are_incremental_and_alias_goes_live(env):
    root, partitions, _, _ = env
    first = [_points(env, *p) for p in partitions]
    assert all(m["embedded"] == m["passages"] > 0 for m in first)
    meta, check_passed = _collection(env)
    assert meta["alias_moved"] and check_passed
    assert meta["points"] == sum(m["passages"] for m in first)

    again = _points(env, *partitions[0])
    assert again["embedded"] == 0 and again["unchanged"] == first[0]["passages"] and again["deleted"] == 0

    # A late document in the first partition: only its passages are embedded.
    specialty, year = partitions[0]
    late = dict(generate_corpus(n_patients=1, seed=99, specialties=[specialty], years=[year]).documents[0])
    late["document_id"] = "DOC-LATE-1"
    (root / "src" / specialty / year / "late.jsonl").write_text(json.dumps(late, ensure_ascii=False) + "\n")
    incremental = _points(env, specialty, year)
    assert 0 < incremental["embedded"] == incremental["passages"] - first[0]["passages"]
    assert incremental["unchanged"] == first[0]["passages"]


def test_new_model_version_goes_live_only_when_complete(env, monkeypatch):
    _, partitions, _, _ = env
    for p in partitions:
        _points(env, *p)
    live, _ = _collection(env)

    monkeypatch.setattr(EmbeddingModels, "version", lambda self, name=None: "v2-test")
    _points(env, *partitions[0])
    half, check_passed = _collection(env)
    assert half["collection"] != live["collection"] and not half["alias_moved"] and half["incomplete_partitions"] == 1
    assert not check_passed, "the alias must not serve a half-built collection"

    _points(env, *partitions[1])
    full, check_passed = _collection(env)
    assert full["alias_moved"] and check_passed
    assert full["previous_collection"] == live["collection"], "the previous version is kept for rollback"


def test_rerunning_a_live_collection_keeps_the_rollback_version(env, monkeypatch):
    _, partitions, _, _ = env
    for p in partitions:
        _points(env, *p)
    v1, _ = _collection(env)
    monkeypatch.setattr(EmbeddingModels, "version", lambda self, name=None: "v2-test")
    for p in partitions:
        _points(env, *p)
    v2, _ = _collection(env)
    again, check_passed = _collection(env)
    assert check_passed and again["collection"] == v2["collection"] and not again["dropped_collections"]
    _, _, resources, _ = env
    with resources["qdrant"].open(read_only=True) as store:
        assert v1["collection"] in store.collections(), "a no-op re-run must not drop the rollback version"


def test_busy_embedded_store_gives_a_clear_error_and_readers_still_read(tmp_path):
    resource = QdrantResource(path=str(tmp_path / "q"), lock_timeout_s=1)
    with resource.open() as writer:
        writer.ensure_collection("m__v1__d8", 8, "de")
        with pytest.raises(StoreError, match="another process.*MIRACLE_QDRANT_URL"):
            with resource.open():
                pass
        with resource.open(read_only=True) as reader:  # a read view never waits for the writer
            assert reader.collections() == ["m__v1__d8"]
    with resource.open() as store:  # released: opens at once
        assert store.collections() == ["m__v1__d8"]


def test_an_old_local_mode_index_is_refused_with_how_to_rebuild(tmp_path):
    (tmp_path / "q" / "collection" / "m").mkdir(parents=True)
    (tmp_path / "q" / "meta.json").write_text("{}")
    with pytest.raises(StoreError, match="mv .*re-materialize"):
        with QdrantResource(path=str(tmp_path / "q")).open():
            pass
