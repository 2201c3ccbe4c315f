"""Search the live collection of a model for `miracle search`; the RAG evaluation calls the same `vector_index.search`."""

from __future__ import annotations

import os

from miracle_dagster.assets.index import asset_prefix
from miracle_dagster.core import settings, vector_index
from miracle_dagster.core.pseudonymize.records import ID_PREFIXES, pseudonym_id
from miracle_dagster.resources import build_pseudonymizer, build_qdrant, build_resources


class SearchError(RuntimeError):
    """The index cannot answer: no collection for the model yet, or the store is busy."""


def search(
    query: str,
    *,
    model: str | None = None,
    patient_id: str | None = None,
    specialty: str | None = None,
    year: int | None = None,
    top_k: int = 5,
) -> list[vector_index.Hit]:
    """Embed `query` with the model's query prompt and search through the model's alias.

    A pseudonymized index stores keyed patient ids: a hospital patient id is mapped with the same secret.
    """
    if patient_id and settings.index_source() == "pseudonymized_sections" and not patient_id.startswith(ID_PREFIXES["patient_id"]):
        patient_id = pseudonym_id(build_pseudonymizer(resolve_secrets=True).surrogator([]), "patient_id", patient_id)
    embedder = build_resources()["embedder"]
    name = model or os.environ.get("MIRACLE_EMBEDDER") or embedder.default_model
    alias = vector_index.alias_name(embedder.spec(name).name)
    vector = embedder.encoder(name, "query")([query])[0]
    try:
        with build_qdrant().open() as client:
            live = {a.alias_name for a in client.get_aliases().aliases}
            hits = (
                vector_index.search(
                    client, alias, vector, patient_id=patient_id, specialty=specialty, year=year, top_k=top_k
                )
                if alias in live
                else None
            )
    except RuntimeError as error:  # the embedded store is held by a running job
        raise SearchError(str(error)) from error
    if hits is None:
        raise SearchError(
            f"no live collection for model {name!r} (alias {alias!r}); run `make demo` or materialize "
            f"{asset_prefix(name)}/qdrant_collection"
        )
    return hits
