"""One module per pipeline stage; each asset reads inputs, calls the core, writes output, reports metadata."""

import dagster as dg

from miracle_dagster.assets.evaluate_ir import ir_eval_report, relevance_judgments
from miracle_dagster.assets.evaluate_rag import rag_eval_report
from miracle_dagster.assets.icd import icd_code_catalog, icd_synthetic_queries
from miracle_dagster.assets.icd_eval import icd_eval_report
from miracle_dagster.assets.icd_models import icd_biencoder, icd_reranker
from miracle_dagster.assets.index import build_index_assets
from miracle_dagster.assets.ingest import ingest_reports
from miracle_dagster.assets.phi_detector import phi_detector
from miracle_dagster.assets.pseudonymization_eval import pseudonymization_eval
from miracle_dagster.assets.pseudonymize import pseudonymized_qa_pairs, pseudonymized_sections
from miracle_dagster.assets.qa import generate_qa_pairs
from miracle_dagster.assets.sections import report_sections
from miracle_dagster.assets.train import finetuned_model, training_pairs
from miracle_dagster.assets.translate import translate_qa_pairs, translate_sections
from miracle_dagster.assets.variant_index import variant_index
from miracle_dagster.core import settings

ingest_assets = [ingest_reports, report_sections]
qa_assets = [generate_qa_pairs]
training_assets = [training_pairs, finetuned_model, variant_index]
privacy_assets = [pseudonymized_sections, pseudonymized_qa_pairs, phi_detector, pseudonymization_eval]
translation_assets = [translate_sections, translate_qa_pairs]
icd_assets = [icd_code_catalog, icd_synthetic_queries, icd_biencoder, icd_reranker, icd_eval_report]
evaluation_assets = [relevance_judgments, ir_eval_report]
_index = [definition for model in settings.index_models() for definition in build_index_assets(model)]
index_assets = [d for d in _index if not isinstance(d, dg.AssetChecksDefinition)]
index_checks = [d for d in _index if isinstance(d, dg.AssetChecksDefinition)]
rag_eval_assets = [rag_eval_report]

# Everything that runs per specialty x year: what the sensor, the nightly schedule and ingest_job target.
partitioned_assets = [*ingest_assets, pseudonymized_sections, *(a for a in index_assets if a.partitions_def is not None)]
