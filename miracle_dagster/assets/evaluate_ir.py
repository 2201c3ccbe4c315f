"""relevance_judgments and ir_eval_report per variant: held-out questions, pooled LLM judgments, metrics per model.

Questions are the QA pairs of test-split patients (never trained on); the corpus is every passage of the variant.
Judgments are kept as an asset: a re-run judges only pairs the same judge model and prompt have not graded. No
text appears in metadata (the `de` variant is raw PHI).
"""

import dagster as dg
import pandas as pd

from miracle_dagster.core import settings, training
from miracle_dagster.core.evaluation import ir, judge
from miracle_dagster.core.training import registry
from miracle_dagster.metadata import bar_chart, column_schema, count_table, md_table
from miracle_dagster.partitions import variant_partitions
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.llm import LLMResource
from miracle_dagster.resources.storage import DataRoot

BEATS_BASE = "finetuned_beats_base"
LANGUAGE = {"de": "de", "de_pseudonymized": "de", "en_pseudonymized": "en"}
GROUP_KINDS = ("language", "specialty", "year")
_PASSAGE_DEPS = [dg.AssetDep(passages, partition_mapping=dg.AllPartitionMapping())
                 for passages in sorted({p for _, p in training.VARIANT_INPUTS.values()})]  # fmt: skip


class EvalModelsConfig(dg.Config):
    models: list[str] = []  # default: the embedder, finetuned-<variant> when registered, MIRACLE_EVAL_BASELINES
    max_seq_length: int = 0  # 0: each model's own limit
    batch_size: int = 32


class JudgmentsConfig(EvalModelsConfig):
    """How many held-out questions, how deep each model's ranking is pooled, how much passage the judge reads."""

    max_questions: int = 50
    pool_depth: int = 10
    max_passage_chars: int = 2000


class IREvalConfig(EvalModelsConfig):
    min_grade: int = 2  # judged grade (0-3) from which a passage counts as relevant; the source passage always does
    base_model: str = ""  # what fine-tuned models must beat; default: the embedder (finetuned_model's default base)


def compared_models(config: EvalModelsConfig, embedder: EmbeddingModels, variant: str) -> list[str]:
    tuned = registry.model_name(variant)
    names = config.models or [embedder.default_model, *([tuned] if tuned in embedder.registry() else []), *settings.eval_baselines()]
    return list(dict.fromkeys(names))


def _corpus(data_root: DataRoot, variant: str) -> dict[str, str]:
    name = training.VARIANT_INPUTS[variant][1]
    passages = data_root.read_all(name, ["passage_id", "text"])
    if passages is None:
        raise dg.Failure(f"the {variant} corpus needs {name}: materialize it for at least one specialty x year partition first")
    return dict(zip(passages["passage_id"], passages["text"]))


def _model(embedder: EmbeddingModels, name: str):
    model = embedder.sentence_transformer(name)
    return model, ir.model_prompts(model, embedder.spec(name))


@dg.asset(
    partitions_def=variant_partitions, group_name="evaluation", kinds={"sentence_transformers", "pandas", "parquet"},
    deps=_PASSAGE_DEPS, pool="llm",
    description="Graded (0-3) relevance of every compared model's top passages for held-out questions, judged by the LLM.",
)  # fmt: skip
def relevance_judgments(context: dg.AssetExecutionContext, config: JudgmentsConfig, training_pairs: pd.DataFrame,
                        data_root: DataRoot, embedder: EmbeddingModels, llm: LLMResource):  # fmt: skip
    variant = context.partition_key
    test = training_pairs[training_pairs["split"] == "test"]
    if test.empty:
        raise dg.Failure(f"training_pairs[{variant}] has no test-split questions: add patients or raise test_fraction")
    questions = test.sort_values("pair_id").head(config.max_questions)  # pair ids are content hashes: a fixed sample
    corpus, names = _corpus(data_root, variant), compared_models(config, embedder, variant)
    queries = dict(zip(questions["pair_id"], questions["query"]))
    rankings = {}
    for name in names:
        model, prompts = _model(embedder, name)
        with ir.max_length(model, config.max_seq_length):
            rankings[name] = ir.rank(model, queries, corpus, config.pool_depth, prompts, batch_size=config.batch_size)
    pooled = judge.pool(dict(zip(questions["pair_id"], questions["passage_id"])), rankings, config.pool_depth)
    client = llm.client()
    asked = pooled[~pooled["is_source"]].drop(columns="is_source")
    previous = judge.reusable(_previous(data_root, variant), client.model_id).drop(columns="pooled_by")
    kept = asked.merge(previous, on=["question_id", "passage_id"])
    todo = asked.merge(kept[["question_id", "passage_id"]], how="left", indicator=True).query("_merge == 'left_only'")
    todo = todo.assign(question=todo["question_id"].map(queries), passage=todo["passage_id"].map(corpus))
    new = judge.judge(client, todo, config.max_passage_chars)
    out = pd.concat([judge.source_judgments(pooled), kept[judge.JUDGMENT_COLUMNS], new], ignore_index=True).astype({"grade": "Int64"})
    failed = out[out["grade"].isna()]
    return dg.Output(out, metadata={
        "variant": variant, "questions": len(questions), "models_pooled": ", ".join(names), "pool_depth": config.pool_depth,
        "corpus_passages": len(corpus), "pairs_pooled": len(pooled), "source_passages": int(pooled["is_source"].sum()),
        "already_judged": len(kept), "newly_judged": len(new), "failed": len(failed),
        "failed_by_reason": count_table(failed["reason"].value_counts().to_dict(), "reason", empty="No failures."),
        "grades": count_table({str(g): int(n) for g, n in out["grade"].value_counts(dropna=False).items()}, "grade"),
        "judge_model": client.model_id, "judge_prompt_version": judge.PROMPT_VERSION, **llm.describe(),
        **client.usage.as_metadata(), "dagster/row_count": len(out), "dagster/column_schema": column_schema(out),
    })  # fmt: skip


