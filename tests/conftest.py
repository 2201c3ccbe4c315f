"""Tests never touch the user's data root: each session gets its own MIRACLE_HOME, models shared within it.

Under pytest-xdist (`make test` runs two workers) the controller makes the session folder and removes it at the end;
the workers inherit it, share the converted models (provisioning holds a file lock) and each get their own data root.

Scratch lives in RAM (/dev/shm) where there is room: on the 2-core VM writing a 450 MB model file to the disk takes
5-7 s (about 80 MB/s), to tmpfs 0.3-0.6 s, and the suite saves models, checkpoints and Dagster's SQLite runs many times.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_RAM = Path("/dev/shm")
_RAM_NEEDED = 8 << 30  # measured peak of a whole run: see README, Tests


def _scratch_in_ram() -> bool:
    try:
        usage = shutil.disk_usage(_RAM)
    except OSError:
        return False
    return os.access(_RAM, os.W_OK) and usage.free >= _RAM_NEEDED


if not _WORKER:
    if _scratch_in_ram():  # pytest's tmp_path, the session folder and the servers' temp files all follow TMPDIR
        os.environ["TMPDIR"] = tempfile.tempdir = tempfile.mkdtemp(prefix="miracle-tmp-", dir=_RAM)
        atexit.register(shutil.rmtree, tempfile.tempdir, ignore_errors=True)
    os.environ["MIRACLE_TEST_SESSION"] = tempfile.mkdtemp(prefix="miracle-tests-")
    atexit.register(shutil.rmtree, os.environ["MIRACLE_TEST_SESSION"], ignore_errors=True)  # converted models: a gigabyte
_SESSION_ROOT = Path(os.environ["MIRACLE_TEST_SESSION"])
_HOME = _SESSION_ROOT / f"home{'-' + _WORKER if _WORKER else ''}"
os.environ["MIRACLE_HOME"] = str(_HOME)
os.environ.setdefault("MIRACLE_MODELS_DIR", str(_SESSION_ROOT / "models"))
os.environ["DAGSTER_HOME"] = str(_HOME / "dagster")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # OpenMP threads that spin on shared cores slow the other worker
if _WORKER:  # the cores split between the workers (torch is not imported yet): two workers with two math threads each
    # oversubscribed the 2-core VM; one each took the suite from 8 min 29 s to 7 min 36 s (2026-12-04, README, Tests)
    _threads = str(max(1, len(os.sched_getaffinity(0)) // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))))
    for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_name, _threads)  # the servers and CLIs a worker starts inherit it
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
for _var in (
    "MIRACLE_SPECIALTIES",
    "MIRACLE_FIRST_YEAR",
    "MIRACLE_AUTOMATION",
    "MIRACLE_SOURCE_KIND",
    "MIRACLE_SOURCE_DIR",
    "MIRACLE_EMBEDDER",
    "MIRACLE_MODELS",
):
    os.environ.pop(_var, None)

import pytest  # noqa: E402

# Tests that share a session fixture run on one worker, so it is built once: everything else is grouped by file
# (module fixtures are built once) and `--dist loadgroup` spreads the groups over the workers.
_SHARED = {"rag_env": "rag_world"}


# The longest groups (measured with --durations on the 2-core VM) start first, so that no worker is left with one of
# them while the other has finished: with --no-loadscope-reorder (Makefile) xdist hands out groups in collection order.
_LONGEST_FIRST = (
    "tests/test_icd.py",
    "rag_world",
    "tests/test_training.py",
    "tests/test_phi_detector.py",
    "tests/test_cli.py",
    "tests/test_llm_openai.py",
    "tests/test_evaluate_ir.py",
    "tests/test_ui.py",
    "tests/test_qa_assets.py",
    "tests/test_translate_assets.py",
    "tests/test_models.py",
)


def _group(item) -> str:
    return next((g for f, g in _SHARED.items() if f in getattr(item, "fixturenames", ())), item.nodeid.split("::")[0])


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the marker into the scheduling group
def pytest_collection_modifyitems(items):
    groups = {item.nodeid: _group(item) for item in items}
    for item in items:
        item.add_marker(pytest.mark.xdist_group(groups[item.nodeid]))
    rank = {group: i for i, group in enumerate(_LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(groups[item.nodeid], len(rank)))  # stable: file order within a group


@pytest.fixture(scope="session")
def models_dir() -> Path:
    return Path(os.environ["MIRACLE_MODELS_DIR"])


@pytest.fixture(scope="session")
def sample_corpus():
    """A small deterministic corpus shared by the pipeline tests."""
    from miracle_dagster.core.sample_corpus import generate_corpus

    return generate_corpus(n_patients=12, seed=7)


@pytest.fixture(scope="session")
def rag_env(tmp_path_factory, models_dir):
    """The small indexed world of tests/rag_world.py, shared by the RAG evaluation's asset and browser tests."""
    import shutil

    import rag_world

    root = tmp_path_factory.mktemp("rag")
    yield root, rag_world.build(root, models_dir)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def four_passage_ir_files(tmp_path):
    """A German IR set where BM25 misses one query ("Radiusfraktur" shares no stemmed term with its passage), written
    as the files `miracle ir-eval` reads: (the set, the command's arguments up to --model)."""
    from miracle_dagster.core.evaluation import ir, ir_files

    data = ir.IRSet(
        corpus={
            "p1": "Die linke Niere zeigt eine Zyste.",
            "p2": "Die Lunge ist frei belüftet.",
            "p3": "Fraktur des distalen Radius.",
            "p4": "Leber mit homogener Echotextur.",
        },
        queries={"q1": "Zysten der Nieren", "q2": "Lunge belüftet?", "q3": "Radiusfraktur"},
        qrels={"q1": {"p1": 2}, "q2": {"p2": 3}, "q3": {"p3": 1}},
    )
    files = ir_files.write_files(data, tmp_path)
    return data, ["ir-eval", "--corpus", str(files["corpus"]), "--queries", str(files["queries"]), "--qrels", str(files["qrels"])]
