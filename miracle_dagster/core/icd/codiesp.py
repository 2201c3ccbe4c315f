"""CodiEsp (CLEF eHealth 2020) mentions as real evaluation queries: Spanish mention text -> its ICD-10-CM code.

Only diagnosis mentions count (procedures are ICD-10-PCS, another system); each is counted, never silently
dropped. The English machine translation exists per document only, with no mention offsets into it, so the
mention-level evaluation is Spanish.
"""

from __future__ import annotations

import gzip
import json
import os
from collections import Counter
from pathlib import Path

import pandas as pd

from miracle_dagster.core import settings


def default_dir() -> Path:
    env = os.environ.get("MIRACLE_CODIESP_DIR")
    return Path(env) if env else settings.PROJECT_ROOT.parent / "shared" / "data" / "codiesp"


def load_mentions(split: str = "dev", folder: Path | None = None) -> tuple[pd.DataFrame, Counter]:
    """(diagnosis mentions: doc_id, text, code, language; counts: read, procedure, diagnosis, distinct_codes)."""
    path = Path(folder or default_dir()) / f"codiesp_{split}_mentions.jsonl.gz"
    if not path.is_file():
        raise FileNotFoundError(f"CodiEsp mentions {path} not found: set MIRACLE_CODIESP_DIR")
    rows, counts = [], Counter()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                item = json.loads(line)
                label, code, text = item["label"], item["code"].strip().upper(), " ".join(item["text"].split())
            except (ValueError, KeyError, AttributeError) as error:
                raise ValueError(f"{path}: line {number} is not a mention ({error})") from error
            counts["read"] += 1
            if label != "DIAGNOSTICO":
                counts["procedure"] += 1
                continue
            counts["diagnosis"] += 1
            rows.append((item["doc_id"], text, code, "es"))
    frame = pd.DataFrame(rows, columns=["doc_id", "text", "code", "language"])
    counts["distinct_codes"] = int(frame["code"].nunique())
    return frame, counts
