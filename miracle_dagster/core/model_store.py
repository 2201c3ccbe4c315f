"""Trained models where every run can reach them: `<MIRACLE_HOME>/models`, or object storage (`MIRACLE_MODELS_URL`,
e.g. `s3://bucket/miracle/models`) when runs execute in containers or pods that share no disk.

Training writes a local folder (checkpoints need a disk; they stay there as a cache); `publish` copies the finished
model into the store, its provenance file last, so a reader never takes a half-uploaded model for a whole one;
`local_copy` brings a stored model into the local cache once, keyed by its URL, so loading stays from disk."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from upath import UPath

from miracle_dagster.core import settings
from miracle_dagster.core.models import PROVENANCE_FILE
from miracle_dagster.core.variables import value


def store(url: str, home: Path) -> UPath:
    """The store's root: the URL, else `<home>/models`."""
    return UPath(url) if url else UPath(Path(home) / "models")


def default_store() -> UPath:
    """`MIRACLE_MODELS_URL`, else `$MIRACLE_HOME/models`."""
    return store(value("MIRACLE_MODELS_URL"), settings.miracle_home())


def is_remote(location: str | Path | UPath) -> bool:
    return "://" in str(location) and not str(location).startswith("file://")


def publish(folder: Path, dest: UPath) -> str:
    """The model folder at `dest` (a no-op where dest is the folder itself); returns where it now is."""
    folder = Path(folder)
    if not is_remote(dest):
        if Path(dest).resolve() != folder.resolve():
            shutil.copytree(folder, Path(dest), dirs_exist_ok=True)
        return str(Path(dest).resolve())
    if (dest / PROVENANCE_FILE).exists():  # overwriting a model: readers must not trust it until it is whole again
        (dest / PROVENANCE_FILE).unlink()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for file in sorted(files, key=lambda p: p.name == PROVENANCE_FILE):  # provenance last: the model is complete
        with (dest / file.relative_to(folder).as_posix()).open("wb") as out, file.open("rb") as source:
            shutil.copyfileobj(source, out)
    return str(dest)


def local_copy(location: str, cache: Path | None = None) -> Path:
    """A local folder holding the model at `location`: the folder itself, or a download (once) into `cache`, by
    default `MIRACLE_MODELS_DIR`."""
    if not is_remote(location):
        return Path(location)
    target = Path(cache or settings.models_dir()) / "remote" / hashlib.sha256(location.encode()).hexdigest()[:16]
    source = UPath(location)
    if not (source / PROVENANCE_FILE).exists():
        raise FileNotFoundError(f"no published model at {location} (its {PROVENANCE_FILE} is missing)")
    published = (source / PROVENANCE_FILE).read_text()  # names every file's hash: a re-published model differs
    if (target / PROVENANCE_FILE).is_file():
        if (target / PROVENANCE_FILE).read_text() == published:
            return target
        shutil.rmtree(target)  # the store holds newer weights under the same name
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for file in source.rglob("*"):
            if file.is_file():
                local = staging / file.path[len(source.path.rstrip("/")) + 1 :]
                local.parent.mkdir(parents=True, exist_ok=True)
                with file.open("rb") as remote, local.open("wb") as out:
                    shutil.copyfileobj(remote, out)
        copied = staging / PROVENANCE_FILE
        if not copied.is_file() or copied.read_text() != published:
            raise RuntimeError(f"the model at {location} was re-published during the download; run again")
        try:
            staging.rename(target)
        except OSError:
            if not (target / PROVENANCE_FILE).is_file():
                raise
            # another process finished the same download first
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def read_json(path: UPath) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def write_json(path: UPath, data: dict) -> None:
    """Whole or not at all: an object store publishes an object once it is complete, a disk gets a rename."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if is_remote(path):
        path.write_text(text)
        return
    local = Path(path)
    local.parent.mkdir(parents=True, exist_ok=True)
    tmp = local.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(local)
