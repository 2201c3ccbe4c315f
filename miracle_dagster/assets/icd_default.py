"""icd_public_terms -> icd_default_biencoder -> icd_default_reranker -> icd_default_eval_report: the default ICD-10-GM
code search, trained on public term -> code data without an LLM (core/icd/public_terms.py, default_model.py,
default_reranker.py), and its numbers.

`miracle icd-train` does what the first three do, outside Dagster.
"""

from pathlib import Path

import dagster as dg
import pandas as pd

from miracle_dagster.config import config_from
from miracle_dagster.core.icd import default_model, default_reranker, defaults, registry
from miracle_dagster.core.icd.search import with_index_text
from miracle_dagster.core.text import normalized
from miracle_dagster.metadata import bar_chart, column_schema, count_table, curve, md_table
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.storage import DataRoot

COVERAGE_CHECK, LEAK_CHECK = "every_code_has_a_term", "no_test_term_in_training"
IcdTermsConfig = config_from(defaults.TermsConfig)
IcdDefaultModelConfig = config_from(defaults.DefaultModelConfig)
IcdDefaultRerankConfig = config_from(defaults.DefaultRerankConfig)


@dg.asset(
    group_name="icd_default",
    kinds={"pandas", "parquet"},
    check_specs=[
        dg.AssetCheckSpec(COVERAGE_CHECK, asset="icd_public_terms", blocking=True),
        dg.AssetCheckSpec(LEAK_CHECK, asset="icd_public_terms", blocking=True),
    ],
    deps=["icd_synthetic_queries"],  # read when an LLM run has written it: no input, so no LLM is needed
    description="ICD-10-GM titles, ICD-10-CM titles and inclusion terms, WHO titles, CodiEsp mentions and LLM phrasings keyed to GM codes.",
)
def icd_public_terms(config: IcdTermsConfig, data_root: DataRoot):
    phrasings, used = default_model.llm_phrasings(data_root.read)
    gm, terms, read = default_model.load_sources(config.to_core(), phrasings)
    frame = terms.terms
    covered = set(frame.loc[frame["source"] == "gm_title", "code"])
    missing = sorted(set(gm.loc[gm["terminal"], "code"]) - covered)
    train = set(frame.loc[frame["split"] == "train", "text"].map(normalized))
    leaked = frame[(frame["split"] != "train") & frame["text"].map(normalized).isin(train)]
    counts = frame.groupby(["source", "split"]).size().reset_index(name="terms")
    yield dg.Output(
        frame,
        metadata={
            "terms": len(frame),
            "codes": len(covered),
            "by_source_and_split": md_table(counts.columns, counts.values),
            "left_out": count_table(terms.left_out, "reason", empty="Nothing left out."),
            **read,
            "llm_phrasings": used,
            "examples": md_table(["code", "language", "text"], frame.groupby("source").head(2)[["code", "language", "text"]].values),
            "dagster/row_count": len(frame),
            "dagster/column_schema": column_schema(frame),
        },
    )
    yield dg.AssetCheckResult(
        check_name=COVERAGE_CHECK,
        passed=not missing,
        metadata={"codes_without_a_term": len(missing), "first": ", ".join(missing[:10])},
        description="Every terminal GM code has at least its own title as a training term.",
    )
    yield dg.AssetCheckResult(
        check_name=LEAK_CHECK,
        passed=leaked.empty,
        metadata={"held_out_terms_in_training": len(leaked)},
        description="No held-out (dev or test) term is also a training term.",
    )


@dg.asset(
    group_name="icd_default",
    kinds={"sentence_transformers", "pytorch"},
    description="The embedder fine-tuned on icd_public_terms against enriched code texts: the model `miracle icd` uses.",
)
def icd_default_biencoder(config: IcdDefaultModelConfig, icd_public_terms: pd.DataFrame, data_root: DataRoot, embedder: EmbeddingModels):
    entry, result, index_text, pairs, weights = default_model.train_and_publish(
        embedder, data_root.models_store, data_root.local_models, Path(data_root.path), config.to_core(), icd_public_terms
    )
    best = max(result.evals, key=lambda e: e["map@100"], default={})
    train = pairs[pairs["split"] == "train"]
    return dg.MaterializeResult(
        metadata={
            "base_model": entry["base_model"],
            "version": entry["version"],
            "path": dg.MetadataValue.path(entry["path"]),
            "train_pairs_by_language": count_table(train["language"].value_counts().to_dict(), "language"),
            "dev_terms": int((pairs["split"] == "dev").sum()),
            "steps": result.steps,
            "train_seconds": round(result.train_seconds, 1),
            "dev_map@100": best.get("map@100"),
            "base_dev_map@100": result.base_metrics.get("dev_cosine_map@100"),
            "index_text_example": md_table(["code", "index text"], list(index_text.head(3).items())),
            "index_seconds": entry["index_seconds"],
            "synonym_weight": entry["synonym_weight"],
            "lexical_weight": entry["lexical_weight"],
            "dev_r5_by_weights": md_table(weights.columns, weights.round(3).values, empty="No dev terms."),
            "loss_curve": curve(result.losses, "step", "loss"),
        }
    )


