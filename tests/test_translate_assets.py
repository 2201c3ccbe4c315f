"""english_sections / english_qa_pairs through Dagster: DeepL via the local stand-in on a real pseudonymized
partition (contract, cache, quota and resume), the leak-check gate, the graph, and the LLM backend on the bundled model."""

import json

import dagster as dg
import pandas as pd
import pytest
from deepl_stub import DeepLStub
from materialized import metadata_of

from miracle_dagster.assets import ingest_assets, pseudonymized_sections, translate_qa_pairs, translate_sections
from miracle_dagster.assets.pseudonymize import LEAK_CHECK
from miracle_dagster.core.qa.generate import PAIR_COLUMNS
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.core.training import VARIANTS
from miracle_dagster.core.translate.protect import protect
from miracle_dagster.partitions import partition_key, report_partitions
from miracle_dagster.resources import build_llm
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager
from miracle_dagster.resources.translator import Translator

KEY = "stub-key-0123:fx"
SECRET = "test-secret-0123456789abcdef"
ENGLISH = dg.AssetSelection.assets(translate_sections)


@pytest.fixture(scope="module")
def world(tmp_path_factory, sample_corpus, models_dir):
    root = tmp_path_factory.mktemp("translate")
    write_sample_source(root / "source", sample_corpus)
    specialty, year = sorted(
        p.relative_to(root / "source").parts for p in (root / "source").glob("*/*") if p.is_dir() and p.parent.name != "_meta"
    )[0]
    stub = DeepLStub(auth_key=KEY)
    translator = dict(backend="deepl", auth_key=KEY, server_url=stub.url, cache_dir=str(root / "cache"), max_texts=3)
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "source": ReportSource(folder=str(root / "source")),
        "pseudonymizer": Pseudonymizer(secret=SECRET, private_dir=str(root / "private")),
        "embedder": EmbeddingModels(models_dir=str(models_dir)),  # report_sections counts tokens with its tokenizer
        "translator": Translator(**translator),
        "llm": build_llm(models_dir=str(models_dir)),  # bound, never loaded: the backend is deepl
    }
    instance = dg.DagsterInstance.ephemeral()
    key = str(partition_key(specialty, year))
    assets = [*ingest_assets, pseudonymized_sections, translate_sections]

    def run(selection=None, **changes):
        res = {**resources, "translator": Translator(**{**translator, **changes})}
        return dg.materialize(assets, selection=selection, partition_key=key, resources=res, instance=instance, raise_on_error=False)

    yield stub, run, run()
    stub.close()


def _checks(result):
    return {c.check_name: c.passed for c in result.get_asset_check_evaluations() if c.asset_key == dg.AssetKey("english_sections")}


