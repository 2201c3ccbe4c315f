"""The default ICD-10-GM model from public term -> code data: the training set builder on the real catalogues, and a
one-chapter end-to-end training run through the icd_default assets and `miracle icd`."""

import json
import shutil

import dagster as dg
import numpy as np
import pandas as pd
import pytest
from materialized import metadata_of

from miracle_dagster import cli
from miracle_dagster.assets.icd_default import icd_default_biencoder, icd_default_eval_report, icd_default_reranker, icd_public_terms
from miracle_dagster.core.icd import catalog, codiesp, default_model, default_reranker, metrics, public_terms, registry
from miracle_dagster.core.icd.default_model import load_sources, trained_catalogue
from miracle_dagster.core.icd.defaults import DefaultModelConfig, DefaultRerankConfig, TermsConfig
from miracle_dagster.core.icd.fusion import LEXICAL_WEIGHTS, SYNONYM_WEIGHTS, choose_weights
from miracle_dagster.core.icd.search import CodeIndex
from miracle_dagster.core.icd.train import RERANK_WEIGHTS, reranker_examples
from miracle_dagster.core.text import normalized
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager

needs_data = pytest.mark.skipif(
    not catalog.default_gm_file().is_file() or not codiesp.default_dir().is_dir(), reason="public ICD data not in ../shared/data"
)


def test_cm_who_and_codiesp_codes_reach_gm_through_their_subcategory():
    terminal = {"S72.0": True, "E11": False, "E11.9": False, "E11.90": True, "A00.0": True, "I10": False, "I10.00": True}
    assert public_terms.to_gm("S72.001A", terminal) == ("S72.0", "")  # CM's 6th/7th characters mean nothing in GM
    assert public_terms.to_gm("a000", terminal) == ("A00.0", "")  # CodiEsp's lower case without a dot
    assert public_terms.to_gm("E11.9", terminal) == ("", "gm_more_specific")  # GM splits E11.9 into E11.90/E11.91
    assert public_terms.to_gm("E11.90", terminal) == ("", "gm_more_specific")  # fifth characters differ between CM and GM
    assert public_terms.to_gm("E11.90", terminal, exact=True) == ("E11.90", "")  # a GM code itself
    assert public_terms.to_gm("I10", terminal) == ("", "gm_more_specific")
    assert public_terms.to_gm("E08.9", terminal) == ("", "not_in_gm")


def test_the_newer_trained_model_answers_and_a_rerun_does_not_make_a_model_newer(tmp_path):
    assert registry.answering({}) == ("", {})
    registry.model_store.write_json(
        registry.latest_file(tmp_path),
        {
            "biencoder": {"version": "b", "trained_at": "2026-12-04T11:00:00Z"},
            "default": {"version": "a", "trained_at": "2000-01-01T00:00:00Z"},
        },
    )
    registry.record(tmp_path, "default", {"version": "a"})  # the same model again: still the older one
    assert registry.answering(registry.read_latest(tmp_path))[0] == "biencoder"
    registry.record(tmp_path, "default", {"version": "c"})
    assert registry.answering(registry.read_latest(tmp_path)) == ("default", registry.read_latest(tmp_path)["default"])


