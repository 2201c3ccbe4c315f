"""qa_pairs materialized through Dagster on the bundled CPU model, and `miracle generate-qa` on the same code."""

import json

import dagster as dg
import pandas as pd
import pytest
from materialized import metadata_of

from miracle_dagster.assets import ingest_assets, qa_assets
from miracle_dagster.core.sample_corpus import write_sample_source
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources import build_llm
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager

SECTIONS = 2  # two show generation, caching and the filters: with the bundled model a pair is kept, one filtered out
# and the second section fails (invalid JSON even after the repair round). max_tokens: the first section's two pairs
# take 76 tokens; on the second the model loops until max_tokens, twice (each token ~45 ms of CPU on the 2-core VM).
QA_RUN = {"ops": {"generate_qa_pairs": {"config": {"max_sections": SECTIONS, "questions_per_section": 2, "max_tokens": 100}}}}


@pytest.fixture(scope="module")
def materialized(tmp_path_factory, sample_corpus, models_dir):
    root = tmp_path_factory.mktemp("qa")
    write_sample_source(root / "source", sample_corpus)
    specialty, year = sorted(p.relative_to(root / "source").parts for p in (root / "source").glob("*/*") if p.is_dir())[0]
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "source": ReportSource(folder=str(root / "source")),
        "embedder": EmbeddingModels(models_dir=str(models_dir)),
        "llm": build_llm(cache_dir=str(root / "cache"), models_dir=str(models_dir)),
    }
    instance = dg.DagsterInstance.ephemeral()
    key = str(partition_key(specialty, year))

    def run():
        return dg.materialize([*ingest_assets, *qa_assets], partition_key=key, resources=resources, instance=instance, run_config=QA_RUN)

    return root, run(), run()


def test_qa_pairs_on_the_bundled_model(materialized):
    root, first, _ = materialized
    assert first.success
    meta = metadata_of(first, "qa_pairs")
    kept, rejected = first.output_for_node("generate_qa_pairs", "qa_pairs"), first.output_for_node("generate_qa_pairs", "rejected_qa_pairs")
    sections = first.output_for_node("report_sections")
    assert meta["sections_seen"] == len(sections)
    assert meta["sections_with_pairs"] + meta["sections_failed"] == SECTIONS and meta["sections_generated"] == SECTIONS
    assert meta["sections_skipped_section"] == (sections["section_name"] == "Kopf").sum()
    assert meta["pairs_kept"] == len(kept) and meta["tokens_out"] > 0 and meta["tokens_per_s"] > 0
    assert meta["llm_backend"] == "local" and meta["llm_license"] == "Apache-2.0" and "llm_license_warning" not in meta
    assert meta["prompt_version"].startswith("qa-de-")
    assert "sample" not in meta  # raw pairs hold PHI: examples are shown on pseudonymized_qa_pairs only
    assert len(kept) + (rejected["question"] != "").sum() > 0  # the model produced pairs; filters sorted them
    assert set(kept["passage_id"]) <= set(sections["passage_id"])
    assert all(f"| {reason} | {n} |" in meta["rejected_by_reason"] for reason, n in rejected["reason"].value_counts().items())
    assert (root / "assets" / "qa_pairs").is_dir() and (root / "cache" / "llm_completions.sqlite").is_file()
    checks = {c.check_name: c.passed for c in first.get_asset_check_evaluations()}
    assert checks["sections_accounted_for"] and checks["pairs_reference_passages"]


def test_rematerializing_costs_no_tokens(materialized):
    _, first, second = materialized
    meta = metadata_of(second, "qa_pairs")
    assert meta["sections_cached"] == SECTIONS and meta["sections_generated"] == 0 and meta["llm_generated"] == 0
    pd.testing.assert_frame_equal(
        first.output_for_node("generate_qa_pairs", "qa_pairs"), second.output_for_node("generate_qa_pairs", "qa_pairs")
    )


def test_generate_qa_cli(tmp_path, models_dir):
    from miracle_dagster.cli import main

    source = tmp_path / "in.jsonl"
    lines = [
        {
            "id": "a",
            "text": "Sonographie Abdomen: Die Leber ist mit 17 cm vergrößert und zeigt eine diffuse Verfettung. "
            "Gallenblase mit mehreren Konkrementen bis 12 mm, keine Cholezystitis.",
            "document_type": "radiology_report",
        },
        {"id": "b", "text": "Therapie: Beginn einer Antikoagulation mit Apixaban 5 mg 1-0-1 bei Vorhofflimmern, CHA2DS2-VASc 3."},
    ]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + '\n{"id": "c"}\nnot json\n', encoding="utf-8")
    out, rejected = tmp_path / "out.jsonl", tmp_path / "rejected.jsonl"
    # one question: a's pair is kept, b's filtered out (asked for two, the model loops on b up to 512 tokens: ~30 CPU-s)
    assert main(["generate-qa", str(source), str(out), "--rejected", str(rejected), "--questions", "1"]) == 0
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    dropped = [json.loads(line) for line in rejected.read_text().splitlines()]
    assert {row["id"] for row in kept} <= {"a", "b"}
    assert all(row["question"] and row["answer"] and row["generator_model"].startswith("local:") for row in kept)
    assert {d["reason"] for d in dropped if "line" in d} == {"missing_text", "invalid_json"}
    assert len(kept) + sum("line" not in d for d in dropped) > 0