@dg.asset(
    group_name="icd_default",
    kinds={"sentence_transformers", "pytorch"},
    deps=["icd_default_biencoder"],
    description="A CrossEncoder trained on icd_public_terms to reorder the default bi-encoder's top codes, fused by a weight chosen on dev terms.",
)
def icd_default_reranker(config: IcdDefaultRerankConfig, icd_public_terms: pd.DataFrame, data_root: DataRoot):
    entry = trained_default(data_root, icd_public_terms)
    entry, result, weights, examples = default_reranker.train_and_publish(
        entry, icd_public_terms, data_root.models_store, data_root.local_models, Path(data_root.path), config.to_core()
    )
    return dg.MaterializeResult(
        metadata={
            "biencoder_version": entry["version"],
            "path": dg.MetadataValue.path(entry["reranker"]["path"]),
            "examples": examples,
            "steps": result.steps,
            "train_seconds": round(result.train_seconds, 1),
            "loss_curve": curve(result.losses, "step", "loss"),
            "rerank_weight": str(entry["reranker"]["rerank_weight"]),
            "dev_r5_by_weight": md_table(weights.columns, weights.round(3).values, empty="No dev terms."),
        }
    )


def trained_default(data_root: DataRoot, terms: pd.DataFrame) -> dict:
    """The default model's latest.json entry, refused unless it was trained on these terms."""
    entry = registry.read_latest(data_root.models_store).get(default_model.KIND)
    if not entry:
        raise dg.Failure(description="no default ICD model: materialize icd_default_biencoder first")
    if entry.get("terms_version") != default_model.terms_version(terms):
        raise dg.Failure(description="the default model was trained on other terms: materialize icd_default_biencoder again")
    return entry


class IcdDefaultEvalConfig(dg.Config):
    max_per_source: int = 300  # held-out terms per source (a seeded sample); 0: all
    seed: int = 0
    terms_file: str = ""  # your own phrasings as JSONL {"code", "text", "lang"}: evaluated as source `terms_file`


@dg.asset(
    group_name="icd_default",
    kinds={"pandas"},
    deps=["icd_default_reranker"],
    description="R@1/5/10, MRR, 3-char accuracy per source and language: base on titles and on enriched text, fine-tuned, with synonyms, with n-grams, reranked.",
)
def icd_default_eval_report(config: IcdDefaultEvalConfig, icd_public_terms: pd.DataFrame, data_root: DataRoot, embedder: EmbeddingModels):
    entry = trained_default(data_root, icd_public_terms)
    gm = default_model.trained_catalogue(icd_public_terms)
    codes = gm[gm["terminal"]].reset_index(drop=True)
    queries = default_model.held_out(icd_public_terms, config.max_per_source, config.seed)
    if config.terms_file:
        own = pd.read_json(config.terms_file, lines=True).rename(columns={"lang": "language"})
        queries = pd.concat([queries, own.assign(source="terms_file")[list(queries.columns)]], ignore_index=True)
    queries = queries[queries["code"].isin(set(codes["code"]))]
    home = Path(data_root.path)
    fine_tuned = registry.trained_index(entry, codes, home)
    indexes = {
        "base, titles": embedder.code_index(codes, home, entry["base_model"]),
        "base, enriched": embedder.code_index(
            with_index_text(codes, pd.Series(fine_tuned.texts, index=fine_tuned.codes)), home, entry["base_model"]
        ),
        "fine-tuned, enriched": fine_tuned.with_weights(synonym=0.0, lexical=0.0),
        "fine-tuned + synonyms": fine_tuned.with_weights(lexical=0.0),
        "fine-tuned + synonyms + n-grams": fine_tuned,  # the weights chosen on dev terms (0: the same ranking)
    }
    if entry.get("reranker"):
        reranker = registry.trained_reranker(entry["reranker"])
        indexes["fine-tuned + synonyms + n-grams + reranker"] = (fine_tuned, reranker, entry["reranker"]["rerank_weight"])
    report, _ = default_model.evaluate(indexes, queries)
    overall = report[report["language"] == "all"]
    table = report.round(3)
    return dg.MaterializeResult(
        metadata={
            "report": md_table(table.columns, table.values),
            "recall_at_5": bar_chart({s: g.set_index("model")["R@5"].to_dict() for s, g in overall.groupby("source")}, "R@5"),
            "queries_by_source": count_table(queries["source"].value_counts().to_dict(), "source"),
            "model_version": entry["version"],
            "synonym_weight": entry.get("synonym_weight", 0.0),
            "lexical_weight": entry.get("lexical_weight", 0.0),
            **{f"R@5 {m} {s}": float(v) for (m, s), v in overall.set_index(["model", "source"])["R@5"].items()},
        }
    )
