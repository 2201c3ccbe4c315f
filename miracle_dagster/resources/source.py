"""Where raw reports come from: a folder of files per specialty/year, or a SQL query against a data warehouse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import dagster as dg

from miracle_dagster.core import ingest
from miracle_dagster.core.fingerprint import folder_fingerprint
from miracle_dagster.jsonl_io import read_jsonl


class ReportSource(dg.ConfigurableResource):
    """One interface, two backends; the SQL URL (with its password) comes from the environment."""

    kind: Literal["folder", "sql"] = "folder"
    folder: str = ""
    sql_url: str = ""
    sql_query: str = (
        "SELECT document_id, patient_id, case_id, specialty, document_type, date, text "
        "FROM reports WHERE specialty = :specialty AND substr(date, 1, 4) = :year"
    )
    column_map_json: str = "{}"  # warehouse column -> schema column, e.g. {"doc_id": "document_id"}
    # Patient master data (names, birth dates, addresses) sharpens PHI detection and feeds the leak check.
    patients_file: str = ""  # JSONL; default <folder>/_meta/patients.jsonl when it exists
    patients_query: str = ""  # SQL returning patient_id, first_name, last_name, birth_date, street, postal_code, city, ...

    def read_partition(self, specialty: str, year: str) -> ingest.RawBatch:
        if self.kind == "folder":
            if not self.folder:
                raise ingest.SourceError("ReportSource(kind='folder') needs `folder`")
            return ingest.read_folder_partition(Path(self.folder), specialty, year)
        if not self.sql_url:
            raise ingest.SourceError("ReportSource(kind='sql') needs `sql_url` (set MIRACLE_SOURCE_SQL_URL)")
        return ingest.read_sql_partition(self.sql_url, self.sql_query, specialty, year, column_map=json.loads(self.column_map_json))

    def master_data(self, patient_ids: set[str]) -> tuple[list[dict], list[dict]]:
        """(master list rows, known PHI spans) of these patients; empty where the source has none.

        Known spans exist only for the sample corpus (the generator's ground truth, `_meta/phi_spans.jsonl`).
        """
        meta = Path(self.folder) / "_meta" if self.kind == "folder" and self.folder else None
        if self.kind == "sql" and self.patients_query:
            rows = ingest.read_sql_rows(self.sql_url, self.patients_query)
        else:
            file = Path(self.patients_file) if self.patients_file else (meta / "patients.jsonl" if meta else None)
            rows = read_jsonl(file) if file and file.is_file() else []
        spans = read_jsonl(meta / "phi_spans.jsonl") if meta and (meta / "phi_spans.jsonl").is_file() else []
        return (
            [r for r in rows if str(r.get("patient_id")) in patient_ids],
            [s for s in spans if str(s.get("patient_id")) in patient_ids],
        )

    def fingerprint(self, specialty: str, year: str) -> str | None:
        """Content hash of a folder partition (None for SQL: a warehouse has no cheap equivalent)."""
        return folder_fingerprint(Path(self.folder), specialty, year) if self.kind == "folder" else None

    def describe(self) -> str:
        """A label for metadata that never contains credentials."""
        if self.kind == "folder":
            return f"folder:{self.folder}"
        return f"sql:{ingest.mask_url(self.sql_url)}"
