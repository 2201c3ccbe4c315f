"""The contract every vector store keeps, run against Qdrant Edge and (where MIRACLE_TEST_QDRANT_URL is set) a
Qdrant server. Tiny deterministic encoders keep it fast."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid
import warnings

import numpy as np
import pandas as pd
import pytest

from miracle_dagster.core import vector_index as vi
from miracle_dagster.core.vector_index import EdgeStore, ServerStore, StoreError

DIM = 16
SERVER_URL = os.environ.get("MIRACLE_TEST_QDRANT_URL", "")


def encode(texts: list[str]) -> np.ndarray:
    """A unit vector per text, seeded by its hash: the same text always gets the same vector."""
    rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=DIM) for t in texts]
    return np.array([r / np.linalg.norm(r) for r in rows], dtype=np.float32)


def passages(specialty: str, year: str, n: int, patient: str = "p1", prefix: str = "") -> pd.DataFrame:
    ids = [f"{prefix}{specialty}-{year}-{i}" for i in range(n)]
    return pd.DataFrame(
        {
            "passage_id": ids,
            "document_id": [f"d-{i // 2}" for i in range(n)],
            "patient_id": patient,
            "specialty": specialty,
            "document_type": "Befund",
            "section_name": "Beurteilung",
            "date": f"{year}-01-01",
            "text": [f"Befund {pid} der Niere" for pid in ids],
        }
    )


@pytest.fixture(params=["edge", "server-api-in-process", "server"])
def store(request, tmp_path):
    """Edge; the server store through qdrant-client's in-process engine (every client call the server store makes,
    without HNSW or payload indexes); the server store against a real server where MIRACLE_TEST_QDRANT_URL names one."""
    if request.param.startswith("server"):
        if request.param == "server" and not SERVER_URL:
            pytest.skip("MIRACLE_TEST_QDRANT_URL is not set: no Qdrant server to test against")
        opened = ServerStore(SERVER_URL if request.param == "server" else ":memory:")
        prefix = f"t{uuid.uuid4().hex[:8]}"
        opened.test_prefix = prefix
        with warnings.catch_warnings():  # the in-process engine says it ignores payload indexes and search params
            warnings.simplefilter("ignore", UserWarning)
            yield opened
        for name in opened.collections():
            if name.startswith(prefix):
                opened.drop_collection(name)
        opened.close()
    else:
        opened = EdgeStore(tmp_path / "qdrant")
        opened.test_prefix = "t"
        yield opened
        opened.close()


@pytest.fixture
def collection(store) -> str:
    name = f"{store.test_prefix}model__v1__d{DIM}"
    assert store.ensure_collection(name, DIM, "de") is True
    assert store.ensure_collection(name, DIM, "de") is False
    return name


def test_ids_are_uuid5_of_passage_ids_and_payload_filters_hold(store, collection):
    frame = passages("radiology", "2021", 5)
    vi.sync_partition(store, collection, frame, "radiology", "2021", encode)
    assert store.ids(collection, vi.partition_filter("radiology", "2021")) == {vi.point_id(p) for p in frame["passage_id"]}
    assert vi.point_id("x") == str(uuid.uuid5(vi.POINT_NAMESPACE, "x"))
    hits = vi.search(store, collection, encode(["q"])[0], patient_id="p1", year=2021, top_k=10)
    assert len(hits) == 5 and all(h.patient_id == "p1" and h.year == 2021 for h in hits)
    assert vi.search(store, collection, encode(["q"])[0], patient_id="nobody") == []
    with pytest.raises(StoreError):
        store.ensure_collection(collection, DIM * 2, "de")


def test_counts_per_partition_and_vanished_passages_deleted(store, collection):
    vi.sync_partition(store, collection, passages("radiology", "2021", 6), "radiology", "2021", encode)
    vi.sync_partition(store, collection, passages("neurology", "2021", 3), "neurology", "2021", encode)
    assert store.count(collection, vi.partition_filter("radiology", "2021")) == 6
    assert store.count(collection, vi.partition_filter("neurology", "2021")) == 3
    stats = vi.sync_partition(store, collection, passages("radiology", "2021", 4), "radiology", "2021", encode)
    assert (stats.embedded, stats.deleted, stats.unchanged) == (0, 2, 4)
    assert store.count(collection, vi.partition_filter("radiology", "2021")) == 4
    assert store.count(collection) == 7  # the other partition is untouched


def test_version_switch_keeps_one_rollback_and_drops_older(store):
    alias = f"{store.test_prefix}model"
    versions = [f"{alias}__v{i}__d{DIM}" for i in range(3)]
    for i, name in enumerate(versions):
        store.ensure_collection(name, DIM, "de")
        vi.sync_partition(store, name, passages("radiology", "2021", i + 1), "radiology", "2021", encode)
        previous, dropped = vi.publish(store, alias, name)
        assert previous == (versions[i - 1] if i else None)
    assert dropped == [versions[0]] and set(versions[1:]) <= set(store.collections())
    assert store.aliases()[alias] == versions[2] and store.count(alias) == 3
    assert store.switch_alias(alias, versions[1]) == versions[2]  # rollback
    assert store.count(alias) == 2 and len(vi.search(store, alias, encode(["q"])[0])) == 2


def test_hybrid_ranks_a_passage_both_rankings_like_above_either_alone(store):
    name = f"{store.test_prefix}hybrid__v1__d{DIM}"
    store.ensure_collection(name, DIM, "de")
    query = "Nierenarterienstenose links"
    q = encode([query])[0]
    texts = {
        "lexical": "Nierenarterienstenose links bestätigt",
        "dense": "Unauffälliger Befund der Lunge",
        "both": "Verdacht auf Nierenarterienstenose",
        "neither": "Zustand nach Appendektomie",
    }
    other = encode(["other"])[0] - q * (encode(["other"])[0] @ q)  # orthogonal to the query
    other /= np.linalg.norm(other)
    vectors = {"dense": q, "both": 0.8 * q + 0.6 * other, "neither": 0.3 * q + 0.95 * other, "lexical": -q}
    frame = passages("radiology", "2021", 0).reindex(range(4))
    frame = frame.assign(
        passage_id=list(texts),
        text=list(texts.values()),
        patient_id="p1",
        specialty="radiology",
        document_id="d",
        document_type="Befund",
        section_name="S",
        date="2021-01-01",
    )
    by_text = {texts[k]: v / np.linalg.norm(v) for k, v in vectors.items()}
    vi.sync_partition(store, name, frame, "radiology", "2021", lambda ts: np.array([by_text[t] for t in ts]))
    ranked = {m: [h.passage_id for h in vi.search(store, name, q, query_text=query, mode=m, top_k=4)] for m in vi.MODES}
    assert ranked["dense"] == ["dense", "both", "neither", "lexical"]
    assert ranked["sparse"][:2] == ["lexical", "both"] and "dense" not in ranked["sparse"]  # BM25: only shared terms
    assert ranked["hybrid"][0] == "both"


def test_export_copies_every_point(store, collection, tmp_path):
    vi.sync_partition(store, collection, passages("radiology", "2021", 7), "radiology", "2021", encode)
    with EdgeStore(tmp_path / "exported") as target:
        assert vi.export(store, collection, target, batch_size=3) == 7
        original = {p.id: p for p in store.points(collection)}
        copied = {p.id: p for p in target.points(collection)}
        assert copied.keys() == original.keys() and target.info(collection) == store.info(collection)
        for pid, point in original.items():
            assert copied[pid].payload == point.payload and copied[pid].sparse[0] == point.sparse[0]
            np.testing.assert_allclose(copied[pid].dense, point.dense, atol=1e-6)
            np.testing.assert_allclose(copied[pid].sparse[1], point.sparse[1], rtol=1e-6)


# ------------------------------------------------------------------------------------------------ Edge only
WRITER = textwrap.dedent("""
    import sys, numpy as np
    from miracle_dagster.core import vector_index as vi
    store = vi.EdgeStore(sys.argv[1])
    store.ensure_collection("c", 16, "de")
    for batch in range(10_000):
        ids = [f"p{batch}-{i}" for i in range(50)]
        vectors = np.random.default_rng(batch).normal(size=(50, 16)).astype(np.float32)
        store.upsert("c", [vi.Point(vi.point_id(p), v.tolist(), ([1], [1.0]), {"passage_id": p}) for p, v in zip(ids, vectors)])
        print(batch, flush=True)