def test_english_sections_keep_the_contract(world):
    stub, _, first = world
    assert first.success
    source = first.output_for_node("pseudonymized_sections")
    english = first.output_for_node("translate_sections", "english_sections")
    failed = first.output_for_node("translate_sections", "untranslated_sections")
    assert list(english.columns) == [*source.columns, "source_language", "translation_backend"]
    assert len(english) + len(failed) == len(source) and len(english) >= len(source) - 1
    assert set(failed["reason"]) <= {"units_changed", "numbers_changed", "still_german"}  # the stub's crude "English"
    merged = english.merge(source[["passage_id", "text"]], on="passage_id", suffixes=("", "_de"))
    assert (merged["text"] != merged["text_de"]).all() and (english["translation_backend"] == "deepl").all()
    meta = metadata_of(first, "english_sections")
    assert meta["characters_billed"] == stub.character_count > 0 and meta["deepl_account_characters"] == stub.character_count
    assert meta["texts_sent"] == source["text"].nunique() and meta["requests"] == -(-meta["texts_sent"] // 3)
    assert meta["rows_out"] == len(english) and meta["translation_backend"] == "deepl" and meta["target_lang"] == "EN-GB"
    assert KEY not in json.dumps({k: str(v) for k, v in meta.items()})
    checks = _checks(first)
    assert checks["rows_accounted_for"] and checks["translation_complete"]
    assert checks["translations_faithful"] == failed.empty


def test_rematerializing_sends_nothing_new(world):
    stub, run, first = world
    requests_before = len(stub.translated_texts())
    again = run(selection=ENGLISH)
    meta = metadata_of(again, "english_sections")
    assert again.success and meta["texts_sent"] == 0 and meta["characters_billed"] == 0 and meta["texts_cached"] > 0
    assert len(stub.translated_texts()) == requests_before
    pd.testing.assert_frame_equal(
        again.output_for_node("translate_sections", "english_sections"), first.output_for_node("translate_sections", "english_sections")
    )


def test_quota_exceeded_mid_partition_then_a_resumed_run_finishes(world, tmp_path):
    stub, run, first = world
    texts = first.output_for_node("pseudonymized_sections")["text"]
    stub.character_limit = stub.character_count + sum(len(protect(t)) for t in texts.unique()[:3])  # one request of 3
    sent_before = len(stub.translated_texts())
    stopped = run(selection=ENGLISH, cache_dir=str(tmp_path))  # a fresh cache: everything must be sent again
    failed = stopped.output_for_node("translate_sections", "untranslated_sections")
    meta = metadata_of(stopped, "english_sections")
    assert "quota exhausted" in meta["stopped"] and (failed["reason"] == "quota_exceeded").sum() > 0
    assert meta["rows_out"] + meta["rows_untranslated"] == len(texts) and meta["rows_out"] > 0
    assert not _checks(stopped)["translation_complete"] and _checks(stopped)["rows_accounted_for"]
    stub.character_limit = None  # the next billing period
    resumed = run(selection=ENGLISH, cache_dir=str(tmp_path))
    assert resumed.success and _checks(resumed)["translation_complete"]
    sent = stub.translated_texts()[sent_before:]
    assert len(sent) == len(set(sent)) == texts.nunique()  # every text paid for exactly once over both runs
    pd.testing.assert_frame_equal(
        resumed.output_for_node("translate_sections", "english_sections"), first.output_for_node("translate_sections", "english_sections")
    )


def _boundary(passed: bool):
    """Stands in for pseudonymized_qa_pairs: two pairs and a leak check with the given outcome."""

    @dg.asset(
        name="pseudonymized_qa_pairs",
        partitions_def=report_partitions,
        check_specs=[dg.AssetCheckSpec(LEAK_CHECK, asset="pseudonymized_qa_pairs")],
    )
    def fake():
        rows = [
            {"pair_id": "q1", "question": "Wie viele Tage hatte der Patient Fieber?", "answer": "3 Tage", "passage_id": "p1"},
            {"pair_id": "q2", "question": "Welche Dosis Ramipril bekommt der Patient?", "answer": "5 mg 1-0-0", "passage_id": "p2"},
        ]
        frame = pd.DataFrame(rows).reindex(columns=list(PAIR_COLUMNS), fill_value="").assign(language="de")
        yield dg.Output(frame)
        yield dg.AssetCheckResult(check_name=LEAK_CHECK, passed=passed)

    return fake


def _qa_run(resources, passed: bool, instance=None):
    instance = instance or dg.DagsterInstance.ephemeral()
    key = str(partition_key("radiology", "2024"))
    dg.materialize([_boundary(passed)], partition_key=key, resources=resources, instance=instance, raise_on_error=False)
    return dg.materialize(
        [_boundary(passed), translate_qa_pairs],
        selection=dg.AssetSelection.assets(translate_qa_pairs),
        partition_key=key,
        resources=resources,
        instance=instance,
        raise_on_error=False,
    )


def test_a_partition_that_failed_its_leak_check_is_refused_before_sending(tmp_path, models_dir):
    stub = DeepLStub(auth_key=KEY)
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(tmp_path)),
        "llm": build_llm(models_dir=str(models_dir)),
        "translator": Translator(backend="deepl", auth_key=KEY, server_url=stub.url),
    }
    try:
        refused = _qa_run(resources, passed=False)
        assert not refused.success and stub.log == []  # not even the glossary lookup
        [failure] = [e for e in refused.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
        assert (
            f"{LEAK_CHECK} check failed on the materialization to translate, so nothing was sent" in failure.step_failure_data.error.message
        )
        assert _qa_run(resources, passed=True).success and stub.translated_texts()
    finally:
        stub.close()


def test_the_graph_feeds_translation_only_from_the_privacy_boundary():
    from miracle_dagster.definitions import defs

    graph = defs.resolve_asset_graph()
    for english, boundary in (("english_sections", "pseudonymized_sections"), ("english_qa_pairs", "pseudonymized_qa_pairs")):
        assert graph.get(dg.AssetKey(english)).parent_keys == {dg.AssetKey(boundary)}
        assert {c.name for c in graph.get(dg.AssetKey(english)).check_keys} == {
            "rows_accounted_for",
            "translation_complete",
            "translations_faithful",
        }
    assert defs.resolve_job_def("translation_job").tags["miracle/service"] in ("llm", "deepl")


def test_llm_backend_on_the_bundled_model(tmp_path, models_dir):
    llm = build_llm(cache_dir=str(tmp_path / "cache"), models_dir=str(models_dir))
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(tmp_path / "assets")),
        "llm": llm,
        "translator": Translator(backend="llm", cache_dir=str(tmp_path / "cache")),
    }
    instance = dg.DagsterInstance.ephemeral()
    first = _qa_run(resources, passed=True, instance=instance)
    assert first.success
    english = first.output_for_node("translate_qa_pairs", "english_qa_pairs")
    failed = first.output_for_node("translate_qa_pairs", "untranslated_qa_pairs")
    assert len(english) + len(failed) == 2 and (english["language"] == "en").all()
    assert set(failed["reason"]) <= {"numbers_changed", "units_changed", "still_german", "empty_translation", "backend_error"}
    meta = metadata_of(first, "english_qa_pairs")
    assert meta["translation_model"].startswith("llm:local:") and meta["llm_generated"] == meta["texts_sent"] == 4
    assert meta["characters_billed"] == 0 and meta["tokens_out"] > 0
    again = _qa_run(resources, passed=True, instance=instance)
    assert metadata_of(again, "english_qa_pairs")["texts_sent"] == 0 and metadata_of(again, "english_qa_pairs")["texts_cached"] == 4


