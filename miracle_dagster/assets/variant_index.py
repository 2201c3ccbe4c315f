"""variant_index[variant]: the fine-tuned model's and its base model's Qdrant collections over the variant's passages.

Downstream of `finetuned_model`, so retraining shows it stale and the automation sensor rebuilds it. Built by the
same incremental code as the per-partition index (`vector_index.sync_partition`: only passages a collection lacks
are embedded, a collection per model version, the alias moved only to a complete version), so a retrained model
embeds everything once and the base model's collection is reused. The RAG evaluation searches both.
"""

import dagster as dg
import pandas as pd

from miracle_dagster.assets.index import coverage, target_collection
from miracle_dagster.core import training, vector_index
from miracle_dagster.core.training import registry
from miracle_dagster.metadata import md_table
from miracle_dagster.partitions import variant_partitions
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.qdrant import QdrantResource
from miracle_dagster.resources.storage import DataRoot

PASSAGE_DEPS = [
    dg.AssetDep(passages, partition_mapping=dg.AllPartitionMapping())
    for passages in sorted({p for _, p in training.VARIANT_INPUTS.values()})
]
PASSAGES = dg.AssetSelection.assets(*(dep.asset_key for dep in PASSAGE_DEPS))
# eager(), except that a partition missing from another variant's passages (English not translated yet) must not
# hold a variant back: new models and new passages reach the collections by themselves.
INDEX_AUTOMATION = (
    dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())
    & ~dg.AutomationCondition.any_deps_missing().ignore(PASSAGES)
).with_label("eager (own model)")
# The LLM-judged evaluations re-run when the model or the training pairs change (retraining), not after every
# night's new passages; the run that retrains also rebuilds the index first.
EVALUATION_AUTOMATION = (
    dg.AutomationCondition.eager().ignore(PASSAGES | dg.AssetSelection.assets("variant_index")).with_label("eager (after retraining)")
)


def aliases(variant: str, tuned: str, base: str) -> dict[str, str]:
    """model name -> the alias its collection over this variant's passages is served under."""
    return {tuned: vector_index.alias_name(tuned), base: vector_index.alias_name(f"{base}-{variant}")}


def _index_one(
    store: vector_index.VectorStore,
    embedder: EmbeddingModels,
    name: str,
    alias: str,
    data_root: DataRoot,
    source: str,
    language: str,
    batch_size: int,
) -> dict:
    collection, dim = target_collection(embedder, name, served_as=alias)
    store.ensure_collection(collection, dim, language)
    encode, embedded = embedder.encoder(name, "passage", batch_size), 0
    for specialty, year in data_root.partitions(source):
        passages = data_root.previous(source, specialty, year)
        embedded += vector_index.sync_partition(store, collection, passages, specialty, year, encode, batch_size).embedded
    rows = coverage(store, collection, data_root, source)
    complete = all(passages == points for *_, passages, points in rows)
    previous, dropped = vector_index.publish(store, alias, collection) if complete else (None, [])
    return {
        "model": name,
        "alias": alias,
        "collection": collection,
        "embedded": embedded,
        "alias_moved": complete,
        "points": sum(r[3] for r in rows),
        "previous": previous or "",
        "dropped": ", ".join(dropped),
        "max_seq_length": embedder.sentence_transformer(name).max_seq_length,
    }


class VariantIndexConfig(dg.Config):
    batch_size: int = 32


@dg.asset(
    partitions_def=variant_partitions,
    group_name="index",
    kinds={"qdrant"},
    pool="qdrant",
    deps=PASSAGE_DEPS,
    automation_condition=INDEX_AUTOMATION,
    description="The variant's passages embedded with its fine-tuned model and with the base model, each behind an alias "
    "that moves only to a complete collection; what the RAG evaluation of the variant searches.",
)
def variant_index(
    context: dg.AssetExecutionContext,
    config: VariantIndexConfig,
    finetuned_model: pd.DataFrame,
    data_root: DataRoot,
    embedder: EmbeddingModels,
    qdrant: QdrantResource,
) -> dg.MaterializeResult:
    variant = context.partition_key
    tuned, base = registry.models_of(finetuned_model)
    embedder = embedder.including(tuned)
    source = training.VARIANT_INPUTS[variant][1]
    with qdrant.open() as store:
        built = [
            _index_one(store, embedder, name, alias, data_root, source, training.VARIANT_LANGUAGE[variant], config.batch_size)
            for name, alias in aliases(variant, tuned.name, base).items()
        ]
    incomplete = [b["collection"] for b in built if not b["alias_moved"]]
    if incomplete:
        raise dg.Failure(f"variant_index[{variant}]: {', '.join(incomplete)} still misses passages of {source} after the sync")
    return dg.MaterializeResult(
        metadata={
            "variant": variant,
            "passages_from": source,
            "model_version": str(finetuned_model["version"].iloc[0]),
            "collections": md_table(
                ["model", "alias", "collection", "points", "embedded now", "max_seq_length", "replaced"],
                [(b["model"], b["alias"], b["collection"], b["points"], b["embedded"], b["max_seq_length"], b["previous"]) for b in built],
            ),
            **{f"points {b['model']}": b["points"] for b in built},
            "qdrant": qdrant.describe(),
        }
    )
