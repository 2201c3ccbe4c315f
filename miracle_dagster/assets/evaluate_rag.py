"""`<model>/rag_eval_report`: the study's RAG evaluation, cross-patient and patient-centred, per index model.

One report per index model, keyed beside its `qdrant_collection` like the index assets: in the graph each report
sits right after the collection it reads, it re-runs on its own when that model's alias moves, and its page
compares the two scenarios of one model; the rows carry the model name for comparisons across models.
"""

import os
from collections import Counter
from importlib import metadata

import dagster as dg
import pandas as pd

from miracle_dagster.assets.index import asset_prefix
from miracle_dagster.core import settings, vector_index
from miracle_dagster.core.evaluation import rag, rag_metrics
from miracle_dagster.metadata import bar_chart, column_schema, count_table, md_table
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.llm import LLMResource
from miracle_dagster.resources.qdrant import QdrantResource
from miracle_dagster.resources.storage import DataRoot

PATIENT_CHECK = "patient_centred_stays_with_patient"
JUDGE_MISSING = "none: the LLM-judged ragas metrics need MIRACLE_LLM_BACKEND=openai or vllm with MIRACLE_LLM_BASE_URL"


class RagEvalConfig(dg.Config):
    """Questions come from the test patients of the training split (same seed and fractions as training_pairs)."""

    max_questions: int = 20
    top_k: int = 5
    max_answer_tokens: int = 128
    split_seed: int = 0
    dev_fraction: float = 0.15
    test_fraction: float = 0.15
    bertscore_model: str = "multilingual-e5-small"  # a registry name: its provisioned local folder is scored with
    bertscore_layer: int = 9  # of 12; bert-score's choice for the multilingual BERT / XLM-R bases
    bleurt_checkpoint: str = ""  # default: MIRACLE_BLEURT_CHECKPOINT


def _judge(llm: LLMResource) -> rag_metrics.Judge | None:
    if llm.backend in ("openai", "vllm") and llm.base_url:
        return rag_metrics.Judge(llm.model, llm.base_url, llm.api_key or "")
    return None


def _qa_asset() -> str:
    """The QA pairs matching the indexed passages: their ids and texts are the same."""
    return "qa_pairs" if settings.index_source() == "report_sections" else "pseudonymized_qa_pairs"


def _inputs(data_root: DataRoot) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    qa_name = _qa_asset()
    qa, passages = data_root.read_all(qa_name), data_root.read_all(settings.index_source(), ["passage_id", "text"])
    if qa is None or passages is None:
        raise dg.Failure(f"rag_eval_report needs {qa_name} and {settings.index_source()}: materialize them first.")
    return qa_name, qa, passages


