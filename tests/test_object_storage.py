"""Asset files in object storage (`MIRACLE_ASSETS_URL=s3://...`): written by the IO manager and read back by every
asset, cross-partition reads included, against a real S3 API server (moto's, over HTTP on localhost) through s3fs."""

import pandas as pd
import pytest
from upath import UPath

from miracle_dagster.assets import ingest_assets, pseudonymized_sections, training_pairs
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager, partition_file

BUCKET = "miracle-assets"
MODEL = "all-MiniLM-L6-v2"  # the fastest bundled model: sectioning and mining are not the point here


@pytest.fixture(scope="module")
def s3_url():
    """A bucket on moto's S3 server; s3fs finds it through the standard AWS variables, as it would find MinIO."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = pytest.MonkeyPatch()
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_ENDPOINT_URL_S3": f"http://{host}:{port}"}.items():  # fmt: skip
        env.setenv(name, value)
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    yield f"s3://{BUCKET}/assets"
    env.undo()
    server.stop()


def test_ingest_to_training_pairs_on_s3_leaves_no_asset_file_on_disk(s3_url, tmp_path, models_dir):
    import dagster as dg

    specialties, year = ("radiology", "surgery"), "2022"
    write_sample_source(tmp_path / "source", generate_corpus(n_patients=6, seed=3, specialties=list(specialties), years=[year]))
    data_root = DataRoot(path=str(tmp_path), assets_url=s3_url)
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(data_root.assets_dir)), "data_root": data_root,
        "source": ReportSource(folder=str(tmp_path / "source")),
        "embedder": EmbeddingModels(models_dir=str(models_dir), default_model=MODEL),
        "pseudonymizer": Pseudonymizer(secret="object-storage-secret-0123456789", private_dir=str(tmp_path / "private")),
    }  # fmt: skip
    for specialty in specialties:  # two partitions: training_pairs reads across them
        key = str(partition_key(specialty, year))
        done = dg.materialize([*ingest_assets, pseudonymized_sections], partition_key=key, resources=resources)
        qa = stand_in_qa_pairs(done.output_for_node("pseudonymized_sections"), limit=12)
        with partition_file(data_root.assets_dir, "pseudonymized_qa_pairs", specialty, year).open("wb") as f:
            qa.to_parquet(f, index=False)
    assert data_root.partitions("pseudonymized_sections") == [(s, year) for s in specialties]
    pairs = dg.materialize([training_pairs], partition_key="de_pseudonymized", resources=resources).output_for_node("training_pairs")
    assert set(pairs["specialty"]) == set(specialties) and len(pairs) == len(data_root.read_all("pseudonymized_qa_pairs"))
    stored = {p.path.split("/assets/", 1)[1] for p in UPath(s3_url).rglob("*.parquet")}
    assert {f"report_sections/{s}/{year}.parquet" for s in specialties} | {"training_pairs/de_pseudonymized.parquet"} <= stored
    assert not (tmp_path / "assets").exists()  # nothing written beside the bucket
    written = data_root.read("training_pairs", "de_pseudonymized")
    pd.testing.assert_frame_equal(written.drop(columns="negatives"), pairs.drop(columns="negatives").reset_index(drop=True),
                                  check_dtype=False)  # fmt: skip
