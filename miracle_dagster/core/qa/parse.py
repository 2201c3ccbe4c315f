"""Turn an LLM's answer into question/answer pairs, repairing the usual small-model JSON mistakes."""

from __future__ import annotations

import json
import re

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
QUESTION_KEYS = ("question", "frage", "q", "pregunta", "pergunta", "domanda")
ANSWER_KEYS = ("answer", "antwort", "a", "respuesta", "resposta", "risposta", "réponse", "reponse")


def parse_pairs(text: str) -> tuple[list[dict[str, str]], str]:
    """(pairs, error): error is '' on success, else why nothing usable came out."""
    data = _load_lenient(text or "")
    if data is None:
        return [], "invalid_json"
    items = data.get("pairs", data.get("questions", data.get("qa", []))) if isinstance(data, dict) else data
    if isinstance(data, dict) and not items and _pick(data, QUESTION_KEYS):
        items = [data]
    if not isinstance(items, list):
        return [], "invalid_json"
    pairs = []
    for item in items:
        if isinstance(item, dict):
            question, answer = _pick(item, QUESTION_KEYS), _pick(item, ANSWER_KEYS)
            if question and answer:
                pairs.append({"question": question, "answer": answer})
    return (pairs, "") if pairs else ([], "no_pairs")


def _pick(item: dict, keys: tuple[str, ...]) -> str:
    lowered = {str(k).lower(): v for k, v in item.items()}
    for key in keys:
        value = lowered.get(key)
        if isinstance(value, (str, int, float)) and str(value).strip():
            return " ".join(str(value).split())
    return ""


def _load_lenient(text: str):
    """Strict JSON, else the fenced block, the outermost {...}/[...], without trailing commas, or closed if cut off."""
    candidates = [text.strip()]
    candidates += [m.strip() for m in _FENCE.findall(text)]
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start >= 0:
        candidates.append(text[start:].strip())
    for candidate in candidates:
        for fixed in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                return json.loads(fixed)
            except ValueError:
                pass
        closed = _close_truncated(_TRAILING_COMMA.sub(r"\1", candidate))
        if closed:
            try:
                return json.loads(closed)
            except ValueError:
                pass
    return None


def _close_truncated(text: str) -> str:
    """Cut a truncated document back to its last complete object and close the open brackets."""
    cut = text.rfind("}")
    if cut < 0:
        return ""
    text = text[: cut + 1]
    stack, in_string, escaped = [], False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
    return "" if in_string else text + "".join(reversed(stack))
