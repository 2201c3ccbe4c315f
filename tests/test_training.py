"""Fine-tuning: patient-level split, the false-negative guard, a short real training run, resume, export."""

import copy
import json
import shutil

import dagster as dg
import pandas as pd
import pytest
import torch
from materialized import metadata_of
from safetensors.torch import load_file
from transformers import TrainerCallback

from miracle_dagster import cli
from miracle_dagster.assets import finetuned_model, ingest_assets, pseudonymized_sections, training_pairs
from miracle_dagster.core import models, settings, training
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
from miracle_dagster.core.sample_corpus.questions import stand_in_qa_pairs
from miracle_dagster.core.training import registry
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager, partition_file

VARIANT = "de_pseudonymized"
SPLIT = {"MIRACLE_SPLIT_DEV_FRACTION": "0.25", "MIRACLE_SPLIT_TEST_FRACTION": "0.1"}
# The model's one token limit (its registry entry): passages are cut, negatives mined, training and evaluation run at it.
SHORT = json.dumps({"multilingual-e5-small": {"max_seq_length": 128}})
TRAIN_CONFIG = {
    "max_steps": 8,
    "batch_size": 8,
    "mini_batch_size": 8,
    "eval_steps": 8,
    "logging_steps": 2,
    "learning_rate": 5e-5,
    "freeze_embeddings": True,
}


@pytest.fixture(scope="module")
def world(tmp_path_factory, models_dir):
    """Ingest + pseudonymize one partition of a small corpus; stand-in QA pairs written as pseudonymized_qa_pairs."""
    root = tmp_path_factory.mktemp("training")
    corpus = generate_corpus(n_patients=16, seed=11, specialties=["internal_medicine"], years=["2021"])
    write_sample_source(root / "source", corpus)
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "source": ReportSource(folder=str(root / "source")),
        "embedder": EmbeddingModels(
            models_dir=str(models_dir), registry_json=SHORT, registry_file=str(registry.registry_file(root / "models"))
        ),
        "pseudonymizer": Pseudonymizer(secret="test-secret-0123456789abcdef", private_dir=str(root / "private")),
    }
    with pytest.MonkeyPatch.context() as env:
        for name, value in SPLIT.items():
            env.setenv(name, value)
        done = dg.materialize(
            [*ingest_assets, pseudonymized_sections], partition_key=str(partition_key("internal_medicine", "2021")), resources=resources
        )
    passages = done.output_for_node("pseudonymized_sections")
    qa_file = partition_file(root / "assets", "pseudonymized_qa_pairs", "internal_medicine", "2021")
    qa_file.parent.mkdir(parents=True)
    stand_in_qa_pairs(passages, limit=120).to_parquet(qa_file, index=False)
    # one torchrun worker launched through Dagster Pipes: the multi-GPU path, on a CPU
    run_config = dg.RunConfig(ops={"finetuned_model": {"config": {**TRAIN_CONFIG, "processes": 1}}})
    instance = dg.DagsterInstance.ephemeral()  # kept: the torchrun workers' log lines are read back from its event log
    result = dg.materialize(
        [training_pairs, finetuned_model], partition_key=VARIANT, resources=resources, run_config=run_config, instance=instance
    )
    result.instance = instance
    yield root, resources, result
    shutil.rmtree(root, ignore_errors=True)  # checkpoints with optimizer state: gigabytes that a CI disk may not have


@pytest.fixture(scope="module")
def fresh_base(world):
    """A fresh copy of the base model per training, cut to 32 tokens: resume, the card and the optional losses are
    about mechanics, not quality, and a quarter of the tokens cuts every forward and backward pass. A deep copy of the
    embedder's model (loaded once for mining) takes 1.6 s, loading it again 4 s (its tokenizer is rebuilt from a 17 MB
    tokenizer.json in Python)."""
    base = world[1]["embedder"].sentence_transformer()

    def fresh():
        model = copy.deepcopy(base)
        model.max_seq_length = 32
        return model

    return fresh


