"""Where raw reports come from: a folder of files per specialty/year, or a SQL query against a data warehouse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import dagster as dg

from miracle_dagster.core import ingest
from miracle_dagster.core.fingerprint import folder_fingerprint


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

    def read_partition(self, specialty: str, year: str) -> ingest.RawBatch:
        if self.kind == "folder":
            if not self.folder:
                raise ingest.SourceError("ReportSource(kind='folder') needs `folder`")
            return ingest.read_folder_partition(Path(self.folder), specialty, year)
        if not self.sql_url:
            raise ingest.SourceError("ReportSource(kind='sql') needs `sql_url` (set MIRACLE_SOURCE_SQL_URL)")
        return ingest.read_sql_partition(
            self.sql_url, self.sql_query, specialty, year, column_map=json.loads(self.column_map_json)
        )

    def fingerprint(self, specialty: str, year: str) -> str | None:
        """Content hash of a folder partition (None for SQL: a warehouse has no cheap equivalent)."""
        return folder_fingerprint(Path(self.folder), specialty, year) if self.kind == "folder" else None

    def describe(self) -> str:
        """A label for metadata that never contains credentials."""
        if self.kind == "folder":
            return f"folder:{self.folder}"
        return f"sql:{ingest.mask_url(self.sql_url)}"