def build_rag_eval_assets(model_name: str) -> list:
    prefix = asset_prefix(model_name)

    @dg.asset(
        key=[prefix, "rag_eval_report"],
        deps=[dg.AssetKey([prefix, "qdrant_collection"]), dg.AssetDep(_qa_asset(), partition_mapping=dg.AllPartitionMapping())],
        group_name="evaluation",
        kinds={"qdrant", "pandas"},
        pool="qdrant",  # the embedded store admits one process at a time
        check_specs=[dg.AssetCheckSpec(PATIENT_CHECK, asset=dg.AssetKey([prefix, "rag_eval_report"]), blocking=True)],
        description=f"RAG with {model_name}: test-split questions answered from the top-k passages of the whole "
        "collection (cross-patient) and of the question's patient (patient-centred), scored against the reference.",
    )
    def rag_eval_report(config: RagEvalConfig, data_root: DataRoot, embedder: EmbeddingModels, qdrant: QdrantResource,
                        llm: LLMResource):  # fmt: skip
        qa_from, qa, passages = _inputs(data_root)
        questions, rejected = rag.select_questions(qa, passages, config.max_questions, config.split_seed,
                                                   config.dev_fraction, config.test_fraction)  # fmt: skip
        alias = vector_index.alias_name(embedder.spec(model_name).name)
        with qdrant.open() as client:
            rows = rag.retrieve(client, alias, embedder.encoder(model_name, "query"), questions, config.top_k)
        llm_client = llm.client()
        frame = rag.as_frame(rag.answer(rows, llm_client, "de", config.max_answer_tokens))
        answered = frame["failure"] == ""
        judge = _judge(llm)
        frame, scored, bleurt_missing = _score(frame, answered, config, embedder, model_name, judge)
        foreign = _foreign_contexts(frame)
        report = frame.assign(model=model_name, n_contexts=frame["context_ids"].map(len)).drop(
            columns=["contexts", "context_patients", "reference_context"]
        )
        metrics = [c for c in scored if c in report]
        means = report.groupby("scenario")[metrics].mean().reindex(list(rag.SCENARIOS))
        yield dg.Output(report, metadata={
            "model": model_name, "collection_alias": alias, "questions_from": qa_from, "questions": len(questions),
            "questions_rejected": count_table(rejected, "reason", empty="None rejected."),
            "rows": len(report), "answered": int(answered.sum()), "failed": int((~answered).sum()),
            "failures": count_table(Counter(f"{s}: {f}" for s, f in zip(report["scenario"], report["failure"]) if f),
                                    "scenario: reason", empty="No failures."),
            "metrics": md_table(["scenario", *metrics], [(s, *(_fmt(v) for v in means.loc[s])) for s in means.index]),
            "metrics_chart": bar_chart({m: {s: float(means.loc[s, m]) for s in means.index if pd.notna(means.loc[s, m])}
                                        for m in metrics}, "mean score"),
            "bertscore": f"F1, {config.bertscore_model} layer {config.bertscore_layer} of a local folder, no idf, no rescaling",
            "bleurt": f"not available ({bleurt_missing})" if bleurt_missing else "scored",
            "ragas_version": metadata.version("ragas"), "judge": f"{judge.model} at {llm.describe().get('llm_endpoint', '')}" if judge else JUDGE_MISSING,
            "judge_unscored_rows": int(report.loc[answered, list(rag_metrics.LLM_METRICS.values())].isna().any(axis=1).sum()) if judge else 0,
            "answer_prompt_version": rag.prompt_version("de"), "top_k": config.top_k, **llm.describe(),
            **llm_client.usage.as_metadata(), "dagster/row_count": len(report), "dagster/column_schema": column_schema(report),
        })  # fmt: skip
        yield dg.AssetCheckResult(check_name=PATIENT_CHECK, passed=foreign == 0, metadata={"foreign_contexts": foreign},
                                  description="Patient-centred answers saw only the question's own patient's passages.")  # fmt: skip

    return [rag_eval_report]


def _score(frame: pd.DataFrame, answered: pd.Series, config: RagEvalConfig, embedder: EmbeddingModels, model_name: str,
           judge: rag_metrics.Judge | None) -> tuple[pd.DataFrame, list[str], str]:
    """BERTScore and BLEURT for answered rows, ragas for the rest it can score; returns the frame with one column
    per metric, the metric names, and why BLEURT is missing ("" when it scored)."""
    frame["bertscore_f1"] = float("nan")
    frame.loc[answered, "bertscore_f1"] = rag_metrics.bertscore_f1(frame.loc[answered, "response"].tolist(),
        frame.loc[answered, "reference"].tolist(), embedder.provision(config.bertscore_model), config.bertscore_layer)  # fmt: skip
    scores = rag_metrics.ragas_scores(frame, judge, embedder.encoder(model_name, "query"), embedder.encoder(model_name))
    frame = frame.join(scores)
    bleurt, missing = rag_metrics.bleurt_scorer(config.bleurt_checkpoint or os.environ.get("MIRACLE_BLEURT_CHECKPOINT", ""))
    if bleurt is not None:
        frame["bleurt"] = float("nan")
        frame.loc[answered, "bleurt"] = bleurt.score(references=frame.loc[answered, "reference"].tolist(),
                                                     candidates=frame.loc[answered, "response"].tolist())  # fmt: skip
    return frame, ["bertscore_f1", *scores.columns, *(["bleurt"] if bleurt is not None else [])], missing


def _foreign_contexts(frame: pd.DataFrame) -> int:
    centred = frame[frame["scenario"] == "patient_centred"]
    return int(sum(p != own for own, patients in zip(centred["patient_id"], centred["context_patients"]) for p in patients))


def _fmt(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.3f}"
