"""Token-bounded passages of one section: paragraph, then sentence, then word boundaries, with a small overlap."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from miracle_dagster.core.sections.sentences import sentence_spans

OVERLAP_TOKENS = 32  # tokens a passage repeats from the end of the one before it: context across borders


@dataclass(frozen=True)
class Passage:
    """One passage of a section. ``text == section_text[start:end]``."""

    text: str
    start: int
    end: int
    index: int


_PARAGRAPH, _SENTENCE, _WORD, _CHAR = 3, 2, 1, 0
_PARAGRAPH_BREAK_RE = re.compile(r"\n[^\S\n]*\n\s*")
_CHAR_RE = re.compile(r".[\u0300-\u036f]*", re.DOTALL)  # a character with its combining marks


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_level(text: str, start: int, end: int, level: int) -> list[tuple[int, int]]:
    if level == _PARAGRAPH:
        spans, prev = [], start
        for m in _PARAGRAPH_BREAK_RE.finditer(text, start, end):
            spans.append((prev, m.start()))
            prev = m.end()
        spans.append((prev, end))
        return spans
    if level == _SENTENCE:
        return sentence_spans(text, start, end)
    if level == _WORD:
        return [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
    return [(start + m.start(), start + m.end()) for m in _CHAR_RE.finditer(text[start:end])]


def _units(text: str, start: int, end: int, level: int, fits: Callable[[int, int], bool]) -> tuple[list[tuple[int, int]], list[int]]:
    """Atomic units (each fitting alone) of text[start:end] and the boundary strength after each unit."""
    units: list[tuple[int, int]] = []
    gaps: list[int] = []
    for s, e in _split_level(text, start, end, level):
        s, e = _stripped(text, s, e)
        if s >= e:
            continue
        if units:
            gaps[-1] = max(gaps[-1], level) if gaps[-1] >= 0 else level
        # Paragraphs are always cut into sentences so that passages can be filled; paragraph breaks stay the
        # preferred cut points through their boundary strength.
        if level != _PARAGRAPH and fits(s, e):
            units.append((s, e))
            gaps.append(-1)
            continue
        if level == _CHAR:
            raise ValueError(f"max_tokens is too small: the single character {text[s:e]!r} does not fit in one passage")
        sub_units, sub_gaps = _units(text, s, e, level - 1, fits)
        units.extend(sub_units)
        gaps.extend(sub_gaps)
    return units, gaps


def split_passages(
    text: str,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int = OVERLAP_TOKENS,
) -> list[Passage]:
    """Cut ``text`` into passages with ``count_tokens(passage.text) <= max_tokens``.

    Cut points prefer paragraph breaks (blank lines), then sentence ends/line breaks, then whitespace, and
    only as a last resort characters: among the cut points that keep a passage at least half full, the
    strongest boundary (latest on ties) is used. Consecutive passages overlap by whole sentences carried
    over from the end of the previous passage, as many as fit in ``overlap_tokens`` (content tokens, i.e.
    ``count_tokens(x) - count_tokens("")``); when the last sentence alone is longer, its trailing words are
    carried instead. Text that fits gives one passage equal to the whole text; empty text gives ``[]``.

    Raises ``ValueError`` if ``overlap_tokens`` is negative or not smaller than ``max_tokens / 2``, or if
    ``max_tokens`` leaves no room for text.
    """
    if max_tokens <= 0:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    if overlap_tokens < 0:
        raise ValueError(f"overlap_tokens must be >= 0, got {overlap_tokens}")
    if 2 * overlap_tokens >= max_tokens:
        raise ValueError(f"overlap_tokens ({overlap_tokens}) must be < max_tokens / 2 ({max_tokens / 2})")
    if not text or not text.strip():
        return []
    overhead = count_tokens("")
    if overhead >= max_tokens:
        raise ValueError(f"max_tokens ({max_tokens}) leaves no room after {overhead} prompt/special tokens")
    if count_tokens(text) <= max_tokens:
        return [Passage(text, 0, len(text), 0)]

    counts: dict[tuple[int, int], int] = {}

    def count(s: int, e: int) -> int:
        key = (s, e)
        if key not in counts:
            counts[key] = count_tokens(text[s:e])
        return counts[key]

    def fits(s: int, e: int) -> bool:
        return count(s, e) <= max_tokens

    units, gaps = _units(text, 0, len(text), _PARAGRAPH, fits)
    n = len(units)
    gaps[-1] = _PARAGRAPH + 1  # end of text is the best cut
    ends = [e for _, e in units]
    half = math.ceil(max_tokens / 2)

    passages: list[Passage] = []
    start_char, next_unit = units[0][0], 0
    while next_unit < n:
        if not fits(start_char, ends[next_unit]):
            start_char = units[next_unit][0]  # overlap leaves no room for new text: drop it
        # Largest e (exclusive unit index) such that text[start_char:ends[e-1]] fits: gallop, then bisect.
        lo, step = next_unit + 1, 1
        while lo + step <= n and fits(start_char, ends[lo + step - 1]):
            lo, step = lo + step, step * 2
        hi = lo + step if lo + step <= n else n + 1  # smallest e known not to fit (n + 1: none known)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if fits(start_char, ends[mid - 1]):
                lo = mid
            else:
                hi = mid
        e_max = lo
        # Smallest e that makes the passage at least half full; cut at the strongest boundary in between.
        candidates = range(next_unit + 1, e_max + 1)
        e_min = next_unit + 1 + bisect.bisect_left(candidates, True, key=lambda e: count(start_char, ends[e - 1]) >= half)
        e_min = min(e_min, e_max)
        cut = max(range(e_min, e_max + 1), key=lambda e: (gaps[e - 1], e))
        passages.append(Passage(text[start_char : ends[cut - 1]], start_char, ends[cut - 1], len(passages)))
        if cut >= n:
            break
        new_start = _overlap_start(text, units, start_char, next_unit, cut, overlap_tokens, overhead, count)
        start_char, next_unit = (new_start if new_start is not None else units[cut][0]), cut
    return passages


def _overlap_start(
    text: str,
    units: list[tuple[int, int]],
    passage_start: int,
    first_unit: int,
    cut: int,
    overlap_tokens: int,
    overhead: int,
    count: Callable[[int, int], int],
) -> int | None:
    """Start offset of the overlap carried into the next passage, or None for no overlap."""
    if overlap_tokens <= 0:
        return None
    end = units[cut - 1][1]

    def ok(s: int) -> bool:
        return count(s, end) - overhead <= overlap_tokens

    # Whole units first: the earliest unit start (after the passage start) whose tail fits the budget.
    starts = [units[k][0] for k in range(first_unit, cut) if units[k][0] > passage_start]
    idx = bisect.bisect_left(starts, True, key=ok)
    if idx < len(starts):
        return starts[idx]
    # The last unit alone is too long (e.g. a whole paragraph): carry its trailing sentences, else words.
    last_s, last_e = units[cut - 1]
    floor = max(passage_start, last_s)
    sentence_starts = [_stripped(text, a, b)[0] for a, b in sentence_spans(text, last_s, last_e)]
    word_starts = [last_s + m.start() for m in re.finditer(r"\S+", text[last_s:last_e])]
    for candidates in (sentence_starts, word_starts):
        candidates = sorted({c for c in candidates if floor < c < last_e})
        idx = bisect.bisect_left(candidates, True, key=ok)
        if idx < len(candidates):
            return candidates[idx]
    return None


def token_counter(tokenizer: Any, prompt: str = "") -> Callable[[str], int]:
    """``count_tokens`` for a Hugging Face tokenizer: tokens of ``prompt + text`` including special tokens.

    With ``prompt="passage: "`` and ``max_tokens=model.max_seq_length`` the passages are never truncated by
    the embedding model. Nothing is cached.
    """

    def count_tokens(text: str) -> int:
        encoded = tokenizer(prompt + text, add_special_tokens=True, truncation=False, verbose=False)
        return len(encoded["input_ids"])

    return count_tokens
