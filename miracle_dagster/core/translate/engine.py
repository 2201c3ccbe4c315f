"""Cache first, then the backend in batches, then the faithfulness checks: one outcome per input text.

A backend raises StopTranslation when the service takes no more (DeepL quota 456, a bad key, unreachable after
the client's retries): the batches done so far are already cached, the texts left get the stop's reason, and a
re-run sends exactly those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from miracle_dagster.core.translate.batching import batches
from miracle_dagster.core.translate.cache import TranslationCache, cache_key
from miracle_dagster.core.translate.faithfulness import problem

STOP_REASONS = ("quota_exceeded", "authorization_failed", "service_unavailable")


class StopTranslation(RuntimeError):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class Sent:
    """One text's answer from a backend: the translation and what it cost, or the error for this text alone."""

    text: str = ""
    billed: int = 0
    error: str = ""


class Backend(Protocol):
    name: str  # in the cache key: deepl, or llm:<model>:<prompt version>
    max_texts: int
    max_bytes: int

    def translate(self, texts: list[str]) -> list[Sent]: ...

    def usage_metadata(self) -> dict: ...


@dataclass
class Translated:
    translations: list[str]
    reasons: list[str]  # '' where the translation is kept
    details: list[str]
    texts_cached: int = 0
    texts_sent: int = 0
    batches: int = 0
    billed_characters: int = 0
    stopped: str = ""  # the backend's message when it stopped early


def translate_texts(
    texts: list[str], backend: Backend, cache: TranslationCache | None, source: str, target: str, glossary_version: str
) -> Translated:
    keys = [cache_key(t, source, target, glossary_version, backend.name) for t in texts]
    done: dict[str, str] = cache.get_many(sorted(set(keys))) if cache is not None else {}
    failed: dict[str, tuple[str, str]] = {}
    result = Translated([], [], [], texts_cached=sum(k in done for k in set(keys)))
    todo = {k: t for k, t in zip(keys, texts) if k not in done and t.strip()}  # identical texts are paid for once
    todo_keys = list(todo)
    groups, too_large = batches([todo[k] for k in todo_keys], backend.max_texts, backend.max_bytes)
    failed.update({todo_keys[i]: ("too_large", "over the request size limit") for i in too_large})
    for n, group in enumerate(groups):
        batch = [todo_keys[i] for i in group]
        try:
            answers = backend.translate([todo[k] for k in batch])
        except StopTranslation as stop:
            result.stopped = str(stop)
            left = [todo_keys[i] for g in groups[n:] for i in g]
            failed.update({k: (stop.reason, "re-run to resume") for k in left})
            break
        result.batches += 1
        result.texts_sent += len(batch)
        good = {k: (a.text, a.billed) for k, a in zip(batch, answers) if not a.error}
        if cache is not None:
            cache.put_many(backend.name, good)
        done.update({k: text for k, (text, _) in good.items()})
        result.billed_characters += sum(a.billed for a in answers)
        failed.update({k: ("backend_error", a.error) for k, a in zip(batch, answers) if a.error})
    for key, text in zip(keys, texts):
        if key in failed:
            reason, detail, translation = *failed[key], ""
        elif not text.strip():
            reason, detail, translation = "", "", text
        else:
            translation = done[key]
            reason, detail = problem(text, translation)
        result.translations.append(translation)
        result.reasons.append(reason)
        result.details.append(detail)
    return result
