"""One chat-completion interface over vLLM, OpenAI-compatible servers and a bundled CPU model, with a cache."""

from miracle_dagster.core.llm import licenses
from miracle_dagster.core.llm.backends import (
    BACKENDS,
    ChatRequest,
    Completion,
    LLMSettings,
    LLMUnavailableError,
    Sampling,
    make_backend,
)
from miracle_dagster.core.llm.cache import CompletionCache
from miracle_dagster.core.llm.client import LLMClient, Usage
from miracle_dagster.core.llm.licenses import license_warning

__all__ = [
    "BACKENDS",
    "ChatRequest",
    "Completion",
    "CompletionCache",
    "LLMClient",
    "LLMSettings",
    "LLMUnavailableError",
    "Sampling",
    "Usage",
    "license_warning",
    "licenses",
    "make_backend",
]
