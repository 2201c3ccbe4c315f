"""Retrieval test sets as JSONL files: corpus and queries `{"id", "text"}`, qrels `{"query_id", "doc_id", "grade"}`.

What `miracle ir-eval --corpus --queries --qrels` reads; a bad line is an IRFileError naming the file and line.
"""

from __future__ import annotations

from pathlib import Path

from miracle_dagster.core.evaluation.ir import IRSet
from miracle_dagster.jsonl_io import numbered_lines, write_jsonl


class IRFileError(ValueError):
    """A line of a corpus, queries or qrels file that cannot be used; the message names the file and line."""


def _lines(path: Path, keys: tuple[str, ...]):
    for number, row, error in numbered_lines(path):
        if error:
            raise IRFileError(f"{path}:{number}: invalid JSON ({error})")
        missing = [k for k in keys if not isinstance(row, dict) or row.get(k) in (None, "")]
        if missing:
            raise IRFileError(f"{path}:{number}: missing {', '.join(repr(k) for k in missing)} (need {', '.join(keys)})")
        yield number, row


def _texts(path: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for number, row in _lines(path, ("id", "text")):
        ident = str(row["id"])
        if ident in texts:
            raise IRFileError(f"{path}:{number}: duplicate id {ident!r}")
        texts[ident] = str(row["text"])
    return texts


def read_files(corpus: Path, queries: Path, qrels: Path):
    """Corpus and queries `{"id", "text"}`, qrels `{"query_id", "doc_id", "grade"}`; ids must exist."""
    data = IRSet(corpus=_texts(Path(corpus)), queries=_texts(Path(queries)), qrels={})
    for number, row in _lines(Path(qrels), ("query_id", "doc_id", "grade")):
        query, doc, grade = str(row["query_id"]), str(row["doc_id"]), row["grade"]
        if isinstance(grade, bool) or not isinstance(grade, (int, float)) or grade != int(grade):
            raise IRFileError(f"{qrels}:{number}: grade must be an integer, got {grade!r}")
        for ident, known, kind in ((query, data.queries, "query"), (doc, data.corpus, "document")):
            if ident not in known:
                raise IRFileError(f"{qrels}:{number}: unknown {kind} id {ident!r}")
        data.qrels.setdefault(query, {})[doc] = int(grade)
    return data


def write_files(data, folder: Path) -> dict[str, Path]:
    """corpus.jsonl, queries.jsonl and qrels.jsonl of an IRSet, in the format read_files reads."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = {
        "corpus": ({"id": i, "text": t} for i, t in data.corpus.items()),
        "queries": ({"id": i, "text": t} for i, t in data.queries.items()),
        "qrels": ({"query_id": q, "doc_id": d, "grade": g} for q, docs in data.qrels.items() for d, g in docs.items()),
    }
    paths = {name: folder / f"{name}.jsonl" for name in rows}
    for name, lines in rows.items():
        write_jsonl(str(paths[name]), lines)
    return paths
