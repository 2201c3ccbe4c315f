"""relevance_judgments and ir_eval_report per variant: held-out questions, pooled LLM judgments, metrics per model.

Questions are the QA pairs of test-split patients (never trained on); the corpus is every passage of the variant.
Every compared model (the base, the variant's fine-tuned model handed over by `finetuned_model`, the baselines and
BM25) is pooled, judged and scored on the same questions, with bootstrap intervals and a paired randomization test
against the base. Judgments are kept as an asset: a re-run judges only pairs the same judge model and prompt have
not graded. No text appears in metadata (the `de` variant is raw PHI).
"""

from collections.abc import Callable

import dagster as dg
import pandas as pd

from miracle_dagster.assets.variant_index import EVALUATION_AUTOMATION, PASSAGE_DEPS
from miracle_dagster.core import settings, training
from miracle_dagster.core.evaluation import bm25, ir, judge, significance
from miracle_dagster.core.training import registry
from miracle_dagster.metadata import bar_chart, column_schema, count_table, md_table
from miracle_dagster.partitions import variant_partitions
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.llm import LLMResource
from miracle_dagster.resources.storage import DataRoot

BEATS_BASE = "finetuned_beats_base"
GROUP_KINDS = ("language", "specialty", "year")


class EvalModelsConfig(dg.Config):
    models: list[str] = []  # default: base, fine-tuned, MIRACLE_EVAL_BASELINES, bm25 and fine-tuned+bm25 (hybrid)
    batch_size: int = 32


class JudgmentsConfig(EvalModelsConfig):
    """How many held-out questions, how deep each model's ranking is pooled, how much passage the judge reads."""

    max_questions: int = 50
    pool_depth: int = 10
    max_passage_chars: int = 2000


class IREvalConfig(EvalModelsConfig):
    min_grade: int = 2  # judged grade (0-3) from which a passage counts as relevant; the source passage always does
    n_resamples: int = 10000  # bootstrap and randomization-test resamples
    seed: int = 0


def compared(config: EvalModelsConfig, embedder: EmbeddingModels, finetuned_model: pd.DataFrame) -> tuple[EmbeddingModels, str, list[str]]:
    """(the embedder that knows the fine-tuned model, the base model, every compared model: base first)."""
    tuned, base = registry.models_of(finetuned_model)
    names = config.models or [base, tuned.name, *settings.eval_baselines(), bm25.BM25, f"{tuned.name}{ir.HYBRID}"]
    return embedder.including(tuned), base, list(dict.fromkeys([base, *names]))


