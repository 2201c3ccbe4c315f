"""Tests never touch the user's data root: each session gets its own MIRACLE_HOME, models shared within it."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_SESSION_ROOT = Path(tempfile.mkdtemp(prefix="miracle-tests-"))
atexit.register(shutil.rmtree, _SESSION_ROOT, ignore_errors=True)  # converted models: a gigabyte per session
os.environ["MIRACLE_HOME"] = str(_SESSION_ROOT / "home")
os.environ.setdefault("MIRACLE_MODELS_DIR", str(_SESSION_ROOT / "models"))
os.environ["DAGSTER_HOME"] = str(_SESSION_ROOT / "home" / "dagster")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
for _var in ("MIRACLE_SPECIALTIES", "MIRACLE_FIRST_YEAR", "MIRACLE_AUTOMATION", "MIRACLE_SOURCE_KIND", "MIRACLE_SOURCE_DIR", "MIRACLE_EMBEDDER", "MIRACLE_MODELS"):
    os.environ.pop(_var, None)

import pytest  # noqa: E402


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
