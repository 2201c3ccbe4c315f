"""The RAG loop of the study: retrieve top-k passages from Qdrant, answer with the LLM, keep every failure.

Two scenarios: `cross_patient` searches the whole collection, `patient_centred` only the question's patient
(a filter on the `patient_id` payload). No Dagster import: the asset and tests call these functions.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from miracle_dagster.core import vector_index
from miracle_dagster.core.llm import ChatRequest, LLMUnavailableError, Sampling

SCENARIOS = ("cross_patient", "patient_centred")
PROMPTS = {
    "de": {
        "system": "Du bist ein klinischer Assistent. Beantworte die Frage kurz und nur mit Informationen aus den "
        "Auszügen. Steht die Antwort nicht darin, antworte: Nicht in den Unterlagen.",
        "user": "Auszüge:\n{contexts}\n\nFrage: {question}\nAntwort:",
    },
    "en": {
        "system": "You are a clinical assistant. Answer the question briefly, using only the excerpts. If the "
        "answer is not in them, reply: Not in the records.",
        "user": "Excerpts:\n{contexts}\n\nQuestion: {question}\nAnswer:",
    },
}
QUESTION_COLUMNS = ("pair_id", "question", "answer", "patient_id", "passage_id", "reference_context", "specialty", "year")


def prompt_version(language: str) -> str:
    """Changes whenever the answer prompt does: stated in the report, part of the completion cache key."""
    payload = json.dumps(PROMPTS[language], sort_keys=True, ensure_ascii=False)
    return f"rag-{language}-{hashlib.sha256(payload.encode()).hexdigest()[:8]}"


def answer_request(question: str, contexts: list[str], language: str, max_tokens: int) -> ChatRequest:
    """Greedy decoding: the same question and contexts give the same answer (and hit the cache)."""
    prompt = PROMPTS[language]
    numbered = "\n".join(f"[{i}] {text.strip()}" for i, text in enumerate(contexts, 1))
    user = prompt["user"].format(contexts=numbered, question=question.strip())
    return ChatRequest(
        messages=(("system", prompt["system"]), ("user", user)), sampling=Sampling(temperature=0.0, max_tokens=max_tokens, seed=0)
    )


@dataclass
class RagRow:
    scenario: str
    question_id: str
    patient_id: str
    question: str
    reference: str
    reference_context: str
    specialty: str = ""
    year: str = ""
    contexts: list[str] = field(default_factory=list)
    context_ids: list[str] = field(default_factory=list)
    context_patients: list[str] = field(default_factory=list)
    response: str = ""
    failure: str = ""  # empty when answered
    detail: str = ""


def retrieve(
    store: vector_index.VectorStore,
    collection: str,
    encode_query: Callable[[list[str]], np.ndarray],
    questions: pd.DataFrame,
    top_k: int,
) -> list[RagRow]:
    """One row per question and scenario with the top-k passages; a search that fails is recorded, not raised."""
    vectors = encode_query(questions["question"].tolist()) if len(questions) else []
    rows = []
    for q, vector in zip(questions.itertuples(), vectors):
        for scenario in SCENARIOS:
            row = RagRow(scenario, q.pair_id, q.patient_id, q.question, q.answer, q.reference_context, q.specialty, q.year)
            patient = q.patient_id if scenario == "patient_centred" else None
            try:
                hits = vector_index.search(store, collection, vector, patient_id=patient, top_k=top_k)
            except Exception as error:  # noqa: BLE001 - any store error becomes this row's failure
                row.failure, row.detail = "retrieval_error", f"{type(error).__name__}: {error}"[:300]
                rows.append(row)
                continue
            row.contexts = [h.text for h in hits]
            row.context_ids = [h.passage_id for h in hits]
            row.context_patients = [h.patient_id for h in hits]
            if not hits:
                row.failure = "no_contexts"
            rows.append(row)
    return rows


def answer(rows: list[RagRow], llm_client, language: str, max_tokens: int) -> list[RagRow]:
    """Ask the LLM for the rows that have contexts; an error or an empty answer is the row's failure."""
    todo = [r for r in rows if not r.failure]
    requests = [answer_request(r.question, r.contexts, language, max_tokens) for r in todo]
    try:
        completions = llm_client.complete(requests) if requests else []
    except LLMUnavailableError as error:
        for row in todo:
            row.failure, row.detail = "llm_unavailable", str(error)[:300]
        return rows
    for row, completion in zip(todo, completions):
        if not completion.ok:
            row.failure, row.detail = "llm_error", completion.error[:300]
        elif not completion.text.strip():
            row.failure = "empty_answer"
        else:
            row.response = completion.text.strip()
    return rows


def as_frame(rows: list[RagRow]) -> pd.DataFrame:
    return pd.DataFrame([asdict(r) for r in rows], columns=list(RagRow.__dataclass_fields__))


def select_questions(pairs: pd.DataFrame, max_questions: int) -> tuple[pd.DataFrame, Counter]:
    """Test-split questions of a variant's training pairs (its `split` column: no trained patient is asked), at
    most `max_questions`, ordered by pair id; pairs without a reference answer are counted, not dropped silently."""
    test = pairs[pairs["split"] == "test"].drop_duplicates("pair_id")
    answers = test["answer"].fillna("").astype(str).str.strip()
    rejected = Counter({"no_reference_answer": int((answers == "").sum())})
    test = test.assign(answer=answers)[answers != ""].sort_values("pair_id")
    test = test.head(max_questions) if max_questions > 0 else test
    questions = test.rename(columns={"query": "question", "positive": "reference_context"}).astype({"year": str})
    return questions[list(QUESTION_COLUMNS)].reset_index(drop=True), +rejected