def test_llm_phrasings_of_gm_codes_join_held_out_by_a_keyed_hash_and_others_are_counted():
    gm = pd.DataFrame(
        {
            "code": ["D57", "D57.0", "D57.1"],
            "title": ["Sichelzellenkrankheiten", "Sichelzellenanämie mit Krisen", "Sichelzellenanämie ohne Krisen"],
            "parent": ["", "D57", "D57"],
            "terminal": [False, True, True],
        }
    )
    written = pd.DataFrame(
        {
            "code": ["D57.0"] * 60 + ["D57.1"] * 60 + ["X99.9"],
            "phrasing": [f"Sichelzellkrise Variante {i}" for i in range(60)] + [f"sickle cell without crisis {i}" for i in range(61)],
            "language": ["de"] * 60 + ["en"] * 61,
        }
    )

    def data_root_with(catalogue: str):  # what DataRoot.read returns after icd_job ran on that catalogue
        frames = {"icd_synthetic_queries": written, "icd_code_catalog": pd.DataFrame({"catalogue": [catalogue]})}
        return lambda asset, columns=None: frames[asset]

    assert default_model.llm_phrasings(lambda asset, columns=None: None) == (
        None,
        "none: icd_synthetic_queries not materialized (no LLM run)",
    )
    assert default_model.llm_phrasings(data_root_with("icd10cm"))[0] is None  # CM codes mean other things
    phrasings, used = default_model.llm_phrasings(data_root_with("icd10gm"))
    assert used == "121 joined"
    terms = public_terms.build_terms(gm, phrasings=phrasings, dev_fraction=0.2, test_fraction=0.2)
    llm = terms.terms[terms.terms["source"] == "llm_phrasing"]
    assert len(llm) == 120 and terms.left_out["llm_phrasing: not_in_gm"] == 1  # X99.9: counted, not dropped silently
    assert set(llm["split"]) == {"train", "dev", "test"} and set(llm.groupby("code")["language"].first()) == {"de", "en"}
    pairs = public_terms.training_pairs(terms.terms, public_terms.index_texts(gm, terms.terms), per_code=3)
    held = set(llm.loc[llm["split"] == "test", "text"])
    listed = {term for text in pairs["positive"] for term in text.partition(" | ")[2].split("; ")}
    assert not held & set(pairs["query"]) and not held & listed and listed & set(llm["text"])  # indexed: training ones only


class SameVector:
    """An encoder that cannot tell texts apart: every ranking difference comes from the character n-grams."""

    def encode(self, texts, **_):
        return np.full((len(texts), 4), 0.5)


def test_character_ngrams_match_german_compounds_and_their_weight_is_chosen_on_dev_terms():
    titles = ["Akute Amöbenruhr (Amöbiasis)", "Leberabszess (Sonstige Krankheiten der Leber)", "Leberabszess durch Amöben (Amöbiasis)"]
    index = CodeIndex(pd.DataFrame({"code": ["A06.0", "K75.0", "A06.4"], "title": titles}), SameVector())
    dev = pd.DataFrame({"query": ["Amöbenleberabszess", "Amöbenruhr, akut"], "code": ["A06.4", "A06.0"], "language": ["de", "de"]})
    assert [hits[0].code for hits in index.search(dev["query"].tolist(), 3)] == ["A06.0", "A06.0"]  # ties: catalogue order
    (synonym, weight), table = choose_weights(index, dev)
    assert synonym == 0.0 and set(table["synonym weight"]) == {0.0}  # an index without synonyms
    assert weight == min(w for w in LEXICAL_WEIGHTS if w > 0) and table.set_index("lexical weight").loc[0.0, "MRR"] < 1.0
    fused = index.with_weights(lexical=weight)
    assert [hits[0].code for hits in fused.search(dev["query"].tolist(), 3)] == ["A06.4", "A06.0"] and index.lexical_weight == 0.0


class WordVector:
    """An encoder that sees only which of a few words a text contains."""

    WORDS = ("knotenrose", "erythema", "nodosum", "lidkrampf")

    def encode(self, texts, **_):
        vectors = np.array([[float(w in t.lower()) for w in self.WORDS] + [0.1] for t in texts])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_query_worded_like_one_synonym_finds_its_code_through_that_synonyms_own_vector():
    codes = pd.DataFrame({"code": ["L52", "G24.5", "K75.0"], "title": ["Erythema nodosum", "Blepharospasmus", "Leberabszess"]})
    codes = codes.assign(
        index_text=["Erythema nodosum | Knotenrose; Erythema nodosum, acute", "Blepharospasmus | Lidkrampf", "Leberabszess"]
    )
    synonyms = pd.DataFrame(
        {"code": ["L52", "L52", "G24.5", "X99.9"], "text": ["Knotenrose", "Erythema nodosum", "Lidkrampf", "Knotenrose"]}
    )
    index = CodeIndex(codes, WordVector(), synonyms=synonyms)  # X99.9: not in this catalogue, ignored
    vectors = index.query_vectors(["Knotenrose", "Lidkrampf"])
    assert index.synonym_scores(vectors)[0].round(1).tolist() == [1.0, 0.0, 0.0]  # its best synonym's cosine; K75.0 has none
    assert (index.synonym_scores(vectors, chunk=1) == index.synonym_scores(vectors)).all()
    dev = pd.DataFrame({"query": ["Knotenrose", "Lidkrampf"], "code": ["L52", "G24.5"], "language": ["de", "de"]})
    (synonym, lexical), table = choose_weights(index, dev)
    assert synonym in SYNONYM_WEIGHTS and len(table) == len(SYNONYM_WEIGHTS) * len(LEXICAL_WEIGHTS)
    assert index.with_weights(synonym=1.0).scores(["Knotenrose"])[0, 0] > index.scores(["Knotenrose"])[0, 0]


