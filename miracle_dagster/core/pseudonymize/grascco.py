"""GraSCCo_PHI: real-world German clinical letters with PHI annotated under the GeMTeX guideline, read as the
project's documents and PHI types, and split into folds by template family for honest k-fold evaluation.

The files are gzip'd JSON Lines (``id``, ``text``, ``phi``: ``type``, ``start``, ``end``, ``text``), read from where
they lie (``../shared/data/grascco/``), never copied. GeMTeX types map onto :data:`~..schema.PHI_TYPES`:

==========================================  ===============  ==============================================
GeMTeX                                      project          why
==========================================  ===============  ==============================================
DATE                                        DATE             (birth dates are not told apart in GeMTeX)
NAME_PATIENT                                PATIENT_NAME
NAME_DOCTOR, NAME_USERNAME                  STAFF_NAME       a user name is a staff member's
NAME_RELATIVE, NAME_EXT, NAME_OTHER         RELATIVE_NAME    other persons named in the letter
LOCATION_STREET                             STREET
LOCATION_CITY, LOCATION_ZIP, _COUNTRY,      POSTAL_CITY      the project writes "45147 Essen" as one span;
LOCATION_OTHER                                               GeMTeX splits zip and city (overlap counts both)
LOCATION_HOSPITAL, LOCATION_ORGANIZATION    ORGANIZATION     hospitals, practices, wards, institutions
ID                                          ORDER_ID         any record, case or lab number
CONTACT_PHONE / CONTACT_FAX / CONTACT_EMAIL PHONE/FAX/EMAIL
CONTACT_URL                                 EMAIL
AGE                                         AGE              counted apart: not identifying alone
NAME_TITLE, PROFESSION                      (none)           counted apart: "Dr. med.", "Floristin"
==========================================  ===============  ==============================================
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Iterable

TYPE_MAP = {
    "DATE": "DATE",
    "NAME_PATIENT": "PATIENT_NAME",
    "NAME_DOCTOR": "STAFF_NAME",
    "NAME_USERNAME": "STAFF_NAME",
    "NAME_RELATIVE": "RELATIVE_NAME",
    "NAME_EXT": "RELATIVE_NAME",
    "NAME_OTHER": "RELATIVE_NAME",
    "LOCATION_STREET": "STREET",
    "LOCATION_CITY": "POSTAL_CITY",
    "LOCATION_ZIP": "POSTAL_CITY",
    "LOCATION_COUNTRY": "POSTAL_CITY",
    "LOCATION_OTHER": "POSTAL_CITY",
    "LOCATION_HOSPITAL": "ORGANIZATION",
    "LOCATION_ORGANIZATION": "ORGANIZATION",
    "ID": "ORDER_ID",
    "CONTACT_PHONE": "PHONE",
    "CONTACT_FAX": "FAX",
    "CONTACT_EMAIL": "EMAIL",
    "CONTACT_URL": "EMAIL",
    "AGE": "AGE",
}
# GeMTeX types that are PHI annotations but identify nobody alone: scored apart, never trained as PHI
NOT_IDENTIFYING = frozenset({"AGE", "NAME_TITLE", "PROFESSION"})
DEFAULT_DIR = Path("..") / "shared" / "data" / "grascco"
_FAMILY = re.compile(r"^(.*?)(?:_[A-Z]|_\d+)?$")


def load(path: str | Path = DEFAULT_DIR) -> list[dict]:
    """Documents as ``{"document_id", "family", "text", "spans": [{start, end, type, gemtex_type, identifying}]}``.

    ``path``: a ``.jsonl.gz`` file or a folder holding them. A leading byte-order mark is kept (offsets count it).
    Raises ``FileNotFoundError`` naming the path when there is nothing to read, ``ValueError`` for an offset that
    does not match its text.
    """
    path = Path(path)
    files = sorted(path.glob("*.jsonl.gz")) if path.is_dir() else [path]
    if not files or not files[0].exists():
        raise FileNotFoundError(f"no GraSCCo files (*.jsonl.gz) at {path}")
    docs = []
    for file in files:
        with gzip.open(file, "rt", encoding="utf-8") as handle:
            docs += [_document(json.loads(line)) for line in handle if line.strip()]
    return docs


def _document(row: dict) -> dict:
    text = row["text"]
    spans = []
    for s in row["phi"]:
        if text[s["start"] : s["end"]] != s["text"]:
            raise ValueError(f"GraSCCo {row['id']}: span {s['start']}-{s['end']} does not match its text {s['text']!r}")
        typ = s["type"]
        spans.append(
            {
                "start": s["start"],
                "end": s["end"],
                "type": TYPE_MAP.get(typ, typ),
                "gemtex_type": typ,
                "identifying": typ not in NOT_IDENTIFYING,
            }
        )
    return {"document_id": row["id"], "family": family(row["id"]), "text": text, "spans": spans}


def family(document_id: str) -> str:
    """The template family ("Colon_Fake_A" -> "Colon_Fake", "Tupolev_3" -> "Tupolev"): one family, one fold."""
    return _FAMILY.match(document_id).group(1)


def folds(documents: Iterable[dict], k: int) -> list[list[str]]:
    """``k`` disjoint lists of document ids; a template family never spans two folds (its letters share phrasing,
    so a detector trained on one would be scored on a near copy). Families are dealt largest first into the
    currently smallest fold, deterministically."""
    by_family: dict[str, list[str]] = {}
    for d in documents:
        by_family.setdefault(d["family"], []).append(d["document_id"])
    if k < 2 or k > len(by_family):
        raise ValueError(f"k must be between 2 and the number of template families ({len(by_family)}), got {k}")
    out: list[list[str]] = [[] for _ in range(k)]
    for _, ids in sorted(by_family.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        min(out, key=len).extend(sorted(ids))
    return out


def training_spans(doc: dict) -> list[tuple[int, int, str]]:
    """The spans a detector learns from: identifying ones with a project type, whitespace trimmed at the edges."""
    out = []
    for s in doc["spans"]:
        if not s["identifying"] or s["type"] not in TYPE_MAP.values():
            continue
        start, end = s["start"], s["end"]
        while start < end and doc["text"][start] in " \t\n\ufeff":
            start += 1
        while end > start and doc["text"][end - 1] in " \t\n":
            end -= 1
        if start < end:
            out.append((start, end, s["type"]))
    return out


def examples(documents: Iterable[dict]) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Training examples (text, spans) of annotated letters, as the trainer takes them."""
    return [(d["text"], training_spans(d)) for d in documents]


