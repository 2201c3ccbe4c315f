"""Tests for miracle_dagster.core.ingest: every source format, every rejection reason, row accounting."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from miracle_dagster.core.ingest import (
    REJECTED_COLUMNS,
    RawBatch,
    SourceError,
    list_folder_partitions,
    mask_url,
    normalize_document_type,
    parse_report_date,
    read_folder_partition,
    read_sql_partition,
    validate_reports,
)
from miracle_dagster.core.schema import OPTIONAL_REPORT_COLUMNS, REQUIRED_REPORT_COLUMNS

SPEC = "radiology"
YEAR = "2021"
LONG_TEXT = "Befund: Kein Nachweis einer pulmonalen Raumforderung. Beurteilung: unauffällig."


def report(doc_id: str = "D1", **overrides) -> dict:
    row = {
        "document_id": doc_id,
        "patient_id": "P1",
        "case_id": "C1",
        "specialty": SPEC,
        "document_type": "radiology_report",
        "date": "2021-03-12",
        "text": LONG_TEXT + f" ({doc_id})",
    }
    row.update(overrides)
    return row


def partition_dir(root: Path, specialty: str = SPEC, year: str = YEAR) -> Path:
    d = root / specialty / year
    d.mkdir(parents=True, exist_ok=True)
    return d


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def write_csv(path: Path, rows: list[dict], sep: str = ",") -> None:
    pd.DataFrame(rows).to_csv(path, index=False, sep=sep)


def validate(batch: RawBatch, **kw):
    result = validate_reports(batch, SPEC, YEAR, **kw)
    c = result.counts
    assert c["rows_in"] == c["rows_out"] + c["rows_rejected"]
    assert c["rows_out"] == len(result.valid)
    assert c["rows_rejected"] == len(result.rejected)
    assert sum(c["rejected_by_reason"].values()) == c["rows_rejected"]
    assert list(result.valid.columns) == list(REQUIRED_REPORT_COLUMNS + OPTIONAL_REPORT_COLUMNS)
    assert list(result.rejected.columns) == list(REJECTED_COLUMNS)
    assert "text" not in result.rejected.columns
    return result


def reasons(result) -> dict[str, str]:
    """document_id -> reason."""
    return dict(zip(result.rejected["document_id"], result.rejected["reason"]))


# ------------------------------------------------------------------ folder source: formats


def test_jsonl_roundtrip(tmp_path):
    write_jsonl(partition_dir(tmp_path) / "a.jsonl", [report("D1"), report("D2")])
    batch = read_folder_partition(tmp_path, SPEC, YEAR)
    assert list(batch.rows["_source"]) == ["a.jsonl:1", "a.jsonl:2"]
    result = validate(batch)
    assert list(result.valid["document_id"]) == ["D1", "D2"]
    assert result.valid["text"].iloc[0] == LONG_TEXT + " (D1)"
    assert result.valid["metadata"].iloc[0] is None
    assert result.counts["rows_in"] == 2 and result.counts["rows_rejected"] == 0


def test_jsonl_gz(tmp_path):
    data = "".join(json.dumps(r) + "\n" for r in [report("G1"), report("G2"), report("G3")]).encode()
    (partition_dir(tmp_path) / "part.jsonl.gz").write_bytes(gzip.compress(data))
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert sorted(result.valid["document_id"]) == ["G1", "G2", "G3"]


def test_csv_with_multiline_text_and_semicolon(tmp_path):
    text = 'Befund:\n  Zeile zwei; mit "Zitat", Komma\n\nBeurteilung: unauffällig.'
    write_csv(partition_dir(tmp_path) / "a.csv", [report("C1", text=text), report("C2")], sep=";")
    batch = read_folder_partition(tmp_path, SPEC, YEAR)
    result = validate(batch)
    assert list(result.valid["document_id"]) == ["C1", "C2"]
    assert result.valid["text"].iloc[0] == text  # kept exactly, inner newlines and spacing intact
    # sources point at the line where each record starts
    assert list(batch.rows["_source"]) == ["a.csv:2", "a.csv:6"]


def test_csv_keeps_leading_zero_ids_and_long_fields(tmp_path):
    big = "x" * 150_000  # above the csv module's default field size limit (131072)
    write_csv(partition_dir(tmp_path) / "a.csv", [report("007", patient_id="000123", text=big)])
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert result.valid["document_id"].iloc[0] == "007"
    assert result.valid["patient_id"].iloc[0] == "000123"
    assert len(result.valid["text"].iloc[0]) == 150_000


def test_parquet_with_nullable_int_ids_and_timestamps(tmp_path):
    table = pa.table(
        {
            "document_id": pa.array([9007199254740993, 2], pa.int64()),  # > 2**53: no float round-trip
            "patient_id": ["P1", "P2"],
            "case_id": pa.array([1, None], pa.int64()),
            "specialty": [SPEC, SPEC],
            "document_type": ["radiology_report", "radiology_report"],
            "date": pa.array([pd.Timestamp("2021-05-01 13:00"), pd.Timestamp("2021-06-02")], pa.timestamp("us")),
            "text": [LONG_TEXT, LONG_TEXT + "!"],
        }
    )
    pq.write_table(table, partition_dir(tmp_path) / "a.parquet")
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert list(result.valid["document_id"]) == ["9007199254740993"]
    assert result.valid["case_id"].iloc[0] == "1"
    assert result.valid["date"].iloc[0] == "2021-05-01"
    assert reasons(result) == {"2": "missing_field:case_id"}


def test_parquet_written_by_pandas_index_not_folded_into_metadata(tmp_path):
    df = pd.DataFrame([report("I1"), report("I2")], index=[10, 11])
    df.to_parquet(partition_dir(tmp_path) / "a.parquet", index=True)
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert result.valid["metadata"].isna().all()


def test_parquet_binary_text_decoded_strictly(tmp_path):
    table = pa.table(
        {
            "document_id": ["B1", "B2"],
            "patient_id": ["P", "P"],
            "case_id": ["C", "C"],
            "document_type": ["radiology_report"] * 2,
            "date": ["2021-01-01"] * 2,
            "text": pa.array([LONG_TEXT.encode("utf-8"), b"\xff\xfe kaputt " * 5], pa.binary()),
        }
    )
    pq.write_table(table, partition_dir(tmp_path) / "a.parquet")
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert list(result.valid["document_id"]) == ["B1"]
    assert result.valid["text"].iloc[0] == LONG_TEXT
    assert reasons(result) == {"B2": "undecodable_bytes"}


def test_json_array_file(tmp_path):
    (partition_dir(tmp_path) / "a.json").write_text(json.dumps([report("J1"), report("J2"), 42]))
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert list(result.valid["document_id"]) == ["J1", "J2"]
    assert list(result.rejected["reason"]) == ["malformed_json"]
    assert list(result.rejected["source"]) == ["a.json:3"]


def test_several_files_in_one_partition_sorted_and_counted(tmp_path):
    d = partition_dir(tmp_path)
    write_jsonl(d / "b.jsonl", [report("B1")])
    write_csv(d / "a.csv", [report("A1"), report("A2")])
    pq.write_table(pa.Table.from_pylist([report("C1")]), d / "c.parquet")
    (d / "sub").mkdir()
    write_jsonl(d / "sub" / "d.jsonl", [report("D1")])
    (d / "_SUCCESS").write_text("")
    (d / ".hidden.jsonl").write_text("garbage")
    (d / "README.txt").write_text("notes")
    batch = read_folder_partition(tmp_path, SPEC, YEAR)
    assert batch.files == ["a.csv", "b.jsonl", "c.parquet", "sub/d.jsonl"]
    assert batch.skipped_files == ["README.txt"]
    result = validate(batch)
    assert list(result.valid["document_id"]) == ["A1", "A2", "B1", "C1", "D1"]
    assert result.counts["rows_in"] == 5


def test_other_partitions_and_meta_folder_not_read(tmp_path):
    write_jsonl(partition_dir(tmp_path) / "a.jsonl", [report("R1")])
    write_jsonl(partition_dir(tmp_path, "pathology", YEAR) / "a.jsonl", [report("X1")])
    write_jsonl(partition_dir(tmp_path, SPEC, "2020") / "a.jsonl", [report("X2")])
    (tmp_path / "_meta").mkdir()
    (tmp_path / "_meta" / "2021").mkdir()
    (tmp_path / ".git").mkdir()
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert list(result.valid["document_id"]) == ["R1"]
    assert list_folder_partitions(tmp_path) == [("pathology", "2021"), (SPEC, "2020"), (SPEC, "2021")]


def test_missing_partition_is_empty_batch(tmp_path):
    partition_dir(tmp_path, "pathology", YEAR)
    batch = read_folder_partition(tmp_path, SPEC, YEAR)
    assert len(batch.rows) == 0 and len(batch.rejected) == 0
    result = validate(batch)
    assert result.counts == {"rows_in": 0, "rows_out": 0, "rows_rejected": 0, "rejected_by_reason": {}}


def test_missing_root_is_source_error(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        read_folder_partition(tmp_path / "nope", SPEC, YEAR)


def test_partition_key_cannot_escape_root(tmp_path):
    with pytest.raises(ValueError):
        read_folder_partition(tmp_path, "../etc", YEAR)


def test_folder_column_map_and_case_insensitive_columns(tmp_path):
    row = {
        "DocID": "M1",
        "Patient_ID": "P1",
        "CASE_ID": "C1",
        "Document_Type": "radiology_report",
        "Date": "2021-02-02",
        "TEXT": LONG_TEXT,
    }
    write_jsonl(partition_dir(tmp_path) / "a.jsonl", [row])
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR, column_map={"docid": "document_id"}))
    assert list(result.valid["document_id"]) == ["M1"]
    assert result.valid["metadata"].iloc[0] is None


# ------------------------------------------------------------------ read-time rejections


def test_jsonl_undecodable_and_malformed_lines(tmp_path):
    good = json.dumps(report("OK1")).encode()
    bad_bytes = json.dumps(report("BAD1")).encode().replace(b"Befund", b"Bef\xfcnd")  # latin-1 ü
    lines = [good, bad_bytes, b"{not json", b"[1, 2]", b"", b"   ", json.dumps(report("OK2")).encode()]
    (partition_dir(tmp_path) / "x.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    batch = read_folder_partition(tmp_path, SPEC, YEAR)
    result = validate(batch)
    assert list(result.valid["document_id"]) == ["OK1", "OK2"]
    rej = result.rejected.set_index("source")
    assert rej.loc["x.jsonl:2", "reason"] == "undecodable_bytes"
    assert rej.loc["x.jsonl:2", "document_id"] == "BAD1"  # ids recovered for tracing
    assert rej.loc["x.jsonl:3", "reason"] == "malformed_json"
    assert rej.loc["x.jsonl:4", "reason"] == "malformed_json"
    assert "list" in rej.loc["x.jsonl:4", "detail"]
    assert result.counts["rows_in"] == 5  # blank lines are not records
    assert result.counts["rejected_by_reason"] == {"malformed_json": 2, "undecodable_bytes": 1}


def test_csv_undecodable_row_rejected_rest_kept(tmp_path):
    path = partition_dir(tmp_path) / "a.csv"
    write_csv(path, [report("C1"), report("C2", text=LONG_TEXT + " Größe"), report("C3")])
    data = path.read_bytes().replace("Größe".encode(), "Größe".encode("latin-1"))
    path.write_bytes(data)
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert list(result.valid["document_id"]) == ["C1", "C3"]
    assert reasons(result) == {"C2": "undecodable_bytes"}
    assert "text" in result.rejected["detail"].iloc[0]
    assert result.rejected["source"].iloc[0] == "a.csv:3"


def test_csv_undecodable_header_rejects_every_row(tmp_path):
    path = partition_dir(tmp_path) / "a.csv"
    write_csv(path, [{**report("H1"), "Größe": "1"}, {**report("H2"), "Größe": "2"}])
    path.write_bytes(path.read_bytes().replace("Größe".encode(), "Größe".encode("latin-1")))
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert len(result.valid) == 0
    assert reasons(result) == {"H1": "undecodable_bytes", "H2": "undecodable_bytes"}
    assert result.counts["rows_in"] == 2


def test_csv_wrong_field_count(tmp_path):
    path = partition_dir(tmp_path) / "a.csv"
    write_csv(path, [report("W1")])
    with path.open("a", encoding="utf-8") as f:
        f.write("W2,P1,C1,radiology,radiology_report,2021-01-01,some text here long enough,EXTRA\n")
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert list(result.valid["document_id"]) == ["W1"]
    assert reasons(result) == {"W2": "malformed_csv"}


def test_corrupt_files_are_one_rejected_row_each(tmp_path):
    d = partition_dir(tmp_path)
    (d / "a.jsonl.gz").write_bytes(b"this is not gzip")
    (d / "b.parquet").write_bytes(b"PAR1 not really")
    (d / "c.json").write_text("{broken")
    write_jsonl(d / "d.jsonl", [report("OK")])
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert list(result.valid["document_id"]) == ["OK"]
    assert dict(zip(result.rejected["source"], result.rejected["reason"])) == {
        "a.jsonl.gz": "unreadable_file",
        "b.parquet": "unreadable_file",
        "c.json": "malformed_json",
    }
    assert result.counts["rows_in"] == 4


# ------------------------------------------------------------------ validation reasons


def batch_of(rows: list[dict]) -> RawBatch:
    records = [{**r, "_source": f"mem:{i}"} for i, r in enumerate(rows, start=1)]
    return RawBatch(
        rows=pd.DataFrame(records, dtype=object),
        rejected=pd.DataFrame(columns=list(REJECTED_COLUMNS), dtype=object),
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"document_id": None}, "missing_field:document_id"),
        ({"patient_id": "  "}, "missing_field:patient_id"),
        ({"case_id": float("nan")}, "missing_field:case_id"),
        ({"case_id": ["a"]}, "invalid_type:case_id"),
        ({"document_type": None}, "missing_field:document_type"),
        ({"date": None}, "missing_field:date"),
        ({"text": None}, "missing_field:text"),
        ({"text": ""}, "empty_text"),
        ({"text": " \n\t  "}, "empty_text"),
        ({"text": "kurz"}, "text_too_short"),
        ({"text": "x" * 200_001}, "text_too_large"),
        ({"text": LONG_TEXT + "\x00"}, "invalid_characters"),
        ({"text": LONG_TEXT + "\ud83d"}, "invalid_characters"),
        ({"text": 12345}, "invalid_type:text"),
        ({"date": "gestern"}, "invalid_date"),
        ({"date": "31.02.2021"}, "invalid_date"),
        ({"date": "12.03.21"}, "invalid_date"),
        ({"date": "2020-12-31"}, "date_outside_partition"),
        ({"specialty": "pathology"}, "specialty_mismatch"),
        ({"document_type": "Laborbefund"}, "unknown_document_type"),
    ],
)
def test_each_reason(overrides, reason):
    result = validate(batch_of([report("GOOD"), report("BAD", **overrides)]))
    assert list(result.valid["document_id"]) == ["GOOD"]
    assert len(result.rejected) == 1
    rej = result.rejected.iloc[0]
    assert rej["reason"] == reason
    assert rej["source"] == "mem:2"
    assert rej["detail"]
    assert result.counts["rejected_by_reason"] == {reason: 1}
    if reason != "missing_field:document_id":
        assert rej["document_id"] == "BAD"


def test_rejected_rows_never_carry_text():
    secret = "Patientin Erika Mustermann, geb. 01.01.1950 " * 3
    rows = [report("T1", text=secret, date="kaputt"), report("T2", text=secret + "\x00")]
    result = validate(batch_of(rows))
    assert len(result.rejected) == 2
    for value in result.rejected.to_numpy().ravel():
        assert value is None or "Mustermann" not in str(value)


def test_text_limits_are_configurable():
    result = validate(batch_of([report("S1", text="x" * 30)]), min_chars=40)
    assert reasons(result) == {"S1": "text_too_short"}
    result = validate(batch_of([report("S1", text="x" * 30)]), max_chars=29)
    assert reasons(result) == {"S1": "text_too_large"}
    result = validate(batch_of([report("S1", text="x" * 30)]), min_chars=30, max_chars=30)
    assert list(result.valid["document_id"]) == ["S1"]


def test_duplicates_first_kept_detail_says_identical_or_not():
    rows = [
        report("D1"),
        report("D1"),  # identical
        report("D1", text=LONG_TEXT + " anders"),  # different content
        report("D2"),
    ]
    result = validate(batch_of(rows))
    assert list(result.valid["document_id"]) == ["D1", "D2"]
    assert list(result.rejected["reason"]) == ["duplicate_document_id"] * 2
    details = list(result.rejected["detail"])
    assert "identical content" in details[0] and "mem:1" in details[0]
    assert "different content" in details[1]
    assert result.valid["text"].iloc[0] == LONG_TEXT + " (D1)"


def test_duplicate_of_an_invalid_row_is_not_lost():
    rows = [report("D1", text=""), report("D1")]
    result = validate(batch_of(rows))
    assert list(result.valid["document_id"]) == ["D1"]
    assert reasons(result) == {"D1": "empty_text"}


def test_duplicates_across_files(tmp_path):
    d = partition_dir(tmp_path)
    write_jsonl(d / "a.jsonl", [report("X")])
    write_csv(d / "b.csv", [report("X")])
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert len(result.valid) == 1
    assert list(result.rejected["source"]) == ["b.csv:2"]
    assert "a.jsonl:1" in result.rejected["detail"].iloc[0]


def test_accounting_invariant_with_mixed_input(tmp_path):
    d = partition_dir(tmp_path)
    rows = [report(f"R{i}") for i in range(10)]
    rows[3]["text"] = ""
    rows[5]["date"] = "2019-01-01"
    rows[7] = report("R1")  # duplicate
    write_jsonl(d / "a.jsonl", rows)
    with (d / "a.jsonl").open("ab") as f:
        f.write(b"\xff\xff\n{oops\n")
    write_csv(d / "b.csv", [report("Q1"), report("Q2", document_type="Quatsch")])
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    c = result.counts
    assert c["rows_in"] == 14
    assert c["rows_out"] == 8
    assert c["rows_rejected"] == 6
    assert c["rejected_by_reason"] == {
        "date_outside_partition": 1,
        "duplicate_document_id": 1,
        "empty_text": 1,
        "malformed_json": 1,
        "undecodable_bytes": 1,
        "unknown_document_type": 1,
    }


# ------------------------------------------------------------------ normalization


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2021-03-12", "2021-03-12"),
        ("2021-03-12T08:15:00", "2021-03-12"),
        ("2021-03-12 23:59:59+01:00", "2021-03-12"),
        ("2021-03-12T10:00:00Z", "2021-03-12"),
        ("12.03.2021", "2021-03-12"),
        ("1.3.2021", "2021-03-01"),
        ("12.03.2021 14:30", "2021-03-12"),
        (pd.Timestamp("2021-03-12 10:00"), "2021-03-12"),
    ],
)
def test_dates_normalized_to_iso(value, iso):
    assert parse_report_date(value).isoformat() == iso
    result = validate(batch_of([report("D", date=value)]))
    assert result.valid["date"].iloc[0] == iso


def test_german_date_from_csv(tmp_path):
    write_csv(partition_dir(tmp_path) / "a.csv", [report("G", date="05.11.2021")])
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert result.valid["date"].iloc[0] == "2021-11-05"


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("Arztbrief", "discharge_letter"),
        ("entlassbrief", "discharge_letter"),
        ("ENTLASSBRIEF", "discharge_letter"),
        ("Radiologiebefund", "radiology_report"),
        ("Befundbericht Radiologie", "radiology_report"),
        ("Pathologiebefund", "pathology_report"),
        ("OP-Bericht", "operation_note"),
        ("op bericht", "operation_note"),
        ("Operationsbericht", "operation_note"),
        ("Radiology_Report", "radiology_report"),
        (" discharge_letter ", "discharge_letter"),
    ],
)
def test_document_type_aliases(alias, canonical):
    assert normalize_document_type(alias) == canonical
    result = validate(batch_of([report("A", document_type=alias)]))
    assert result.valid["document_type"].iloc[0] == canonical


def test_specialty_filled_and_normalized():
    rows = [report("S1", specialty=None), report("S2", specialty="Radiology"), report("S3", specialty="")]
    result = validate(batch_of(rows))
    assert list(result.valid["specialty"]) == [SPEC] * 3


def test_ids_are_strings():
    rows = [report("x", document_id=123, patient_id=4.0, case_id="  C9 ")]
    result = validate(batch_of(rows))
    row = result.valid.iloc[0]
    assert (row["document_id"], row["patient_id"], row["case_id"]) == ("123", "4", "C9")


def test_extra_columns_folded_into_metadata(tmp_path):
    rows = [
        {**report("E1"), "station": "3B", "metadata": {"source_system": "KIS", "n": 1}},
        {**report("E2"), "station": "4A", "metadata": json.dumps({"source_system": "RIS"})},
        {**report("E3"), "metadata": "freitext"},
        report("E4"),
    ]
    write_jsonl(partition_dir(tmp_path) / "a.jsonl", rows)
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    meta = [None if m is None else json.loads(m) for m in result.valid["metadata"]]
    assert meta[0] == {"source_system": "KIS", "n": 1, "station": "3B"}
    assert meta[1] == {"source_system": "RIS", "station": "4A"}
    assert meta[2] == {"_raw_metadata": "freitext"}
    assert meta[3] is None  # absent extras of other rows are not folded in
    assert "station" not in result.valid.columns


def test_extra_csv_columns_folded_into_metadata(tmp_path):
    write_csv(partition_dir(tmp_path) / "a.csv", [{**report("E1"), "Station": "3B", "Arzt": ""}])
    result = validate(read_folder_partition(tmp_path, SPEC, YEAR))
    assert json.loads(result.valid["metadata"].iloc[0]) == {"Station": "3B"}


# ------------------------------------------------------------------ SQL source


def make_sqlite(path: Path, rows: list[dict]) -> str:
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE reports (doc_id TEXT, Patient_ID TEXT, CASE_ID TEXT, specialty TEXT, "
        "document_type TEXT, date TEXT, text BLOB, ward TEXT)"
    )
    con.executemany(
        "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (r["document_id"], r["patient_id"], r["case_id"], r["specialty"], r["document_type"], r["date"], r["text"], r.get("ward"))
            for r in rows
        ],
    )
    con.commit()
    con.close()
    return f"sqlite:///{path}"


SQL_ROWS = [
    report("S1", ward="A"),
    report("S2", date="2020-06-01"),
    report("S3", specialty="pathology"),
    report("S4", text=LONG_TEXT.encode("utf-8")),
    report("S5", text=b"\xff\xfe" + b"x" * 40),
]


def test_sql_both_params_column_map_and_bytes(tmp_path):
    url = make_sqlite(tmp_path / "w.db", SQL_ROWS)
    query = "SELECT * FROM reports WHERE specialty = :specialty AND strftime('%Y', date) = :year ORDER BY doc_id"
    batch = read_sql_partition(url, query, SPEC, YEAR, column_map={"DOC_ID": "document_id"})
    assert list(batch.rows["_source"]) == ["sql:1", "sql:2"]
    assert list(batch.rejected["source"]) == ["sql:3"]
    result = validate(batch)
    assert list(result.valid["document_id"]) == ["S1", "S4"]
    assert result.valid["text"].iloc[1] == LONG_TEXT  # bytes decoded
    assert json.loads(result.valid["metadata"].iloc[0]) == {"ward": "A"}
    assert reasons(result) == {"S5": "undecodable_bytes"}


def test_sql_only_year_param(tmp_path):
    url = make_sqlite(tmp_path / "w.db", SQL_ROWS)
    query = "SELECT * FROM reports WHERE strftime('%Y', date) = :year ORDER BY doc_id"
    result = validate(read_sql_partition(url, query, SPEC, YEAR, column_map={"doc_id": "document_id"}))
    assert list(result.valid["document_id"]) == ["S1", "S4"]
    assert reasons(result) == {"S3": "specialty_mismatch", "S5": "undecodable_bytes"}
    assert result.counts["rows_in"] == 4


def test_sql_without_column_map_misses_document_id(tmp_path):
    url = make_sqlite(tmp_path / "w.db", SQL_ROWS[:1])
    result = validate(read_sql_partition(url, "SELECT * FROM reports", SPEC, YEAR))
    assert reasons(result) == {None: "missing_field:document_id"}


def test_sql_empty_result(tmp_path):
    url = make_sqlite(tmp_path / "w.db", SQL_ROWS)
    batch = read_sql_partition(url, "SELECT * FROM reports WHERE specialty = :specialty", "neurology", YEAR)
    assert len(batch.rows) == 0
    assert validate_reports(batch, "neurology", YEAR).counts["rows_in"] == 0


def test_sql_bad_query_is_source_error(tmp_path):
    url = make_sqlite(tmp_path / "w.db", SQL_ROWS)
    with pytest.raises(SourceError, match="no such table"):
        read_sql_partition(url, "SELECT * FROM nope WHERE specialty = :specialty", SPEC, YEAR)
    with pytest.raises(SourceError, match="ward_id"):
        read_sql_partition(url, "SELECT * FROM reports WHERE ward = :ward_id", SPEC, YEAR)


def test_sql_password_masked_in_errors():
    url = "postgresql://u:secret@127.0.0.1:1/db"
    with pytest.raises(SourceError) as info:
        read_sql_partition(url, "SELECT * FROM reports WHERE specialty = :specialty", SPEC, YEAR)
    message = str(info.value)
    assert "secret" not in message
    assert "127.0.0.1" in message
    # nothing chained that a logger or Dagster's error serializer could print
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert mask_url(url) == "postgresql://u:***@127.0.0.1:1/db"
    assert "secret" not in mask_url("postgresql://u:secret@[broken")


def test_sql_unparseable_url_not_echoed():
    with pytest.raises(SourceError) as info:
        read_sql_partition("notaurl:secret@@", "SELECT 1 WHERE :year = '2021'", SPEC, YEAR)
    assert "secret" not in str(info.value)