def test_split_is_by_patient_deterministic_and_follows_fractions():
    patients = [f"pat_{i}" for i in range(2000)]
    splits = [training.split_of(p, 3, 0.15, 0.15) for p in patients]
    assert splits == [training.split_of(p, 3, 0.15, 0.15) for p in reversed(patients)][::-1]
    assert splits != [training.split_of(p, 4, 0.15, 0.15) for p in patients]
    shares = pd.Series(splits).value_counts(normalize=True)
    assert abs(shares["dev"] - 0.15) < 0.03 and abs(shares["test"] - 0.15) < 0.03
    # Many pairs per patient, in any order: every patient lands in exactly one split.
    qa = pd.DataFrame(
        {
            "pair_id": range(6000),
            "question": "Frage?",
            "passage_id": [f"p{i % 900}" for i in range(6000)],
            "patient_id": [patients[i * 7 % 300] for i in range(6000)],
        }
    ).sample(frac=1, random_state=1)
    passages = pd.DataFrame({"passage_id": [f"p{i}" for i in range(900)], "text": "Befund"})
    split = training.Split(seed=3)
    built = training.build_pairs(qa.assign(document_id="d", case_id="c", split=qa["patient_id"].map(split.of)), passages)
    assert len(built.pairs) == 6000 and training.patients_in_several_splits(built.pairs) == []
    assert set(built.pairs["split"]) == set(training.pairs.SPLITS)
    with pytest.raises(ValueError, match="fractions"):
        training.Split(0, 0.6, 0.5)
    with pytest.raises(ValueError, match="no `split` column"):
        training.build_pairs(qa.drop(columns="split", errors="ignore"), passages)


def test_pairs_without_question_or_passage_are_counted_not_dropped_silently():
    qa = pd.DataFrame(
        {
            "pair_id": ["a", "b", "c", "d"],
            "question": ["Was?", " ", "Wo?", "Wann?"],
            "passage_id": ["p1", "p1", "gone", "p1"],
            "patient_id": "x",
            "document_id": "d",
            "case_id": "c",
            "split": ["train", "train", "train", None],
        }
    )
    built = training.build_pairs(qa, pd.DataFrame({"passage_id": ["p1"], "text": ["Text"]}))
    assert list(built.pairs["pair_id"]) == ["a"] and built.rejected == {"empty_question": 1, "passage_missing": 1, "no_split": 1}


def test_split_agreement_compares_variants_in_one_id_space():
    de = pd.DataFrame({"patient_id": ["p1", "p2", "p3"], "split": ["test", "train", "test"]})
    same = training.split_agreement({"de": de, "de_pseudonymized": de, "en_pseudonymized": de[de["patient_id"] != "p3"]})
    assert same["patients_split_differently"] == 0 and same["test_patients de"] == 2 and same["test_patients_missing en_pseudonymized"] == 1
    moved = training.split_agreement({"de": de, "de_pseudonymized": de.assign(split=["train", "train", "test"])})
    assert moved["patients_split_differently"] == 1 and moved["test_patients_missing de_pseudonymized"] == 1


def test_guard_never_takes_negatives_from_the_positives_document_case_or_patient(world):
    model = world[1]["embedder"].sentence_transformer()  # the mining model of the world: no second load
    texts = {
        ("pA", "cA", "dA1"): "Pneumonie im rechten Unterlappen, Antibiose mit Ampicillin begonnen.",
        ("pA", "cA", "dA2"): "Pneumonie rechter Unterlappen, Antibiose mit Ampicillin fortgeführt.",
        ("pA", "cA2", "dA3"): "Verlaufskontrolle der Pneumonie im rechten Unterlappen, rückläufig.",
        ("pB", "cB", "dB1"): "Pneumonie im linken Oberlappen, Antibiose mit Ceftriaxon.",
        ("pC", "cC", "dC1"): "Distale Radiusfraktur links, Gipsschiene angelegt.",
        ("pD", "cD", "dD1"): "Koloskopie: Divertikulose des Sigmas, kein Polyp.",
    }
    pairs = pd.DataFrame(
        [
            {
                "query": f"Was wurde bei {t.split(',')[0]} gemacht?",
                "positive": t,
                "patient_id": p,
                "case_id": c,
                "document_id": d,
                "pair_id": d,
                "passage_id": d,
            }
            for (p, c, d), t in texts.items()
        ]
    )
    mined = training.mine(pairs, model, num_negatives=2, candidates=5, margin=0.0, query_prompt="query: ", passage_prompt="passage: ")
    own = pairs.groupby("patient_id")["positive"].agg(set)
    for row, negatives in zip(pairs.itertuples(), mined.negatives):
        assert not set(negatives) & own[row.patient_id], row.document_id
    assert mined.removed["same_case"] + mined.removed["same_patient"] >= 2 and mined.negatives[0]
    assert training.negatives.same_patient_negatives(pairs.assign(negatives=mined.negatives)) == 0
    # The margin guard: a margin of 100% of the positive's score leaves no candidate standing.
    strict = training.mine(pairs, model, num_negatives=2, candidates=5, margin=1.0, query_prompt="query: ", passage_prompt="passage: ")
    assert not any(strict.negatives) and strict.removed["margin"] > 0
    assert sum(strict.removed.values()) == strict.candidates


