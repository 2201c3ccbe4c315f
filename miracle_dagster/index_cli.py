"""`miracle index list|rollback|export`: what the vector store serves, going back one version, moving to a server.

The index assets write and publish collections; these commands are for the person who runs them: see which
version each alias serves, put the previous one back after a bad model, and copy an embedded (Qdrant Edge) index
to a Qdrant server without re-embedding anything.
"""

from __future__ import annotations

import json
import os
import sys

from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from miracle_dagster.core import vector_index
from miracle_dagster.resources import build_qdrant


def add_parser(sub) -> None:
    index = sub.add_parser("index", help="the vector store: list collections, roll an alias back, export to a server")
    commands = index.add_subparsers(dest="index_command", required=True)
    p = commands.add_parser("list", help="every collection with its points, and the aliases that serve them")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_list)
    p = commands.add_parser("rollback", help="point an alias back at the version it served before")
    p.add_argument("alias", help="e.g. multilingual-e5-small (see `miracle index list`)")
    p.add_argument("--to", default="", help="the collection to serve, when more than one earlier version is kept")
    p.set_defaults(func=run_rollback)
    p = commands.add_parser("export", help="copy a collection (ids, vectors, payloads) into a Qdrant server")
    p.add_argument("collection", help="a collection or alias name")
    p.add_argument("--to", default=os.environ.get("MIRACLE_QDRANT_URL", ""), help="server URL (default MIRACLE_QDRANT_URL)")
    p.set_defaults(func=run_export)


def _fail(message: str) -> int:
    print(f"miracle index: {message}", file=sys.stderr)
    return 2


def run_list(args) -> int:
    try:
        with build_qdrant().open(read_only=True) as store:
            aliases = store.aliases()
            rows = [
                {"collection": c, "points": store.count(c), "served_as": sorted(a for a, t in aliases.items() if t == c)}
                for c in store.collections()
            ]
    except vector_index.StoreError as error:
        return _fail(str(error))
    if args.json:
        print(json.dumps(rows, indent=2))
    for row in rows if not args.json else ():
        print(f"{row['collection']}  {row['points']} points  {'<- ' + ', '.join(row['served_as']) if row['served_as'] else ''}")
    return 0


def rollback_target(store: vector_index.VectorStore, alias: str, to: str = "") -> tuple[str, str]:
    """(the collection the alias serves, the one to serve instead). Publishing keeps the live version and the one
    it replaced; a new version still being indexed is a third, so then the user names the target."""
    live = store.aliases().get(alias)
    if live is None:
        raise vector_index.StoreError(f"no alias {alias!r}; `miracle index list` shows the aliases")
    others = [c for c in store.collections() if c.startswith(f"{alias}__") and c != live]
    if to and to not in others:
        raise vector_index.StoreError(f"{to!r} is not a kept version of {alias!r}: {', '.join(others) or 'none is kept'}")
    if not to and len(others) != 1:
        raise vector_index.StoreError(
            f"alias {alias!r} serves {live}; "
            + (f"choose the version with --to: {', '.join(others)}" if others else "no earlier version is kept")
        )
    return live, to or others[0]


def run_rollback(args) -> int:
    try:
        with build_qdrant().open() as store:
            live, before = rollback_target(store, args.alias, args.to)
            store.switch_alias(args.alias, before)
    except vector_index.StoreError as error:
        return _fail(str(error))
    print(f"{args.alias} -> {before} (was {live}); the next qdrant_collection run moves it to the current version again")
    return 0


def run_export(args) -> int:
    if not args.to:
        return _fail("no server: give --to URL or set MIRACLE_QDRANT_URL")
    try:
        with build_qdrant().open(read_only=True) as store:
            copied = vector_index.export(store, args.collection, args.to)
    except vector_index.StoreError as error:
        return _fail(str(error))
    except (ResponseHandlingException, UnexpectedResponse) as error:  # unreachable, or the key was refused
        return _fail(f"{args.to}: {error}")
    print(f"exported {copied} points of {args.collection} to {args.to}")
    return 0
