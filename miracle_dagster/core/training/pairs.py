"""QA pairs + passages -> training pairs (query, positive passage) with a patient-level train/dev/test split.

The split is a keyed hash of the patient id, so it is deterministic, independent of row order and stable when
new patients arrive: a patient never moves between splits, and evaluation never sees a patient trained on.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

SPLITS = ("train", "dev", "test")
ID_COLUMNS = ("pair_id", "passage_id", "document_id", "case_id", "patient_id")
PAIR_COLUMNS = ("query", "positive", *ID_COLUMNS, "specialty", "year", "section_name", "split")


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


def build_pairs(
    qa_pairs: pd.DataFrame, passages: pd.DataFrame, seed: int = 0, dev_fraction: float = 0.15, test_fraction: float = 0.15
) -> BuiltPairs:
    """One row per QA pair whose passage is known: (question, passage text), ids kept for the split and guards.

    Pairs without a question or whose passage is missing are counted by reason, never silently dropped.
    """
    result = BuiltPairs(pairs=pd.DataFrame(columns=PAIR_COLUMNS), rows_in=len(qa_pairs))
    if qa_pairs.empty:
        return result
    text = passages.drop_duplicates("passage_id").set_index("passage_id")["text"]
    frame = qa_pairs.assign(query=qa_pairs["question"].fillna("").str.strip(), positive=qa_pairs["passage_id"].map(text))
    empty = frame["query"] == ""
    missing = ~empty & frame["positive"].isna()
    result.rejected.update({"empty_question": int(empty.sum()), "passage_missing": int(missing.sum())})
    result.rejected = +result.rejected
    frame = frame[~empty & ~missing].copy()
    frame["split"] = [split_of(p, seed, dev_fraction, test_fraction) for p in frame["patient_id"]]
    for column in ("specialty", "year", "section_name"):
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


def statistics(pairs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Pairs and patients per split, and pairs per split by specialty and by year."""
    by_split = pairs.groupby("split").agg(pairs=("pair_id", "size"), patients=("patient_id", "nunique"))
    by_split = by_split.reindex(list(SPLITS), fill_value=0)
    return {
        "split": by_split.reset_index(),
        "specialty": pairs.pivot_table(index="specialty", columns="split", values="pair_id", aggfunc="size", fill_value=0).reset_index(),
        "year": pairs.pivot_table(index="year", columns="split", values="pair_id", aggfunc="size", fill_value=0).reset_index(),
    }
