"""Fine-tuned models by name: the `finetuned_model` asset's value (one row: where the model is, how to prompt it),
a registry file for the command line, and export.

Assets downstream of `finetuned_model` get the row as their input (lineage, no side channel). `finetuned-<variant>`
in the registry file names the latest model of a variant for `miracle search --model ...`; `miracle export-model`
copies one into a folder ready to publish. Registry and models live in the model store (core/model_store.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from upath import UPath

from miracle_dagster.core import model_store
from miracle_dagster.core.models import ModelSpec
from miracle_dagster.core.training import PRIVATE_VARIANTS, VARIANTS

SPEC_COLUMNS = ("name", "source", "query_prompt", "passage_prompt", "max_seq_length", "license")


def finetuned_root(models: Path | UPath) -> Path | UPath:
    """Fine-tuned models under a models root: the local working copies, or the store they are published to."""
    return models / "finetuned"


def registry_file(models: Path | UPath) -> Path | UPath:
    return finetuned_root(models) / "registry.json"


def model_name(variant: str) -> str:
    return f"finetuned-{variant}"


def read_registry(models: Path | UPath) -> dict:
    return model_store.read_json(UPath(registry_file(models)))


def register(
    models: Path | UPath, variant: str, location: str, query_prompt: str, passage_prompt: str, max_seq_length: int, license: str
) -> ModelSpec:
    """Point `finetuned-<variant>` at the published model (a folder or an object-store URL) in the store's registry
    file (for the command line and other runs); the model's spec."""
    spec = ModelSpec(model_name(variant), f"path:{location}", query_prompt, passage_prompt, max_seq_length, license)
    entries = read_registry(models)
    entries[spec.name] = {c: getattr(spec, c) for c in SPEC_COLUMNS if c != "name"}
    model_store.write_json(UPath(registry_file(models)), entries)
    return spec


def as_row(spec: ModelSpec, **extra) -> pd.DataFrame:
    """The model as the one-row table the `finetuned_model` asset stores: its spec plus version and provenance."""
    return pd.DataFrame([{**{c: getattr(spec, c) for c in SPEC_COLUMNS}, **extra}])


def models_of(row: pd.DataFrame) -> tuple[ModelSpec, str]:
    """(the fine-tuned model's spec, its base model's name) back from `as_row`'s table, so any consumer loads the
    model the asset trained and compares it with the base it started from."""
    if len(row) != 1:
        raise ValueError(f"a fine-tuned model is one row, got {len(row)}")
    values = row.iloc[0]
    spec = ModelSpec(**{c: values[c] for c in SPEC_COLUMNS if c != "max_seq_length"}, max_seq_length=int(values["max_seq_length"]))
    return spec, str(values["base_model"])


def export_model(models: Path | UPath, variant: str, dest: Path, cache: Path, force: bool = False) -> Path:
    """Copy the registered model of `variant` (weights, tokenizer, model card) into dest, which must not exist; a
    model in object storage comes through the local cache."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    if variant in PRIVATE_VARIANTS and not force:
        raise PermissionError(
            f"variant {variant!r} was trained on raw PHI and may reproduce it: it stays inside the hospital "
            "(use a pseudonymized variant, or --force if you know this is allowed)"
        )
    entry = read_registry(models).get(model_name(variant))
    if not entry:
        raise FileNotFoundError(f"no fine-tuned model for {variant!r}: materialize finetuned_model[{variant}] first")
    source = model_store.local_copy(entry["source"].split(":", 1)[1], cache)
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists; choose a new folder")
    shutil.copytree(source, dest)
    return dest