def test_training_pairs_split_by_patient_with_guarded_negatives(world):
    _, _, result = world
    assert result.success
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks["patients_in_one_split"] and checks["negatives_not_from_positive_patient"]
    pairs = result.output_for_node("training_pairs")
    assert set(pairs["split"]) >= {"train", "dev"} and training.patients_in_several_splits(pairs) == []
    meta = metadata_of(result, "training_pairs")
    assert meta["pairs"] == len(pairs) and meta["train_pairs_with_negatives"] > 0 and "| same_" in meta["negatives_removed_by_guard"]
    assert "| dev |" in meta["by_split"] and "2021" in meta["by_year"]


def test_short_training_run_beats_the_base_model_on_dev(world):
    root, resources, result = world
    meta = metadata_of(result, "finetuned_model")
    assert meta["dev_map@100"] > meta["base_dev_map@100"], (meta["dev_map@100"], meta["base_dev_map@100"])
    [check] = [c for c in result.get_asset_check_evaluations() if c.check_name == "beats_base_on_dev"]
    assert check.passed and meta["steps"] == TRAIN_CONFIG["max_steps"] and meta["pairs_per_second"] > 0
    # trained through Dagster Pipes in one torchrun worker: its trainer's log lines reached the run's event log
    assert meta["processes"] == 1 and meta["device"] == settings.device()
    worker_logs = [r.user_message for r in result.instance.all_logs(result.run_id) if r.user_message.startswith("step ")]
    assert f"step {TRAIN_CONFIG['max_steps']}/{TRAIN_CONFIG['max_steps']}" in worker_logs[-1] and "eval_dev_cosine_map@100" in " ".join(
        worker_logs
    )
    assert meta["loss_curve"].startswith("![loss](data:image/png;base64,")
    folder = root / "models" / "finetuned" / VARIANT / meta["version"] / "model"
    assert meta["model_path"] == str(folder) and "map@100" in (folder / "README.md").read_text()
    # one token limit: the passages were cut at it, negatives mined, the model trained at it, and the card records it
    assert meta["max_seq_length"] == metadata_of(result, "training_pairs")["max_seq_length"] == 128
    assert "**Maximum Sequence Length:** 128 tokens" in (folder / "README.md").read_text()
    # Registered by name: the embedder resource resolves and encodes with it, prompts included.
    embedder = resources["embedder"]
    spec = embedder.spec(meta["registered_as"])
    assert spec.source == f"path:{folder}" and spec.query_prompt == "query: "
    assert embedder.encoder(meta["registered_as"], kind="query")(["Pneumonie?"]).shape == (1, 384)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here: the multi-GPU run (one torchrun worker per GPU) needs one")
def test_fine_tuning_on_every_gpu_through_torchrun(world, monkeypatch):
    _, resources, _ = world
    monkeypatch.setenv("MIRACLE_DEVICE", "cuda")
    gpus = torch.cuda.device_count()
    config = {**TRAIN_CONFIG, "max_steps": 2, "eval_steps": 2, "processes": gpus}
    result = dg.materialize(
        [training_pairs, finetuned_model],
        partition_key=VARIANT,
        resources=resources,
        selection=[finetuned_model],
        run_config=dg.RunConfig(ops={"finetuned_model": {"config": config}}),
    )
    meta = metadata_of(result, "finetuned_model")
    assert meta["processes"] == gpus and meta["device"] == "cuda" and meta["steps"] == 2


def test_variant_without_inputs_fails_naming_what_to_materialize(world):
    _, resources, _ = world
    result = dg.materialize([training_pairs], partition_key="de", resources=resources, raise_on_error=False)
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "needs qa_pairs: materialize qa_pairs" in str(failure.event_specific_data.error)


class NoStep(TrainerCallback):
    def on_step_begin(self, args, state, control, **kwargs):
        raise AssertionError(f"a training step after the run was complete (step {state.global_step})")


class Interrupt(TrainerCallback):
    def on_save(self, args, state, control, **kwargs):
        raise KeyboardInterrupt(f"stopped after the checkpoint of step {state.global_step}")


