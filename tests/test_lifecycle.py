"""The model lifecycle as lineage: every fine-tuned model is upstream of its index and of both evaluation reports,
and retraining makes them stale in Dagster's own stale-status resolution (what the UI shows)."""

import dagster as dg
import rag_world
from dagster._core.definitions.data_version import CachingStaleStatusResolver
from dagster._core.loader import LoadingContextForTest

from miracle_dagster.core.training import VARIANTS
from miracle_dagster.definitions import defs

MODEL = dg.AssetKey("finetuned_model")
DOWNSTREAM = [dg.AssetKey(k) for k in ("variant_index", "relevance_judgments", "ir_eval_report", "rag_eval_report")]


def test_every_finetuned_model_partition_feeds_its_index_and_both_reports():
    graph = defs.resolve_asset_graph()
    for key in DOWNSTREAM:
        node = graph.get(key)
        assert MODEL in node.parent_keys and node.partitions_def == graph.get(MODEL).partitions_def
        assert set(node.partitions_def.get_partition_keys()) == set(VARIANTS)
    assert graph.get(DOWNSTREAM[0]).automation_condition.get_label() == "eager (own model)"
    assert all(graph.get(k).automation_condition.get_label() == "eager (after retraining)" for k in DOWNSTREAM[1:])


def _stale(instance: dg.DagsterInstance) -> dict[str, bool]:
    resolver = CachingStaleStatusResolver(instance, defs.resolve_asset_graph(), LoadingContextForTest(instance))
    return {
        key.path[-1]: any(
            cause.dependency and cause.dependency.asset_key == MODEL for cause in resolver.get_stale_causes(key, rag_world.VARIANT)
        )
        for key in DOWNSTREAM
    }


def test_retraining_marks_index_and_reports_stale(rag_env):
    _, res = rag_env
    instance = dg.DagsterInstance.ephemeral()
    first = rag_world.materialize(
        res,
        [rag_world.training_pairs, rag_world.finetuned_model, rag_world.variant_index],
        instance,
        finetuned_model=rag_world.TRAIN_CONFIG,
    )
    assert first.success  # the same pairs and config: the same model version, resumed from its last checkpoint
    judged = rag_world.materialize(
        res,
        [rag_world.relevance_judgments, rag_world.ir_eval_report],
        instance,
        relevance_judgments=rag_world.JUDGMENTS_CONFIG,
        ir_eval_report={"n_resamples": 500, "models": [rag_world.MODEL]},
    )
    assert judged.success and rag_world.evaluate(res, instance).success
    assert _stale(instance) == dict.fromkeys(_stale(instance), False)
    automation = dg.AssetSelection.assets(*DOWNSTREAM)  # what miracle_automation (every asset) evaluates, here
    before = dg.evaluate_automation_conditions(defs, instance, automation)
    try:
        # the cheapest config that is a new model version: one step, one evaluation, one checkpoint
        retrain = {**rag_world.TRAIN_CONFIG, "max_steps": 1, "eval_steps": 1}
        retrained = rag_world.materialize(res, [rag_world.finetuned_model], instance, finetuned_model=retrain)
        assert retrained.success
        assert _stale(instance) == dict.fromkeys(_stale(instance), True)
        # the automation sensor's next tick asks for the variant's index and both reports, nothing of other variants
        after = dg.evaluate_automation_conditions(defs, instance, automation, cursor=before.cursor)
        assert all(after.get_requested_partitions(key) == {rag_world.VARIANT} for key in DOWNSTREAM)
    finally:  # put the session's model back (same version: resumed, no training) for the tests that share the world
        assert rag_world.materialize(res, [rag_world.finetuned_model], instance, finetuned_model=rag_world.TRAIN_CONFIG).success
