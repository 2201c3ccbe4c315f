"""Where outputs live and which partitions exist, from the environment, so a user can move or wipe them."""

from __future__ import annotations

import os
from pathlib import Path

from miracle_dagster.core.schema import DEFAULT_SPECIALTIES, DEFAULT_YEARS

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def miracle_home() -> Path:
    """The one data root: `MIRACLE_HOME`, else `.miracle/` in the project (or the working directory)."""
    if env := os.environ.get("MIRACLE_HOME"):
        return Path(env).expanduser().resolve()
    base = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd()
    return base / ".miracle"


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def specialties() -> list[str]:
    """`MIRACLE_SPECIALTIES` as a comma list, else the defaults."""
    env = os.environ.get("MIRACLE_SPECIALTIES")
    return _split(env) if env else list(DEFAULT_SPECIALTIES)


def years() -> list[str]:
    """`MIRACLE_YEARS` as `2018-2026` or a comma list, else the defaults."""
    env = os.environ.get("MIRACLE_YEARS", "").strip()
    if not env:
        return list(DEFAULT_YEARS)
    if "-" in env and "," not in env:
        first, last = (int(part) for part in env.split("-", 1))
        if first > last:
            raise ValueError(f"MIRACLE_YEARS range is empty: {env!r}")
        return [str(y) for y in range(first, last + 1)]
    values = _split(env)
    bad = [v for v in values if not (v.isdigit() and len(v) == 4)]
    if bad:
        raise ValueError(f"MIRACLE_YEARS must hold four-digit years, got {bad}")
    return values


def index_models() -> list[str]:
    """Models that get a Qdrant collection: `MIRACLE_INDEX_MODELS` as a comma list, else the default embedder."""
    env = os.environ.get("MIRACLE_INDEX_MODELS")
    return _split(env) if env else [os.environ.get("MIRACLE_EMBEDDER", "multilingual-e5-small")]


INDEX_SOURCES = ("pseudonymized_sections", "report_sections")


def index_source() -> str:
    """What the Qdrant collections hold: the pseudonymized passages (default), or with
    `MIRACLE_INDEX_SOURCE=report_sections` the hospital-internal original, PHI in every payload."""
    source = os.environ.get("MIRACLE_INDEX_SOURCE", INDEX_SOURCES[0])
    if source not in INDEX_SOURCES:
        raise ValueError(f"MIRACLE_INDEX_SOURCE must be one of {INDEX_SOURCES}, got {source!r}")
    return source


def sample_source_dir() -> Path:
    return miracle_home() / "sample_source"


def models_dir() -> Path:
    """`MIRACLE_MODELS_DIR`, else `models/` under the data root (models are big: share them between roots)."""
    env = os.environ.get("MIRACLE_MODELS_DIR")
    return Path(env).expanduser().resolve() if env else miracle_home() / "models"


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or miracle_home() / "dagster")


def eval_baselines() -> list[str]:
    """Baseline models every retrieval evaluation compares: `MIRACLE_EVAL_BASELINES` as a comma list (empty: none)."""
    return _split(os.environ.get("MIRACLE_EVAL_BASELINES", "all-MiniLM-L6-v2"))


def grascco_dir() -> Path:
    """`MIRACLE_GRASCCO_DIR`: annotated German letters (GraSCCo_PHI) for training and scoring the PHI detector; default
    the shared data folder next to the project. The asset works without it (generated letters only) and says so."""
    env = os.environ.get("MIRACLE_GRASCCO_DIR")
    return Path(env).expanduser() if env else PROJECT_ROOT.parent / "shared" / "data" / "grascco"


def phi_llm() -> bool:
    """`MIRACLE_PHI_LLM=1`: the LLM resource joins the PHI detection as a third source (for hospitals with a GPU server)."""
    return os.environ.get("MIRACLE_PHI_LLM", "0").strip().lower() in ("1", "true", "yes")
