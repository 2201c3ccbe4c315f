"""Scores for RAG answers: BERTScore F1 (pinned local model and layer), ragas context precision / recall against
the reference passage, ragas' LLM-judged answer metrics when an OpenAI-compatible judge is configured, BLEURT when a
converted checkpoint is there (`bleurt.py`), and the per-group breakdown of the report. Context precision is the
LLM-judged one whenever there is a judge (as the study ran it) and string similarity only without one:
`context_precision_kind` says which. What could not run says why, in the report."""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from miracle_dagster.core import settings
from miracle_dagster.core.evaluation.bleurt import bleurt_scorer  # noqa: F401 - the asset reaches it through here

RECALL = {"non_llm_context_recall": "context_recall"}  # string similarity with or without a judge
CONTEXT_METRICS = {"non_llm_context_precision_with_reference": "context_precision", **RECALL}
JUDGED_CONTEXT_METRICS = {"llm_context_precision_with_reference": "context_precision", **RECALL}
ANSWER_METRICS = {"faithfulness": "faithfulness", "answer_relevancy": "answer_relevancy"}
# every column the judge scores (NaN where it could not): the answer metrics and, with a judge, context precision
LLM_METRICS = {**ANSWER_METRICS, "llm_context_precision_with_reference": "context_precision"}
SCORE_COLUMNS = ("bertscore_f1", "bleurt", "context_precision", "context_recall", "faithfulness", "answer_relevancy")
JUDGE_MISSING = (
    "none: faithfulness and answer relevancy need MIRACLE_LLM_BACKEND=openai or vllm with "
    "MIRACLE_LLM_BASE_URL; context precision falls back to string similarity"
)


@dataclass(frozen=True)
class Judge:
    """An OpenAI-compatible endpoint (vLLM, llama.cpp server, ...) ragas talks to through langchain-openai."""

    model: str
    base_url: str
    api_key: str = ""


@lru_cache(maxsize=2)
def _bert_scorer(model_dir: str, num_layers: int):
    from bert_score import BERTScorer

    # bert-score picks its loader by name ("t5" in the path loads a T5 encoder): give it a path without one.
    if "t5" in model_dir.lower() or Path(model_dir).name.startswith("scibert"):
        link = Path(tempfile.gettempdir()) / f"miracle-bertscore-{hashlib.sha256(model_dir.encode()).hexdigest()[:12]}"
        if not link.exists():
            link.symlink_to(model_dir, target_is_directory=True)
        model_dir = str(link)
    return BERTScorer(model_type=model_dir, num_layers=num_layers, device=settings.device())


def bertscore_f1(responses: list[str], references: list[str], model_dir: str | Path, num_layers: int) -> list[float]:
    """F1 of greedy token matching on layer `num_layers` of the local model, no idf, no baseline rescaling."""
    if not responses:
        return []
    _, _, f1 = _bert_scorer(str(model_dir), num_layers).score(responses, references, batch_size=16)
    return [float(v) for v in f1]


def context_precision_kind(judge: Judge | None) -> str:
    """Which ragas metric fills the `context_precision` column: the judge's when there is one."""
    if judge is not None:
        return "llm (ragas LLMContextPrecisionWithReference)"
    return "string similarity (ragas NonLLMContextPrecisionWithReference)"


def _ragas_metrics(judged: bool) -> tuple[list, list]:
    """(context metrics, answer metrics). ragas 0.4.3 has the non-LLM context metrics only in the deprecated
    `ragas.metrics` (no `collections` successor yet); the judged ones come from there too, so all run through
    `evaluate` (and the judge through langchain-openai's ChatOpenAI). Recall stays the string-similarity one."""
    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")  # no usage analytics leave the machine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas import metrics as m

        if not judged:
            return [m.NonLLMContextPrecisionWithReference(), m.NonLLMContextRecall()], []
        return ([m.LLMContextPrecisionWithReference(), m.NonLLMContextRecall()], [m.Faithfulness(), m.ResponseRelevancy()])