def test_three_character_accuracy_counts_the_first_codes_category():
    ranks = pd.DataFrame({"language": ["de"] * 4, "rank": [1, 2, 0, 0], "category_hit": [True, True, True, False]})
    row = metrics.summarize(ranks).set_index("language").loc["all"]
    assert row["3-char acc"] == 0.75 and row["R@1"] == 0.25 and row["R@5"] == 0.5


@pytest.fixture(scope="module")
def sources():
    return load_sources(TermsConfig())


@needs_data
def test_every_gm_code_appears_and_no_held_out_term_is_trained_on(sources):
    gm, terms, read = sources
    frame = terms.terms
    assert set(frame.loc[frame["source"] == "gm_title", "code"]) == set(gm.loc[gm["terminal"], "code"])
    assert set(frame["source"]) == set(public_terms.SOURCES) - {"llm_phrasing"} and set(frame["code"]) <= set(
        gm.loc[gm["terminal"], "code"]
    )
    assert read["codiesp_train_diagnoses"] > 0 and terms.left_out["cm_title: gm_more_specific"] > 0  # counted, not dropped silently
    train_keys = set(frame.loc[frame["split"] == "train", "text"].map(normalized))
    held = frame[frame["split"] != "train"]
    assert len(held) > 1000 and not held["text"].map(normalized).isin(train_keys).any()

    texts = public_terms.index_texts(gm, frame)
    assert set(texts.index) == set(gm.loc[gm["terminal"], "code"])
    assert texts["A06.4"].startswith("Leberabszess durch Amöben (Amöbiasis)")  # its title, then its category's
    listed = {normalized(term) for text in texts for term in text.partition(" | ")[2].split("; ")}
    assert len(listed) > 5000
    assert not held["text"].map(normalized).isin(listed).any()  # a held-out term is not indexed either
    synonyms = public_terms.index_synonyms(frame, texts.index)
    assert set(synonyms["code"]) == set(texts.index) and len(synonyms) > 3 * len(texts)  # every title, and the other terms
    assert not held["text"].map(normalized).isin(set(synonyms["text"].map(normalized))).any()


@needs_data
def test_sibling_negatives_come_from_the_category_and_are_never_the_positive(sources):
    gm, terms, _ = sources
    texts = public_terms.index_texts(gm, terms.terms)
    pairs = public_terms.training_pairs(terms.terms, texts, per_code=2, num_negatives=2)
    owner = {text: code for code, text in texts.items()}
    train = pairs[pairs["split"] == "train"]
    assert set(train["code"]) == set(texts.index) and not (pairs["split"] == "test").any()
    assert train.groupby(["code", "language"]).size().max() <= 1 + 2 * 3  # the title + per_code per source (en: 3 sources)
    for code, positive, negatives in zip(train["code"], train["positive"], train["negatives"]):
        assert positive == texts[code] and positive not in negatives
        assert all(owner[n][:3] == code[:3] and owner[n] != code for n in negatives)


TERMS = {"chapters": ["03"], "test_fraction": 0.3}
TRAINING = {"max_steps": 30, "batch_size": 16, "max_seq_length": 64, "learning_rate": 1e-4}  # measured: R@5 0.718 -> 0.788 on 85 terms
RERANKING = {"max_steps": 2, "batch_size": 8, "max_length": 48, "max_dev": 20}  # the mechanics, not the quality (benchmarks/icd_default.py)


