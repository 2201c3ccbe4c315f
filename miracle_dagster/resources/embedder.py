"""Embedding models by name: bundled small models here, Hugging Face ids or local paths in production."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from miracle_dagster.core import models


class EmbeddingModels(dg.ConfigurableResource):
    """Model registry bound once; `registry_json` (env `MIRACLE_MODELS`) adds or overrides entries."""

    models_dir: str
    default_model: str = "multilingual-e5-small"
    registry_json: str = ""

    _cache: dict = PrivateAttr(default_factory=dict)

    def registry(self) -> dict[str, models.ModelSpec]:
        return models.parse_registry_overrides(self.registry_json) if self.registry_json else dict(models.DEFAULT_MODELS)

    def spec(self, name: str | None = None) -> models.ModelSpec:
        return models.resolve_model(name or self.default_model, self.registry())

    def provision(self, name: str | None = None) -> Path:
        return models.provision(self.spec(name), Path(self.models_dir))

    def tokenizer(self, name: str | None = None):
        spec = self.spec(name)
        key = ("tokenizer", spec.name)
        if key not in self._cache:
            self._cache[key] = models.load_tokenizer(spec, Path(self.models_dir))
        return self._cache[key]

    def max_seq_length(self, name: str | None = None) -> int:
        """The passage limit the model really applies (sentence-transformers' setting, else the tokenizer's)."""
        spec = self.spec(name)
        return spec.max_seq_length or models.max_seq_length(self.provision(name)) or self.tokenizer(name).model_max_length

    def sentence_transformer(self, name: str | None = None):
        spec = self.spec(name)
        key = ("st", spec.name)
        if key not in self._cache:
            self._cache[key] = models.load_sentence_transformer(spec, Path(self.models_dir))
        return self._cache[key]
