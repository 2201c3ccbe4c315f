"""The one LLM resource: QA generation (and later translation and relevance judging) talk to this."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import dagster as dg

from miracle_dagster.core import llm


@lru_cache(maxsize=4)
def _backend(settings: llm.LLMSettings):
    """Process-wide: a loaded model (CPU GGUF or a vLLM engine) is reused by consecutive runs and steps."""
    return llm.make_backend(settings)


class LLMResource(dg.ConfigurableResource):
    """backend: local (bundled GGUF on CPU), openai (any OpenAI-compatible server), vllm (in-process GPU)."""

    backend: str = "local"
    model: str = "qwen2.5-coder-0.5b-instruct"
    base_url: str = ""
    api_key: Optional[str] = None
    license: str = ""  # the generator's licence when the built-in list does not know it
    concurrency: int = 4
    timeout_s: float = 120.0
    max_retries: int = 3
    response_format: str = "json_schema"
    n_ctx: int = 4096
    n_threads: int = 0
    vllm_options_json: str = ""
    models_dir: str = ""
    cache_dir: str = ""  # completion cache; empty: no cache
    batch_size: int = 16

    def settings(self) -> llm.LLMSettings:
        return llm.LLMSettings(
            backend=self.backend,
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key or "",
            concurrency=self.concurrency,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
            response_format=self.response_format,
            n_ctx=self.n_ctx,
            n_threads=self.n_threads,
            models_dir=self.models_dir,
            vllm_options_json=self.vllm_options_json,
        )

    def client(self) -> llm.LLMClient:
        """A fresh client (own usage counters) over the shared backend and the on-disk cache."""
        cache = llm.CompletionCache(Path(self.cache_dir) / "llm_completions.sqlite") if self.cache_dir else None
        return llm.LLMClient(_backend(self.settings()), cache=cache, batch_size=self.batch_size)

    def describe(self) -> dict[str, str]:
        """What an analyst needs to judge generated data: never the key, never credentials in the URL."""
        info = {
            "llm_backend": self.backend,
            "llm_model": self.model,
            "llm_license": llm.licenses.model_license(self.model, self.license) or "unknown",
        }
        if self.base_url:
            info["llm_endpoint"] = _strip_credentials(self.base_url)
        warning = llm.license_warning(self.model, self.license)
        if warning:
            info["llm_license_warning"] = warning
        return info


def _strip_credentials(url: str) -> str:
    from urllib.parse import urlparse

    parts = urlparse(url)
    return parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "").geturl()