def _ranker(
    embedder: EmbeddingModels, queries: dict[str, str], corpus: dict[str, str], language: str, depth: int, batch_size: int
) -> Callable[[str], dict[str, list[str]]]:
    """name -> each query's ranking of the corpus: `bm25`, `<model>+bm25` (both fused by RRF, as hybrid search does)
    or a dense model at its own token limit."""

    def rank_dense(model_name: str) -> dict[str, list[str]]:
        import torch

        model, prompts = _model(embedder, model_name)
        embed = embedder.cached(model_name, prompts[1], lambda texts: ir.embed_corpus(model, texts, prompts[1], batch_size))
        vectors = torch.from_numpy(embed(list(corpus.values())))
        return ir.rank(model, queries, corpus, depth, prompts, corpus_embeddings=vectors, batch_size=batch_size)

    return ir.ranker(queries, corpus, language, depth, rank_dense)


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
    partitions_def=variant_partitions,
    group_name="evaluation",
    kinds={"sentence_transformers", "pandas", "parquet"},
    deps=PASSAGE_DEPS,
    pool="llm",
    automation_condition=EVALUATION_AUTOMATION,
    description="Graded (0-3) relevance of every compared model's top passages for held-out questions, judged by the LLM.",
)
def relevance_judgments(
    context: dg.AssetExecutionContext,
    config: JudgmentsConfig,
    training_pairs: pd.DataFrame,
    finetuned_model: pd.DataFrame,
    data_root: DataRoot,
    embedder: EmbeddingModels,
    llm: LLMResource,
):
    variant = context.partition_key
    test = training_pairs[training_pairs["split"] == "test"]
    if test.empty:
        raise dg.Failure(f"training_pairs[{variant}] has no test-split questions: add patients or raise test_fraction")
    questions = test.sort_values("pair_id").head(config.max_questions)  # pair ids are content hashes: a fixed sample
    corpus, (embedder, _, names) = _corpus(data_root, variant), compared(config, embedder, finetuned_model)
    queries = dict(zip(questions["pair_id"], questions["query"]))
    language = training.VARIANT_LANGUAGE[variant]
    rank = _ranker(embedder, queries, corpus, language, config.pool_depth, config.batch_size)
    rankings = {n: rank(n) for n in names}
    pooled = judge.pool(dict(zip(questions["pair_id"], questions["passage_id"])), rankings, config.pool_depth)
    client = llm.client()
    asked = pooled[~pooled["is_source"]].drop(columns="is_source")
    previous = judge.reusable(data_root.read("relevance_judgments", variant), client.model_id).drop(columns="pooled_by")
    kept = asked.merge(previous, on=["question_id", "passage_id"])
    todo = asked.merge(kept[["question_id", "passage_id"]], how="left", indicator=True).query("_merge == 'left_only'")
    todo = todo.assign(question=todo["question_id"].map(queries), passage=todo["passage_id"].map(corpus))
    new = judge.judge(client, todo, config.max_passage_chars)
    out = pd.concat([judge.source_judgments(pooled), kept[judge.JUDGMENT_COLUMNS], new], ignore_index=True).astype({"grade": "Int64"})
    failed = out[out["grade"].isna()]
    return dg.Output(
        out,
        metadata={
            "variant": variant,
            "questions": len(questions),
            "models_pooled": ", ".join(names),
            "pool_depth": config.pool_depth,
            "corpus_passages": len(corpus),
            "pairs_pooled": len(pooled),
            "source_passages": int(pooled["is_source"].sum()),
            "already_judged": len(kept),
            "newly_judged": len(new),
            "failed": len(failed),
            "failed_by_reason": count_table(failed["reason"].value_counts().to_dict(), "reason", empty="No failures."),
            "grades": count_table({str(g): int(n) for g, n in out["grade"].value_counts(dropna=False).items()}, "grade"),
            "judge_model": client.model_id,
            "judge_prompt_version": judge.PROMPT_VERSION,
            **llm.describe(),
            **client.usage.as_metadata(),
            "dagster/row_count": len(out),
            "dagster/column_schema": column_schema(out),
        },
    )


