"""What a provisioned or trained model folder is: its provenance record (source, files and hashes), the checks that
it is intact, and its content version (a new version gets a new collection)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from miracle_dagster.core.fingerprint import file_sha256
from miracle_dagster.core.models.registry import ModelSpec

PROVENANCE_FILE = "miracle_provenance.json"


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_provenance(folder: Path, spec: ModelSpec, source: dict, checks: dict) -> None:
    record = {
        "spec": asdict(spec),
        "source": source,
        "verification": checks,
        "files": hash_tree(folder),
        "sizes": {rel: (folder / rel).stat().st_size for rel in hash_tree_names(folder)},
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    write_json(folder / PROVENANCE_FILE, record)


def read_provenance(folder: Path) -> dict | None:
    """The provenance record of a provisioned folder, or None if absent/unreadable."""
    try:
        return json.loads((Path(folder) / PROVENANCE_FILE).read_text())
    except (OSError, ValueError):
        return None


def sizes_match(folder: Path, record: dict) -> bool:
    sizes = record.get("sizes") or {}
    return bool(sizes) and all((folder / rel).is_file() and (folder / rel).stat().st_size == n for rel, n in sizes.items())


def hash_tree_names(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != PROVENANCE_FILE]


def hash_tree(folder: Path) -> dict[str, str]:
    return {rel: file_sha256(folder / rel) for rel in hash_tree_names(folder)}


def record_trained_model(folder: Path, source: dict) -> None:
    """Pin a folder the trainer wrote by its files' hashes, the card (README.md) left out: the card changes with what
    a run logged, the weights do not, so re-saving the same weights keeps the version and new weights never share it."""
    folder = Path(folder)
    names = [rel for rel in hash_tree_names(folder) if rel != "README.md"]
    write_json(
        folder / PROVENANCE_FILE,
        {
            "source": source,
            "files": {rel: file_sha256(folder / rel) for rel in names},
            "sizes": {rel: (folder / rel).stat().st_size for rel in names},
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        },
    )


def model_version(folder: Path) -> str:
    """Short content version of a model folder: the recorded files' hashes while their sizes still match (provisioned
    and trained folders), else names and sizes (a `path:` folder from elsewhere, or one changed after recording)."""
    folder = Path(folder)
    record = read_provenance(folder) or {}
    content = (
        record["files"]
        if sizes_match(folder, record) and record.get("files")
        else {rel: (folder / rel).stat().st_size for rel in hash_tree_names(folder)}
    )
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:10]
