"""Stand-in QA pairs for tests and benchmarks of training, built from passages without the (slow) LLM.

Each question names two of the passage's long words cut to lower-case five-letter stems: the base model
half-solves that, and a few training steps measurably teach it, which is what a training test needs.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd

WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{7,}")
ID_COLUMNS = ("passage_id", "section_id", "document_id", "patient_id", "case_id", "specialty", "section_name", "split")


def stem_question(text: str, salt: str) -> str | None:
    words = list(dict.fromkeys(WORD.findall(text)))
    if len(words) < 2:
        return None
    words.sort(key=lambda w: hashlib.sha256((salt + w).encode()).hexdigest())
    return "Wo steht etwas zu " + ", ".join(w[:5].lower() for w in words[:2]) + "?"


def stand_in_qa_pairs(passages: pd.DataFrame, limit: int = 0, skip_sections: tuple[str, ...] = ("Kopf",)) -> pd.DataFrame:
    """Rows with the QA pairs' columns (pair_id, question, answer and the passage's ids and split), one per usable passage."""
    rows = [
        {"pair_id": f"q{r['passage_id']}", "question": q, "answer": "", **{c: r[c] for c in ID_COLUMNS if c in r}}
        for r in passages[~passages["section_name"].isin(skip_sections)].to_dict("records")
        if (q := stem_question(r["text"], r["passage_id"]))
    ]
    return pd.DataFrame(rows[:limit] if limit else rows)
