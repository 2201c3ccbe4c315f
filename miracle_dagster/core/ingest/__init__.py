"""Reading one (specialty, year) partition of raw reports from a source, and validating it.

Principle: nothing is silently dropped. Every input row ends up either in ``ValidationResult.valid`` or in
``ValidationResult.rejected`` with a machine-friendly ``reason`` and a human ``detail``, and
``rows_in == rows_out + rows_rejected`` always holds (checked at the end of :func:`validate_reports`).
Bad input never crashes the read: it becomes a rejected row. Only problems with the *source itself*
(missing root folder, unreachable database, failing query) raise :class:`SourceError`.

Rejected rows never carry the document text (PHI, and possibly huge): only ids, reason, detail, source.

Sources
-------
* Folder: ``root/<specialty>/<year>/**/*.{jsonl,jsonl.gz,json,json.gz,csv,csv.gz,parquet}``; files are read
  in sorted order of their path relative to the partition folder (this order decides which copy of a
  duplicated document_id is kept). Files and folders whose name starts with ``_`` or ``.`` are ignored
  (``_SUCCESS``, ``.DS_Store``, ``_meta/``); other files with an unknown extension are not rows: they are
  listed in ``RawBatch.skipped_files`` and logged as a warning.
* SQL: any SQLAlchemy URL plus a query with bound parameters ``:specialty`` and/or ``:year``.

Modules
-------
* ``records``: constants, reason codes, :class:`SourceError`, :class:`RawBatch`, :class:`ValidationResult`,
  rejected rows and the source-column -> schema-column mapping; ``values``: missing values, ids, decoding.
* ``files`` (folder source) with ``formats`` (one parser per file format; read-time handling of bad bytes).
* ``sql`` (SQL source, password-safe errors).
* ``normalize`` (document type aliases, dates, metadata) and ``validation`` (:func:`validate_reports`).
"""

from __future__ import annotations

from miracle_dagster.core.ingest.files import list_folder_partitions, read_folder_partition
from miracle_dagster.core.ingest.normalize import DOCUMENT_TYPE_ALIASES, normalize_document_type, parse_report_date
from miracle_dagster.core.ingest.records import (
    DATE_OUTSIDE_PARTITION,
    DUPLICATE_DOCUMENT_ID,
    EMPTY_TEXT,
    FILE_SUFFIXES,
    ID_COLUMNS,
    INVALID_CHARACTERS,
    INVALID_DATE,
    INVALID_TYPE,
    MALFORMED_CSV,
    MALFORMED_JSON,
    MISSING_FIELD,
    REASONS,
    REJECTED_COLUMNS,
    REPORT_COLUMNS,
    SOURCE_COLUMN,
    SPECIALTY_MISMATCH,
    TEXT_TOO_LARGE,
    TEXT_TOO_SHORT,
    UNDECODABLE_BYTES,
    UNKNOWN_DOCUMENT_TYPE,
    UNREADABLE_FILE,
    RawBatch,
    SourceError,
    ValidationResult,
)
from miracle_dagster.core.ingest.sql import mask_url, read_sql_partition, read_sql_rows
from miracle_dagster.core.ingest.validation import validate_reports

__all__ = [
    "SourceError",
    "RawBatch",
    "ValidationResult",
    "read_folder_partition",
    "read_sql_partition",
    "read_sql_rows",
    "validate_reports",
    "list_folder_partitions",
    "normalize_document_type",
    "parse_report_date",
    "mask_url",
    "REASONS",
    "REJECTED_COLUMNS",
    "REPORT_COLUMNS",
    "SOURCE_COLUMN",
    "ID_COLUMNS",
    "FILE_SUFFIXES",
    "DOCUMENT_TYPE_ALIASES",
    "UNDECODABLE_BYTES",
    "MALFORMED_JSON",
    "MALFORMED_CSV",
    "UNREADABLE_FILE",
    "MISSING_FIELD",
    "INVALID_TYPE",
    "EMPTY_TEXT",
    "TEXT_TOO_SHORT",
    "TEXT_TOO_LARGE",
    "INVALID_CHARACTERS",
    "INVALID_DATE",
    "DATE_OUTSIDE_PARTITION",
    "SPECIALTY_MISMATCH",
    "UNKNOWN_DOCUMENT_TYPE",
    "DUPLICATE_DOCUMENT_ID",
]
