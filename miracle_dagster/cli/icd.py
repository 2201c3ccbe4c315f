"""`miracle icd TEXT` / `miracle icd --input QUERIES.jsonl`: ICD-10 codes for free text, with the models loaded once;
`miracle icd-train`: the default ICD-10-GM model from public terms.

`miracle icd` uses the newer of the default model and icd_job's bi-encoder (each with its own reranker) in the model store
(`models/icd/latest.json`); before any is trained, the base embedder without reranker (said on stderr). The catalogue
is the trained model's (ICD-10-GM by default), all terminal codes unless `--chapter` narrows it; its code vectors
are cached after the first call.
"""

from __future__ import annotations

import json

import click

from miracle_dagster.cli.common import INPUT, UserError, json_option, quiet_model_loading
from miracle_dagster.core import settings
from miracle_dagster.core.icd import RERANK_TOP_N
from miracle_dagster.core.icd.defaults import DefaultModelConfig, DefaultRerankConfig, TermsConfig


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
    kind, trained = registry.answering(latest)
    name = catalogue or trained.get("catalogue", "icd10gm")
    frame = catalog.load_selection(catalog.Selection(name, chapters=chapters))
    if trained:
        source = "public terms" if kind == "default" else "LLM phrasings"
        index, what = registry.trained_index(trained, frame, home), f"fine-tuned bi-encoder {trained['version']} (on {source})"
    else:
        click.echo("miracle icd: no trained ICD models yet (run `miracle icd-train`): using the base embedder", err=True)
        index, what = build_embedder().code_index(frame, home), "base embedder"
    own = {"default": trained.get("reranker"), "biencoder": latest.get("reranker")}.get(kind)  # the default's is in its entry
    reranked = None if no_rerank else own
    if kind == "biencoder" and reranked and reranked.get("biencoder_version") != trained["version"]:
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


def train_default(chapters: tuple[str, ...], max_steps: int, rerank_steps: int = 0) -> dict:
    """Train and publish the default model (its catalogue embedded once: the cache the first `miracle icd` reads) and
    its reranker (none with rerank_steps 0), printing each time; returns the latest.json entry."""
    from miracle_dagster.core.icd import default_model, default_reranker
    from miracle_dagster.resources import build_data_root, build_embedder

    quiet_model_loading()
    root = build_data_root()
    phrasings, used = default_model.llm_phrasings(root.read)
    gm, terms, _ = default_model.load_sources(TermsConfig(chapters=chapters), phrasings)
    click.echo(
        f"miracle icd-train: {len(terms.terms)} public terms for {int(gm['terminal'].sum())} ICD-10-GM codes, {max_steps} steps; "
        f"LLM phrasings: {used}"
    )
    config = DefaultModelConfig(max_steps=max_steps)
    home = settings.miracle_home()
    entry = default_model.train_and_publish(build_embedder(), root.models_store, root.local_models, home, config, terms.terms)[0]
    click.echo(f"miracle icd-train: trained in {entry['train_seconds']:.0f} s ({entry['steps']} steps), model {entry['version']}")
    click.echo(
        f"miracle icd-train: {int(gm['terminal'].sum())} codes indexed in {entry['index_seconds']:.0f} s, synonym weight "
        f"{entry['synonym_weight']} and character n-gram weight {entry['lexical_weight']} (chosen on dev terms); "
        "`miracle icd` answers with it"
    )
    if rerank_steps:
        config = DefaultRerankConfig(max_steps=rerank_steps)
        entry = default_reranker.train_and_publish(entry, terms.terms, root.models_store, root.local_models, home, config)[0]
        reranker = entry["reranker"]
        click.echo(
            f"miracle icd-train: reranker trained in {reranker['train_seconds']:.0f} s ({reranker['steps']} steps), "
            f"fusion weight {reranker['rerank_weight']} (chosen on dev terms)"
        )
    return entry


def rerank_steps_option(flag: str):
    """The default model's reranker steps, off unless asked: on 2 cores it costs minutes and gained nothing significant."""
    return click.option(
        flag,
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help=f"train its reranker too ({DefaultRerankConfig.max_steps} as icd_default_job; ~20 s each on 2 cores; no significant gain measured)",
    )


@click.command("icd-train")
@click.option("--chapter", multiple=True, help="train on this chapter only (repeatable): a quick run")
@click.option("--max-steps", type=click.IntRange(min=1), default=DefaultModelConfig.max_steps, show_default=True)
@rerank_steps_option("--rerank-steps")
def icd_train(chapter, max_steps, rerank_steps) -> int:
    """Train the default ICD-10-GM model on public term -> code data (GM titles, ICD-10-CM, WHO, CodiEsp), no LLM."""
    train_default(tuple(chapter), max_steps, rerank_steps)
    return 0


COMMANDS = (icd, icd_train)