@pytest.fixture(scope="module")
def chapter_world(tmp_path_factory, models_dir):
    """icd_default_job on one chapter (blood diseases, D50-D90) with the default base model, multilingual-e5-small."""
    root = tmp_path_factory.mktemp("icd_default")
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "embedder": EmbeddingModels(models_dir=str(models_dir), default_model="multilingual-e5-small"),
    }
    configs = {"icd_public_terms": TERMS, "icd_default_biencoder": TRAINING, "icd_default_reranker": RERANKING}
    ops = {name: {"config": config} for name, config in configs.items()}
    ops["icd_default_eval_report"] = {"config": {"max_per_source": 0}}
    assets = [icd_public_terms, icd_default_biencoder, icd_default_reranker, icd_default_eval_report]
    result = dg.materialize(assets, resources=resources, run_config=dg.RunConfig(ops=ops))
    yield root, result
    shutil.rmtree(root, ignore_errors=True)


@needs_data
def test_one_chapter_of_training_beats_the_base_on_held_out_inclusion_terms(chapter_world):
    root, result = chapter_world
    assert all(check.passed for check in result.get_asset_check_evaluations())
    report = metadata_of(result, "icd_default_eval_report")
    assert report["R@5 fine-tuned, enriched cm_inclusion"] > report["R@5 base, enriched cm_inclusion"]
    latest = registry.read_latest(DataRoot(path=str(root)).models_store)
    assert latest["default"]["config"]["max_seq_length"] == 64 and latest["default"]["steps"] == TRAINING["max_steps"]
    assert latest["default"]["lexical_weight"] in LEXICAL_WEIGHTS  # chosen on the dev terms
    trained = metadata_of(result, "icd_default_biencoder")
    assert latest["default"]["synonym_weight"] in SYNONYM_WEIGHTS
    assert trained["steps"] == TRAINING["max_steps"] and "dev_r5_by_weights" in trained
    assert "R@5 fine-tuned + synonyms + n-grams cm_inclusion" in report


@needs_data
def test_the_reranker_learns_from_the_models_mistakes_and_is_reported_beside_it(chapter_world):
    root, result = chapter_world
    entry = registry.read_latest(DataRoot(path=str(root)).models_store)["default"]
    reranker = entry["reranker"]
    assert reranker["steps"] == RERANKING["max_steps"] and reranker["rerank_weight"] in RERANK_WEIGHTS  # chosen on dev terms
    report = metadata_of(result, "icd_default_eval_report")
    assert {"R@5 fine-tuned + synonyms + n-grams + reranker cm_inclusion", "R@5 fine-tuned + synonyms + n-grams + reranker codiesp"} <= set(
        report
    )
    assert metadata_of(result, "icd_default_reranker")["examples"] > 0

    terms = load_sources(TermsConfig(chapters=tuple(TERMS["chapters"]), test_fraction=TERMS["test_fraction"]))[1].terms
    codes = trained_catalogue(terms)
    index = registry.trained_index(entry, codes[codes["terminal"]].reset_index(drop=True), root)  # cached vectors
    config = DefaultRerankConfig(**RERANKING)
    pairs = default_reranker.pairs(terms, index, DefaultModelConfig(**entry["config"]), config)
    train = pairs[pairs["split"] == "train"]
    assert len(train) == config.max_steps * config.batch_size and set(pairs["split"]) == {"train", "dev"}
    examples = reranker_examples(train, index, config.top_n, config.negatives_per_query)
    texts = set(index.texts)
    for query, positive, *negatives in examples.itertuples(index=False):
        assert positive in {index.text_of[code] for code in train.loc[train["query"] == query, "code"]}  # its code's index text
        assert positive not in negatives and set(negatives) <= texts  # other codes' index texts


@needs_data
def test_cli_answers_with_the_default_model_and_says_so(chapter_world, monkeypatch, capsys):
    root, _ = chapter_world
    monkeypatch.setenv("MIRACLE_HOME", str(root))
    assert cli.main(["icd", "Sichelzellenanämie mit Krise", "--chapter", "03", "--json", "--top-k", "3"]) == 0
    out, err = capsys.readouterr()
    hits = json.loads(out)["hits"]
    assert len(hits) == 3 and any(h["code"].startswith("D57") for h in hits) and json.loads(out)["reranked"]
    assert "(on public terms)" in err and "reranked" in err
    assert cli.main(["icd", "Sichelzellenanämie mit Krise", "--chapter", "03", "--json", "--no-rerank"]) == 0
    assert not json.loads(capsys.readouterr().out)["reranked"]
