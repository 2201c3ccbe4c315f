"""The `miracle` command: the same core and definitions as the Dagster UI, from a terminal."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

from miracle_dagster.core import settings

DEFAULT_MODELS = ("multilingual-e5-small", "all-MiniLM-L6-v2")


def ensure_dagster_home() -> Path:
    """Point DAGSTER_HOME under the data root and give it the project's instance settings."""
    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    project_yaml = settings.PROJECT_ROOT / "dagster.yaml"
    if project_yaml.exists() and not (home / "dagster.yaml").exists():
        shutil.copyfile(project_yaml, home / "dagster.yaml")
    return home


def quiet_model_loading() -> None:
    """No per-load progress bars from transformers in a terminal command's output."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def cmd_provision_models(args: argparse.Namespace) -> int:
    from miracle_dagster.core import models

    quiet_model_loading()

    registry = models.parse_registry_overrides(os.environ["MIRACLE_MODELS"]) if os.environ.get("MIRACLE_MODELS") else models.DEFAULT_MODELS
    for name in args.models or DEFAULT_MODELS:
        started = time.perf_counter()
        path = models.provision(models.resolve_model(name, registry), settings.models_dir())
        print(f"  model {name:<24} ready in {path} ({time.perf_counter() - started:.1f}s)")
    return 0


def cmd_sample_corpus(args: argparse.Namespace) -> int:
    from miracle_dagster.core import sample_corpus

    out = Path(args.out) if args.out else settings.sample_source_dir()
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"  sample corpus already in {out} (use --force to regenerate)")
        return 0
    if out.exists():
        shutil.rmtree(out)
    corpus = sample_corpus.generate_corpus(
        n_patients=args.patients, seed=args.seed, specialties=settings.specialties(), years=settings.years()
    )
    manifest = sample_corpus.write_sample_source(out, corpus, file_format=args.format, bad_rows=args.bad_rows)
    print(f"  sample corpus: {manifest['n_documents']} documents, {manifest['n_phi_spans']} PHI spans -> {out}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from miracle_dagster import demo

    ensure_dagster_home()
    print("1/3 provisioning bundled models")
    cmd_provision_models(argparse.Namespace(models=None))
    print("2/3 sample corpus")
    cmd_sample_corpus(argparse.Namespace(out=None, patients=args.patients, seed=args.seed, format="jsonl", bad_rows=True, force=args.fresh))
    print("3/3 materializing raw_reports -> report_sections -> Qdrant points per partition, then the collections")
    return demo.run(verbose=args.verbose)


def cmd_search(args: argparse.Namespace) -> int:
    from miracle_dagster import search

    quiet_model_loading()
    try:
        hits = search.search(
            args.query, model=args.model, patient_id=args.patient, specialty=args.specialty, year=args.year, top_k=args.top_k
        )
    except search.SearchError as error:
        print(f"miracle search: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2))
        return 0
    for rank, hit in enumerate(hits, 1):
        snippet = " ".join(hit.text.split())
        print(f"{rank:>2}. {hit.score:.3f}  {hit.document_id}  {hit.date}  {hit.specialty}/{hit.document_type}  [{hit.section_name}]")
        print(f"    patient {hit.patient_id}: {snippet[:200]}{'…' if len(snippet) > 200 else ''}")
    if not hits:
        print("no passages match")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="miracle", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="provision models, write the sample corpus, materialize every partition")
    p.add_argument("--patients", type=int, default=30, help="~5 documents each; embedding dominates the run time")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--fresh", action="store_true", help="regenerate the sample corpus")
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("provision-models", help="make the bundled (or named) models ready under the data root")
    p.add_argument("models", nargs="*", help=f"registry names, HF ids or paths (default: {', '.join(DEFAULT_MODELS)})")
    p.set_defaults(func=cmd_provision_models)

    p = sub.add_parser("sample-corpus", help="write the German sample corpus in the source folder layout")
    p.add_argument("--patients", type=int, default=60, help="~5 documents each; 10000 gives tens of thousands")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", help="folder (default: <MIRACLE_HOME>/sample_source)")
    p.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    p.add_argument("--bad-rows", action="store_true", help="add invalid rows that ingestion must reject")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_sample_corpus)

    p = sub.add_parser("search", help="the best passages for a query, with scores and document metadata")
    p.add_argument("query")
    p.add_argument("--model", help="index model (default: MIRACLE_EMBEDDER)")
    p.add_argument("--patient", help="only this patient's passages (patient-centred search)")
    p.add_argument("--specialty")
    p.add_argument("--year", type=int)
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_search)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