def caught(span: dict, predicted: Iterable) -> bool:
    """Whether any prediction overlaps the gold ``span``: replaced at all, the privacy view of recall."""
    return any(_get(p, "start") < span["end"] and span["start"] < _get(p, "end") for p in predicted)


def score(documents: list[dict], predicted: dict[str, list]) -> dict:
    """Detection quality against the GraSCCo annotations, the privacy view first.

    - ``recall``: identifying gold spans that any prediction overlaps ("caught": replaced at all), overall and per
      GeMTeX type; ``token_recall``: ``\\w+`` tokens of identifying spans inside a prediction (nothing left over).
    - ``precision``: predictions that overlap any gold span (titles and ages count: they are annotated PHI).
    - ``by_type``: :func:`~.evaluate.evaluate` rows (exact / overlap / token) on the project's types.
    - ``missed``: identifying spans no prediction touches, with context (hospital-internal metadata only).
    """
    from miracle_dagster.core.pseudonymize.evaluate import evaluate

    gold = [{**s, "document_id": d["document_id"]} for d in documents for s in d["spans"] if s["identifying"]]
    every = [{**s, "document_id": d["document_id"]} for d in documents for s in d["spans"]]
    identifying = evaluate(documents, gold, predicted)
    overall = evaluate(documents, every, predicted)
    per_gemtex: dict[str, list[int]] = {}
    for s in gold:
        hit = caught(s, predicted.get(s["document_id"], ()))
        counts = per_gemtex.setdefault(s["gemtex_type"], [0, 0])
        counts[0] += hit
        counts[1] += 1
    all_row = next(r for r in identifying["rows"] if r["type"] == "ALL")
    precision_row = next(r for r in overall["rows"] if r["type"] == "ALL")
    return {
        "documents": len(documents),
        "gold": len(gold),
        "predicted": precision_row["pred"],
        "recall": all_row["overlap_r"],
        "token_recall": all_row["token_r"],
        "precision": precision_row["overlap_p"],
        "recall_by_gemtex_type": {t: round(h / n, 4) for t, (h, n) in sorted(per_gemtex.items())},
        "gold_by_gemtex_type": {t: n for t, (_, n) in sorted(per_gemtex.items())},
        "by_type": identifying["rows"],
        "missed": identifying["missed"],
    }


def _get(span, key: str):
    return span[key] if isinstance(span, dict) else getattr(span, key)
