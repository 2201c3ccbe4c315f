"""Writing a corpus as the folder source layout the ingestion reads, optionally with deliberately bad rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Sequence

from miracle_dagster.core.sample_corpus.generator import SampleCorpus
from miracle_dagster.core.schema import REQUIRED_REPORT_COLUMNS

BAD_ROW_REASONS = (
    "empty_text",
    "missing_patient_id",
    "duplicate_document_id",
    "date_outside_partition",
    "invalid_date",
    "text_too_large",
    "invalid_utf8",
    "invalid_json",
)
_FILE_FORMATS = ("jsonl", "csv", "parquet")


def _write_partition(path: Path, rows: list[dict], file_format: str) -> None:
    cols = list(REQUIRED_REPORT_COLUMNS)
    if file_format == "jsonl":
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for r in rows:
                fh.write(json.dumps({k: r[k] for k in cols}, ensure_ascii=False) + "\n")
    elif file_format == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, quoting=csv.QUOTE_MINIMAL, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({k: pa.array([r[k] for r in rows], type=pa.string()) for k in cols})
        pq.write_table(table, path)


def _bad_rows_for(spec: str, year: str, rows: list[dict], kinds: Sequence[str]) -> tuple[list[bytes], list[dict]]:
    """Build deliberately invalid lines (bytes) for one partition and their manifest entries."""
    base = rows[0]
    out: list[bytes] = []
    entries: list[dict] = []
    for k, kind in enumerate(kinds):
        doc_id = f"BAD-{spec}-{year}-{k + 1:02d}"
        row = {
            "document_id": doc_id,
            "patient_id": base["patient_id"],
            "case_id": base["case_id"],
            "specialty": spec,
            "document_type": base["document_type"],
            "date": f"{year}-06-15",
            "text": "Befund: Unauffälliger Befund.\nBeurteilung: Kein pathologischer Befund.",
        }
        if kind == "empty_text":
            row["text"] = "   \n\t  "
        elif kind == "missing_patient_id":
            del row["patient_id"]
        elif kind == "duplicate_document_id":
            row = {c: base[c] for c in REQUIRED_REPORT_COLUMNS}
            doc_id = base["document_id"]
        elif kind == "date_outside_partition":
            row["date"] = f"{int(year) - 1}-11-20"
        elif kind == "invalid_date":
            row["date"] = f"{year}-02-30"
        elif kind == "text_too_large":
            sentence = "Befund: Kein Nachweis eines pneumonischen Infiltrats, kein Pleuraerguss, kein Pneumothorax. "
            row["text"] = sentence * (500_000 // len(sentence) + 50)
        if kind == "invalid_utf8":
            line = json.dumps(row, ensure_ascii=False).encode("utf-8")
            line = line.replace("Unauffälliger".encode("utf-8"), b"Unauff\xe4lliger \xff\xfe\xc3\x28", 1)
        elif kind == "invalid_json":
            line = (
                '{"document_id": "' + doc_id + '", "patient_id": "' + base["patient_id"] + '", "text": "Befund: abgeschnittene Zeile'
            ).encode("utf-8")
        else:
            line = json.dumps(row, ensure_ascii=False).encode("utf-8")
        out.append(line + b"\n")
        entries.append(
            {
                "specialty": spec,
                "year": year,
                "file": f"{spec}/{year}/incoming_bad.jsonl",
                "line": k + 1,
                "document_id": doc_id,
                "reason": kind,
            }
        )
    return out, entries


def write_sample_source(root: Path, corpus: SampleCorpus, file_format: str = "jsonl", bad_rows: bool = False) -> dict:
    """Write the corpus as the folder layout the ingestion reads.

    Layout: ``root/<specialty>/<year>/documents.<jsonl|csv|parquet>`` (UTF-8, one file per partition with documents),
    ``root/_meta/phi_spans.jsonl`` and ``root/_meta/patients.jsonl`` (PHI ground truth, kept next to the source) and
    ``root/_meta/manifest.json``. With ``bad_rows=True`` a few partitions also get ``incoming_bad.jsonl`` with invalid
    rows (one per reason in :data:`BAD_ROW_REASONS`). Returns the manifest.
    """
    if file_format not in _FILE_FORMATS:
        raise ValueError(f"file_format must be one of {_FILE_FORMATS}, got {file_format!r}")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    parts: dict[tuple[str, str], list[dict]] = {}
    for doc in corpus.documents:
        parts.setdefault((doc["specialty"], doc["date"][:4]), []).append(doc)
    partitions = []
    for spec, year in sorted(parts):
        pdir = root / spec / year
        pdir.mkdir(parents=True, exist_ok=True)
        for stale in [*(pdir / f"documents.{ext}" for ext in _FILE_FORMATS), pdir / "incoming_bad.jsonl"]:
            if stale.exists():
                stale.unlink()
        path = pdir / f"documents.{file_format}"
        _write_partition(path, parts[(spec, year)], file_format)
        partitions.append({"specialty": spec, "year": year, "path": str(path.relative_to(root)), "n_documents": len(parts[(spec, year)])})

    bad: list[dict] = []
    if bad_rows and parts:
        # spread the invalid kinds over (up to) three of the largest partitions, deterministically
        keys = sorted(parts, key=lambda k: (-len(parts[k]), k))[:3]
        chunks: list[list[str]] = [[] for _ in keys]
        for i, kind in enumerate(BAD_ROW_REASONS):
            chunks[i % len(keys)].append(kind)
        for (spec, year), kinds in zip(keys, chunks):
            lines, entries = _bad_rows_for(spec, year, parts[(spec, year)], kinds)
            (root / spec / year / "incoming_bad.jsonl").write_bytes(b"".join(lines))
            bad.extend(entries)

    meta = root / "_meta"
    meta.mkdir(exist_ok=True)
    with (meta / "phi_spans.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for s in corpus.phi_spans:
            fh.write(json.dumps(s, ensure_ascii=False) + "\n")
    with (meta / "patients.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for p in corpus.patients:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    manifest = {
        "root": str(root),
        "file_format": file_format,
        "n_documents": len(corpus.documents),
        "n_patients": len(corpus.patients),
        "n_phi_spans": len(corpus.phi_spans),
        "partitions": partitions,
        "documents_per_partition": {f"{p['specialty']}/{p['year']}": p["n_documents"] for p in partitions},
        "bad_rows": bad,
        "meta_files": ["_meta/phi_spans.jsonl", "_meta/patients.jsonl", "_meta/manifest.json"],
    }
    (meta / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest
