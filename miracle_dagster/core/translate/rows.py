"""Table-level translation: chosen text columns of every row, one outcome per row, nothing dropped silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from miracle_dagster.core.translate.cache import TranslationCache
from miracle_dagster.core.translate.engine import Backend, Translated, translate_texts

OVER_LIMIT = "over_limit"


@dataclass
class TranslatedRows:
    english: pd.DataFrame  # the input's columns, `columns` in English, plus source_language and translation_backend
    untranslated: pd.DataFrame  # the input's columns, the attempted `<column>_en`, reason and detail
    run: Translated
    by_reason: Counter


def translate_rows(
    frame: pd.DataFrame,
    columns: tuple[str, ...],
    backend: Backend,
    cache: TranslationCache | None,
    source: str,
    target: str,
    glossary_version: str,
    max_rows: int = 0,
    extra: dict | None = None,
) -> TranslatedRows:
    """A row is kept only when every one of its `columns` translated and passed the checks; rows past
    `max_rows` (0: no limit) are recorded as over_limit without being sent."""
    n = min(max_rows or len(frame), len(frame))
    run = translate_texts([str(v) for c in columns for v in frame[c].iloc[:n]], backend, cache, source, target, glossary_version)
    english = {c: run.translations[i * n : (i + 1) * n] + [""] * (len(frame) - n) for i, c in enumerate(columns)}
    reasons, details = [], []
    for j in range(len(frame)):
        found = [(run.reasons[i * n + j], run.details[i * n + j]) for i in range(len(columns))] if j < n else [(OVER_LIMIT, "")]
        reason, detail = next(((r, d) for r, d in found if r), ("", ""))
        reasons.append(reason)
        details.append(detail)
    kept = pd.Series([not r for r in reasons], index=frame.index)
    out = frame.assign(**english, **(extra or {}), source_language=source.lower(), translation_backend=backend.name)
    failed = frame.assign(**{f"{c}_en": v for c, v in english.items()}, reason=reasons, detail=details)
    return TranslatedRows(out[kept].reset_index(drop=True), failed[~kept].reset_index(drop=True), run, Counter(r for r in reasons if r))
