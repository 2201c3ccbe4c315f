"""QA pairs + passages -> training pairs (query, positive passage), split train/dev/test by patient.

The split is decided once, where the hospital's patient id is still known (`report_sections`), as a keyed hash of
that id: deterministic, independent of row order, stable when new patients arrive. It travels as the `split`
column through the pseudonymized and English rows, so every variant holds the same patients in each split.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

SPLITS = ("train", "dev", "test")
ID_COLUMNS = ("pair_id", "passage_id", "document_id", "case_id", "patient_id")
PAIR_COLUMNS = ("query", "positive", "answer", *ID_COLUMNS, "specialty", "year", "section_name", "split")


@dataclass(frozen=True)
class Split:
    """Which patients train, tune and evaluate: one setting for every variant and consumer."""

    seed: int = 0
    dev_fraction: float = 0.15
    test_fraction: float = 0.15

    def __post_init__(self) -> None:
        split_of("", self.seed, self.dev_fraction, self.test_fraction)  # bad fractions fail here, not mid-run

    def of(self, patient_id: str) -> str:
        return split_of(patient_id, self.seed, self.dev_fraction, self.test_fraction)


@dataclass
class BuiltPairs:
    pairs: pd.DataFrame
    rows_in: int
    rejected: Counter = field(default_factory=Counter)  # reason -> count


def split_of(patient_id: str, seed: int, dev_fraction: float, test_fraction: float) -> str:
    """train / dev / test from HMAC-SHA256(seed, patient id) read as a uniform number in [0, 1)."""
    if not (0 <= dev_fraction and 0 <= test_fraction and dev_fraction + test_fraction < 1):
        raise ValueError(f"dev ({dev_fraction}) and test ({test_fraction}) fractions must be >= 0 and sum below 1")
    digest = hmac.new(str(seed).encode(), str(patient_id).encode(), hashlib.sha256).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    return "test" if u < test_fraction else "dev" if u < test_fraction + dev_fraction else "train"


def build_pairs(qa_pairs: pd.DataFrame, passages: pd.DataFrame) -> BuiltPairs:
    """One row per QA pair whose passage is known: (question, passage text), ids and the pair's `split` kept.

    Pairs without a question, whose passage is missing or without a split are counted by reason, never dropped
    silently.
    """
    result = BuiltPairs(pairs=pd.DataFrame(columns=PAIR_COLUMNS), rows_in=len(qa_pairs))
    if qa_pairs.empty:
        return result
    if "split" not in qa_pairs:
        raise ValueError(
            "the QA pairs carry no `split` column: they were written before the split moved to "
            "report_sections; re-materialize report_sections and the QA pairs"
        )
    text = passages.drop_duplicates("passage_id").set_index("passage_id")["text"]
    frame = qa_pairs.assign(query=qa_pairs["question"].fillna("").str.strip(), positive=qa_pairs["passage_id"].map(text))
    empty = frame["query"] == ""
    missing = ~empty & frame["positive"].isna()
    no_split = ~empty & ~missing & ~frame["split"].isin(SPLITS)
    result.rejected.update({"empty_question": int(empty.sum()), "passage_missing": int(missing.sum()), "no_split": int(no_split.sum())})
    result.rejected = +result.rejected
    frame = frame[~empty & ~missing & ~no_split].copy()
    for column in ("answer", "specialty", "year", "section_name"):
        if column not in frame:
            frame[column] = ""
    result.pairs = frame[list(PAIR_COLUMNS)].reset_index(drop=True)
    return result


def content_version(frame: pd.DataFrame) -> str:
    """Short hash of the rows: the data version a fine-tuned model's version is built from."""
    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes()
    return hashlib.sha256(hashed).hexdigest()[:12]


def patients_in_several_splits(pairs: pd.DataFrame) -> list[str]:
    """Patients whose pairs fall into more than one split: must be empty."""
    per_patient = pairs.groupby("patient_id")["split"].nunique()
    return sorted(per_patient[per_patient > 1].index)


def split_agreement(splits: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Compare variants' (patient, split) rows, patients already in one id space (the caller maps raw ids through
    the keyed pseudonym): patients split differently anywhere, and per variant its test patients and those of
    another variant's test patients it lacks (a withheld or untranslated patient shows here)."""
    per_variant = {v: f.drop_duplicates(["patient_id", "split"]) for v, f in splits.items()}
    both = pd.concat([f.assign(variant=v) for v, f in per_variant.items()], ignore_index=True)
    out = {"patients_split_differently": int((both.groupby("patient_id")["split"].nunique() > 1).sum())}
    test = {v: set(f.loc[f["split"] == "test", "patient_id"]) for v, f in per_variant.items()}
    everyone = set().union(*test.values()) if test else set()
    for variant, patients in test.items():
        out[f"test_patients {variant}"] = len(patients)
        out[f"test_patients_missing {variant}"] = len(everyone - patients)
    return out


def statistics(pairs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Pairs and patients per split, and pairs per split by specialty and by year."""
    by_split = pairs.groupby("split").agg(pairs=("pair_id", "size"), patients=("patient_id", "nunique"))
    by_split = by_split.reindex(list(SPLITS), fill_value=0)
    return {
        "split": by_split.reset_index(),
        "specialty": pairs.pivot_table(index="specialty", columns="split", values="pair_id", aggfunc="size", fill_value=0).reset_index(),
        "year": pairs.pivot_table(index="year", columns="split", values="pair_id", aggfunc="size", fill_value=0).reset_index(),
    }
