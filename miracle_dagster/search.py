"""Search the live collection of a model for `miracle search`; the RAG evaluation calls the same `vector_index.search`."""

from __future__ import annotations

import os

from miracle_dagster.core import settings, vector_index
from miracle_dagster.core.pseudonymize.records import ID_PREFIXES, pseudonym_id
from miracle_dagster.core.vector_index.names import asset_prefix
from miracle_dagster.resources import build_pseudonymizer, build_qdrant, build_resources


class SearchError(RuntimeError):
    """The index cannot answer: no collection for the model yet, or the store cannot be read."""


def search(
    query: str,
    *,
    model: str | None = None,
    patient_id: str | None = None,
    specialty: str | None = None,
    year: int | None = None,
    top_k: int = 5,
    mode: str = "dense",
) -> list[vector_index.Hit]:
    """Embed `query` with the model's query prompt and search through the model's alias: by the dense vector, BM25
    (`sparse`) or both fused (`hybrid`). A read-only view: a running index job is neither waited for nor disturbed.

    A pseudonymized index stores keyed patient ids: a hospital patient id is mapped with the same secret.
    """
    if patient_id and settings.index_source() == "pseudonymized_sections" and not patient_id.startswith(ID_PREFIXES["patient_id"]):
        patient_id = pseudonym_id(build_pseudonymizer(resolve_secrets=True).surrogator([]), "patient_id", patient_id)
    embedder = build_resources()["embedder"]
    name = model or os.environ.get("MIRACLE_EMBEDDER") or embedder.default_model
    alias = vector_index.alias_name(embedder.spec(name).name)
    vector = embedder.encoder(name, "query")([query])[0] if mode != "sparse" else None
    try:
        with build_qdrant().open(read_only=True) as store:
            hits = (
                vector_index.search(
                    store, alias, vector, query_text=query, mode=mode, patient_id=patient_id, specialty=specialty, year=year, top_k=top_k
                )
                if alias in store.aliases()
                else None
            )
    except vector_index.StoreError as error:  # e.g. an index of the old local mode under the data root
        raise SearchError(str(error)) from error
    if hits is None:
        raise SearchError(
            f"no live collection for model {name!r} (alias {alias!r}); run `make demo` or materialize "
            f"{asset_prefix(name)}/qdrant_collection"
        )
    return hits
