"""Report records -> passage rows with content-hash ids (stable across runs; ID_VERSION is part of every hash)."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from miracle_dagster.core.schema import PASSAGE_KEYS
from miracle_dagster.core.sections.headings import split_sections
from miracle_dagster.core.sections.passages import OVERLAP_TOKENS, split_passages

# Bump when the id scheme (hash input) changes; it is part of every hash input.
ID_VERSION = 1

PASSAGE_COLUMNS = (
    *PASSAGE_KEYS,
    "section_heading",
    "section_ordinal",
    "passage_index",
    "n_passages",
    "char_start",
    "char_end",
    "n_tokens",
    "text",
)


def _hash(parts: list[Any]) -> str:
    payload = json.dumps([ID_VERSION, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def section_id(document_id: Any, name: str, ordinal: int, text: str) -> str:
    """32-hex content id of a section: sha256 over (ID_VERSION, document_id, name, ordinal, body)."""
    return _hash(["section", str(document_id), name, int(ordinal), text])


def passage_id(section_id_: str, index: int, text: str) -> str:
    """32-hex content id of a passage: sha256 over (ID_VERSION, section_id, passage index, text)."""
    return _hash(["passage", section_id_, int(index), text])


def _text_of(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def section_document(
    doc: Mapping[str, Any],
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int = OVERLAP_TOKENS,
) -> list[dict[str, Any]]:
    """One row per passage of ``doc`` (columns :data:`PASSAGE_COLUMNS`).

    ``char_start``/``char_end`` index the original ``doc["text"]``; ``n_tokens`` is ``count_tokens`` of the
    passage (so it includes the prompt and special tokens when built with :func:`token_counter`). Missing
    metadata keys become ``None``.
    """
    text = _text_of(doc.get("text"))
    document_type = _text_of(doc.get("document_type"))
    document_id = doc.get("document_id")
    rows: list[dict[str, Any]] = []
    for section in split_sections(text, document_type):
        sid = section_id(document_id, section.name, section.ordinal, section.text)
        passages = split_passages(section.text, count_tokens, max_tokens, overlap_tokens)
        for passage in passages:
            rows.append(
                {
                    "passage_id": passage_id(sid, passage.index, passage.text),
                    "section_id": sid,
                    "document_id": document_id,
                    "patient_id": doc.get("patient_id"),
                    "case_id": doc.get("case_id"),
                    "specialty": doc.get("specialty"),
                    "document_type": doc.get("document_type"),
                    "date": doc.get("date"),
                    "section_name": section.name,
                    "section_heading": section.heading,
                    "section_ordinal": section.ordinal,
                    "passage_index": passage.index,
                    "n_passages": len(passages),
                    "char_start": section.start + passage.start,
                    "char_end": section.start + passage.end,
                    "n_tokens": count_tokens(passage.text),
                    "text": passage.text,
                }
            )
    return rows


def section_documents(
    docs: Iterable[Mapping[str, Any]],
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int = OVERLAP_TOKENS,
):
    """Passage rows of all ``docs`` as a pandas DataFrame with columns :data:`PASSAGE_COLUMNS`.

    ``docs`` may also be a DataFrame of report records.
    """
    import pandas as pd

    if isinstance(docs, pd.DataFrame):
        docs = docs.to_dict("records")
    rows: list[dict[str, Any]] = []
    for doc in docs:
        rows.extend(section_document(doc, count_tokens, max_tokens, overlap_tokens))
    if not rows:
        frame = pd.DataFrame({column: pd.Series(dtype="object") for column in PASSAGE_COLUMNS})
        for column in ("section_ordinal", "passage_index", "n_passages", "char_start", "char_end", "n_tokens"):
            frame[column] = frame[column].astype("int64")
        return frame
    return pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS))
