"""Training sets and fine-tuning per variant: pairs with a patient-level split, guarded hard negatives, the trainer."""

from miracle_dagster.core.training.negatives import Mined, mine
from miracle_dagster.core.training.pairs import (
    BuiltPairs,
    Split,
    build_pairs,
    content_version,
    patients_in_several_splits,
    split_agreement,
    split_of,
    statistics,
)
from miracle_dagster.core.training.train import TrainConfig, TrainResult, train

# variant -> (QA pairs asset, passages asset) it is built from
VARIANT_INPUTS = {
    "de": ("qa_pairs", "report_sections"),
    "de_pseudonymized": ("pseudonymized_qa_pairs", "pseudonymized_sections"),
    "en_pseudonymized": ("english_qa_pairs", "english_sections"),
}
VARIANTS = tuple(VARIANT_INPUTS)
VARIANT_LANGUAGE = {"de": "de", "de_pseudonymized": "de", "en_pseudonymized": "en"}  # of its questions and passages
PRIVATE_VARIANTS = ("de",)  # raw PHI: the model may have memorized it, so it stays inside the hospital

__all__ = [
    "PRIVATE_VARIANTS",
    "VARIANTS",
    "VARIANT_INPUTS",
    "VARIANT_LANGUAGE",
    "BuiltPairs",
    "Mined",
    "Split",
    "TrainConfig",
    "TrainResult",
    "build_pairs",
    "content_version",
    "mine",
    "patients_in_several_splits",
    "split_agreement",
    "split_of",
    "statistics",
    "train",
]
