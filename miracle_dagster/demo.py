"""`make demo`: materialize the ingest graph for every partition that has source data, then summarize."""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import dagster as dg
import pandas as pd

from miracle_dagster.core import settings
from miracle_dagster.core.qa import filters
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources.source import ReportSource

WEB_URL = "http://127.0.0.1:3000"
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}  # the full event log is in the UI


def source_partitions(source: ReportSource) -> list[tuple[str, str]]:
    """The configured partitions; for a folder source only those whose folder exists."""
    every = [(s, y) for s in settings.specialties() for y in settings.years()]
    return [(s, y) for s, y in every if source.kind != "folder" or (Path(source.folder) / s / y).is_dir()]


def _points_keys(result: dg.ExecuteInProcessResult) -> list[dg.AssetKey]:
    return [e.asset_key for e in result.get_asset_materialization_events() if e.asset_key.path[-1] == "qdrant_points"]


def _metadata(result: dg.ExecuteInProcessResult, asset: str | dg.AssetKey) -> dict:
    key = asset if isinstance(asset, dg.AssetKey) else dg.AssetKey(asset)
    events = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return {k: v.value for k, v in events[-1].materialization.metadata.items()} if events else {}


def run(verbose: bool, qa_partitions: int, qa_sections: int, translate_rows: int) -> int:
    """Run with the options `miracle demo` passes: their defaults are defined once, in cli/data.py."""
    # The demo starts its own runs: the nightly schedule and the new-documents sensor stay off (MIRACLE_AUTOMATION).
    os.environ.setdefault("MIRACLE_AUTOMATION", "off")
    from miracle_dagster.definitions import defs

    job = defs.resolve_job_def("ingest_job")
    instance = dg.DagsterInstance.get()
    partitions = source_partitions(defs.resources["source"])
    totals: Counter = Counter()
    reasons: Counter = Counter()
    leak_checks: Counter = Counter()
    failed = []
    started = time.perf_counter()
    for i, (specialty, year) in enumerate(partitions, 1):
        key = partition_key(specialty, year)
        result = job.execute_in_process(partition_key=str(key), instance=instance, raise_on_error=False, run_config=QUIET)
        if not result.success:
            failed.append(str(key))
            continue
        raw, sections = _metadata(result, "raw_reports"), _metadata(result, "report_sections")
        private = _metadata(result, "pseudonymized_sections")
        totals.update(
            documents_in=raw.get("rows_in", 0),
            documents=raw.get("rows_out", 0),
            rejected=raw.get("rows_rejected", 0),
            passages=sections.get("passages", 0),
            new_passages=sections.get("passages_new", 0),
            embedded=sum(_metadata(result, points).get("embedded", 0) for points in _points_keys(result)),
            pseudonymized=private.get("rows_out", 0),
            phi_replaced=private.get("phi_replaced", 0),
            withheld=private.get("rows_withheld", 0),
        )
        leak_checks.update(c.passed for c in result.get_asset_check_evaluations() if c.check_name == "no_known_phi_leaks")
        reasons.update(_rejections(result))
        if verbose:
            print(f"  [{i}/{len(partitions)}] {key}: {raw.get('rows_out', 0)} docs, {sections.get('passages', 0)} passages")
    collections = defs.resolve_job_def("collections_job").execute_in_process(instance=instance, raise_on_error=False, run_config=QUIET)
    qa_failed, qa_report = generate_qa_sample(defs, instance, partitions[:qa_partitions], qa_sections) if qa_sections else ([], [])
    if qa_sections and translate_rows:
        translation_failed, translation_line = translate_qa_sample(defs, instance, partitions[:qa_partitions], translate_rows)
        qa_failed += translation_failed
        qa_report.append(translation_line)
    elapsed = time.perf_counter() - started
    print(f"\nmiracle demo: {len(partitions) - len(failed)}/{len(partitions)} partitions in {elapsed:.0f}s")
    print(f"  documents read {totals['documents_in']}, kept {totals['documents']}, rejected {totals['rejected']}")
    for reason, n in reasons.most_common():
        print(f"    rejected: {reason}: {n}")
    print(f"  passages {totals['passages']} ({totals['new_passages']} new this run), {totals['embedded']} embedded")
    print(
        f"  pseudonymized passages {totals['pseudonymized']}, PHI replaced {totals['phi_replaced']}, withheld "
        f"{totals['withheld']}; leak check passed in {leak_checks[True]}/{sum(leak_checks.values())} partitions"
    )
    for event in collections.get_asset_materialization_events():
        meta = {k: v.value for k, v in event.materialization.metadata.items()}
        state = "live" if meta["alias_moved"] else f"NOT live: {meta['incomplete_partitions']} partitions incomplete"
        print(f"  Qdrant alias {meta['alias']} -> {meta['collection']} ({meta['points']} points, {state})")
    print("\n".join(qa_report))
    print(f"  outputs under {settings.miracle_home()}")
    if failed:
        print(f"  FAILED partitions: {', '.join(failed)}")
    if not collections.success:
        print("  FAILED: collections_job (see its run in the UI)")
    if qa_failed:
        print(f"  FAILED qa_job partitions: {', '.join(qa_failed)}")
    print('  try: .venv/bin/miracle search "V.a. Pneumonie" --top-k 3')
    print(f"\nBrowse lineage, metadata and checks: `make ui`, then open {WEB_URL}")
    return 0 if collections.success and not failed and not qa_failed else 1


