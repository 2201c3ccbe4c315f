"""Scores for RAG answers: BERTScore F1 (pinned local model and layer), ragas context precision / recall
against the reference passage without an LLM, ragas' LLM-judged metrics when an OpenAI-compatible judge is
configured, and BLEURT when a checkpoint is there. What could not run says why, in the report."""

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

CONTEXT_METRICS = {"non_llm_context_precision_with_reference": "context_precision", "non_llm_context_recall": "context_recall"}
LLM_METRICS = {"faithfulness": "faithfulness", "answer_relevancy": "answer_relevancy",
               "llm_context_precision_with_reference": "llm_context_precision"}  # fmt: skip


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
    return BERTScorer(model_type=model_dir, num_layers=num_layers, device="cpu")


def bertscore_f1(responses: list[str], references: list[str], model_dir: str | Path, num_layers: int) -> list[float]:
    """F1 of greedy token matching on layer `num_layers` of the local model, no idf, no baseline rescaling."""
    if not responses:
        return []
    _, _, f1 = _bert_scorer(str(model_dir), num_layers).score(responses, references, batch_size=16)
    return [float(v) for v in f1]


def _ragas_metrics() -> tuple[list, list]:
    """(context metrics, LLM-judged metrics). ragas 0.4.3 has the non-LLM context metrics only in the deprecated
    `ragas.metrics` (no `collections` successor yet); the judged ones come from there too, so both run through
    `evaluate` with the same dataset (and the judge through langchain-openai's ChatOpenAI)."""
    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")  # no usage analytics leave the machine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas import metrics as m

        return ([m.NonLLMContextPrecisionWithReference(), m.NonLLMContextRecall()],
                [m.Faithfulness(), m.ResponseRelevancy(), m.LLMContextPrecisionWithReference()])  # fmt: skip


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

    samples = [{"user_input": r.question, "retrieved_contexts": list(r.contexts), "reference_contexts": [r.reference_context],
                "response": r.response, "reference": r.reference} for r in rows.itertuples()]  # fmt: skip
    result = evaluate(EvaluationDataset.from_list(samples), metrics=metrics, llm=llm, embeddings=embeddings,
                      show_progress=False, raise_exceptions=False).to_pandas()  # fmt: skip
    return result.rename(columns=names)[list(names.values())].set_axis(rows.index)


def ragas_scores(frame: pd.DataFrame, judge: Judge | None = None, encode_query=None, encode_passage=None) -> pd.DataFrame:
    """Context precision / recall for every row with contexts; with a judge, the LLM-judged metrics for the
    answered rows. One column per metric (NaN where not scored), aligned with `frame`'s index."""
    names = {**CONTEXT_METRICS, **(LLM_METRICS if judge else {})}
    out = pd.DataFrame(math.nan, index=frame.index, columns=list(names.values()))
    with_contexts = frame[frame["contexts"].map(len) > 0]
    context, judged = _ragas_metrics()
    if len(with_contexts):
        out.update(_evaluate(with_contexts, CONTEXT_METRICS, context))
    answered = with_contexts[with_contexts["failure"] == ""]
    if judge and len(answered):
        out.update(_evaluate(answered, LLM_METRICS, judged, *_judge_models(judge, encode_query, encode_passage)))
    return out


def bleurt_scorer(checkpoint: str):
    """(scorer, "") when the checkpoint folder exists and the `bleurt` package imports, else (None, why)."""
    if not checkpoint:
        return None, "MIRACLE_BLEURT_CHECKPOINT is not set"
    if not Path(checkpoint).is_dir():
        return None, f"no checkpoint folder at {checkpoint}"
    try:
        from bleurt import score
    except ImportError:
        return None, "the bleurt package is not installed (pip install git+https://github.com/google-research/bleurt)"
    return score.BleurtScorer(checkpoint), ""
