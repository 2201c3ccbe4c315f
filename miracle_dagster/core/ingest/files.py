"""Folder source: ``root/<specialty>/<year>/**/<data files>``, read in sorted order of the relative path."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path
from typing import Any, Mapping

from miracle_dagster.core.ingest.formats import parse_csv, parse_json, parse_jsonl, parse_parquet
from miracle_dagster.core.ingest.records import (
    FILE_SUFFIXES,
    UNREADABLE_FILE,
    RawBatch,
    SourceError,
    column_renames,
    rejected_frame,
    rejection_record,
    rename_record,
    rows_frame,
)

log = logging.getLogger(__package__)  # the package logger, as before the split into modules


def _check_partition_key(specialty: str, year: str) -> None:
    for name, value in (("specialty", specialty), ("year", year)):
        if not isinstance(value, str) or not value or value.startswith((".", "_")) or "/" in value or "\\" in value:
            raise ValueError(f"invalid partition {name}: {value!r}")


def list_folder_partitions(root: Path | str) -> list[tuple[str, str]]:
    """(specialty, year) pairs present under ``root`` (folders starting with ``_`` or ``.`` are ignored)."""
    root = Path(root)
    if not root.is_dir():
        raise SourceError(f"source folder does not exist or is not a folder: {root}")
    out = []
    for spec_dir in sorted(root.iterdir()):
        if not spec_dir.is_dir() or spec_dir.name.startswith(("_", ".")):
            continue
        for year_dir in sorted(spec_dir.iterdir()):
            if year_dir.is_dir() and not year_dir.name.startswith(("_", ".")):
                out.append((spec_dir.name, year_dir.name))
    return out


def _file_kind(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in FILE_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return None


def read_folder_partition(
    root: Path | str,
    specialty: str,
    year: str,
    column_map: Mapping[str, str] | None = None,
) -> RawBatch:
    """Read every data file under ``root/<specialty>/<year>/`` (recursively, sorted by relative path).

    A missing root folder raises :class:`SourceError`; a missing partition folder gives an empty batch.
    """
    root = Path(root)
    if not root.is_dir():
        raise SourceError(f"source folder does not exist or is not a folder: {root}")
    _check_partition_key(specialty, year)
    part_dir = root / specialty / year
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    files: list[str] = []
    skipped: list[str] = []
    rename_cache: dict[tuple, dict] = {}
    if not part_dir.is_dir():
        log.info("partition folder %s does not exist: empty batch", part_dir)
        return RawBatch(rows_frame([]), rejected_frame(), files, skipped)

    candidates = []
    for path in part_dir.rglob("*"):
        rel = path.relative_to(part_dir)
        if any(part.startswith(("_", ".")) for part in rel.parts) or not path.is_file():
            continue
        candidates.append((rel.as_posix(), path))
    for rel, path in sorted(candidates):
        kind = _file_kind(path)
        if kind is None:
            skipped.append(rel)
            log.warning("skipping %s: not a known data file (%s)", path, ", ".join(FILE_SUFFIXES))
            continue
        files.append(rel)
        try:
            data = path.read_bytes()
            if kind.endswith(".gz"):
                data = gzip.decompress(data)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            rejected.append(rejection_record(UNREADABLE_FILE, f"cannot read file: {type(exc).__name__}: {exc}", rel))
            continue
        if kind.startswith(".jsonl"):
            file_rows, file_rej = parse_jsonl(data, rel)
        elif kind.startswith(".json"):
            file_rows, file_rej = parse_json(data, rel)
        elif kind.startswith(".csv"):
            file_rows, file_rej = parse_csv(data, rel)
        else:
            file_rows, file_rej = parse_parquet(data, rel)
        for record in file_rows:
            keys = tuple(record.keys())
            if keys not in rename_cache:
                rename_cache[keys] = column_renames(keys, column_map)
            rows.append(rename_record(record, rename_cache[keys]))
        rejected.extend(file_rej)
    return RawBatch(rows_frame(rows), rejected_frame(rejected), files, skipped)
