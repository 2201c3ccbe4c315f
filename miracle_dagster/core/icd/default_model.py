"""The default ICD-10-GM code search: the embedder fine-tuned on public term -> code data (core/icd/public_terms),
no LLM needed, so `miracle icd` answers with a trained model from the start.

The model folder carries `index_text.parquet`, the enriched text every code is indexed by, and `synonyms.parquet`, the
training terms each embedded beside it (core/icd/fusion.py); `latest.json` names the
model under `default` (the LLM-phrasing bi-encoder of icd_job is `biencoder`; `miracle icd` takes the newer).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from miracle_dagster.core import model_store, training
from miracle_dagster.core.icd import catalog, codiesp, public_terms, registry
from miracle_dagster.core.icd.defaults import DefaultModelConfig, TermsConfig

INDEX_TEXT_FILE = "index_text.parquet"
SYNONYMS_FILE = "synonyms.parquet"
KIND = "default"


def catalogue(chapters: tuple[str, ...] = (), gm: pd.DataFrame | None = None) -> pd.DataFrame:
    """The GM codes (all levels: the parents give context) of these chapters (all by default), from gm or read from
    MIRACLE_ICD_GM_FILE or the shared data folder."""
    gm = catalog.load("icd10gm") if gm is None else gm
    if chapters:
        gm = gm[gm["chapter"].isin([f"{int(c):02d}" for c in chapters])].reset_index(drop=True)
    if not gm["terminal"].any():
        raise ValueError(f"no ICD-10-GM code in chapters {', '.join(chapters)}")
    return gm


def trained_catalogue(terms: pd.DataFrame) -> pd.DataFrame:
    """The GM catalogue of the chapters the terms cover: what a model trained on them indexes."""
    gm = catalog.load("icd10gm")
    return catalogue(tuple(sorted(set(gm.loc[gm["code"].isin(set(terms["code"])), "chapter"]))), gm)


def llm_phrasings(read) -> tuple[pd.DataFrame | None, str]:
    """(icd_job's kept phrasings as terms (code, text, language), what was done with them), from `read` (a DataRoot's:
    asset name, columns -> the frame or None): used where they were written for ICD-10-GM codes; another catalogue's
    codes mean something else in GM."""
    queries, catalogue = read("icd_synthetic_queries"), read("icd_code_catalog", columns=["catalogue"])
    if queries is None or catalogue is None:
        return None, "none: icd_synthetic_queries not materialized (no LLM run)"
    names = sorted(set(catalogue["catalogue"]))
    if names != ["icd10gm"]:
        return None, f"{len(queries)} left out: written for {', '.join(names)}, not ICD-10-GM"
    return queries.rename(columns={"phrasing": "text"})[["code", "text", "language"]], f"{len(queries)} joined"


def load_sources(config: TermsConfig, phrasings: pd.DataFrame | None = None) -> tuple[pd.DataFrame, public_terms.TermSet, dict]:
    """(GM catalogue, every public term keyed to it, what was read): CodiEsp only where its folder exists; LLM
    phrasings (code, text, language) where given."""
    gm = catalogue(config.chapters)
    mentions: dict[str, pd.DataFrame | None] = {"train": None, "dev": None}
    read = {}
    if codiesp.default_dir().is_dir():
        for split in mentions:
            mentions[split], counts = codiesp.load_mentions(split)
            read[f"codiesp_{split}_diagnoses"] = counts["diagnosis"]
    terms = public_terms.build_terms(
        gm,
        catalog.load_cm(),
        catalog.load_who(),
        mentions["train"],
        mentions["dev"],
        config.split_seed,
        config.dev_fraction,
        config.test_fraction,
        phrasings,
    )
    return gm, terms, read


def terms_version(terms: pd.DataFrame) -> str:
    return training.content_version(terms[["code", "text", "split"]])


def version(terms: pd.DataFrame, base_version: str, config: DefaultModelConfig) -> str:
    parts = [terms_version(terms), base_version, asdict(config)]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]


def train(model, spec, gm: pd.DataFrame, terms: pd.DataFrame, out_dir: Path, config: DefaultModelConfig):
    """Fine-tune `model` (a fresh copy of the base) in place; returns (TrainResult, index text, pairs). The model
    folder gets the index text beside the weights."""
    index_text = public_terms.index_texts(gm, terms, config.max_terms)
    pairs = public_terms.training_pairs(terms, index_text, config.per_code, config.num_negatives, config.max_dev, config.seed)
    model.max_seq_length = config.max_seq_length
    train_config = training.TrainConfig(
        batch_size=config.batch_size,
        mini_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        max_steps=config.max_steps,
        eval_steps=config.max_steps,
        warmup_ratio=0.05,
        freeze_embeddings=True,  # 96 M of e5-small's 118 M weights: the optimizer's CPU time goes to the layers instead
        seed=config.seed,
    )
    result = training.train(
        model, pairs, out_dir, train_config, spec.query_prompt or None, spec.passage_prompt or None, model_name="miracle icd public terms"
    )
    index_text.rename_axis("code").reset_index().to_parquet(result.model_dir / INDEX_TEXT_FILE, index=False)
    public_terms.index_synonyms(terms, index_text.index).to_parquet(result.model_dir / SYNONYMS_FILE, index=False)
    return result, index_text, pairs


def train_and_publish(embedder, models_store, local_models: Path, home: Path, config: DefaultModelConfig, terms: pd.DataFrame):
    """Train from a fresh copy of the embedder's model on the terms (their chapters' catalogue), publish it, embed the
    catalogue and the synonyms (cached under home for `miracle icd`), choose the synonym and character n-gram weights on
    dev terms and name the model the default in latest.json: (entry, TrainResult, index text, pairs, R@5/MRR by
    weights). What `miracle icd-train` and icd_default_biencoder run."""
    from miracle_dagster.core import models
    from miracle_dagster.core.icd.fusion import choose_weights

    spec = embedder.spec()
    version_ = version(terms, embedder.version(spec.name), config)
    out_dir = registry.icd_models_root(local_models) / "icd10gm" / version_ / KIND
    model = models.load_sentence_transformer(spec, Path(embedder.models_dir))
    gm = trained_catalogue(terms)
    result, index_text, pairs = train(model, spec, gm, terms, out_dir, config)
    published = model_store.publish(result.model_dir, registry.icd_models_root(models_store) / "icd10gm" / version_ / KIND / "model")
    entry = {
        "path": published,
        "version": version_,
        "catalogue": "icd10gm",
        "base_model": spec.name,
        "query_prompt": spec.query_prompt,
        "passage_prompt": spec.passage_prompt,
        "index_text": INDEX_TEXT_FILE,
        "synonyms": SYNONYMS_FILE,
        "terms_version": terms_version(terms),
        "train_seconds": round(result.train_seconds, 1),
        "steps": result.steps,
        "config": asdict(config),
    }
    started = time.perf_counter()
    index = registry.trained_index(entry, gm[gm["terminal"]].reset_index(drop=True), home)
    entry["index_seconds"] = round(time.perf_counter() - started, 1)
    dev = pairs[pairs["split"] == "dev"]
    (entry["synonym_weight"], entry["lexical_weight"]), weights = choose_weights(index, dev) if len(dev) else ((0.0, 0.0), pd.DataFrame())
    previous = registry.read_latest(models_store).get(KIND, {})
    if previous.get("version") == version_ and previous.get("reranker"):  # the same model again: its reranker still fits
        entry["reranker"] = previous["reranker"]
    registry.record(models_store, KIND, entry)
    return entry, result, index_text, pairs, weights


def held_out(terms: pd.DataFrame, max_per_source: int = 0, seed: int = 0) -> pd.DataFrame:
    """The test terms (held-out CM inclusion terms, CodiEsp dev mentions) as queries: text, code, language, source;
    a seeded sample of max_per_source per source (0: all)."""
    test = terms[terms["split"] == "test"]
    if max_per_source:
        test = test.sample(frac=1, random_state=seed).groupby("source").head(max_per_source)
    return test[["text", "code", "language", "source"]].reset_index(drop=True)


def evaluate(indexes: dict, queries: pd.DataFrame, top_k: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(report, ranks) of each model in indexes (name -> CodeIndex, or (CodeIndex, reranker, fusion weight)). Report:
    one row per model, source and language (and `all`) with R@1/5/10, MRR, three-character accuracy (core/icd/metrics)
    and the 95% bootstrap interval of R@5 over the queries. Ranks: per model and query."""
    from miracle_dagster.core.evaluation.significance import bootstrap_ci
    from miracle_dagster.core.icd.metrics import ranked, summarize

    def ranks_of(model: str, searched) -> pd.DataFrame:
        index, reranker, weight = searched if isinstance(searched, tuple) else (searched, None, None)
        found = ranked(index, queries["text"], queries["code"], queries["language"], top_k, reranker, weight=weight)
        return queries.assign(model=model, **found.drop(columns="language"))

    ranks = pd.concat([ranks_of(model, searched) for model, searched in indexes.items()], ignore_index=True)
    rows = []
    for (model, source), group in ranks.groupby(["model", "source"], sort=False):
        for row in summarize(group).to_dict("records"):
            chosen = group if row["language"] == "all" else group[group["language"] == row["language"]]
            low, high = bootstrap_ci(((chosen["rank"] > 0) & (chosen["rank"] <= 5)).astype(float))
            rows.append({"model": model, "source": source, **row, "R@5 low": low, "R@5 high": high})
    return pd.DataFrame(rows), ranks
