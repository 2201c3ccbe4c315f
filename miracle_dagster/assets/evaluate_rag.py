"""rag_eval_report[variant]: the study's RAG evaluation, cross-patient and patient-centred, base vs fine-tuned.

Questions are the variant's test-split training pairs (the split decided in `report_sections`), asked in the
variant's language (the study compared German and English contexts); each model searches its collection of the
same passages in `variant_index`, the LLM answers from the top-k, and the answers are scored against the reference.
"""

import os
from collections import Counter
from importlib import metadata

import dagster as dg
import pandas as pd

from miracle_dagster.assets.variant_index import EVALUATION_AUTOMATION, aliases, variant_index
from miracle_dagster.core import training
from miracle_dagster.core.evaluation import rag, rag_metrics
from miracle_dagster.core.training import registry
from miracle_dagster.metadata import bar_chart, column_schema, count_table, md_table
from miracle_dagster.partitions import variant_partitions
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.llm import LLMResource
from miracle_dagster.resources.qdrant import QdrantResource

PATIENT_CHECK = "patient_centred_stays_with_patient"
GROUPS = ("specialty", "year")


class RagEvalConfig(dg.Config):
    """How many test questions, how many passages each answer sees, how the answers are scored."""

    max_questions: int = 20
    top_k: int = 5
    max_answer_tokens: int = 128
    bertscore_model: str = "multilingual-e5-small"  # a registry name: its provisioned local folder is scored with
    bertscore_layer: int = 9  # of 12; bert-score's choice for the multilingual BERT / XLM-R bases
    bleurt_checkpoint: str = ""  # default: MIRACLE_BLEURT_CHECKPOINT


def _judge(llm: LLMResource) -> rag_metrics.Judge | None:
    if llm.backend in ("openai", "vllm") and llm.base_url:
        return rag_metrics.Judge(llm.model, llm.base_url, llm.api_key or "")
    return None


