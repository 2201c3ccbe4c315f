"""One module per pipeline stage; each asset reads inputs, calls the core, writes output, reports metadata.

`definitions.py` collects every asset and check of these modules by convention and selects jobs by group; the names
below are shortcuts for tests and benchmarks that materialize one stage on its own."""

import dagster as dg

from miracle_dagster.assets.evaluate_ir import ir_eval_report, relevance_judgments
from miracle_dagster.assets.evaluate_rag import rag_eval_report
from miracle_dagster.assets.ingest import ingest_reports
from miracle_dagster.assets.phi_detector import phi_detector
from miracle_dagster.assets.pseudonymization_eval import pseudonymization_eval
from miracle_dagster.assets.pseudonymize import pseudonymized_qa_pairs, pseudonymized_sections
from miracle_dagster.assets.qa import generate_qa_pairs
from miracle_dagster.assets.sections import report_sections
from miracle_dagster.assets.train import finetuned_model, training_pairs
from miracle_dagster.assets.translate import translate_qa_pairs, translate_sections
from miracle_dagster.assets.variant_index import variant_index

ingest_assets = [ingest_reports, report_sections]
qa_assets = [generate_qa_pairs]

# Everything that runs per specialty x year without a rate-limited service: what ingest_job, the new-documents sensor
# and the nightly schedule target. A new asset of group `ingest` (or a new index model) joins by itself.
PER_PARTITION = (
    dg.AssetSelection.groups("ingest")
    | dg.AssetSelection.assets("pseudonymized_sections")
    | dg.AssetSelection.key_substring("qdrant_points")
)

__all__ = [
    "PER_PARTITION",
    "finetuned_model",
    "ingest_assets",
    "ir_eval_report",
    "phi_detector",
    "pseudonymization_eval",
    "pseudonymized_qa_pairs",
    "pseudonymized_sections",
    "qa_assets",
    "rag_eval_report",
    "relevance_judgments",
    "training_pairs",
    "translate_qa_pairs",
    "translate_sections",
    "variant_index",
]
