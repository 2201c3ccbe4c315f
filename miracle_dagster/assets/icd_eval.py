"""icd_eval_report: R@1/5/10, MRR and three-character accuracy per language for the base bi-encoder, the fine-tuned one and with the reranker,
on the held-out phrasings (of held-out codes when the bi-encoder split by code) and on CodiEsp's real Spanish diagnosis mentions against ICD-10-CM."""

from pathlib import Path

import dagster as dg
import pandas as pd

from miracle_dagster.assets.icd_models import latest, pairs_for
from miracle_dagster.core.icd import RERANK_TOP_N, catalog, codiesp, metrics, registry
from miracle_dagster.metadata import bar_chart, count_table, md_table
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.storage import DataRoot

RERANK_CHECK = "reranker_keeps_recall_at_5"
MODELS = ("base", "finetuned", "finetuned+reranker")
HELD_OUT = {"phrasing": "held-out phrasings", "code": "held-out codes"}  # by the bi-encoder's split_by


class IcdEvalConfig(dg.Config):
    top_k: int = 10
    rerank_top_n: int = RERANK_TOP_N
    codiesp: bool = True
    codiesp_split: str = "dev"
    codiesp_max_mentions: int = 300  # 0: all; mentions whose code lies in the catalogue's chapters
    codiesp_prefixes: list[str] = []  # narrow the ICD-10-CM codes further, e.g. ["I2"]
    codiesp_dir: str = ""  # default MIRACLE_CODIESP_DIR


def _evaluate(
    name: str, texts: list[str], gold: list[str], languages: list[str], index, reranker, config: IcdEvalConfig, weight: float | None = None
) -> list[dict]:
    summary = metrics.search_summary(index, texts, gold, languages, config.top_k, reranker, config.rerank_top_n, weight)
    return [{"dataset": name, **row} for row in summary.to_dict("records")]


def _all_models(dataset, texts, gold, languages, indexes, reranker, config, weight) -> list[dict]:
    rows = []
    for model, index, rerank in zip(MODELS, (indexes[0], indexes[1], indexes[1]), (None, None, reranker)):
        rows += [{**row, "model": model} for row in _evaluate(dataset, texts, gold, languages, index, rerank, config, weight)]
    return rows


def _codiesp(config: IcdEvalConfig, chapters: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The ICD-10-CM terminal codes of the catalogue's chapters and the mentions to look them up with; every
    mention not evaluated is counted by why (code unknown to ICD-10-CM, outside the selection, not a leaf)."""
    mentions, counts = codiesp.load_mentions(config.codiesp_split, Path(config.codiesp_dir) if config.codiesp_dir else None)
    full = catalog.load("icd10cm")
    cm = catalog.select(full, catalog.Selection("icd10cm", chapters=tuple(chapters), prefixes=tuple(config.codiesp_prefixes)))
    known = mentions["code"].isin(set(full["code"]))
    chapter = mentions["code"].map(full.drop_duplicates("code").set_index("code")["chapter"])
    inside = known & chapter.isin(chapters) & mentions["code"].str.startswith(tuple(config.codiesp_prefixes or [""]))
    leaf = mentions["code"].isin(set(cm["code"]))
    counts.update(
        {
            "code_not_in_icd10cm": int((~known).sum()),
            "outside_selection": int((known & ~inside).sum()),
            "code_not_terminal": int((inside & ~leaf).sum()),
        }
    )
    mentions = mentions[inside & leaf]
    if config.codiesp_max_mentions:
        counts["over_max_mentions"] = max(0, len(mentions) - config.codiesp_max_mentions)
        mentions = mentions.head(config.codiesp_max_mentions)
    counts["evaluated"] = len(mentions)
    return cm, mentions, dict(counts)


@dg.asset(
    group_name="icd",
    kinds={"pandas", "parquet"},
    deps=["icd_reranker"],
    check_specs=[dg.AssetCheckSpec(RERANK_CHECK, asset="icd_eval_report")],
    description="Recall@1/5/10, MRR and three-character accuracy per language and model on held-out phrasings and on CodiEsp mentions.",
)
def icd_eval_report(
    config: IcdEvalConfig,
    icd_synthetic_queries: pd.DataFrame,
    icd_code_catalog: pd.DataFrame,
    data_root: DataRoot,
    embedder: EmbeddingModels,
):
    bi_entry, rr_entry = latest(data_root, "biencoder"), latest(data_root, "reranker")
    reranker = registry.trained_reranker(rr_entry)
    held_out = pairs_for(icd_synthetic_queries, icd_code_catalog, bi_entry)
    held_out = held_out[held_out["split"] == "test"]
    dataset = HELD_OUT[bi_entry.get("split_by", "code")]
    home = Path(data_root.path)
    indexes = (embedder.code_index(icd_code_catalog, home), registry.trained_index(bi_entry, icd_code_catalog, home))
    rows = _all_models(
        dataset,
        held_out["query"].tolist(),
        held_out["code"].tolist(),
        held_out["language"].tolist(),
        indexes,
        reranker,
        config,
        rr_entry.get("rerank_weight"),
    )
    codiesp_counts = {}
    if config.codiesp:
        cm, mentions, codiesp_counts = _codiesp(config, sorted(icd_code_catalog["chapter"].unique()))
        cm_indexes = (embedder.code_index(cm, home), registry.trained_index(bi_entry, cm, home))
        rows += _all_models(
            "CodiEsp (ICD-10-CM)",
            mentions["text"].tolist(),
            mentions["code"].tolist(),
            mentions["language"].tolist(),
            cm_indexes,
            reranker,
            config,
            rr_entry.get("rerank_weight"),
        )
    report = pd.DataFrame(rows)[["dataset", "model", "language", "queries", "R@1", "R@5", "R@10", "MRR", "3-char acc"]]
    r5 = report[report["language"] == "all"].set_index(["dataset", "model"])["R@5"]
    held = r5.get(dataset, pd.Series(dtype=float))
    passed = held.empty or held.get("finetuned+reranker", 0.0) >= held.get("finetuned", 0.0)
    table = report.assign(**{c: report[c].round(3) for c in ("R@1", "R@5", "R@10", "MRR", "3-char acc")})
    chart = {f"{d} {lang}": group.set_index("model")["R@5"].to_dict() for (d, lang), group in report.groupby(["dataset", "language"])}
    yield dg.Output(
        report,
        metadata={
            "report": md_table(table.columns, table.values),
            "recall_at_5": bar_chart(chart, "R@5"),
            "held_out_phrasings": len(held_out),
            "held_out_codes": int(held_out["code"].nunique()),
            "codiesp": count_table(codiesp_counts, "mentions", empty="CodiEsp not evaluated."),
            "biencoder_version": bi_entry["version"],
            "reranker_base": rr_entry["base_encoder"],
            "rerank_weight": str(rr_entry.get("rerank_weight")),
            "base_model": embedder.spec().name,
            "prompt_version": str(icd_synthetic_queries["prompt_version"].iloc[0]) if len(icd_synthetic_queries) else "",
        },
    )
    yield dg.AssetCheckResult(
        check_name=RERANK_CHECK,
        passed=bool(passed),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={f"R@5 {m}": float(v) for m, v in held.items()},
        description="On the held-out phrasings the reranker does not lower R@5 below the fine-tuned bi-encoder's.",
    )
