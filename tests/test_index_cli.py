"""`miracle index list|rollback|export` on an embedded store the core functions built: two published versions of
one alias, then a rollback, then an export to a server that is not there."""

import json
import socket

import numpy as np
import pandas as pd
import pytest

from miracle_dagster.cli import main
from miracle_dagster.core import vector_index as vi

DIM = 8


def _encode(texts):
    vectors = np.random.default_rng(len(texts)).normal(size=(len(texts), DIM))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRACLE_HOME", str(tmp_path))
    monkeypatch.delenv("MIRACLE_QDRANT_URL", raising=False)
    passages = pd.DataFrame({"passage_id": ["a", "b", "c"], "patient_id": "p", "specialty": "radiology", "text": ["x", "y", "z"]})
    with vi.EdgeStore(tmp_path / "qdrant") as store:
        for version, rows in (("v1", passages[:2]), ("v2", passages)):
            name = vi.collection_name("model", version, DIM)
            store.ensure_collection(name, DIM, "de")
            vi.sync_partition(store, name, rows, "radiology", "2021", _encode)
            vi.publish(store, "model", name)
    return tmp_path


def test_list_shows_versions_with_points_and_the_alias_that_serves_one(home, capsys):
    assert main(["index", "list", "--json"]) == 0
    rows = {r["collection"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[vi.collection_name("model", "v1", DIM)] == {"collection": "model__v1__d8", "points": 2, "served_as": []}
    assert rows[vi.collection_name("model", "v2", DIM)]["served_as"] == ["model"]


def test_rollback_serves_the_previous_version_and_says_so(home, capsys):
    assert main(["index", "rollback", "model"]) == 0
    assert "model -> model__v1__d8 (was model__v2__d8)" in capsys.readouterr().out
    with vi.EdgeStore(home / "qdrant", read_only=True) as store:
        assert store.aliases() == {"model": "model__v1__d8"} and store.count("model") == 2
    assert main(["index", "rollback", "nothing"]) == 2
    assert "no alias 'nothing'" in capsys.readouterr().err


def test_export_without_a_reachable_server_is_one_clear_line(home, capsys):
    assert main(["index", "export", "model"]) == 2
    assert "give --to URL or set MIRACLE_QDRANT_URL" in capsys.readouterr().err
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["index", "export", "model", "--to", f"http://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"miracle index: http://127.0.0.1:{port}") and "Traceback" not in err
