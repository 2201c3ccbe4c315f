"""Fine-tuned models by name: a registry file under the data root that the embedder resource reads, and export.

`finetuned-<variant>` names the latest model of a variant, e.g. `MIRACLE_INDEX_MODELS=finetuned-de_pseudonymized`
indexes with it; `miracle export-model` copies one into a folder ready to publish.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from miracle_dagster.core.training import PRIVATE_VARIANTS, VARIANTS


def finetuned_root(home: Path) -> Path:
    return Path(home) / "models" / "finetuned"


def registry_file(home: Path) -> Path:
    return finetuned_root(home) / "registry.json"


def model_name(variant: str) -> str:
    return f"finetuned-{variant}"


def read_registry(home: Path) -> dict:
    path = registry_file(home)
    return json.loads(path.read_text()) if path.exists() else {}


def register(home: Path, variant: str, model_dir: Path, query_prompt: str, passage_prompt: str, max_seq_length: int, license: str) -> str:
    """Point `finetuned-<variant>` at model_dir (ModelSpec fields, so the model registry can parse the file)."""
    entries = read_registry(home)
    name = model_name(variant)
    entries[name] = {
        "source": f"path:{Path(model_dir).resolve()}", "query_prompt": query_prompt, "passage_prompt": passage_prompt,
        "max_seq_length": max_seq_length, "license": license,
    }  # fmt: skip
    path = registry_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return name


def export_model(home: Path, variant: str, dest: Path, force: bool = False) -> Path:
    """Copy the registered model of `variant` (weights, tokenizer, model card) into dest, which must not exist."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    if variant in PRIVATE_VARIANTS and not force:
        raise PermissionError(
            f"variant {variant!r} was trained on raw PHI and may reproduce it: it stays inside the hospital "
            "(use a pseudonymized variant, or --force if you know this is allowed)"
        )
    entry = read_registry(home).get(model_name(variant))
    if not entry:
        raise FileNotFoundError(f"no fine-tuned model for {variant!r}: materialize finetuned_model[{variant}] first")
    source = Path(entry["source"].split(":", 1)[1])
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists; choose a new folder")
    shutil.copytree(source, dest)
    return dest
