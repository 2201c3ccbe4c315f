"""Sections -> prompts -> (cached) completions -> parsed pairs -> filters -> kept and rejected rows.

Every section that comes in is accounted for: skipped (too short, over the limit), failed (LLM error,
unparseable output after one repair round), or turned into pairs; every pair is kept or rejected
with one reason. Nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from miracle_dagster.core.llm import ChatRequest, LLMClient, Sampling
from miracle_dagster.core.qa import filters
from miracle_dagster.core.qa.parse import parse_pairs
from miracle_dagster.core.qa.prompts import load_prompts
from miracle_dagster.core.schema import PASSAGE_KEYS

SOURCE_COLUMNS = (*PASSAGE_KEYS, "split")
PAIR_COLUMNS = (
    "pair_id",
    "question",
    "answer",
    *SOURCE_COLUMNS,
    "language",
    "generator_model",
    "prompt_version",
    "question_language",
    "answer_support",
    "round_trip_rank",
)
REJECT_COLUMNS = (*PAIR_COLUMNS, "reason", "detail")
REASONS = (
    "llm_error",
    "invalid_json",
    "no_pairs",
    "malformed_pair",
    "not_a_question",
    "wrong_language",
    "answer_in_question",
    "yes_no_to_open_question",
    "repeated_word",
    "near_duplicate",
    "generic_question",
    "unsupported_answer",
    "invented_number",
    "round_trip_failed",
)

Encoder = Callable[[list[str]], "object"]  # texts -> unit vectors (numpy array)


@dataclass(frozen=True)
class QAConfig:
    language: str = "de"
    questions_per_section: int = 3
    temperature: float = 0.3
    max_tokens: int = 512
    seed: int = 0
    prompts_file: str = ""
    min_section_tokens: int = 12  # shorter sections (a heading, "o.B.") have nothing to ask about
    skip_sections: tuple[str, ...] = ("Kopf",)  # letterhead and salutation: identity, not medicine
    max_sections: int = 0  # 0: all; a cap for trying prompts on a sample
    min_language_probability: float = 0.6
    duplicate_threshold: float = 0.7  # content-word Jaccard
    duplicate_cosine: float = 0.95  # question embeddings, when an encoder is given
    min_answer_support: float = 0.5
    round_trip_top_k: int = 3  # 0 disables the round-trip filter
    questions_only: bool = True  # False: keyword queries (two words and up) and statements pass, for mixed query types


@dataclass
class QAResult:
    kept: pd.DataFrame
    rejected: pd.DataFrame
    prompt_version: str
    sections: Counter = field(
        default_factory=Counter
    )  # seen, skipped_section, skipped_short, over_limit, with_pairs, failed, cached, generated
    rejected_by_reason: Counter = field(default_factory=Counter)
    repaired: int = 0  # outputs that parsed only after the repair round


def generate_qa(
    sections: list[dict],
    client: LLMClient,
    config: QAConfig = QAConfig(),
    encode_queries: Encoder | None = None,
    encode_passages: Encoder | None = None,
) -> QAResult:
    prompts = load_prompts(config.language, config.questions_per_section, config.prompts_file)
    sampling = Sampling(temperature=config.temperature, max_tokens=config.max_tokens, seed=config.seed, json_schema=prompts.json_schema())
    result = QAResult(kept=_frame([], PAIR_COLUMNS), rejected=_frame([], REJECT_COLUMNS), prompt_version=prompts.version)
    result.sections["seen"] = len(sections)
    clinical = [s for s in sections if s.get("section_name", "") not in config.skip_sections]
    result.sections["skipped_section"] = len(sections) - len(clinical)
    eligible = [s for s in clinical if _n_tokens(s) >= config.min_section_tokens]
    result.sections["skipped_short"] = len(clinical) - len(eligible)
    if config.max_sections and len(eligible) > config.max_sections:
        result.sections["over_limit"] = len(eligible) - config.max_sections
        eligible = eligible[: config.max_sections]

    first = [ChatRequest(prompts.messages(s["text"], s.get("document_type", ""), s.get("section_name", "")), sampling) for s in eligible]
    outputs = client.complete(first)
    result.sections["cached"] = sum(o.cached for o in outputs)
    result.sections["generated"] = len(outputs) - result.sections["cached"]
    parsed = [parse_pairs(o.text) if o.ok else ([], "llm_error") for o in outputs]
    retry = [i for i, (_, error) in enumerate(parsed) if error in ("invalid_json", "no_pairs")]
    if retry:  # one repair round: show the model its output and ask for the JSON again
        repairs = client.complete([ChatRequest(prompts.repair_messages(first[i].messages, outputs[i].text), sampling) for i in retry])
        for i, output in zip(retry, repairs):
            again = parse_pairs(output.text) if output.ok else ([], "llm_error")
            if not again[1]:
                parsed[i] = again
                result.repaired += 1

    base = {"language": config.language, "generator_model": client.model_id, "prompt_version": prompts.version}
    candidates, rejected = [], []
    for section, output, (pairs, error) in zip(eligible, outputs, parsed):
        source = {k: str(section.get(k, "") or "") for k in SOURCE_COLUMNS}
        if error:
            detail = output.error if error == "llm_error" else output.text[:300]
            rejected.append({**source, **base, "question": "", "answer": "", "reason": error, "detail": detail})
            result.sections["failed"] += 1
            continue
        result.sections["with_pairs"] += 1
        candidates.extend({**source, **base, **pair, "_text": section["text"]} for pair in pairs)

    kept = _apply_filters(candidates, rejected, config, sections, encode_queries, encode_passages)
    for row in (*kept, *rejected):
        row.pop("_text", None)
        if row.get("question"):
            row["pair_id"] = _pair_id(row)
    result.kept = _frame(kept, PAIR_COLUMNS)
    result.rejected = _frame(rejected, REJECT_COLUMNS)
    result.rejected_by_reason = Counter(r["reason"] for r in rejected)
    return result


def _apply_filters(candidates, rejected, config, all_sections, encode_queries, encode_passages) -> list[dict]:
    """Cheap text filters first; then one embedding pass serves near-duplicates and the round trip."""
    lang = config.language
    survivors = []
    for row in candidates:
        question, answer, text = row["question"], row["answer"], row["_text"]
        row["question_language"], _ = filters.detect_language(question)
        row["answer_support"] = round(filters.answer_support(answer, text, lang), 3)
        if len(filters.words(question)) < (3 if config.questions_only else 2) or not answer.strip():
            reason, detail = "malformed_pair", "query too short or empty answer"
        elif config.questions_only and not question.rstrip().endswith("?"):
            reason, detail = "not_a_question", "no question mark: a statement copied from the text"
        elif drift := filters.wrong_language(question, answer, lang, config.min_language_probability):
            reason, detail = "wrong_language", drift
        elif filters.answer_in_question(question, answer, lang):
            reason, detail = "answer_in_question", "the question already holds the answer"
        elif filters.yes_no_to_open_question(question, answer, lang):
            reason, detail = "yes_no_to_open_question", f"'{answer.strip()}' to an open question"
        elif looping := filters.repeated_word(question, lang):
            reason, detail = "repeated_word", f"'{looping}…' three times or more"
        elif filters.is_generic(question, text, lang):
            reason, detail = "generic_question", "names nothing specific to this section"
        elif row["answer_support"] < config.min_answer_support:
            reason, detail = "unsupported_answer", f"support {row['answer_support']:.2f} < {config.min_answer_support}"
        elif invented := filters.invented_numbers(answer, text):
            reason, detail = "invented_number", f"{len(invented)} number(s) of the answer not in the section"
        else:
            survivors.append(row)
            continue
        rejected.append({**row, "reason": reason, "detail": detail})
    if not survivors:
        return []
    vectors = np.asarray(encode_queries([r["question"] for r in survivors])) if encode_queries else None
    unique = _drop_near_duplicates(survivors, vectors, rejected, config)
    if not (config.round_trip_top_k and vectors is not None and encode_passages):
        return [survivors[i] for i in unique]
    pool = [s for s in all_sections if s.get("text")]
    position = {s["passage_id"]: i for i, s in enumerate(pool)}
    ranks = filters.round_trip_ranks(
        vectors[unique], np.asarray(encode_passages([s["text"] for s in pool])), [position[survivors[i]["passage_id"]] for i in unique]
    )
    kept = []
    for i, rank in zip(unique, ranks):
        row = survivors[i]
        row["round_trip_rank"] = rank
        if rank <= config.round_trip_top_k:
            kept.append(row)
        else:
            rejected.append({**row, "reason": "round_trip_failed", "detail": f"own passage ranked {rank} of {len(pool)}"})
    return kept


def _drop_near_duplicates(rows: list[dict], vectors, rejected: list[dict], config: QAConfig) -> list[int]:
    """Indices of rows that repeat no earlier question of the same passage."""
    by_passage: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_passage.setdefault(row["passage_id"], []).append(i)
    unique = []
    for members in by_passage.values():
        duplicates = filters.near_duplicate_of(
            [rows[i]["question"] for i in members],
            config.language,
            config.duplicate_threshold,
            vectors[members] if vectors is not None else None,
            config.duplicate_cosine,
        )
        for local, i in enumerate(members):
            if local in duplicates:
                original = rows[members[duplicates[local]]]["question"]
                rejected.append({**rows[i], "reason": "near_duplicate", "detail": f"repeats: {original}"})
            else:
                unique.append(i)
    return sorted(unique)


def _n_tokens(section: dict) -> int:
    return int(section["n_tokens"]) if section.get("n_tokens") is not None else len(filters.words(section.get("text", "")))


def _pair_id(row: dict) -> str:
    key = "\x1f".join((row["passage_id"], filters.normalize_question(row["question"]), row["prompt_version"], row["generator_model"]))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _frame(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in columns:
        if column in ("answer_support",):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif column == "round_trip_rank":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        else:
            frame[column] = frame[column].fillna("").astype(str)
    return frame
