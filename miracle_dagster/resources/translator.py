"""The translator: DeepL (external, paid) or the project's LLM resource (local), behind one engine and cache."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import dagster as dg

from miracle_dagster.core import translate, variables
from miracle_dagster.core.translate.batching import MAX_REQUEST_BYTES, MAX_TEXTS
from miracle_dagster.resources.llm import LLMResource, _strip_credentials

BACKENDS = ("llm", "deepl")
TARGET_LANGS = ("EN-GB", "EN-US")


def backend_from_env() -> str:
    """The backend the code location is built for: it picks the assets' pool and the job's service tag."""
    backend = variables.value("MIRACLE_TRANSLATOR_BACKEND")
    if backend not in BACKENDS:
        raise ValueError(f"MIRACLE_TRANSLATOR_BACKEND must be one of {BACKENDS}, got {backend!r}")
    return backend


class Translator(dg.ConfigurableResource):
    """backend: llm (the `llm` resource, nothing leaves the hospital) or deepl (auth key from DEEPL_AUTH_KEY)."""

    backend: str = "llm"
    auth_key: Optional[str] = None
    server_url: str = ""  # empty: DeepL Free or Pro, chosen by the key; or any server speaking the DeepL API
    source_lang: str = "DE"
    target_lang: str = "EN-GB"
    timeout_s: float = 30.0  # per try; the deepl client retries 429, 5xx and timeouts with backoff
    max_retries: int = 5
    max_texts: int = MAX_TEXTS
    max_request_bytes: int = MAX_REQUEST_BYTES
    cache_dir: str = ""  # translation cache; empty: no cache

    def glossary(self) -> translate.Glossary:
        return translate.Glossary(source_lang=self.source_lang.upper())

    def cache(self) -> translate.TranslationCache | None:
        return translate.TranslationCache(Path(self.cache_dir) / "translations.sqlite") if self.cache_dir else None

    def connect(self, llm: LLMResource) -> translate.Backend:
        """The configured backend; the LLM's model is loaded only when it is the one in use."""
        if self.backend not in BACKENDS or self.target_lang.upper() not in TARGET_LANGS:
            raise ValueError(f"backend must be one of {BACKENDS} and target_lang one of {TARGET_LANGS}")
        if self.backend == "llm":
            from miracle_dagster.core.translate.llm_backend import LLMBackend

            return LLMBackend(llm.client(), self.glossary(), self.target_lang.upper(), batch_size=llm.batch_size)
        from miracle_dagster.core.translate.deepl_backend import DeepLBackend, configure_retries

        if not self.auth_key:
            raise ValueError("the deepl backend needs DEEPL_AUTH_KEY in the environment")
        configure_retries(self.max_retries, self.timeout_s)
        return DeepLBackend(
            self.auth_key, self.glossary(), self.target_lang.upper(), self.server_url, self.max_texts, self.max_request_bytes
        )

    def describe(self) -> dict[str, str]:
        """For metadata: never the key, never credentials in the URL."""
        info = {
            "translation_backend": self.backend,
            "target_lang": self.target_lang.upper(),
            "glossary_version": self.glossary().version,
            "glossary_entries": str(len(self.glossary().entries)),
        }
        if self.backend == "deepl":
            info["deepl_endpoint"] = _strip_credentials(self.server_url) if self.server_url else "api.deepl.com (by key)"
        return info