def generate_qa_sample(defs: dg.Definitions, instance: dg.DagsterInstance, partitions, max_sections: int) -> tuple[list[str], list[str]]:
    """QA pairs for the first passages of a few partitions (the CPU model takes seconds per passage): (failed, report)."""
    job = defs.resolve_job_def("qa_job")
    config = {**QUIET, "ops": {"generate_qa_pairs": {"config": {"max_sections": max_sections}}}}
    totals: Counter = Counter()
    reasons: Counter = Counter()
    samples, failed = [], []  # pseudonymized pairs of every partition
    for specialty, year in partitions:
        key = str(partition_key(specialty, year))
        result = job.execute_in_process(partition_key=key, instance=instance, raise_on_error=False, run_config=config)
        if not result.success:
            failed.append(key)
            continue
        meta = _metadata(result, "qa_pairs")
        totals.update({k: meta.get(k, 0) for k in ("sections_with_pairs", "sections_cached", "pairs_kept", "tokens_out", "llm_seconds")})
        totals["pseudonymized"] += _metadata(result, "pseudonymized_qa_pairs").get("rows_out", 0)
        reasons.update(result.output_for_node("generate_qa_pairs", "rejected_qa_pairs")["reason"].tolist())
        # Shown from the pseudonymized copy: the console is outside the privacy boundary.
        samples.append(result.output_for_node("pseudonymized_qa_pairs"))
    rate = totals["tokens_out"] / totals["llm_seconds"] if totals["llm_seconds"] else 0
    report = [
        f"  QA pairs ({len(partitions)} partitions x {max_sections} passages): {totals['pairs_kept']} kept from "
        f"{totals['sections_with_pairs']} passages ({totals['sections_cached']} from cache), {rate:.0f} tokens/s; "
        f"{totals['pseudonymized']} pseudonymized",
        *(f"    rejected: {reason}: {n}" for reason, n in reasons.most_common()),
        *(f"    Q: {r.question}  A: {r.answer}  (round trip rank {r.round_trip_rank:.0f})" for r in _best(samples).itertuples()),
    ]
    return failed, report


def _best(frames: list, n: int = 3):
    """The pairs most worth reading, not the first ones: see qa.filters.best_first."""
    pairs = [f for f in frames if len(f)]
    return (
        filters.best_first(pd.concat(pairs, ignore_index=True), n)
        if pairs
        else pd.DataFrame(columns=["question", "answer", "round_trip_rank"])
    )


def translate_qa_sample(defs: dg.Definitions, instance: dg.DagsterInstance, partitions, max_rows: int) -> tuple[list[str], str]:
    """The first pseudonymized QA pairs of the QA partitions in English, with the configured backend: (failed, line)."""
    job = defs.resolve_job_def("translation_job")
    selection = [dg.AssetKey("english_qa_pairs"), dg.AssetKey("untranslated_qa_pairs")]
    config = {**QUIET, "ops": {"translate_qa_pairs": {"config": {"max_rows": max_rows}}}}
    totals: Counter = Counter()
    failed = []
    for specialty, year in partitions:
        key = str(partition_key(specialty, year))
        result = job.execute_in_process(
            partition_key=key, instance=instance, raise_on_error=False, run_config=config, asset_selection=selection
        )
        meta = _metadata(result, "english_qa_pairs")
        if not result.success or not meta:
            failed.append(f"{key} (translation)")
        totals.update(
            {k: meta.get(k, 0) for k in ("rows_in", "rows_out", "rows_untranslated", "texts_sent", "texts_cached", "characters_billed")}
        )
        totals["over_limit"] += _metadata(result, "untranslated_qa_pairs").get("rows_over_limit", 0)
    backend = defs.resources["translator"]
    return failed, (
        f"  QA pairs in English ({backend.backend} -> {backend.target_lang}, first {max_rows} per partition): "
        f"{totals['rows_out']} of {totals['rows_in'] - totals['over_limit']} kept, "
        f"{totals['rows_untranslated'] - totals['over_limit']} untranslated; "
        f"{totals['texts_sent']} texts sent, {totals['texts_cached']} from cache, {totals['characters_billed']} characters billed"
    )


def _rejections(result: dg.ExecuteInProcessResult) -> Counter:
    frame = result.output_for_node("ingest_reports", "rejected_reports")
    return Counter(frame["reason"]) if len(frame) else Counter()