""")


def test_reopen_after_a_killed_writer_loses_and_duplicates_nothing(tmp_path):
    root = tmp_path / "qdrant"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root)], stdout=subprocess.PIPE, text=True)
    acknowledged = [int(writer.stdout.readline()) for _ in range(5)]
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    acknowledged += [int(line) for line in writer.stdout.read().split()]
    with EdgeStore(root, lock_timeout_s=5) as store:  # the kernel released the writer lock
        ids = [p.id for p in store.points("c")]
        assert len(ids) == len(set(ids)) == store.count("c")
        assert {vi.point_id(f"p{b}-{i}") for b in acknowledged for i in range(50)} <= set(ids)
        assert len(ids) % 50 == 0  # a batch is applied whole or not at all


def test_readers_neither_wait_for_nor_disturb_the_writer(tmp_path):
    with EdgeStore(tmp_path / "q") as writer:
        writer.ensure_collection("c__v1__d16", DIM, "de")
        vi.sync_partition(writer, "c__v1__d16", passages("radiology", "2021", 3), "radiology", "2021", encode)
        writer.switch_alias("c", "c__v1__d16")
        # a reader that queued for the writer lock would give up after 0.1 s with "another process"
        with EdgeStore(tmp_path / "q", read_only=True, lock_timeout_s=0.1) as reader:
            assert reader.count("c") == 3 and len(vi.search(reader, "c", encode(["q"])[0])) == 3
            with pytest.raises(StoreError, match="read-only"):
                reader.upsert("c", [])
        vi.sync_partition(writer, "c__v1__d16", passages("radiology", "2021", 5), "radiology", "2021", encode)
        assert writer.count("c") == 5
        with pytest.raises(StoreError, match="another process"):
            EdgeStore(tmp_path / "q", lock_timeout_s=0.1)


def test_an_old_local_mode_folder_is_refused_with_how_to_rebuild(tmp_path):
    (tmp_path / "q" / "collection" / "m__v1__d16").mkdir(parents=True)
    (tmp_path / "q" / "meta.json").write_text("{}")
    with pytest.raises(StoreError, match="re-materialize the index assets"):
        EdgeStore(tmp_path / "q", read_only=True)


def test_hnsw_is_built_once_at_publish_and_a_nightly_sync_does_not_rebuild_it(tmp_path, monkeypatch):
    """Bulk load without a dense graph (Edge counts the BM25 vectors as indexed at once), one build when published,
    then a few new passages stay in a small plain segment (the serving threshold, lowered here so 2,000 16-d points
    count as big, keeps them out of the graph): the second publish merges nothing."""
    from miracle_dagster.core.vector_index import edge

    monkeypatch.setattr(edge, "SERVING", edge.qe.EdgeOptimizersConfig(indexing_threshold=16))  # KB
    with EdgeStore(tmp_path / "q") as store:
        store.ensure_collection("c__v1__d16", DIM, "de")
        vi.sync_partition(store, "c__v1__d16", passages("radiology", "2021", 2000), "radiology", "2021", encode)
        info = lambda: store._shard("c__v1__d16").info()  # noqa: E731
        assert info().indexed_vectors_count == 2000  # the sparse vectors only
        vi.publish(store, "c", "c__v1__d16")
        built = info()
        assert built.indexed_vectors_count == 2 * 2000  # and now the dense graph
        vi.sync_partition(store, "c__v1__d16", passages("radiology", "2022", 5), "radiology", "2022", encode)
        vi.publish(store, "c", "c__v1__d16")
        assert info().segments_count == built.segments_count and store.count("c") == 2005