def _judge_models(judge: Judge, encode_query, encode_passage):
    from langchain_core.embeddings import Embeddings
    from langchain_openai import ChatOpenAI
    from ragas.embeddings import LangchainEmbeddingsWrapper
    from ragas.llms import LangchainLLMWrapper

    class _Encoder(Embeddings):  # answer relevancy compares questions with our own embedder, prompts included
        def embed_documents(self, texts):
            return encode_passage(texts).tolist()

        def embed_query(self, text):
            return encode_query([text])[0].tolist()

    chat = ChatOpenAI(model=judge.model, base_url=judge.base_url, api_key=judge.api_key or "not-needed", temperature=0)
    with warnings.catch_warnings():  # deprecated with the `ragas.metrics` classes they serve; pinned, they work
        warnings.simplefilter("ignore", DeprecationWarning)
        return LangchainLLMWrapper(chat), LangchainEmbeddingsWrapper(_Encoder())


def _evaluate(rows: pd.DataFrame, names: dict[str, str], metrics: list, llm=None, embeddings=None) -> pd.DataFrame:
    from ragas import EvaluationDataset, evaluate

    samples = [
        {
            "user_input": r.question,
            "retrieved_contexts": list(r.contexts),
            "reference_contexts": [r.reference_context],
            "response": r.response,
            "reference": r.reference,
        }
        for r in rows.itertuples()
    ]
    result = evaluate(
        EvaluationDataset.from_list(samples), metrics=metrics, llm=llm, embeddings=embeddings, show_progress=False, raise_exceptions=False
    ).to_pandas()
    return result.rename(columns=names)[list(names.values())].set_axis(rows.index)


def ragas_scores(frame: pd.DataFrame, judge: Judge | None = None, encode_query=None, encode_passage=None) -> pd.DataFrame:
    """Context precision / recall for every row with contexts (precision judged by the LLM when there is a judge: it
    needs the reference answer, not the response); with a judge, faithfulness and answer relevancy for the answered
    rows. One column per metric (NaN where not scored), aligned with `frame`'s index."""
    context_names = JUDGED_CONTEXT_METRICS if judge else CONTEXT_METRICS
    names = {**context_names, **(ANSWER_METRICS if judge else {})}
    out = pd.DataFrame(math.nan, index=frame.index, columns=list(names.values()))
    with_contexts = frame[frame["contexts"].map(len) > 0]
    answered = with_contexts[with_contexts["failure"] == ""]
    if not len(with_contexts):
        return out
    context, answer = _ragas_metrics(judge is not None)
    llm, embeddings = _judge_models(judge, encode_query, encode_passage) if judge else (None, None)
    out.update(_evaluate(with_contexts, context_names, context, llm))
    if judge and len(answered):
        out.update(_evaluate(answered, ANSWER_METRICS, answer, llm, embeddings))
    return out


def breakdown(report: pd.DataFrame, metrics: list[str], by: str) -> pd.DataFrame:
    """Per scenario and `by` group (specialty, year, language, ...), and per model first when the report has a
    `model` column (base and fine-tuned are never averaged together): the questions asked, how many were answered
    (with a `failure` column), and the mean of each metric over the rows it scored (NaN skipped, as in the
    per-scenario table). Rows without a group value form their own group rather than vanishing."""
    if by not in report:
        raise KeyError(f"the report has no {by!r} column to break down by")
    keys = [*(["model"] if "model" in report and by != "model" else []), "scenario", by]
    groups = report.groupby(keys, sort=True, dropna=False)
    out = groups[list(metrics)].mean()
    questions = groups["question_id"].nunique(dropna=False) if "question_id" in report else groups.size()
    out.insert(0, "questions", questions)
    if "failure" in report:
        out.insert(1, "answered", groups["failure"].agg(lambda f: int((f == "").sum())))
    return out.reset_index()
