"""Asset files and trained models in object storage (`MIRACLE_ASSETS_URL`, `MIRACLE_MODELS_URL=s3://...`): written by
the IO manager and read back by every asset, cross-partition reads included; the fine-tuned model and its registry
published to the bucket and loaded from there by another process's resources; against a real S3 API server (moto's,
over HTTP on localhost) through s3fs."""

import pandas as pd
import pytest
from upath import UPath

from miracle_dagster.assets import finetuned_model, ingest_assets, pseudonymized_sections, training_pairs
from miracle_dagster.core import models
from miracle_dagster.core.icd import registry as icd_registry
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs
from miracle_dagster.core.training import registry
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
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": f"http://{host}:{port}",
    }.items():
        env.setenv(name, value)
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    yield f"s3://{BUCKET}"
    env.undo()
    server.stop()


def test_ingest_to_a_fine_tuned_model_on_s3_leaves_no_asset_or_model_on_disk(s3_url, tmp_path, models_dir):
    import dagster as dg

    specialties, year = ("radiology", "surgery"), "2022"
    write_sample_source(tmp_path / "source", generate_corpus(n_patients=6, seed=3, specialties=list(specialties), years=[year]))
    data_root = DataRoot(path=str(tmp_path), assets_url=f"{s3_url}/assets", models_url=f"{s3_url}/models")
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(data_root.assets_dir)),
        "data_root": data_root,
        "source": ReportSource(folder=str(tmp_path / "source")),
        "embedder": EmbeddingModels(models_dir=str(models_dir), default_model=MODEL),
        "pseudonymizer": Pseudonymizer(secret="object-storage-secret-0123456789", private_dir=str(tmp_path / "private")),
    }
    for specialty in specialties:  # two partitions: training_pairs reads across them
        key = str(partition_key(specialty, year))
        done = dg.materialize([*ingest_assets, pseudonymized_sections], partition_key=key, resources=resources)
        qa = stand_in_qa_pairs(done.output_for_node("pseudonymized_sections"), limit=12)
        with partition_file(data_root.assets_dir, "pseudonymized_qa_pairs", specialty, year).open("wb") as f:
            qa.to_parquet(f, index=False)
    assert data_root.partitions("pseudonymized_sections") == [(s, year) for s in specialties]
    pairs = dg.materialize([training_pairs], partition_key="de_pseudonymized", resources=resources).output_for_node("training_pairs")
    assert set(pairs["specialty"]) == set(specialties) and len(pairs) == len(data_root.read_all("pseudonymized_qa_pairs"))
    stored = {p.path.split("/assets/", 1)[1] for p in UPath(f"{s3_url}/assets").rglob("*.parquet")}
    assert {f"report_sections/{s}/{year}.parquet" for s in specialties} | {"training_pairs/de_pseudonymized.parquet"} <= stored
    assert not (tmp_path / "assets").exists()  # nothing written beside the bucket
    written = data_root.read("training_pairs", "de_pseudonymized")
    pd.testing.assert_frame_equal(
        written.drop(columns="negatives"), pairs.drop(columns="negatives").reset_index(drop=True), check_dtype=False
    )

    # the fine-tuned model and the registry go to the bucket; another process (fresh resources, an empty models
    # folder) finds it by name there and loads it through its local cache
    config = {"max_steps": 2, "batch_size": 4, "mini_batch_size": 4, "eval_steps": 2, "processes": 0}
    tuned = dg.materialize(
        [training_pairs, finetuned_model],
        partition_key="de_pseudonymized",
        resources=resources,
        selection=[finetuned_model],
        run_config=dg.RunConfig(ops={"finetuned_model": {"config": config}}),
    )
    row = tuned.output_for_node("finetuned_model").iloc[0]
    assert row["source"].startswith(f"path:{s3_url}/models/finetuned/de_pseudonymized/{row['version']}/model")
    entry = registry.read_registry(data_root.models_store)["finetuned-de_pseudonymized"]
    assert entry["source"] == row["source"]
    assert UPath(row["source"][5:]).joinpath(models.PROVENANCE_FILE).exists()  # published whole
    elsewhere = EmbeddingModels(
        models_dir=str(tmp_path / "other_models"), registry_file=str(registry.registry_file(data_root.models_store))
    )
    vectors = elsewhere.encoder("finetuned-de_pseudonymized", kind="query")(["Pneumonie rechts?"])
    assert vectors.shape == (1, 384) and list((tmp_path / "other_models" / "remote").iterdir())
    exported = registry.export_model(data_root.models_store, "de_pseudonymized", tmp_path / "export", tmp_path / "other_models")
    assert (exported / "model.safetensors").is_file()
    # the ICD models' latest.json is read and written in the same store
    icd_registry.record(data_root.models_store, "biencoder", {"path": row["source"][5:], "version": "v1"})
    assert icd_registry.read_latest(data_root.models_store)["biencoder"]["version"] == "v1"
    assert UPath(f"{s3_url}/models/icd/latest.json").exists()
    # on local disk: the training's working copy (checkpoints) and caches, never the registry or a published model
    local = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert not any(name.endswith("registry.json") or name.endswith("latest.json") for name in local)
    assert not (tmp_path / "assets").exists()


def test_a_republished_model_replaces_its_local_copy(tmp_path):
    """Same URL, new weights: the cached copy is compared by its provenance record, never trusted by name alone."""
    from miracle_dagster.core import model_store

    def model(text: str):
        folder = tmp_path / f"trained-{text}"
        folder.mkdir()
        (folder / "model.safetensors").write_text(text)
        (folder / models.PROVENANCE_FILE).write_text(f'{{"files": {{"model.safetensors": "{text}"}}}}')
        return folder

    url = "memory://store/finetuned/de_pseudonymized/v1/model"
    assert model_store.publish(model("old"), UPath(url)) == url
    first = model_store.local_copy(url, tmp_path / "cache")
    assert (first / "model.safetensors").read_text() == "old"
    model_store.publish(model("new"), UPath(url))
    again = model_store.local_copy(url, tmp_path / "cache")
    assert again == first and (again / "model.safetensors").read_text() == "new"
    UPath(url).joinpath(models.PROVENANCE_FILE).unlink()  # a publish in progress: not a model yet
    with pytest.raises(FileNotFoundError, match="no published model"):
        model_store.local_copy(url, tmp_path / "cache")
