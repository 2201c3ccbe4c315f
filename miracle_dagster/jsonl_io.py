"""JSONL in and out for the commands that run the assets' code on a user's file (`generate-qa`, `pseudonymize`)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd


def numbered_lines(path) -> Iterator[tuple[int, object, str]]:
    """(line number, parsed value, "" or why the line is not JSON) for every non-blank line."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line), ""
            except ValueError as error:
                yield number, None, str(error)


def read_text_lines(path: str, required: tuple[str, ...] = ()) -> tuple[list[dict], list[dict]]:
    """(rows with a non-empty `text`, a unique `id` and the `required` keys, unreadable lines with the reason)."""
    rows, bad, seen = [], [], set()
    for number, row, error in numbered_lines(path):
        if error:
            bad.append({"line": number, "reason": "invalid_json", "detail": error})
            continue
        if not isinstance(row, dict) or not str(row.get("text") or "").strip():
            bad.append({"line": number, "reason": "missing_text", "detail": "need an object with non-empty 'text'"})
            continue
        missing = [key for key in required if not str(row.get(key) or "").strip()]
        if missing:
            bad.append({"line": number, "reason": f"missing_{missing[0]}", "detail": f"need {', '.join(missing)}"})
            continue
        ident = str(row.get("id") or f"line-{number}")
        if ident in seen:
            bad.append({"line": number, "reason": "duplicate_id", "detail": ident})
            continue
        seen.add(ident)
        rows.append({**row, "id": ident, "text": str(row["text"])})
    return rows, bad


def plain(value):
    """JSON-safe scalars: pandas' NA and numpy numbers become None / int / float."""
    if not isinstance(value, (list, dict)) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def write_jsonl(path: str, rows) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path) -> list[dict]:
    """Every line of a trusted JSONL file (master data the source provides)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