def test_resume_after_an_interruption_continues_from_the_checkpoint(world, fresh_base, tmp_path):
    _, _, result = world
    pairs = result.output_for_node("training_pairs").groupby("split").head(12)
    config = training.TrainConfig(**{**TRAIN_CONFIG, "max_steps": 4, "eval_steps": 2, "batch_size": 4})
    with pytest.raises(KeyboardInterrupt, match="step 2"):
        training.train(fresh_base(), pairs, tmp_path, config, "query: ", "passage: ", callbacks=[Interrupt()])
    assert (tmp_path / "checkpoints" / "checkpoint-2").is_dir() and not (tmp_path / "model").exists()
    resumed = training.train(fresh_base(), pairs, tmp_path, config, "query: ", "passage: ")
    assert resumed.resumed_from.endswith("checkpoint-2") and resumed.steps == 4
    assert [e["step"] for e in resumed.evals] == [2, 4] and (tmp_path / "model" / "README.md").exists()
    card = (tmp_path / "model" / "README.md").read_text()
    assert any(q[:30] in card for q in pairs.loc[pairs["split"] == "train", "query"])  # a public card shows examples
    # the run is complete: a re-run (the asset re-materialized with the same pairs and config) trains no further step
    # and returns the saved model's weights and version, card untouched
    version, weights = models.model_version(tmp_path / "model"), (tmp_path / "model" / "model.safetensors").read_bytes()
    model = fresh_base()
    again = training.train(model, pairs, tmp_path, config, "query: ", "passage: ", callbacks=[NoStep()])
    assert again.steps == 4 and again.resumed_from.endswith("checkpoint-4") and again.evals == resumed.evals
    assert models.model_version(again.model_dir) == version and (again.model_dir / "README.md").read_text() == card
    assert (tmp_path / "model" / "model.safetensors").read_bytes() == weights
    saved, in_memory = load_file(again.model_dir / "model.safetensors"), model[0].auto_model.state_dict()
    assert saved.keys() <= in_memory.keys() and all(torch.equal(saved[k], in_memory[k]) for k in saved)  # trained in place


def test_model_card_of_a_raw_phi_variant_shows_no_examples(world, fresh_base, tmp_path):
    _, _, result = world
    pairs = result.output_for_node("training_pairs").groupby("split").head(8)
    config = training.TrainConfig(**{**TRAIN_CONFIG, "max_steps": 1, "eval_steps": 1, "batch_size": 4})
    done = training.train(fresh_base(), pairs, tmp_path, config, "query: ", "passage: ", private=True)
    cards = [done.model_dir / "README.md", *tmp_path.glob("checkpoints/*/README.md")]
    texts = [card.read_text() for card in cards]
    assert len(texts) >= 2 and all("map@100" in text.lower() for text in texts[:1])
    leaked = [q[:30] for q in pairs["query"]] + [p[:30] for p in pairs["positive"]]
    assert not [q for q in leaked for text in texts if q in text]


def test_export_refuses_raw_phi_variant_and_copies_pseudonymized(world, tmp_path, monkeypatch, capsys):
    root, _, result = world
    monkeypatch.setenv("MIRACLE_HOME", str(root))
    assert cli.main(["export-model", "de", str(tmp_path / "de")]) == 2 and "raw PHI" in capsys.readouterr().err
    assert cli.main(["export-model", VARIANT, str(tmp_path / "out")]) == 0
    exported = tmp_path / "out"
    assert {"README.md", "modules.json", "config_sentence_transformers.json"} <= {p.name for p in exported.iterdir()}
    assert json.loads((exported / "config_sentence_transformers.json").read_text())["prompts"]["query"] == "query: "


@pytest.mark.parametrize("loss", ["gist", "matryoshka"])
def test_optional_losses_train_and_are_named_in_the_card(world, fresh_base, tmp_path, loss):
    _, resources, result = world
    pairs = result.output_for_node("training_pairs").groupby("split").head(8)
    config = training.TrainConfig(
        **{
            **TRAIN_CONFIG,
            "loss": loss,
            "max_steps": 2,
            "eval_steps": 2,
            "logging_steps": 1,
            "batch_size": 4,
            "mini_batch_size": 4,
            "matryoshka_dims": (384, 96),
        }
    )
    guide = resources["embedder"].sentence_transformer() if loss == "gist" else None  # the base, as the asset guides
    done = training.train(fresh_base(), pairs, tmp_path, config, "query: ", "passage: ", guide=guide)
    assert done.steps == 2 and len(done.losses) == 2 and all(0 < entry["loss"] < 100 for entry in done.losses)
    assert {"gist": "CachedGISTEmbedLoss", "matryoshka": "MatryoshkaLoss"}[loss] in (done.model_dir / "README.md").read_text()
