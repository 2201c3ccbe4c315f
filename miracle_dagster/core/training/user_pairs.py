"""A user's own training pairs (JSONL) -> the rows core/training trains on: validated, split by passage, negatives mined.

`miracle finetune` runs the same trainer, prompts and hard-negative guards as the Dagster assets on a file a hospital
writes itself, lines `{"query", "positive", "negatives"?}`. A bad line becomes a rejected row with its line number and
reason, never a crash mid-training or a silent drop. The dev split is by passage (a keyed hash of its text), so a dev
question never has a passage the model was trained on.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from miracle_dagster.core.training.negatives import Mined, mine
from miracle_dagster.core.training.pairs import split_of
from miracle_dagster.jsonl_io import numbered_lines

COLUMNS = ("query", "positive", "negatives", "pair_id", "passage_id", "document_id", "case_id", "patient_id", "split")


@dataclass(frozen=True)
class MiningConfig:
    """Hard negatives for pairs that bring none: how many, from how many candidates, and the false-negative margin."""

    negatives: int = 1  # 0: in-batch negatives only
    candidates: int = 10
    margin: float = 0.05  # drop a candidate scoring within 5% of the positive: likely another right answer


@dataclass
class UserPairs:
    pairs: pd.DataFrame  # COLUMNS
    lines: int = 0
    rejected: list[dict] = field(default_factory=list)  # line, reason, detail: the quarantine rows of jsonl_io
    mined: Mined | None = None

    @property
    def rejected_by_reason(self) -> Counter:
        return Counter(r["reason"] for r in self.rejected)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _problem(row) -> str | None:
    if not isinstance(row, dict):
        return "not_an_object"
    for key in ("query", "positive"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            return f"missing_{key}"
    negatives = row.get("negatives", [])
    if not isinstance(negatives, list) or not all(isinstance(n, str) and n.strip() for n in negatives):
        return "negatives_not_a_list_of_texts"
    if row["positive"].strip() in {n.strip() for n in negatives}:
        return "positive_among_negatives"
    return None


def read_pairs(path: Path, dev_fraction: float = 0.1, seed: int = 0) -> UserPairs:
    """Every non-blank line checked; good ones split train/dev by passage with HMAC(seed, passage text)."""
    rows, rejected, lines, seen = [], [], 0, set()
    for number, row, error in numbered_lines(path):
        lines += 1
        if error:
            rejected.append({"line": number, "reason": "not_json", "detail": error})
            continue
        reason = _problem(row)
        if reason:
            rejected.append({"line": number, "reason": reason, "detail": json.dumps(row, ensure_ascii=False)[:200]})
            continue
        query, positive = row["query"].strip(), row["positive"].strip()
        pair_id, passage = _hash(f"{query}\n{positive}"), _hash(positive)
        if pair_id in seen:
            rejected.append({"line": number, "reason": "duplicate_pair", "detail": query[:200]})
            continue
        seen.add(pair_id)
        rows.append(
            {
                "query": query,
                "positive": positive,
                "negatives": [n.strip() for n in row.get("negatives", [])],
                "pair_id": pair_id,
                "passage_id": passage,
                # the negative guards' owner ids: a passage is its own document, case and patient
                "document_id": passage,
                "case_id": passage,
                "patient_id": passage,
                "split": split_of(positive, seed, dev_fraction, 0.0),
            }
        )
    user = UserPairs(pairs=pd.DataFrame(rows, columns=list(COLUMNS)), lines=lines, rejected=rejected)
    if not (user.pairs["split"] == "train").any():
        raise ValueError(f"{path}: no usable training pair among {lines} lines (rejected: {dict(user.rejected_by_reason)})")
    return user


def mine_missing(user: UserPairs, model, config: MiningConfig, query_prompt: str | None, passage_prompt: str | None) -> UserPairs:
    """Guarded hard negatives (core/training/negatives) for the training pairs that bring none, mined among the
    training passages only; pairs with their own negatives keep them."""
    train = user.pairs[user.pairs["split"] == "train"]
    missing = train[train["negatives"].map(len) == 0]
    if config.negatives < 1 or missing.empty:
        return user
    mined = mine(train, model, config.negatives, config.candidates, config.margin, query_prompt, passage_prompt)
    pairs = user.pairs.copy()
    for index, negatives in zip(train.index, mined.negatives):
        if index in missing.index:
            pairs.at[index, "negatives"] = negatives
    return UserPairs(pairs=pairs, lines=user.lines, rejected=user.rejected, mined=mined)
