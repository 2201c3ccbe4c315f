"""pseudonymization_eval: precision, recall and F1 per PHI type on generated documents the rules never saw, and the
trained detector's k-fold scores on real annotated letters (GraSCCo), side by side."""

import json

import dagster as dg

from miracle_dagster.core.pseudonymize import markdown_table
from miracle_dagster.core.pseudonymize.heldout import RECALL_GOAL, heldout_evaluation, recall_shortfalls
from miracle_dagster.metadata import md_table
from miracle_dagster.resources.pseudonymizer import Pseudonymizer, trained_source

MISSED_ROWS = 25
METRIC_COLUMNS = ("type", "gold", "pred", "exact_p", "exact_r", "overlap_p", "overlap_r", "overlap_f1", "token_p", "token_r", "token_f1")
EVALUATION_FILE = "evaluation.json"


class HeldoutConfig(dg.Config):
    """Another seed than the rules were tuned on (42): new names, places, numbers and template combinations."""

    patients: int = 40
    seed: int = 7


@dg.asset(
    group_name="privacy",
    kinds={"spacy"},
    deps=["phi_detector"],
    check_specs=[dg.AssetCheckSpec("recall_goal_met", asset="pseudonymization_eval")],
    description="Detection P/R/F1 per PHI type (sample corpus: rules, + master list, + trained model; GraSCCo k-fold).",
)
def pseudonymization_eval(config: HeldoutConfig, pseudonymizer: Pseudonymizer):
    model = pseudonymizer.phi_detector_path()
    sources = [trained_source(str(model))] if model else []
    report = heldout_evaluation(config.patients, config.seed, ner_model=pseudonymizer.ner_model or None, sources=sources)
    results = report["results"]
    setting = list(results)[-1]  # what the pseudonymizer runs
    main = results[setting]
    metadata = {
        "documents": report["documents"],
        "phi_spans": report["phi_spans"],
        "seed": config.seed,
        "detector": pseudonymizer.detector_name(),
    }
    for name, result in results.items():
        rows = [{k: r[k] for k in METRIC_COLUMNS} for r in result["rows"]]
        groups = [{k: r[k] for k in METRIC_COLUMNS} for r in result["groups"].values()]
        metadata[f"{name}_by_type"] = dg.MetadataValue.md(markdown_table(rows + groups))
        for group, row in result["groups"].items():
            metadata[f"{name}_{group}_recall"] = row["overlap_r"]
        metadata[f"{name}_missed"] = len(result["missed"])
    # Generated (synthetic) PHI only: safe to show, and the quickest way to see what the rules miss.
    metadata["missed_examples"] = md_table(
        ["type", "text", "context"],
        [(m["type"], m["text"], m["context"].replace("|", "/")) for m in main["missed"][:MISSED_ROWS]],
        empty="Nothing missed.",
    )
    if model and (model / EVALUATION_FILE).exists():
        real = json.loads((model / EVALUATION_FILE).read_text())
        metadata["grascco_folds"] = real["k"]
        metadata["grascco"] = md_table(
            ["detector", "recall", "95% CI", "token recall", "precision"],
            [
                (name, r["recall"], f"{r['recall_ci95'][0]:.3f}-{r['recall_ci95'][1]:.3f}", r["token_recall"], r["precision"])
                for name, r in real["results"].items()
            ],
        )
        for name, r in real["results"].items():
            metadata[f"grascco_{name}_recall"] = r["recall"]
            metadata[f"grascco_{name}_precision"] = r["precision"]
        merged = real["results"]["rules_and_model"]
        metadata["grascco_rules_and_model_by_type"] = dg.MetadataValue.md(
            markdown_table([{k: r[k] for k in METRIC_COLUMNS} for r in merged["by_type"]])
        )
        metadata["grascco_recall_by_gemtex_type"] = md_table(
            ["GeMTeX type", "spans", "recall"],
            [(t, n, merged["recall_by_gemtex_type"][t]) for t, n in merged["gold_by_gemtex_type"].items()],
        )
    yield dg.MaterializeResult(metadata=metadata)
    short = recall_shortfalls(main)
    yield dg.AssetCheckResult(
        check_name="recall_goal_met",
        passed=not short,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={group: row["overlap_r"] for group, row in main["groups"].items()},
        description=f"Recall >= {RECALL_GOAL} for names, dates and identifiers ({setting})." + (f" Short: {short}" if short else ""),
    )