def _previous(data_root: DataRoot, variant: str) -> pd.DataFrame | None:
    """This asset's last materialization of the partition, where the IO manager wrote it."""
    file = data_root.assets_dir / "relevance_judgments" / f"{variant}.parquet"
    return pd.read_parquet(file) if file.exists() else None


@dg.asset(
    partitions_def=variant_partitions, group_name="evaluation", kinds={"sentence_transformers", "pandas", "parquet"},
    deps=_PASSAGE_DEPS, check_specs=[dg.AssetCheckSpec(BEATS_BASE, asset="ir_eval_report")],
    description="MAP@100, NDCG@10, MRR@10, accuracy / precision / recall @1/5/10/100 per model, overall and per language, specialty, year.",
)  # fmt: skip
def ir_eval_report(context: dg.AssetExecutionContext, config: IREvalConfig, relevance_judgments: pd.DataFrame,
                   training_pairs: pd.DataFrame, data_root: DataRoot, embedder: EmbeddingModels):  # fmt: skip
    variant = context.partition_key
    if not 1 <= config.min_grade <= judge.SOURCE_GRADE:
        raise dg.Failure(f"min_grade must be 1-{judge.SOURCE_GRADE}, got {config.min_grade}")
    graded = relevance_judgments.dropna(subset=["grade"])
    gone = set(graded["question_id"]) - set(training_pairs["pair_id"])
    if gone:
        raise dg.Failure(f"{len(gone)} judged questions are no longer in training_pairs[{variant}]: re-materialize relevance_judgments")
    questions = training_pairs.drop_duplicates("pair_id").set_index("pair_id").loc[graded["question_id"].unique()]
    data = ir.IRSet(
        corpus=_corpus(data_root, variant), queries=questions["query"].to_dict(), qrels={},
        groups={q: {"language": LANGUAGE[variant], "specialty": str(r.specialty), "year": str(r.year)} for q, r in questions.iterrows()},
    )  # fmt: skip
    for row in graded.itertuples():
        data.qrels.setdefault(row.question_id, {})[row.passage_id] = int(row.grade)
    names = compared_models(config, embedder, variant)
    frames = []
    for name in names:
        model, prompts = _model(embedder, name)
        with ir.max_length(model, config.max_seq_length):
            frames.append(ir.evaluate(model, data, name, prompts, config.min_grade, GROUP_KINDS, config.batch_size))
    rows = pd.concat(frames, ignore_index=True)
    base = config.base_model or embedder.default_model
    passed, values, losers = ir.finetuned_vs_base(rows, base)
    relevant = data.relevant(config.min_grade)
    pooled = set(",".join(relevance_judgments["pooled_by"].fillna("")).split(",")) - {""}
    yield dg.Output(rows, metadata={
        "variant": variant, "models": ", ".join(names), "questions": len(relevant), "corpus_passages": len(data.corpus),
        "judged_pairs": len(graded), "min_grade": config.min_grade,
        "mean_relevant_per_question": round(sum(map(len, relevant.values())) / max(1, len(relevant)), 2),
        "questions_with_2_or_more_relevant": sum(len(d) >= 2 for d in relevant.values()),
        "models_not_in_pool": ", ".join(n for n in names if n not in pooled) or "none",
        "overall": _table(ir.overall(rows)), "map@100_by_group": _by_group(rows),
        "chart": bar_chart({m: ir.overall(rows)[m].to_dict() for m in ir.HEADLINE}, "score"),
        "dagster/row_count": len(rows), "dagster/column_schema": column_schema(rows),
    })  # fmt: skip
    yield dg.AssetCheckResult(
        check_name=BEATS_BASE, passed=passed, severity=dg.AssetCheckSeverity.WARN,
        metadata={**{f"map@100 {m}": v for m, v in values.items()}, "not_above_base": ", ".join(losers) or "none"},
        description=f"Every fine-tuned model's MAP@100 is above its base model's ({base}).",
    )


def _table(frame: pd.DataFrame) -> dg.MetadataValue:
    return md_table(["model", *frame.columns], [(m, *(f"{v:.4f}" for v in r)) for m, r in frame.iterrows()])


def _by_group(rows: pd.DataFrame) -> dg.MetadataValue:
    """MAP@100 per model for each specialty and year (and the language), with the questions in the group."""
    frame = rows[(rows["metric"] == "map@100") & (rows["group_kind"] != "all")]
    table = frame.pivot_table(index=["group_kind", "group", "n_queries"], columns="model", values="value", sort=False)
    return md_table(["group", "value", "questions", *table.columns],
                    [(*key, *(f"{v:.4f}" for v in r)) for key, r in table.iterrows()], empty="No groups.")  # fmt: skip
