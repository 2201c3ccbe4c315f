"""Requests within DeepL's limits: at most 50 texts and 128 KiB of request body each."""

from __future__ import annotations

import json

MAX_TEXTS = 50
MAX_REQUEST_BYTES = 128 * 1024
_OVERHEAD = 2048  # the other request fields: languages, glossary id, tag handling


def request_bytes(text: str) -> int:
    """What one text adds to the JSON body (quoted, escaped, a separating comma)."""
    return len(json.dumps(text, ensure_ascii=False).encode()) + 1


def batches(texts: list[str], max_texts: int = MAX_TEXTS, max_bytes: int = MAX_REQUEST_BYTES) -> tuple[list[list[int]], list[int]]:
    """(batches of indices into `texts`, in order, each within the limits; indices of texts too large to send)."""
    budget = max_bytes - _OVERHEAD
    out: list[list[int]] = []
    too_large: list[int] = []
    current: list[int] = []
    size = 0
    for i, text in enumerate(texts):
        n = request_bytes(text)
        if n > budget:
            too_large.append(i)
            continue
        if current and (len(current) >= max_texts or size + n > budget):
            out.append(current)
            current, size = [], 0
        current.append(i)
        size += n
    if current:
        out.append(current)
    return out, too_large
