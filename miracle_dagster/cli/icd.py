"""`miracle icd TEXT` / `miracle icd --input QUERIES.jsonl`: ICD-10 codes for free text, with the models loaded once.

Uses the latest bi-encoder and reranker in the model store (`models/icd/latest.json`); before any is trained, the
base embedder without reranker (said on stderr). The catalogue is the trained model's (ICD-10-GM by default), all
terminal codes unless `--chapter` narrows it; its title vectors are cached after the first call.
"""

from __future__ import annotations

import json

import click

from miracle_dagster.cli.common import INPUT, UserError, json_option, quiet_model_loading
from miracle_dagster.core import settings
from miracle_dagster.core.icd import RERANK_TOP_N


def _queries(text: str | None, input_file: str | None, lang: str) -> list[dict]:
    from miracle_dagster.jsonl_io import read_text_lines

    if bool(text) == bool(input_file):
        raise click.UsageError("give TEXT or --input FILE (one of them)")
    if text:
        return [{"id": "1", "text": text, "lang": lang}]
    rows, bad = read_text_lines(input_file)
    if bad:
        lines = "; ".join(f"line {b['line']}: {b['reason']} ({b['detail']})" for b in bad)
        raise UserError(f"{input_file}: {lines}")
    return [{"id": r["id"], "text": r["text"], "lang": str(r.get("lang") or "")} for r in rows]


def _index(catalogue: str, chapters: tuple[str, ...], no_rerank: bool):
    """(index, (reranker or None, its fusion weight), what was loaded) from latest.json, else the base embedder."""
    from miracle_dagster.core import model_store
    from miracle_dagster.core.icd import catalog, registry
    from miracle_dagster.resources import build_embedder

    home = settings.miracle_home()
    latest = registry.read_latest(model_store.default_store())
    trained = latest.get("biencoder")
    name = catalogue or (trained or {}).get("catalogue", "icd10gm")
    frame = catalog.load_selection(catalog.Selection(name, chapters=chapters))
    if trained:
        index, what = registry.trained_index(trained, frame, home), f"fine-tuned bi-encoder {trained['version']}"
    else:
        click.echo("miracle icd: no trained ICD models yet (materialize icd_job): using the base embedder without reranker", err=True)
        index, what = build_embedder().code_index(frame, home), "base embedder"
    reranked = latest.get("reranker") if trained and not no_rerank else None
    if reranked and reranked.get("biencoder_version") != trained["version"]:
        click.echo("miracle icd: the reranker was trained for another bi-encoder version; using it anyway", err=True)
    reranker = (registry.trained_reranker(reranked), reranked.get("rerank_weight")) if reranked else (None, None)
    return index, reranker, f"{what}, {name}, {len(frame)} codes"


@click.command("icd")
@click.argument("text", required=False)
@click.option("--input", "input_file", type=INPUT, help='JSONL lines {"id", "text", "lang"?}, answered with the models loaded once')
@click.option("--lang", default="", help="language of TEXT (reported; the models are multilingual)")
@click.option("--top-k", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--no-rerank", is_flag=True, help="bi-encoder ranking only")
@click.option(
    "--rerank-top-n",
    type=click.IntRange(min=1),
    default=RERANK_TOP_N,
    show_default=True,
    help="bi-encoder candidates the reranker reorders",
)
@click.option("--catalogue", default="", help="icd10gm | icd10cm | icd10who (default: the trained model's, else icd10gm)")
@click.option("--chapter", multiple=True, help="only codes of this chapter (repeatable), e.g. 09")
@json_option("JSON output (one line per query with --input)")
def icd(text, input_file, lang, top_k, no_rerank, rerank_top_n, catalogue, chapter, as_json) -> int:
    """ICD-10 codes for a clinical phrase TEXT (e.g. "Verdacht auf Lungenembolie"), or for every line of a JSONL file."""
    queries = _queries(text, input_file, lang)
    quiet_model_loading()
    index, (reranker, weight), what = _index(catalogue, tuple(chapter), no_rerank)
    results = index.search([q["text"] for q in queries], top_k, reranker, rerank_top_n, weight)
    for query, hits in zip(queries, results):
        if as_json:
            click.echo(json.dumps({**query, "reranked": reranker is not None, "hits": [h.as_dict() for h in hits]}, ensure_ascii=False))
            continue
        click.echo(f'{query["id"]}: "{query["text"]}"' + (f" ({query['lang']})" if query["lang"] else ""))
        for rank, hit in enumerate(hits, 1):
            click.echo(f"  {rank:>2}. {hit.code:<8} {hit.score:7.3f}  {hit.title}")
    click.echo(f"miracle icd: {what}{', reranked' if reranker is not None else ''}", err=True)
    return 0


COMMANDS = (icd,)