def test_en_pseudonymized_training_pairs_are_built_from_the_english_assets(tmp_path, models_dir, monkeypatch):
    """The output contract as the fine-tuning variant reads it: English questions joined to English passages; the
    three variants hold the same patients in their test split (one split, decided at report_sections); and the
    English model answers English questions from English passages in the RAG evaluation."""
    from miracle_dagster.assets import finetuned_model, pseudonymized_qa_pairs, rag_eval_report, training_pairs, variant_index
    from miracle_dagster.core.evaluation import rag
    from miracle_dagster.core.pseudonymize.records import pseudonym_id
    from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs
    from miracle_dagster.resources.qdrant import QdrantResource

    monkeypatch.setenv("MIRACLE_SPLIT_TEST_FRACTION", "0.4")

    @dg.asset(name="qa_pairs", partitions_def=report_partitions)
    def stand_in_for_the_llm(report_sections: pd.DataFrame) -> pd.DataFrame:
        qa = stand_in_qa_pairs(report_sections).groupby("patient_id").head(2)  # several patients, few pairs each
        return qa.assign(answer=qa["passage_id"].map(report_sections.set_index("passage_id")["text"].str[:60]))

    specialty, year = "internal_medicine", "2021"
    write_sample_source(tmp_path / "source", generate_corpus(n_patients=8, seed=7, specialties=[specialty], years=[year]))
    stub = DeepLStub(auth_key=KEY)
    try:
        resources = {
            "io_manager": ParquetIOManager(base_dir=str(tmp_path / "assets")),
            "data_root": DataRoot(path=str(tmp_path)),
            "source": ReportSource(folder=str(tmp_path / "source")),
            "pseudonymizer": Pseudonymizer(secret=SECRET, private_dir=str(tmp_path / "private")),
            "embedder": EmbeddingModels(models_dir=str(models_dir)),
            "translator": Translator(backend="deepl", auth_key=KEY, server_url=stub.url, cache_dir=str(tmp_path / "cache")),
            "llm": build_llm(models_dir=str(models_dir)),
        }
        instance = dg.DagsterInstance.ephemeral()
        english = dg.materialize(
            [*ingest_assets, stand_in_for_the_llm, pseudonymized_sections, pseudonymized_qa_pairs, translate_sections, translate_qa_pairs],
            partition_key=str(partition_key(specialty, year)),
            resources=resources,
            instance=instance,
        )
    finally:
        stub.close()
    built = {v: dg.materialize([training_pairs], partition_key=v, resources=resources, instance=instance) for v in VARIANTS}
    pairs = built["en_pseudonymized"].output_for_node("training_pairs")
    questions = english.output_for_node("translate_qa_pairs", "english_qa_pairs")
    passages = english.output_for_node("translate_sections", "english_sections")
    assert 0 < len(pairs) <= len(questions)
    assert set(pairs["query"]) <= set(questions["question"]) and set(pairs["positive"]) <= set(passages["text"])
    assert not set(pairs["positive"]) & set(english.output_for_node("pseudonymized_sections")["text"])  # not the German
    surrogator = resources["pseudonymizer"].surrogator([])
    tested = {v: set(r.output_for_node("training_pairs").query("split == 'test'")["patient_id"]) for v, r in built.items()}
    tested["de"] = {pseudonym_id(surrogator, "patient_id", raw) for raw in tested["de"]}
    assert tested["de"] and tested["de"] == tested["de_pseudonymized"] == tested["en_pseudonymized"]
    for variant, result in built.items():
        [check] = [c for c in result.get_asset_check_evaluations() if c.check_name == "same_split_in_every_variant"]
        assert check.passed and check.metadata["patients_split_differently"].value == 0, variant
        assert check.metadata["test_patients de"].value == len(tested["de"])
    lifecycle = [training_pairs, finetuned_model, variant_index, rag_eval_report]
    config = {
        "finetuned_model": {
            "config": {"base_model": "all-MiniLM-L6-v2", "max_steps": 1, "eval_steps": 1, "batch_size": 4, "mini_batch_size": 4}
        },
        "rag_eval_report": {"config": {"max_questions": 1, "top_k": 1, "max_answer_tokens": 16}},
    }
    answered = dg.materialize(
        lifecycle,
        selection=lifecycle[1:],
        partition_key="en_pseudonymized",
        instance=instance,
        resources={**resources, "qdrant": QdrantResource(path=str(tmp_path / "qdrant"))},
        run_config={"ops": config},
    )
    report = answered.output_for_node("rag_eval_report")
    [event] = [e for e in answered.get_asset_materialization_events() if e.asset_key == dg.AssetKey("rag_eval_report")]
    assert set(report["model"]) == {"all-MiniLM-L6-v2", "finetuned-en_pseudonymized"} and set(report["language"]) == {"en"}
    assert set(report["question"]) <= set(questions["question"])  # the English questions
    assert event.materialization.metadata["answer_prompt_version"].value == rag.prompt_version("en")