@dg.asset(
    partitions_def=variant_partitions,
    group_name="evaluation",
    kinds={"sentence_transformers", "pandas", "parquet"},
    deps=PASSAGE_DEPS,
    check_specs=[dg.AssetCheckSpec(BEATS_BASE, asset="ir_eval_report")],
    automation_condition=EVALUATION_AUTOMATION,
    description="MAP@100, NDCG@10, MRR@10, recall, accuracy and precision @1/5/10/100 per model with 95% bootstrap intervals, "
    "overall and per language, specialty, year; each model against the base by a paired randomization test.",
)
def ir_eval_report(
    context: dg.AssetExecutionContext,
    config: IREvalConfig,
    relevance_judgments: pd.DataFrame,
    training_pairs: pd.DataFrame,
    finetuned_model: pd.DataFrame,
    data_root: DataRoot,
    embedder: EmbeddingModels,
):
    variant, language = context.partition_key, training.VARIANT_LANGUAGE[context.partition_key]
    if not 1 <= config.min_grade <= judge.SOURCE_GRADE:
        raise dg.Failure(f"min_grade must be 1-{judge.SOURCE_GRADE}, got {config.min_grade}")
    graded = relevance_judgments.dropna(subset=["grade"])
    gone = set(graded["question_id"]) - set(training_pairs["pair_id"])
    if gone:
        raise dg.Failure(f"{len(gone)} judged questions are no longer in training_pairs[{variant}]: re-materialize relevance_judgments")
    questions = training_pairs.drop_duplicates("pair_id").set_index("pair_id").loc[graded["question_id"].unique()]
    data = ir.IRSet(
        corpus=_corpus(data_root, variant),
        queries=questions["query"].to_dict(),
        qrels={},
        groups={q: {"language": language, "specialty": str(r.specialty), "year": str(r.year)} for q, r in questions.iterrows()},
    )
    for row in graded.itertuples():
        data.qrels.setdefault(row.question_id, {})[row.passage_id] = int(row.grade)
    try:
        relevant = ir.relevant_or_fail(data, config.min_grade)
    except ValueError as e:
        raise dg.Failure(f"ir_eval_report[{variant}]: {e}") from e
    embedder, base, names = compared(config, embedder, finetuned_model)
    queries = {q: data.queries[q] for q in relevant}
    rank = _ranker(embedder, queries, data.corpus, language, ir.DEPTH, config.batch_size)
    values = {n: ir.per_query(rank(n), relevant) for n in names}
    rows = pd.concat([ir.metric_rows(v, data, n, GROUP_KINDS, config.seed) for n, v in values.items()], ignore_index=True)
    comparison = significance.compare(values, base, ir.REPORTED, n_resamples=config.n_resamples, seed=config.seed)
    rows = rows.merge(
        comparison[["model", "metric", "delta_vs_base", "p_value"]].assign(group_kind="all"),
        how="left",
        on=["model", "group_kind", "metric"],
    )
    passed, map_values, losers = ir.finetuned_vs_base(rows, base)
    pooled = set(",".join(relevance_judgments["pooled_by"].fillna("")).split(",")) - {""}
    yield dg.Output(
        rows,
        metadata={
            "variant": variant,
            "models": ", ".join(names),
            "base_model": base,
            "questions": len(relevant),
            "corpus_passages": len(data.corpus),
            "judged_pairs": len(graded),
            "min_grade": config.min_grade,
            "mean_relevant_per_question": round(sum(map(len, relevant.values())) / len(relevant), 2),
            "questions_with_2_or_more_relevant": sum(len(d) >= 2 for d in relevant.values()),
            "models_not_in_pool": ", ".join(n for n in names if n not in pooled) or "none",
            "comparison": _comparison(comparison),
            **{f"{r.metric} {r.model}": round(r.mean, 4) for r in comparison.itertuples()},
            "map@100_by_group": _by_group(rows),
            "chart": bar_chart({m: ir.overall(rows)[m].to_dict() for m in ir.HEADLINE}, "score"),
            "max_seq_length": md_table(
                ["model", "tokens"],
                [(n, "–" if n == bm25.BM25 else embedder.sentence_transformer(n.removesuffix(ir.HYBRID)).max_seq_length) for n in names],
            ),
            "confidence": f"95% percentile bootstrap over questions ({config.n_resamples} resamples, seed {config.seed}); "
            f"p: paired randomization test against {base}",
            "dagster/row_count": len(rows),
            "dagster/column_schema": column_schema(rows),
        },
    )
    yield dg.AssetCheckResult(
        check_name=BEATS_BASE,
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={**{f"map@100 {m}": v for m, v in map_values.items()}, "not_above_base": ", ".join(losers) or "none"},
        description=f"Every fine-tuned model's MAP@100 is above its base model's ({base}).",
    )


def _comparison(frame: pd.DataFrame) -> dg.MetadataValue:
    """One row per model: each reported metric as `mean [low, high]`, and the p-value against the base."""
    cells = frame.assign(
        cell=[
            f"{r.mean:.4f} [{r.ci_low:.4f}, {r.ci_high:.4f}]" + (f" p={r.p_value:.3f}" if r.delta_vs_base else "")
            for r in frame.itertuples()
        ]
    )
    table = cells.pivot(index="model", columns="metric", values="cell").reindex(index=frame["model"].unique(), columns=list(ir.REPORTED))
    return md_table(["model", *table.columns], [(m, *r) for m, r in table.iterrows()])


def _by_group(rows: pd.DataFrame) -> dg.MetadataValue:
    """MAP@100 per model for each specialty and year (and the language), with the questions in the group."""
    frame = rows[(rows["metric"] == "map@100") & (rows["group_kind"] != "all")]
    table = frame.pivot_table(index=["group_kind", "group", "n_queries"], columns="model", values="value", sort=False)
    return md_table(
        ["group", "value", "questions", *table.columns],
        [(*key, *(f"{v:.4f}" for v in r)) for key, r in table.iterrows()],
        empty="No groups.",
    )