@dg.asset(
    partitions_def=variant_partitions,
    group_name="evaluation",
    kinds={"qdrant", "pandas"},
    pool="qdrant",  # after the index writers, so it reads a settled index (its read view never blocks them)
    deps=[variant_index],
    automation_condition=EVALUATION_AUTOMATION,
    check_specs=[dg.AssetCheckSpec(PATIENT_CHECK, asset="rag_eval_report", blocking=True)],
    description="RAG with the base and the fine-tuned model: test-split questions answered from the top-k passages of "
    "all patients (cross-patient) and of the question's patient (patient-centred), scored against the reference; "
    "means per model, scenario, specialty and year.",
)
def rag_eval_report(
    context: dg.AssetExecutionContext,
    config: RagEvalConfig,
    training_pairs: pd.DataFrame,
    finetuned_model: pd.DataFrame,
    embedder: EmbeddingModels,
    qdrant: QdrantResource,
    llm: LLMResource,
):
    variant, language = context.partition_key, training.VARIANT_LANGUAGE[context.partition_key]
    questions, rejected = rag.select_questions(training_pairs, config.max_questions)
    if questions.empty:
        raise dg.Failure(f"training_pairs[{variant}] has no test-split question with a reference answer")
    tuned, base = registry.models_of(finetuned_model)
    embedder = embedder.including(tuned)
    llm_client, judge = llm.client(), _judge(llm)
    bleurt, bleurt_missing = rag_metrics.bleurt_scorer(config.bleurt_checkpoint or os.environ.get("MIRACLE_BLEURT_CHECKPOINT", ""))
    frames = []
    for name, alias in aliases(variant, tuned.name, base).items():
        with qdrant.open(read_only=True) as store:  # a read view, released before the slow LLM part
            rows = rag.retrieve(store, alias, embedder.encoder(name, "query"), questions, config.top_k)
        frame = rag.as_frame(rag.answer(rows, llm_client, language, config.max_answer_tokens))
        frames.append(_score(frame, config, embedder, name, judge, bleurt).assign(model=name))
    frame = pd.concat(frames, ignore_index=True)
    foreign = _foreign_contexts(frame)
    report = frame.assign(language=language, n_contexts=frame["context_ids"].map(len)).drop(
        columns=["contexts", "context_patients", "reference_context"]
    )
    metrics = [c for c in rag_metrics.SCORE_COLUMNS if c in report and report[c].notna().any()]
    means = report.groupby(["model", "scenario"], sort=False)[metrics].mean()
    yield dg.Output(
        report,
        metadata={
            "variant": variant,
            "language": language,
            "models": ", ".join(report["model"].unique()),
            "questions": len(questions),
            "questions_rejected": count_table(rejected, "reason", empty="None rejected."),
            "rows": len(report),
            "answered": int((report["failure"] == "").sum()),
            "failed": int((report["failure"] != "").sum()),
            "failures": count_table(
                Counter(f"{m} {s}: {f}" for m, s, f in zip(report["model"], report["scenario"], report["failure"]) if f),
                "model scenario: reason",
                empty="No failures.",
            ),
            "metrics": md_table(["model", "scenario", *metrics], [(*key, *(_fmt(v) for v in row)) for key, row in means.iterrows()]),
            **{f"{metric} {m} {s}": float(v) for (m, s), row in means.iterrows() for metric, v in row.items() if pd.notna(v)},
            **{f"by_{group}": _breakdown(report, metrics, group) for group in GROUPS},
            "metrics_chart": bar_chart(
                {metric: {f"{m} {s}": float(v) for (m, s), v in means[metric].items() if pd.notna(v)} for metric in metrics}, "mean score"
            ),
            "context_precision": rag_metrics.context_precision_kind(judge),
            "bertscore": f"F1, {config.bertscore_model} layer {config.bertscore_layer} of a local folder, no idf, no rescaling",
            "bleurt": f"not available ({bleurt_missing})" if bleurt_missing else "scored",
            "ragas_version": metadata.version("ragas"),
            "judge": f"{judge.model} at {llm.describe().get('llm_endpoint', '')}" if judge else rag_metrics.JUDGE_MISSING,
            "max_seq_length": md_table(
                ["model", "tokens"], [(n, embedder.sentence_transformer(n).max_seq_length) for n in report["model"].unique()]
            ),
            "answer_prompt_version": rag.prompt_version(language),
            "top_k": config.top_k,
            **llm.describe(),
            **llm_client.usage.as_metadata(),
            "dagster/row_count": len(report),
            "dagster/column_schema": column_schema(report),
        },
    )
    yield dg.AssetCheckResult(
        check_name=PATIENT_CHECK,
        passed=foreign == 0,
        metadata={"foreign_contexts": foreign},
        description="Patient-centred answers saw only the question's own patient's passages.",
    )


def _score(
    frame: pd.DataFrame, config: RagEvalConfig, embedder: EmbeddingModels, model_name: str, judge: rag_metrics.Judge | None, bleurt
) -> pd.DataFrame:
    """BERTScore (and BLEURT when configured) for answered rows, ragas for the rows it can score."""
    answered = frame["failure"] == ""
    responses, references = frame.loc[answered, "response"].tolist(), frame.loc[answered, "reference"].tolist()
    frame["bertscore_f1"] = float("nan")
    frame.loc[answered, "bertscore_f1"] = rag_metrics.bertscore_f1(
        responses, references, embedder.provision(config.bertscore_model), config.bertscore_layer
    )
    if bleurt is not None:
        frame["bleurt"] = float("nan")
        frame.loc[answered, "bleurt"] = bleurt.score(references=references, candidates=responses)
    return frame.join(rag_metrics.ragas_scores(frame, judge, embedder.encoder(model_name, "query"), embedder.encoder(model_name)))


def _breakdown(report: pd.DataFrame, metrics: list[str], by: str) -> dg.MetadataValue:
    table = rag_metrics.breakdown(report, metrics, by)
    return md_table(
        table.columns,
        [[_fmt(v) if isinstance(v, float) else v for v in row] for row in table.itertuples(index=False)],
        empty="No answered questions.",
    )


def _foreign_contexts(frame: pd.DataFrame) -> int:
    centred = frame[frame["scenario"] == "patient_centred"]
    return int(sum(p != own for own, patients in zip(centred["patient_id"], centred["context_patients"]) for p in patients))


def _fmt(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.3f}"
