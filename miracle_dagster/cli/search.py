"""`miracle search`: the best passages for a query, as the RAG evaluation retrieves them."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from miracle_dagster.cli.common import UserError, json_option, model_option, quiet_model_loading

# What a hit's score means per `--mode`: the three are not comparable with one another. The CLI keeps this copy of
# the store's modes so that it starts without importing Qdrant (tests/test_cli.py checks that they agree).
SEARCH_SCORES = {"dense": "cosine similarity", "sparse": "BM25", "hybrid": "reciprocal rank fusion of both rankings"}


@click.command("search")
@click.argument("query")
@model_option("index model (default: MIRACLE_EMBEDDER)")
@click.option("--patient", help="only this patient's passages (patient-centred search; hospital id or its pat_ pseudonym)")
@click.option("--specialty")
@click.option("--year", type=int)
@click.option("--top-k", type=click.IntRange(min=1), default=5, show_default=True)
@click.option(
    "--mode",
    type=click.Choice(tuple(SEARCH_SCORES)),
    default="dense",
    show_default=True,
    help="dense vectors, BM25 over the stemmed words, or both fused by reciprocal rank fusion",
)
@json_option()
def search_command(query: str, model, patient, specialty, year, top_k: int, mode: str, as_json: bool) -> int:
    """The best passages for QUERY, with scores and document metadata."""
    from miracle_dagster import search

    quiet_model_loading()
    try:
        hits = search.search(query, model=model, patient_id=patient, specialty=specialty, year=year, top_k=top_k, mode=mode)
    except search.SearchError as error:
        raise UserError(str(error)) from error
    if as_json:
        click.echo(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2))
        return 0
    click.echo(f"{mode} search, score: {SEARCH_SCORES[mode]}")
    for rank, hit in enumerate(hits, 1):
        snippet = " ".join(hit.text.split())
        click.echo(f"{rank:>2}. {hit.score:.3f}  {hit.document_id}  {hit.date}  {hit.specialty}/{hit.document_type}  [{hit.section_name}]")
        click.echo(f"    patient {hit.patient_id}: {snippet[:200]}{'…' if len(snippet) > 200 else ''}")
    if not hits:
        click.echo("no passages match")
    return 0


COMMANDS = (search_command,)
