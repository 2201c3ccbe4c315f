"""Where outputs live and which partitions exist, from the environment, so a user can move or wipe them."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from miracle_dagster.core.schema import DEFAULT_FIRST_YEAR, DEFAULT_SPECIALTIES
from miracle_dagster.core.variables import BY_NAME, value

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


def first_year() -> int:
    """`MIRACLE_FIRST_YEAR`: the first year partition (default 2018); later years, up to the current one, follow."""
    env = os.environ.get("MIRACLE_FIRST_YEAR", "").strip()
    if not env:
        return DEFAULT_FIRST_YEAR
    if not (env.isdigit() and len(env) == 4):
        raise ValueError(f"MIRACLE_FIRST_YEAR must be a four-digit year, got {env!r}")
    return int(env)


def current_year(today: dt.date | None = None) -> int:
    """The year partitions run up to: `today`'s, by default the current year in UTC, the time zone of the partitions."""
    return (today or dt.datetime.now(dt.timezone.utc).date()).year


def years(today: dt.date | None = None) -> list[str]:
    """Every year partition from `first_year()` up to and including the current one (or `today`'s year): the list
    grows by itself on 1 January, as the time-based year dimension of the partitions does."""
    first, last = first_year(), current_year(today)
    if first > last:
        raise ValueError(f"MIRACLE_FIRST_YEAR {first} lies after the current year {last}")
    return [str(y) for y in range(first, last + 1)]


def automation() -> bool:
    """`MIRACLE_AUTOMATION`: whether the nightly schedule and the new-documents sensor start RUNNING (default on).
    `off` ships them STOPPED, for a demo or a laptop; either way they can be switched in the UI."""
    setting = value("MIRACLE_AUTOMATION").strip().lower() or "on"
    if setting in ("on", "1", "true", "yes"):
        return True
    if setting in ("off", "0", "false", "no"):
        return False
    raise ValueError(f"MIRACLE_AUTOMATION must be on or off, got {setting!r}")


def index_models() -> list[str]:
    """Models that get a Qdrant collection: `MIRACLE_INDEX_MODELS` as a comma list, else the default embedder."""
    env = os.environ.get("MIRACLE_INDEX_MODELS")
    return _split(env) if env else [value("MIRACLE_EMBEDDER")]


INDEX_SOURCES = ("pseudonymized_sections", "report_sections")


def index_source() -> str:
    """What the Qdrant collections hold: the pseudonymized passages (default), or with
    `MIRACLE_INDEX_SOURCE=report_sections` the hospital-internal original, PHI in every payload."""
    source = value("MIRACLE_INDEX_SOURCE")
    if source not in INDEX_SOURCES:
        raise ValueError(f"MIRACLE_INDEX_SOURCE must be one of {INDEX_SOURCES}, got {source!r}")
    return source


def sample_source_dir() -> Path:
    return miracle_home() / "sample_source"


def models_dir() -> Path:
    """`MIRACLE_MODELS_DIR`, else `models/` under the data root (models are big: share them between roots)."""
    env = os.environ.get("MIRACLE_MODELS_DIR")
    return Path(env).expanduser().resolve() if env else miracle_home() / "models"


def device() -> str:
    """`MIRACLE_DEVICE`: the torch device models embed, train and score on; `auto` takes the GPU when torch sees one.
    Asking for CUDA where torch sees none (the CPU wheel, or no GPU reserved for the container) is an error, not a
    silent fall-back to a CPU run that would take days."""
    chosen = value("MIRACLE_DEVICE").strip().lower() or BY_NAME["MIRACLE_DEVICE"].default
    if chosen not in ("auto", "cpu") and not re.fullmatch(r"cuda(:\d+)?", chosen):
        raise ValueError(f"MIRACLE_DEVICE={chosen!r}: use auto, cpu, cuda or cuda:N")
    if chosen == "cpu":
        return chosen
    import torch

    if chosen == "auto" and not torch.cuda.is_available():
        return "cpu"
    if not torch.cuda.is_available():
        raise ValueError(
            f"MIRACLE_DEVICE={chosen}: torch sees no CUDA device here (a CPU build of torch, or no GPU "
            "reserved for this container); set MIRACLE_DEVICE=auto or cpu"
        )
    if chosen in ("auto", "cuda") and "LOCAL_RANK" in os.environ:  # a torchrun worker: its own GPU, not GPU 0
        return f"cuda:{os.environ['LOCAL_RANK']}"
    return "cuda" if chosen == "auto" else chosen


def gpu_requested() -> bool:
    """Runs that embed, train or evaluate reserve GPUs (job tags) only when the deployment asks for CUDA explicitly."""
    return value("MIRACLE_DEVICE").strip().lower().startswith("cuda")


def train_processes() -> int:
    """`MIRACLE_TRAIN_PROCESSES`: 0 trains in the run's own process; N launches `torchrun --nproc_per_node N`."""
    raw = value("MIRACLE_TRAIN_PROCESSES").strip() or "0"
    if not raw.isdigit():
        raise ValueError(f"MIRACLE_TRAIN_PROCESSES={raw!r}: a number of processes, 0 for in-process training")
    return int(raw)


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or miracle_home() / "dagster")


def eval_baselines() -> list[str]:
    """Baseline models every retrieval evaluation compares: `MIRACLE_EVAL_BASELINES` as a comma list (empty: none)."""
    return _split(value("MIRACLE_EVAL_BASELINES"))


def grascco_dir() -> Path:
    """`MIRACLE_GRASCCO_DIR`: annotated German letters (GraSCCo_PHI) for training and scoring the PHI detector; default
    the shared data folder next to the project. The asset works without it (generated letters only) and says so."""
    env = os.environ.get("MIRACLE_GRASCCO_DIR")
    return Path(env).expanduser() if env else PROJECT_ROOT.parent / "shared" / "data" / "grascco"


def phi_llm() -> bool:
    """`MIRACLE_PHI_LLM=1`: the LLM resource joins the PHI detection as a third source (for hospitals with a GPU server)."""
    return value("MIRACLE_PHI_LLM").strip().lower() in ("1", "true", "yes")


def split():
    """Which patients train, tune and evaluate, for every variant: `MIRACLE_SPLIT_SEED`, `MIRACLE_SPLIT_DEV_FRACTION`,
    `MIRACLE_SPLIT_TEST_FRACTION` (defaults in core/variables.py). Decided in `report_sections`: changing it means re-materializing."""
    from miracle_dagster.core.training.pairs import Split

    def env(name: str) -> str:
        return value(name).strip() or BY_NAME[name].default  # empty (as in .env.example): the default

    return Split(int(env("MIRACLE_SPLIT_SEED")), float(env("MIRACLE_SPLIT_DEV_FRACTION")), float(env("MIRACLE_SPLIT_TEST_FRACTION")))
