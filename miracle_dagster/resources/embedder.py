"""Embedding models by name: bundled small models here, Hugging Face ids or local paths in production."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import dagster as dg
import numpy as np
from upath import UPath

from miracle_dagster.core import models
from miracle_dagster.core.embedding_cache import EmbeddingCache


@lru_cache(maxsize=8)
def _tokenizer(spec: models.ModelSpec, models_dir: str):
    """Process-wide: consecutive in-process runs (the demo, tests) load each tokenizer once."""
    return models.load_tokenizer(spec, Path(models_dir))


@lru_cache(maxsize=2)
def _sentence_transformer(spec: models.ModelSpec, models_dir: str):
    return models.load_sentence_transformer(spec, Path(models_dir))


class EmbeddingModels(dg.ConfigurableResource):
    """Model registry bound once; `registry_json` (env `MIRACLE_MODELS`) adds or overrides entries."""

    models_dir: str
    default_model: str = "multilingual-e5-small"
    registry_json: str = ""
    registry_file: str = ""  # fine-tuned models (`finetuned-<variant>`), written by the finetuned_model asset
    cache_dir: str = ""  # evaluation corpora's vectors (embeddings.sqlite); empty: every evaluation embeds afresh

    def registry(self) -> dict[str, models.ModelSpec]:
        base = models.DEFAULT_MODELS
        if self.registry_file and UPath(self.registry_file).is_file():  # a local file, or one in object storage
            base = models.parse_registry_overrides(UPath(self.registry_file).read_text(), base)
        return models.parse_registry_overrides(self.registry_json, base) if self.registry_json else dict(base)

    def including(self, *specs: models.ModelSpec) -> EmbeddingModels:
        """This registry plus models handed over by an upstream asset (a fine-tuned model's row)."""
        entries = json.loads(self.registry_json or "{}") | {s.name: {k: v for k, v in asdict(s).items() if k != "name"} for s in specs}
        return EmbeddingModels(
            models_dir=self.models_dir,
            default_model=self.default_model,
            registry_json=json.dumps(entries),
            registry_file=self.registry_file,
            cache_dir=self.cache_dir,
        )

    def spec(self, name: str | None = None) -> models.ModelSpec:
        return models.resolve_model(name or self.default_model, self.registry())

    def provision(self, name: str | None = None) -> Path:
        return models.provision(self.spec(name), Path(self.models_dir), deep=False)

    def tokenizer(self, name: str | None = None):
        return _tokenizer(self.spec(name), self.models_dir)

    def max_seq_length(self, name: str | None = None) -> int:
        """The passage limit the model really applies (sentence-transformers' setting, else the tokenizer's)."""
        spec = self.spec(name)
        return spec.max_seq_length or models.max_seq_length(self.provision(name)) or self.tokenizer(name).model_max_length

    def sentence_transformer(self, name: str | None = None):
        return _sentence_transformer(self.spec(name), self.models_dir)

    def code_index(self, catalogue, home: Path, name: str | None = None):
        """An ICD catalogue embedded by a registered model (the default: this registry's), title vectors cached under
        the data root: the base model's code search of icd_synthetic_queries, icd_eval_report and `miracle icd`."""
        from miracle_dagster.core.icd import registry
        from miracle_dagster.core.icd.search import CodeIndex

        spec = self.spec(name)
        scope = f"{spec.name}:{self.version(spec.name)}"
        model = self.sentence_transformer(spec.name)
        return CodeIndex(catalogue, model, spec.query_prompt, spec.passage_prompt, registry.embedding_cache(home), scope)

    def version(self, name: str | None = None) -> str:
        """Content version of the provisioned files: a new version gets a new Qdrant collection."""
        return models.model_version(self.provision(name))

    def cached(self, name: str, prompt: str | None, encode: Callable[[list[str]], object]) -> Callable[[list[str]], np.ndarray]:
        """`encode` (texts -> the model's vectors with `prompt`) behind the embedding cache, when there is one."""
        if not self.cache_dir:
            return lambda texts: np.asarray(encode(texts), dtype=np.float32)
        store = EmbeddingCache(Path(self.cache_dir) / "embeddings.sqlite")
        scope = json.dumps([self.spec(name).name, self.version(name), prompt, self.sentence_transformer(name).max_seq_length])
        return lambda texts: store.encode(texts, scope, encode)

    def encoder(self, name: str | None = None, kind: str = "passage", batch_size: int = 32):
        """texts -> unit vectors, with the model's `query: ` / `passage: ` prompt where it has one."""
        spec = self.spec(name)
        model = self.sentence_transformer(name)
        prompt = (spec.query_prompt if kind == "query" else spec.passage_prompt) or None

        def encode(texts: list[str]):
            return model.encode(texts, prompt=prompt, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)

        return encode
