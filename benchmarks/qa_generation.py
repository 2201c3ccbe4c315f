#!/usr/bin/env python
"""Generation throughput of the `qa_pairs` asset against bare llama.cpp (xllamacpp) on the same prompts.

    HF_HUB_OFFLINE=1 OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/qa_generation.py --sections 6

The sample corpus is written to a temp data root and `raw_reports` / `report_sections` are materialized for
one partition (not timed). The first N passages the asset would send (same skip rules) are then generated
twice per round, alternating the order between rounds so background load hits both alike:
- bare: xllamacpp's `Server.handle_chat_completions` with the asset's messages, sampling and JSON schema, on the
  very same loaded engine the local backend uses;
- asset: `dg.materialize(selection=qa_pairs)` with the completion cache disabled, so every prompt is sent.
Tokens/s is completion tokens over wall seconds; for the asset the wall time of the whole materialize call
(parsing, filters, the embedding round trip, Parquet writes and Dagster's run setup included). The ratio
asset/bare should be near 1: the LLM dominates. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", type=int, default=6, help="passages per run (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=2, help="bare/asset rounds (default: %(default)s)")
    parser.add_argument("--patients", type=int, default=12)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="miracle-bench-qa-"))
    os.environ["MIRACLE_HOME"] = str(workdir)
    os.environ.setdefault("MIRACLE_MODELS_DIR", str(PROJECT / ".miracle" / "models"))
    import dagster as dg

    from miracle_dagster.assets import ingest_assets, qa_assets
    from miracle_dagster.core import llm, qa
    from miracle_dagster.core.llm.backends import _local_engine
    from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
    from miracle_dagster.partitions import partition_key
    from miracle_dagster.resources import build_embedder, build_llm
    from miracle_dagster.resources.source import ReportSource
    from miracle_dagster.resources.storage import DataRoot, ParquetIOManager

    write_sample_source(workdir / "source", generate_corpus(n_patients=args.patients, seed=3))
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(workdir / "assets")),
        "data_root": DataRoot(path=str(workdir)),
        "source": ReportSource(folder=str(workdir / "source")),
        "embedder": build_embedder(),
        "llm": build_llm(cache_dir=""),
    }
    instance = dg.DagsterInstance.ephemeral()
    partitions = sorted(p.relative_to(workdir / "source").parts for p in (workdir / "source").glob("*/*") if p.is_dir())
    sections = None
    for specialty, year in partitions:  # the partition with the most passages
        result = dg.materialize(ingest_assets, partition_key=str(partition_key(specialty, year)), resources=resources, instance=instance)
        frame = result.output_for_node("report_sections")
        if sections is None or len(frame) > len(sections):
            sections, key = frame, str(partition_key(specialty, year))
    print(f"partition {key}: {len(sections)} passages; generating for the first {args.sections} eligible")

    config = qa.QAConfig(max_sections=args.sections)
    prompts = qa.load_prompts(config.language, config.questions_per_section)
    eligible = [
        s
        for s in sections.to_dict("records")
        if s["section_name"] not in config.skip_sections and s["n_tokens"] >= config.min_section_tokens
    ][: args.sections]
    settings = resources["llm"].settings()
    backend = llm.make_backend(settings)
    engine = _local_engine(str(backend.path), settings.n_ctx, settings.n_threads)
    run_config = {"ops": {"generate_qa_pairs": {"config": {"max_sections": args.sections}}}}

    def bare() -> tuple[int, float]:
        started, tokens = time.perf_counter(), 0
        for s in eligible:
            out = engine.handle_chat_completions(
                {
                    "messages": [{"role": r, "content": c} for r, c in prompts.messages(s["text"], s["document_type"], s["section_name"])],
                    "temperature": config.temperature,
                    "top_p": 0.95,
                    "max_tokens": config.max_tokens,
                    "seed": config.seed,
                    "response_format": {"type": "json_object", "schema": prompts.json_schema()},
                }
            )
            tokens += out["usage"]["completion_tokens"]
        return tokens, time.perf_counter() - started

    def asset() -> tuple[int, float]:
        started = time.perf_counter()
        result = dg.materialize(
            [*ingest_assets, *qa_assets],
            selection=qa_assets,
            partition_key=key,
            resources=resources,
            instance=instance,
            run_config=run_config,
        )
        wall = time.perf_counter() - started
        [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("qa_pairs")]
        return int(event.materialization.metadata["tokens_out"].value), wall

    totals = {"bare": [0, 0.0], "asset": [0, 0.0]}
    for round_ in range(args.rounds):
        order = (("bare", bare), ("asset", asset)) if round_ % 2 == 0 else (("asset", asset), ("bare", bare))
        for name, fn in order:
            tokens, seconds = fn()
            totals[name][0] += tokens
            totals[name][1] += seconds
            print(f"  round {round_ + 1} {name:<5} {tokens:>5} tokens in {seconds:6.1f}s = {tokens / seconds:5.1f} tokens/s")
    rates = {name: t / s for name, (t, s) in totals.items()}
    print(f"\nbare xllamacpp : {rates['bare']:.1f} completion tokens/s")
    print(f"qa_pairs asset : {rates['asset']:.1f} completion tokens/s (end-to-end, filters and round trip included)")
    print(f"ratio asset/bare: {rates['asset'] / rates['bare']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
