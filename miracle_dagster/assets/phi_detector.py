"""phi_detector: the trained PHI detector beside the rules, versioned, with a model card and its held-out quality.

Trained on generated letters in real-world formats, the sample corpus and, where the folder exists, the annotated
GraSCCo letters; scored k-fold by template family on GraSCCo before the final model is trained on all of it. The
pseudonymizer resource loads the latest version. Misses name PHI of the annotated letters: they go to private/,
the UI shows counts only.
"""

import json

import dagster as dg

from miracle_dagster.assets.pseudonymization_eval import EVALUATION_FILE
from miracle_dagster.config import config_from
from miracle_dagster.core import settings
from miracle_dagster.core.pseudonymize import grascco, phi_models
from miracle_dagster.core.pseudonymize.crossval import cross_validate
from miracle_dagster.core.pseudonymize.trained import PhiTrainConfig, generated_data
from miracle_dagster.metadata import md_table
from miracle_dagster.resources.pseudonymizer import Pseudonymizer

GOAL_CHECK = "heldout_recall_goal_met"
RECALL_GOAL, PRECISION_GOAL = 0.95, 0.90
PhiDetectorConfig = config_from(PhiTrainConfig)


class PhiDetectorRunConfig(PhiDetectorConfig):
    cv_folds: int = 5  # k-fold by template family on GraSCCo before the final training; 0 skips the evaluation


@dg.asset(
    group_name="privacy",
    kinds={"spacy"},
    check_specs=[dg.AssetCheckSpec(GOAL_CHECK, asset="phi_detector")],
    description="spaCy NER over the PHI types, trained on generated and annotated letters; merged with the rules.",
)
def phi_detector(context: dg.AssetExecutionContext, config: PhiDetectorRunConfig, pseudonymizer: Pseudonymizer):
    if not pseudonymizer.models_dir:
        raise dg.Failure("the pseudonymizer resource has no models_dir: nowhere to keep the trained detector")
    core = config.to_core()
    by_source = generated_data(core)
    generated = [example for examples in by_source.values() for example in examples]
    annotated = grascco.load(settings.grascco_dir()) if core.use_grascco and settings.grascco_dir().is_dir() else []
    if not annotated:
        context.log.warning(
            f"no annotated letters at {settings.grascco_dir()} (MIRACLE_GRASCCO_DIR): generated letters only, no held-out score"
        )
    evaluation = (
        cross_validate(annotated, config.cv_folds, core, generated, log=context.log.info) if annotated and config.cv_folds else None
    )
    everything = generated + grascco.examples(annotated)
    version = phi_models.version_of(everything, {**core.__dict__, "cv_folds": config.cv_folds})
    counts = {**{name: len(examples) for name, examples in by_source.items()}, "GraSCCo (annotated letters)": len(annotated)}
    path, record = phi_models.train_and_publish(pseudonymizer.models_dir, version, everything, core, evaluation, counts)
    metadata = {
        "version": version,
        "path": dg.MetadataValue.path(str(path)),
        "train_seconds": record["train_seconds"],
        "training_spans": record["spans"],
        "rejected_spans": sum(record["rejected_spans"].values()),
        "training_documents": md_table(["source", "documents"], record["sources"].items()),
        "model_card": dg.MetadataValue.md((path / "README.md").read_text()),
        "annotated_letters": len(annotated),
    }
    if evaluation is None:
        yield dg.MaterializeResult(metadata=metadata)
        why = "cv_folds is 0" if annotated else f"no annotated letters at {settings.grascco_dir()} (MIRACLE_GRASCCO_DIR)"
        yield dg.AssetCheckResult(
            check_name=GOAL_CHECK,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"Not scored ({why}): held-out recall unknown.",
        )
        return
    (path / EVALUATION_FILE).write_text(
        json.dumps(
            {
                "k": evaluation["k"],
                "folds": evaluation["folds"],
                "results": {name: {k: v for k, v in r.items() if k != "missed"} for name, r in evaluation["results"].items()},
            },
            indent=1,
        )
    )
    merged = evaluation["results"]["rules_and_model"]
    for setting, result in evaluation["results"].items():
        metadata[f"{setting}_recall"] = result["recall"]
        metadata[f"{setting}_precision"] = result["precision"]
    missed_file = pseudonymizer.write_private_json("phi_detector", f"{version}_missed.json", merged["missed"])
    metadata["missed"] = len(merged["missed"])
    metadata["missed_by_type"] = md_table(
        ["GeMTeX type", "recall", "spans"], [(t, merged["recall_by_gemtex_type"][t], n) for t, n in merged["gold_by_gemtex_type"].items()]
    )
    metadata["missed_file"] = dg.MetadataValue.path(str(missed_file))  # names of the annotated letters: private/
    yield dg.MaterializeResult(metadata=metadata)
    lo, _ = merged["recall_ci95"]
    yield dg.AssetCheckResult(
        check_name=GOAL_CHECK,
        passed=merged["recall"] >= RECALL_GOAL and merged["precision"] >= PRECISION_GOAL,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"recall": merged["recall"], "recall_ci95_low": lo, "precision": merged["precision"], "folds": evaluation["k"]},
        description=f"Rules + model on held-out annotated letters: recall >= {RECALL_GOAL}, precision >= {PRECISION_GOAL}.",
    )
