"""`miracle index list|rollback|export`: what the vector store serves, going back one version, moving to a server.

The index assets write and publish collections; these commands are for the person who runs them: see which
version each alias serves, put the previous one back after a bad model, and copy an embedded (Qdrant Edge) index
to a Qdrant server without re-embedding anything. Store errors (a missing alias, an unreachable server) are user
errors: one line, exit code 2.
"""

from __future__ import annotations

import json

import click

from miracle_dagster.cli.common import UserError, json_option


@click.group("index")
def index() -> None:
    """The vector store: list collections, roll an alias back, export to a server."""


def _store(read_only: bool = False):
    from miracle_dagster.resources import build_qdrant

    return build_qdrant().open(read_only=read_only)


@index.command("list")
@json_option()
def list_command(as_json: bool) -> int:
    """Every collection with its points, and the aliases that serve them."""
    with _store(read_only=True) as store:
        aliases = store.aliases()
        rows = [
            {"collection": c, "points": store.count(c), "served_as": sorted(a for a, t in aliases.items() if t == c)}
            for c in store.collections()
        ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        click.echo(f"{row['collection']}  {row['points']} points  {'<- ' + ', '.join(row['served_as']) if row['served_as'] else ''}")
    return 0


def rollback_target(store, alias: str, to: str = "") -> tuple[str, str]:
    """(the collection the alias serves, the one to serve instead). Publishing keeps the live version and the one
    it replaced; a new version still being indexed is a third, so then the user names the target."""
    from miracle_dagster.core.vector_index import StoreError

    live = store.aliases().get(alias)
    if live is None:
        raise StoreError(f"no alias {alias!r}; `miracle index list` shows the aliases")
    others = [c for c in store.collections() if c.startswith(f"{alias}__") and c != live]
    if to and to not in others:
        raise StoreError(f"{to!r} is not a kept version of {alias!r}: {', '.join(others) or 'none is kept'}")
    if not to and len(others) != 1:
        raise StoreError(
            f"alias {alias!r} serves {live}; "
            + (f"choose the version with --to: {', '.join(others)}" if others else "no earlier version is kept")
        )
    return live, to or others[0]


@index.command("rollback")
@click.argument("alias")
@click.option("--to", default="", help="the collection to serve, when more than one earlier version is kept")
def rollback(alias: str, to: str) -> int:
    """Point ALIAS (e.g. multilingual-e5-small, see `miracle index list`) back at the version it served before."""
    with _store() as store:
        live, before = rollback_target(store, alias, to)
        store.switch_alias(alias, before)
    click.echo(f"{alias} -> {before} (was {live}); the next qdrant_collection run moves it to the current version again")
    return 0


@index.command("export")
@click.argument("collection")
@click.option("--to", envvar="MIRACLE_QDRANT_URL", default="", help="server URL (default MIRACLE_QDRANT_URL)")
def export(collection: str, to: str) -> int:
    """Copy COLLECTION (a collection or alias name: ids, vectors, payloads) into a Qdrant server."""
    from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

    from miracle_dagster.core import vector_index

    if not to:
        raise UserError("no server: give --to URL or set MIRACLE_QDRANT_URL")
    try:
        with _store(read_only=True) as store:
            copied = vector_index.export(store, collection, to)
    except (ResponseHandlingException, UnexpectedResponse) as error:  # unreachable, or the key was refused
        raise UserError(f"{to}: {error}") from error
    click.echo(f"exported {copied} points of {collection} to {to}")
    return 0


COMMANDS = (index,)
