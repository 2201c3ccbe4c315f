"""SQL source: any SQLAlchemy URL plus a query with ``:specialty`` / ``:year``; passwords never leak."""

from __future__ import annotations

import logging
import re
from typing import Any, Mapping

from miracle_dagster.core.ingest.records import (
    RawBatch,
    SourceError,
    collect_decoded,
    column_renames,
    rejected_frame,
    rows_frame,
)

log = logging.getLogger(__package__)  # the package logger, as before the split into modules


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (also for URLs SQLAlchemy cannot parse)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        # never echo a URL we cannot parse: we cannot tell where its password is
        scheme = str(url).split("://", 1)[0] if "://" in str(url) else "?"
        scheme = scheme if re.fullmatch(r"[\w+.\-]{1,40}", scheme) else "?"
        return f"{scheme}://<unparseable URL, not shown>"


def _scrub(message: str, url: str) -> str:
    """Remove the password (raw and URL-decoded) and the raw URL from an error message."""
    from urllib.parse import unquote

    from sqlalchemy.engine import make_url

    secrets: set[str] = {str(url)}
    try:
        password = make_url(url).password
    except Exception:
        m = re.search(r"://[^/@:]*:([^@/]*)@", str(url))
        password = m.group(1) if m else None
    if password:
        secrets.update({str(password), unquote(str(password))})
    masked = mask_url(url)
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            message = message.replace(secret, masked if secret == str(url) else "***")
    return message


_PARTITION_PARAMS = ("specialty", "year")


def read_sql_partition(
    url: str,
    query: str,
    specialty: str,
    year: str,
    column_map: Mapping[str, str] | None = None,
) -> RawBatch:
    """Run ``query`` against ``url`` with ``:specialty`` / ``:year`` bound (only those the query uses;
    both are bound as strings) and return the rows as a :class:`RawBatch`.

    Column names are mapped case-insensitively to the schema after ``column_map`` renames
    (e.g. ``{"doc_id": "document_id"}``). Values that come back as bytes are decoded strictly as UTF-8;
    undecodable ones make the row a rejected row. Connection and query errors raise :class:`SourceError`
    whose message never contains the password.
    """
    from sqlalchemy import create_engine, text

    masked = mask_url(url)
    # Errors are raised *after* leaving the except blocks, so the SourceError has neither __cause__ nor
    # __context__: the driver's exception could carry the connection string.
    error: str | None = None
    try:
        stmt = text(query)
        used = set(stmt.compile().params)
    except Exception as exc:
        error = f"invalid SQL query for {masked}: {type(exc).__name__}: {_scrub(str(exc), url)}"
    if error is not None:
        raise SourceError(error)
    unknown = used - set(_PARTITION_PARAMS)
    if unknown:
        raise SourceError(f"query uses bind parameter(s) {sorted(unknown)}; only :specialty and :year are supplied")
    params = {name: value for name, value in (("specialty", specialty), ("year", str(year))) if name in used}
    if not used:
        log.warning("SQL query binds neither :specialty nor :year; rows of other partitions will be rejected")

    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    engine = None
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            result = conn.execute(stmt, params)
            keys = list(result.keys())
            renames = column_renames(keys, column_map)
            names = [str(renames[k]) for k in keys]
            for rownum, values in enumerate(result, start=1):
                collect_decoded(dict(zip(names, values)), f"sql:{rownum}", rows, rejected)
    except Exception as exc:  # driver missing, connection refused, SQL error, ...
        error = f"SQL source {masked} failed: {type(exc).__name__}: {_scrub(str(exc), url)}"
    finally:
        if engine is not None:
            engine.dispose()
    if error is not None:
        raise SourceError(error)
    return RawBatch(rows_frame(rows), rejected_frame(rejected))


def read_sql_rows(url: str, query: str) -> list[dict[str, Any]]:
    """All rows of a parameterless query as dicts (patient master data); errors never carry the password."""
    from sqlalchemy import create_engine, text

    error: str | None = None
    engine = None
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            result = conn.execute(text(query))
            keys = list(result.keys())
            return [dict(zip(keys, values)) for values in result]
    except Exception as exc:
        error = f"SQL master-data query on {mask_url(url)} failed: {type(exc).__name__}: {_scrub(str(exc), url)}"
    finally:
        if engine is not None:
            engine.dispose()
    raise SourceError(error)
