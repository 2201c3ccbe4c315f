"""TREC 2017 LiveQA-Med with its graded MedQuAD answers, plus MedQuAD answers as distractors, as an IRSet.

Questions are the NLM summaries (`summary`: the consumer's message rewritten as one clear question, as the track's
organizers did) or, with `question_text="message"`, subject + message as the consumer wrote them. Judged answers
carry a "Question: ... URL: ... Answer:" header and a closing ")" that MedQuAD distractors do not have; both are
removed, so a model cannot tell judged answers from distractors by their form, and a distractor that is a judged
answer's own MedQuAD text (same words) is dropped, never counted as a wrong answer. Grades are kept as judged (1-4); the
track counts grade >= 2 as relevant; a pair judged twice with different grades keeps the higher one. Read from the data folder, never copied.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from miracle_dagster.core.evaluation.ir import IRSet
from miracle_dagster.core.text import normalized

MIN_GRADE = 2
QUESTION_TEXTS = ("summary", "message")
_HEADER = re.compile(r"^Question:.*?\nURL:.*?\nAnswer:\s*", re.S)


@dataclass
class LiveQA:
    data: IRSet
    stats: dict[str, float | int] = field(default_factory=dict)


def _read(path: Path) -> list[dict]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: expected the LiveQA-Med / MedQuAD files of ../shared/data (see its README)")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def answer_text(text: str) -> str:
    text = _HEADER.sub("", text).strip()
    return text[:-1].rstrip() if text.endswith(")") and text.count(")") > text.count("(") else text


def medquad_pairs(data_dir: Path) -> list[dict]:
    """MedQuAD's question-answer rows (doc_id, source, focus, qtype, question, answer, ...) that have an answer."""
    return [row for row in _read(Path(data_dir) / "medquad" / "medquad.jsonl.gz") if (row.get("answer") or "").strip()]


def medquad_answers(data_dir: Path) -> dict[str, str]:
    """Every non-empty MedQuAD answer by `<source>/<pair_id>` (pair ids repeat across sources), first one kept."""
    answers: dict[str, str] = {}
    for row in medquad_pairs(data_dir):
        answers.setdefault(f"medquad/{row['source']}/{row['pair_id']}", row["answer"].strip())
    return answers


def load_liveqa(data_dir: Path, distractors: int = 0, question_text: str = "summary", min_grade: int = MIN_GRADE, seed: int = 0) -> LiveQA:
    """Questions with at least one answer of grade >= min_grade; the corpus is every judged answer plus
    `distractors` MedQuAD answers (a seeded sample; -1: all), minus any whose text equals a judged answer's."""
    if question_text not in QUESTION_TEXTS:
        raise ValueError(f"question_text must be one of {QUESTION_TEXTS}, got {question_text!r}")
    root = Path(data_dir) / "liveqa_med"
    questions = _read(root / "questions.jsonl.gz")
    corpus = {row["answer_id"]: answer_text(row["text"]) for row in _read(root / "answers.jsonl.gz")}
    qrels: dict[str, dict[str, int]] = {}
    conflicts = 0
    for row in _read(root / "qrels.jsonl.gz"):  # 168 pairs were judged twice, some differently: keep the higher grade
        grades = qrels.setdefault(row["qid"], {})
        before, grade = grades.get(row["answer_id"]), int(row["grade"])
        conflicts += before is not None and before != grade
        grades[row["answer_id"]] = max(grade, before or grade)
    texts = {}
    for row in questions:
        summary = (row.get("summary") or "").strip()
        written = f"{row.get('subject') or ''}. {row.get('message') or ''}".strip(". ")
        texts[row["qid"]] = summary if question_text == "summary" and summary else written
    data = IRSet(corpus=dict(corpus), queries=texts, qrels=qrels)
    relevant = data.relevant(min_grade)
    data.queries = {q: t for q, t in texts.items() if q in relevant}
    judged = {normalized(t) for t in corpus.values()}
    pool = medquad_answers(data_dir) if distractors else {}
    duplicates = [i for i, t in pool.items() if normalized(t) in judged]
    candidates = sorted(set(pool) - set(duplicates))
    chosen = candidates if distractors < 0 else random.Random(seed).sample(candidates, min(distractors, len(candidates)))
    data.corpus.update({i: pool[i] for i in sorted(chosen)})
    sizes = [len(docs) for docs in relevant.values()]
    stats = {
        "questions": len(questions),
        "questions_with_relevant": len(relevant),
        "questions_with_2_or_more_relevant": sum(n >= 2 for n in sizes),
        "mean_relevant_per_question": round(sum(sizes) / len(sizes), 2) if sizes else 0.0,
        "judged_answers": len(corpus),
        "judgments": sum(len(d) for d in qrels.values()),
        "conflicting_judgments": conflicts,
        "distractors": len(chosen),
        "distractors_dropped_as_duplicates": len(duplicates),
        "corpus": len(data.corpus),
        "question_text": question_text,
        "min_grade": min_grade,
    }
    return LiveQA(data=data, stats=stats)
