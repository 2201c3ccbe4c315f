"""english_sections, english_qa_pairs: the pseudonymized copies in English, by DeepL or the LLM, cached.

The inputs are the privacy boundary's assets only, and a partition whose latest leak check did not pass is
refused before any text is sent. Rows without a kept translation go to untranslated_* with the reason.
"""

import functools

import dagster as dg
import pandas as pd

from miracle_dagster.assets.pseudonymize import LEAK_CHECK
from miracle_dagster.core import translate
from miracle_dagster.metadata import column_schema, count_table
from miracle_dagster.partitions import report_partitions
from miracle_dagster.resources.llm import LLMResource
from miracle_dagster.resources.translator import Translator, backend_from_env

BACKEND = backend_from_env()


class TranslationConfig(dg.Config):
    max_rows: int = 0  # translate only the first N rows (0: all); the rest are recorded as over_limit, unsent


def require_leak_check_passed(context: dg.AssetExecutionContext, upstream: str) -> None:
    """Refuse, before anything is sent, a partition whose leak check did not pass on the materialization read.

    The check's evaluation is found in the run that wrote the partition, tied to that materialization's storage
    id: stable API, unlike partitioned check records (preview in Dagster 1.13)."""
    partition = str(context.partition_key)
    found = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(upstream), asset_partitions=[partition]), limit=1
    ).records
    state = "never evaluated"
    if found:
        events = context.instance.get_records_for_run(found[0].run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
        for record in events:
            evaluation = record.event_log_entry.dagster_event.event_specific_data
            target = evaluation.target_materialization_data
            if (
                (evaluation.asset_key, evaluation.check_name) == (dg.AssetKey(upstream), LEAK_CHECK)
                and target
                and target.storage_id == found[0].storage_id
            ):
                state = "passed" if evaluation.passed else "failed"
    if state != "passed":
        raise dg.Failure(
            description=f"{upstream} {partition}: its {LEAK_CHECK} check {state} on the materialization to translate, "
            "so nothing was sent for translation. Fix the pseudonymization and re-materialize it first.",
            metadata={"leak_check": state},
        )


def _translation_asset(english: str, upstream: str, description: str):
    """A multi-asset: the English rows and the untranslated ones, with blocking accounting and completeness checks."""
    untranslated = english.replace("english_", "untranslated_")
    checks = [dg.AssetCheckSpec(c, asset=english, blocking=True) for c in ("rows_accounted_for", "translation_complete")]
    return dg.multi_asset(
        outs={
            english: dg.AssetOut(kinds={BACKEND, "pandas", "parquet"}, description=description),
            untranslated: dg.AssetOut(kinds={"pandas", "parquet"}, description="Rows without a kept translation, with the reason."),
        },
        ins={upstream: dg.AssetIn(upstream)},
        partitions_def=report_partitions,
        group_name="translation",
        pool=BACKEND,
        op_tags={"miracle/service": BACKEND},
        check_specs=[*checks, dg.AssetCheckSpec("translations_faithful", asset=english)],
    )


def _results(
    context,
    frame: pd.DataFrame,
    columns: tuple[str, ...],
    english: str,
    config: TranslationConfig,
    translator: Translator,
    llm: LLMResource,
    extra: dict | None = None,
):
    backend = translator.connect(llm)
    done = translate.translate_rows(
        frame,
        columns,
        backend,
        translator.cache(),
        translator.source_lang,
        translator.target_lang,
        translator.glossary().version,
        config.max_rows,
        extra,
    )
    run, by_reason = done.run, done.by_reason
    if run.stopped:
        context.log.error(f"translation stopped after {run.batches} requests; re-run to resume: {run.stopped}")
    out, failed = done.english, done.untranslated
    yield dg.Output(
        out,
        output_name=english,
        metadata={
            "rows_in": len(frame),
            "rows_out": len(out),
            "rows_untranslated": len(failed),
            "untranslated_by_reason": count_table(by_reason, "reason", empty="Every row translated."),
            "texts_cached": run.texts_cached,
            "texts_sent": run.texts_sent,
            "requests": run.batches,
            "characters_billed": run.billed_characters,
            "stopped": run.stopped or "no",
            **translator.describe(),
            "translation_model": backend.name,
            **backend.usage_metadata(),
            "dagster/row_count": len(out),
            "dagster/column_schema": column_schema(out),
        },
    )
    yield dg.Output(
        failed,
        output_name=english.replace("english_", "untranslated_"),
        metadata={"dagster/row_count": len(failed), **{f"rows_{r}": k for r, k in by_reason.items()}},
    )
    check = functools.partial(_check, english)
    yield check(
        "rows_accounted_for",
        len(out) + len(failed) == len(frame),
        {"rows_in": len(frame), "rows_out": len(out), "rows_untranslated": len(failed)},
        "Every input row has a kept translation or a recorded reason.",
    )
    transient = {f"rows_{r}": by_reason[r] for r in translate.STOP_REASONS}
    yield check(
        "translation_complete",
        not any(transient.values()),
        transient,
        "No row is left for a reason a re-run resolves (quota, service, key); what was done is cached.",
    )
    unfaithful = {f"rows_{r}": by_reason[r] for r in translate.FAITHFULNESS_REASONS}
    yield check(
        "translations_faithful",
        not any(unfaithful.values()),
        unfaithful,
        "Numbers, units and ICD codes survived, and no output is still German.",
        severity=dg.AssetCheckSeverity.WARN,
    )


def _check(asset: str, name: str, passed: bool, counts: dict, why: str, severity=dg.AssetCheckSeverity.ERROR):
    return dg.AssetCheckResult(check_name=name, asset_key=asset, passed=passed, metadata=counts, description=why, severity=severity)


@_translation_asset("english_sections", "pseudonymized_sections", "Pseudonymized passages with `text` in English.")
def translate_sections(
    context: dg.AssetExecutionContext,
    config: TranslationConfig,
    pseudonymized_sections: pd.DataFrame,
    translator: Translator,
    llm: LLMResource,
):
    require_leak_check_passed(context, "pseudonymized_sections")
    yield from _results(context, pseudonymized_sections, ("text",), "english_sections", config, translator, llm)


@_translation_asset("english_qa_pairs", "pseudonymized_qa_pairs", "Pseudonymized QA pairs, question and answer in English.")
def translate_qa_pairs(
    context: dg.AssetExecutionContext,
    config: TranslationConfig,
    pseudonymized_qa_pairs: pd.DataFrame,
    translator: Translator,
    llm: LLMResource,
):
    require_leak_check_passed(context, "pseudonymized_qa_pairs")
    yield from _results(
        context, pseudonymized_qa_pairs, ("question", "answer"), "english_qa_pairs", config, translator, llm, {"language": "en"}
    )
