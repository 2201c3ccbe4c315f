"""A backend plus the completion cache plus usage accounting: what assets and the CLI talk to."""

from __future__ import annotations

import time
from dataclasses import dataclass

from miracle_dagster.core.llm.backends import ChatRequest, Completion, LLMUnavailableError
from miracle_dagster.core.llm.cache import CompletionCache


@dataclass
class Usage:
    requests: int = 0
    cached: int = 0
    generated: int = 0
    failed: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0  # wall time spent in the backend (not in cache lookups)

    @property
    def tokens_per_s(self) -> float:
        return self.tokens_out / self.seconds if self.seconds else 0.0

    def as_metadata(self) -> dict[str, float | int]:
        return {
            "llm_requests": self.requests,
            "llm_cached": self.cached,
            "llm_generated": self.generated,
            "llm_failed": self.failed,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "tokens_per_s": round(self.tokens_per_s, 1),
            "llm_seconds": round(self.seconds, 1),
        }


class LLMClient:
    """Sends only uncached requests, in batches; each finished batch is cached before the next starts."""

    def __init__(self, backend, cache: CompletionCache | None = None, batch_size: int = 16):
        self.backend = backend
        self.cache = cache
        self.batch_size = max(1, batch_size)
        self.usage = Usage()

    @property
    def model_id(self) -> str:
        return self.backend.model_id

    def complete(self, requests: list[ChatRequest]) -> list[Completion]:
        keys = [r.key(self.model_id) for r in requests]
        results: list[Completion | None] = [None] * len(requests)
        hits = self.cache.get_many(list(set(keys))) if self.cache is not None else {}
        todo = []
        for i, key in enumerate(keys):
            if key in hits:
                results[i] = hits[key]
            else:
                todo.append(i)
        self.usage.requests += len(requests)
        self.usage.cached += len(requests) - len(todo)
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            started = time.perf_counter()
            completions = self.backend.complete([requests[i] for i in batch])
            self.usage.seconds += time.perf_counter() - started
            if self.cache is not None:
                self.cache.put_many(self.model_id, {keys[i]: c for i, c in zip(batch, completions)})
            for i, completion in zip(batch, completions):
                results[i] = completion
                self.usage.tokens_in += completion.tokens_in
                self.usage.tokens_out += completion.tokens_out
                self.usage.generated += completion.ok
                self.usage.failed += not completion.ok
            unreachable = [c for c in completions if c.retryable]
            if unreachable:
                done = sum(r is not None and r.ok for r in results)
                raise LLMUnavailableError(
                    f"LLM service unavailable ({unreachable[0].error}); {done}/{len(requests)} completions are done "
                    f"and cached, {len(requests) - done} left: re-run to resume"
                )
        return results  # type: ignore[return-value]
