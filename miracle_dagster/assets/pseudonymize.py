"""The privacy boundary: pseudonymized copies of passages and QA pairs, each guarded by a blocking leak check.

Everything that leaves the hospital (translation, shared models, UI payloads) reads these assets only. Metadata
carries counts and PHI types, never a value; the surrogate key goes to the restricted `private/` folder.
"""

import dagster as dg
import pandas as pd

from miracle_dagster.core.pseudonymize import known_phi_values
from miracle_dagster.core.pseudonymize.records import Pseudonymized, RowPseudonymizer
from miracle_dagster.metadata import column_schema, count_table, md_table
from miracle_dagster.partitions import eager_every_year, partition_dims, report_partitions
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.source import ReportSource

LEAK_CHECK = "no_known_phi_leaks"
SAMPLE_ROWS = 8


def _boundary(frame: pd.DataFrame, source: ReportSource, pseudonymizer: Pseudonymizer) -> tuple[RowPseudonymizer, int]:
    """Detector, surrogates and known values for the patients of this partition's rows."""
    patients, spans = source.master_data(set(frame["patient_id"].astype(str)))
    known = known_phi_values(patients, spans)
    return RowPseudonymizer(pseudonymizer.detector(patients), pseudonymizer.surrogator(patients, known), known), len(patients)


def _source_metadata(boundary: RowPseudonymizer) -> dict:
    """Counts of the further detectors (the LLM's accepted and rejected items by reason), never a value."""
    return {
        k: v for source in getattr(boundary.detector, "sources", ()) if hasattr(source, "metadata") for k, v in source.metadata().items()
    }


def _results(context, asset, rows_in: pd.DataFrame, done: Pseudonymized, pseudonymizer: Pseudonymizer, n_master: int, extra_metadata=None):
    specialty, year = partition_dims(context)
    pseudonymizer.write_key(asset, specialty, year, done.key)
    withheld_path = pseudonymizer.write_private(
        "withheld", asset, specialty, year, done.withheld, ("row_id", "patient_id", "reason", "n_leaks")
    )
    out = pd.DataFrame(done.rows, columns=rows_in.columns)
    yield dg.Output(
        out,
        metadata={
            "rows_in": len(rows_in),
            "rows_out": len(out),
            "rows_withheld": len(done.withheld),
            "phi_replaced": sum(done.phi_counts.values()),
            "phi_replaced_by_type": count_table(done.phi_counts, "PHI type", empty="No PHI found."),
            "master_data_patients": n_master,
            "patients": int(rows_in["patient_id"].nunique()) if len(rows_in) else 0,
            "phi_detector": pseudonymizer.detector_name(),
            "secret_source": pseudonymizer.secret_source(),
            "dagster/row_count": len(out),
            "dagster/column_schema": column_schema(out),
            **(extra_metadata(out) if extra_metadata else {}),
        },
    )
    yield dg.AssetCheckResult(
        check_name=LEAK_CHECK,
        passed=not done.withheld and len(out) == len(rows_in),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows_checked": len(rows_in),
            "rows_withheld": len(done.withheld),
            "master_data_patients": n_master,
            "withheld_rows_file": str(withheld_path),
        },
        description=(
            "No known PHI value of the partition's patients (master list, generator ground truth) and no raw "
            "patient, case or document id occurs in the output; rows that would leak are withheld."
        ),
    )


def _boundary_asset(description: str):
    """Partitioned like its input, follows it eagerly, and its leak check blocks everything downstream."""

    def decorate(fn):
        return dg.asset(
            partitions_def=report_partitions,
            group_name="privacy",
            kinds={"spacy", "pandas", "parquet"},
            automation_condition=eager_every_year(),
            check_specs=[dg.AssetCheckSpec(LEAK_CHECK, asset=fn.__name__, blocking=True)],
            description=description,
        )(fn)

    return decorate


@_boundary_asset("Passages with PHI replaced by consistent per-patient surrogates, ids keyed, dates shifted.")
def pseudonymized_sections(
    context: dg.AssetExecutionContext,
    report_sections: pd.DataFrame,
    raw_reports: pd.DataFrame,
    source: ReportSource,
    pseudonymizer: Pseudonymizer,
):
    boundary, n_master = _boundary(report_sections, source, pseudonymizer)
    documents = dict(zip(raw_reports["document_id"], raw_reports["text"]))
    done = boundary.passages(report_sections.to_dict("records"), documents)
    yield from _results(
        context, "pseudonymized_sections", report_sections, done, pseudonymizer, n_master, lambda _: _source_metadata(boundary)
    )


@_boundary_asset("QA pairs with the same surrogates as their passages: questions and answers quote PHI too.")
def pseudonymized_qa_pairs(
    context: dg.AssetExecutionContext,
    qa_pairs: pd.DataFrame,
    source: ReportSource,
    pseudonymizer: Pseudonymizer,
):
    boundary, n_master = _boundary(qa_pairs, source, pseudonymizer)
    done = boundary.qa_pairs(qa_pairs.to_dict("records"))
    yield from _results(
        context,
        "pseudonymized_qa_pairs",
        qa_pairs,
        done,
        pseudonymizer,
        n_master,
        lambda out: {**_sample(out), **_source_metadata(boundary)},
    )


def _sample(pairs: pd.DataFrame) -> dict:
    """Example pairs for the UI, from the pseudonymized copy: the UI is outside the privacy boundary."""
    rows = [(r.section_name, r.question, r.answer) for r in pairs.head(SAMPLE_ROWS).itertuples()]
    return {"sample": md_table(["section", "question", "answer"], rows, empty="No pairs.")}
