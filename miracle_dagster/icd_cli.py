"""`miracle icd TEXT` / `miracle icd --input QUERIES.jsonl`: ICD-10 codes for free text, with the models loaded once.

Uses the latest bi-encoder and reranker under the data root (`models/icd/latest.json`); before any is trained, the
base embedder without reranker (said on stderr). The catalogue is the trained model's (ICD-10-GM by default), all
terminal codes unless `--chapter` narrows it; its title vectors are cached after the first call.
"""

from __future__ import annotations

import argparse
import json
import sys

from miracle_dagster.core import settings


def add_parser(sub) -> None:
    p = sub.add_parser("icd", help="ICD-10 codes for a clinical phrase (or every line of a JSONL file)")
    p.add_argument("text", nargs="?", help='e.g. "Verdacht auf Lungenembolie"')
    p.add_argument("--input", help='JSONL lines {"id", "text", "lang"?}, answered with the models loaded once')
    p.add_argument("--lang", default="", help="language of TEXT (reported; the models are multilingual)")
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--no-rerank", action="store_true", help="bi-encoder ranking only")
    p.add_argument("--rerank-top-n", type=int, default=20, help="bi-encoder candidates the reranker reorders")
    p.add_argument("--catalogue", default="", help="icd10gm | icd10cm | icd10who (default: the trained model's, else icd10gm)")
    p.add_argument("--chapter", action="append", default=[], help="only codes of this chapter (repeatable), e.g. 09")
    p.add_argument("--json", action="store_true", help="JSON output (one line per query with --input)")
    p.set_defaults(func=run)


def _queries(args) -> list[dict] | None:
    from miracle_dagster.jsonl_io import read_text_lines

    if bool(args.text) == bool(args.input):
        print("miracle icd: give TEXT or --input FILE (one of them)", file=sys.stderr)
        return None
    if args.text:
        return [{"id": "1", "text": args.text, "lang": args.lang}]
    try:
        rows, bad = read_text_lines(args.input)
    except OSError as error:
        print(f"miracle icd: {error}", file=sys.stderr)
        return None
    for line in bad:
        print(f"miracle icd: {args.input} line {line['line']}: {line['reason']} ({line['detail']})", file=sys.stderr)
    return None if bad else [{"id": r["id"], "text": r["text"], "lang": str(r.get("lang") or "")} for r in rows]


def _index(args, home):
    """(index, (reranker or None, its fusion weight), what was loaded) from latest.json, else the base embedder."""
    from miracle_dagster.assets.icd import code_index
    from miracle_dagster.core import model_store
    from miracle_dagster.core.icd import catalog, registry
    from miracle_dagster.resources import build_embedder

    latest = registry.read_latest(model_store.default_store())
    trained = latest.get("biencoder")
    name = args.catalogue or (trained or {}).get("catalogue", "icd10gm")
    frame = catalog.load_selection(catalog.Selection(name, chapters=tuple(args.chapter)))
    if trained:
        index, what = registry.trained_index(trained, frame, home), f"fine-tuned bi-encoder {trained['version']}"
    else:
        print("miracle icd: no trained ICD models yet (materialize icd_job): using the base embedder without reranker", file=sys.stderr)
        index, what = code_index(frame, build_embedder(), home), "base embedder"
    reranked = latest.get("reranker") if trained and not args.no_rerank else None
    if reranked and reranked.get("biencoder_version") != trained["version"]:
        print("miracle icd: the reranker was trained for another bi-encoder version; using it anyway", file=sys.stderr)
    reranker = (registry.trained_reranker(reranked), reranked.get("rerank_weight")) if reranked else (None, None)
    return index, reranker, f"{what}, {name}, {len(frame)} codes"


def run(args: argparse.Namespace) -> int:
    from miracle_dagster.cli import quiet_model_loading

    queries = _queries(args)
    if queries is None:
        return 2
    quiet_model_loading()
    try:
        index, (reranker, weight), what = _index(args, settings.miracle_home())
    except (FileNotFoundError, ValueError) as error:
        print(f"miracle icd: {error}", file=sys.stderr)
        return 2
    results = index.search([q["text"] for q in queries], args.top_k, reranker, args.rerank_top_n, weight)
    for query, hits in zip(queries, results):
        if args.json:
            print(json.dumps({**query, "reranked": reranker is not None, "hits": [h.as_dict() for h in hits]}, ensure_ascii=False))
            continue
        print(f'{query["id"]}: "{query["text"]}"' + (f" ({query['lang']})" if query["lang"] else ""))
        for rank, hit in enumerate(hits, 1):
            print(f"  {rank:>2}. {hit.code:<8} {hit.score:7.3f}  {hit.title}")
    print(f"miracle icd: {what}{', reranked' if reranker is not None else ''}", file=sys.stderr)
    return 0
