"""Per index model: `qdrant_points` keeps each partition's points equal to its passages; `qdrant_collection`
moves the model's alias to the current collection version once every ingested partition is in it."""

import dagster as dg
import pandas as pd

from miracle_dagster.core import settings, vector_index
from miracle_dagster.core.vector_index.names import asset_prefix
from miracle_dagster.metadata import md_table
from miracle_dagster.partitions import eager_every_year, partition_dims, report_partitions
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.qdrant import QdrantResource
from miracle_dagster.resources.storage import DataRoot

INDEX_LANGUAGE = "de"  # of the index source's passages (German reports, pseudonymized or not): the BM25 stemmer


class EmbeddingConfig(dg.Config):
    batch_size: int = 32


def target_collection(embedder: EmbeddingModels, model_name: str, served_as: str = "") -> tuple[str, int]:
    """The collection this model version writes to (named after the alias it is served under, default the model's
    name), and its dimension."""
    dim = embedder.sentence_transformer(model_name).get_embedding_dimension()
    return vector_index.collection_name(served_as or embedder.spec(model_name).name, embedder.version(model_name), dim), dim


def coverage(store: vector_index.VectorStore, collection: str, data_root: DataRoot, source: str) -> list[tuple[str, str, int, int]]:
    """(specialty, year, passages, points) for every written partition of the passages asset `source`."""
    rows = []
    for specialty, year in data_root.partitions(source):
        passages = len(data_root.previous(source, specialty, year, columns=["passage_id"]))
        points = store.count(collection, vector_index.partition_filter(specialty, year))
        rows.append((specialty, year, passages, points))
    return rows


def build_index_assets(model_name: str) -> list:
    prefix = asset_prefix(model_name)

    @dg.asset(
        key=[prefix, "qdrant_points"],
        ins={"passages": dg.AssetIn(settings.index_source())},
        partitions_def=report_partitions,
        group_name="index",
        kinds={"qdrant"},
        pool="qdrant",
        automation_condition=eager_every_year(),
        description=f"{settings.index_source()} of one partition embedded with {model_name}; only new passages are embedded.",
    )
    def qdrant_points(
        context: dg.AssetExecutionContext,
        config: EmbeddingConfig,
        passages: pd.DataFrame,
        embedder: EmbeddingModels,
        qdrant: QdrantResource,
    ) -> dg.MaterializeResult:
        specialty, year = partition_dims(context)
        collection, dim = target_collection(embedder, model_name)
        encode = embedder.encoder(model_name, "passage", config.batch_size)
        with qdrant.open() as store:
            created = store.ensure_collection(collection, dim, INDEX_LANGUAGE)
            stats = vector_index.sync_partition(store, collection, passages, specialty, year, encode, batch_size=config.batch_size)
        return dg.MaterializeResult(
            metadata={
                "collection": collection,
                "collection_created": created,
                "passages": stats.passages,
                "embedded": stats.embedded,
                "unchanged": stats.unchanged,
                "deleted": stats.deleted,
                "passages_per_second": round(stats.passages_per_second, 1),
                "embed_seconds": round(stats.embed_seconds, 2),
                "upsert_seconds": round(stats.upsert_seconds, 2),
                "model": model_name,
                "passages_from": settings.index_source(),
                "qdrant": qdrant.describe(),
            }
        )

    @dg.asset(
        key=[prefix, "qdrant_collection"],
        deps=[qdrant_points],
        group_name="index",
        kinds={"qdrant"},
        pool="qdrant",
        automation_condition=dg.AutomationCondition.eager(),
        description=f"The live {model_name} collection: its alias moves only to a complete collection version.",
    )
    def qdrant_collection(embedder: EmbeddingModels, qdrant: QdrantResource, data_root: DataRoot) -> dg.MaterializeResult:
        collection, dim = target_collection(embedder, model_name)
        alias = vector_index.alias_name(embedder.spec(model_name).name)
        with qdrant.open() as store:
            store.ensure_collection(collection, dim, INDEX_LANGUAGE)
            rows = coverage(store, collection, data_root, settings.index_source())
            incomplete = [r for r in rows if r[2] != r[3]]
            previous, dropped = vector_index.publish(store, alias, collection) if not incomplete else (None, [])
            total = store.count(collection)
        return dg.MaterializeResult(
            metadata={
                "alias": alias,
                "collection": collection,
                "alias_moved": not incomplete,
                "previous_collection": previous or "",
                "dropped_collections": ", ".join(dropped),
                "points": total,
                "dimension": dim,
                "incomplete_partitions": len(incomplete),
                "partitions": md_table(["specialty", "year", "passages", "points"], rows),
                "qdrant": qdrant.describe(),
            }
        )

    @dg.asset_check(asset=qdrant_collection, blocking=True, description="The alias serves a collection holding every passage.")
    def alias_serves_complete_collection(embedder: EmbeddingModels, qdrant: QdrantResource, data_root: DataRoot) -> dg.AssetCheckResult:
        collection, _ = target_collection(embedder, model_name)
        alias = vector_index.alias_name(embedder.spec(model_name).name)
        with qdrant.open(read_only=True) as store:
            served = store.aliases().get(alias)
            rows = coverage(store, collection, data_root, settings.index_source()) if served == collection else []
        missing = sum(abs(r[2] - r[3]) for r in rows)
        return dg.AssetCheckResult(
            passed=served == collection and missing == 0,
            metadata={"alias": alias, "serves": served or "", "expected": collection, "points_off": missing},
        )

    return [qdrant_points, qdrant_collection, alias_serves_complete_collection]


# One pair of assets (and the alias check) per index model: what definitions.py collects from this module.
_built = [definition for model in settings.index_models() for definition in build_index_assets(model)]
index_assets = [d for d in _built if not isinstance(d, dg.AssetChecksDefinition)]
index_checks = [d for d in _built if isinstance(d, dg.AssetChecksDefinition)]
