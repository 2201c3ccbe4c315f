"""Pooled relevance judgments, as TREC builds qrels: pool every model's top-k, let an assessor (the LLM) grade 0-3.

A question's own source passage is relevant by construction (grade 3, never asked). Every other pooled pair gets a
grade or a failure reason (the backend failed, the reply held no usable grade): nothing is dropped.
"""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd

from miracle_dagster.core.llm import ChatRequest, LLMClient, Sampling

SOURCE_GRADE, SOURCE_JUDGE = 3, "source"
SYSTEM = (
    "You are a relevance assessor for a medical search engine. Grade how well the passage answers the question, "
    "TREC-style:\n3 = the passage answers the question\n2 = it holds part of the answer or information a physician "
    "would need to answer it\n1 = same topic or patient, but it does not help to answer\n0 = irrelevant\n"
    'Judge the content only, in whatever language it is written. Reply with JSON: {"grade": <0-3>}'
)
USER = "Question: {question}\n\nPassage:\n{passage}"
PROMPT_VERSION = "relevance-" + hashlib.sha256((SYSTEM + USER).encode()).hexdigest()[:8]
SCHEMA = {"type": "object", "properties": {"grade": {"type": "integer", "enum": [0, 1, 2, 3]}}, "required": ["grade"]}
JUDGMENT_COLUMNS = ["question_id", "passage_id", "grade", "judge", "prompt_version", "reason", "detail", "pooled_by"]
_DIGIT = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?(?![\d.])")
_KEYS = ("grade", "relevance", "score", "label")


def pool(sources: dict[str, str], rankings: dict[str, dict[str, list[str]]], depth: int) -> pd.DataFrame:
    """(question_id, passage_id, is_source, pooled_by): every model's top `depth` per question plus its source passage."""
    pooled: dict[tuple[str, str], list[str]] = {}
    for question, source in sources.items():
        pooled[(question, source)] = []
        for model, ranked in rankings.items():
            for passage in ranked.get(question, [])[:depth]:
                pooled.setdefault((question, passage), []).append(model)
    rows = [(q, p, p == sources[q], ",".join(models)) for (q, p), models in pooled.items()]
    return pd.DataFrame(rows, columns=["question_id", "passage_id", "is_source", "pooled_by"])


def request(question: str, passage: str, max_chars: int = 2000) -> ChatRequest:
    """Greedy, schema-constrained where the backend can; the passage cut to max_chars (the model's context)."""
    user = USER.format(question=question.strip(), passage=passage.strip()[:max_chars])
    return ChatRequest(messages=(("system", SYSTEM), ("user", user)), sampling=Sampling(temperature=0.0, max_tokens=16, json_schema=SCHEMA))


def parse_grade(text: str) -> tuple[int | None, str]:
    """(grade, "") or (None, reason): JSON {"grade": n} (also relevance/score, as a string), else one number in prose."""
    text = (text or "").strip()
    if not text:
        return None, "empty_reply"
    value = _from_json(text)
    if value is None:
        numbers = {float(n) for n in _DIGIT.findall(text)}
        if len(numbers) > 1:
            return None, "ambiguous_grade"
        value = numbers.pop() if numbers else None
    if value is None:
        return None, "no_grade"
    if value != int(value) or not 0 <= value <= 3:
        return None, "grade_out_of_range"
    return int(value), ""


def _from_json(text: str) -> float | None:
    match = re.search(r"\{.*\}", text, re.S)
    try:
        data = json.loads(match.group(0)) if match else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for key in _KEYS:
        value = data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
            return float(value)
    return None


def judge(client: LLMClient, pairs: pd.DataFrame, max_chars: int = 2000) -> pd.DataFrame:
    """Grade pairs (question_id, passage_id, question, passage, pooled_by) with the LLM: one row each, failures with a reason."""
    if pairs.empty:
        return pd.DataFrame(columns=JUDGMENT_COLUMNS)
    completions = client.complete([request(q, p, max_chars) for q, p in zip(pairs["question"], pairs["passage"])])
    rows = []
    for pair, completion in zip(pairs.itertuples(), completions):
        grade, reason = parse_grade(completion.text) if completion.ok else (None, "llm_error")
        detail = completion.error if not completion.ok else (completion.text[:200] if reason else "")
        rows.append((pair.question_id, pair.passage_id, grade, client.model_id, PROMPT_VERSION, reason, detail, pair.pooled_by))
    return pd.DataFrame(rows, columns=JUDGMENT_COLUMNS).astype({"grade": "Int64"})


def source_judgments(pooled: pd.DataFrame) -> pd.DataFrame:
    """The pooled source passages, grade 3 by construction."""
    rows = pooled[pooled["is_source"]]
    return pd.DataFrame(
        {
            "question_id": rows["question_id"],
            "passage_id": rows["passage_id"],
            "grade": SOURCE_GRADE,
            "judge": SOURCE_JUDGE,
            "prompt_version": "",
            "reason": "",
            "detail": "",
            "pooled_by": rows["pooled_by"],
        },
        columns=JUDGMENT_COLUMNS,
    ).astype({"grade": "Int64"})


def reusable(previous: pd.DataFrame | None, judge_model: str) -> pd.DataFrame:
    """Earlier judgments by the same model and prompt version, failures of the backend excepted (those are retried)."""
    if previous is None or previous.empty:
        return pd.DataFrame(columns=JUDGMENT_COLUMNS)
    keep = (previous["judge"] == judge_model) & (previous["prompt_version"] == PROMPT_VERSION) & (previous["reason"] != "llm_error")
    return previous[keep]
