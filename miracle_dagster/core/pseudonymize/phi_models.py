"""Versions of the trained PHI detector under the models folder: one folder per version, a pointer to the latest.

``<models>/phi_detector/<version>/`` holds the spaCy pipeline, ``phi_detector.json`` (the training record) and
``README.md`` (the model card); ``latest.json`` names the version the pseudonymizer loads. The version is a hash of
the training data and settings, so retraining on the same data is the same version and a rollback is a pointer
change. The pointer is replaced atomically: a pseudonymizer never reads a half-written model.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Sequence

from miracle_dagster.core.pseudonymize.trained import META_FILE, Annotated, PhiTrainConfig, train

LATEST = "latest.json"


def root(models_dir: str | Path) -> Path:
    return Path(models_dir) / "phi_detector"


def version_of(data: Sequence[Annotated], settings: dict) -> str:
    h = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for text, spans in data:
        h.update(text.encode("utf-8"))
        h.update(json.dumps(sorted(spans)).encode())
    return h.hexdigest()[:12]


def publish(models_dir: str | Path, version: str, trained_dir: Path, card: str) -> Path:
    """Move a trained folder into place as ``version`` (replacing an identical earlier build) and point latest at it."""
    target = root(models_dir) / version
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(trained_dir), target)
    (target / "README.md").write_text(card)
    pointer = root(models_dir) / LATEST
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": version, "path": str(target.resolve())}, indent=2) + "\n")
    tmp.replace(pointer)
    return target


def train_and_publish(
    models_dir: str | Path,
    version: str,
    data: Sequence[Annotated],
    config: PhiTrainConfig,
    evaluation: dict | None = None,
    sources: dict[str, int] | None = None,
) -> tuple[Path, dict]:
    """Train on data next to the versions (so publishing is a move on the same disk) and publish it with its card.
    Returns the version's folder and the training record."""
    Path(models_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
        _, record = train(data, Path(tmp) / "model", config, sources=sources)
        return publish(models_dir, version, Path(tmp) / "model", model_card(version, record, evaluation)), record


def latest(models_dir: str | Path) -> Path | None:
    """The folder of the latest version, or None when none was trained (the rules then work alone)."""
    pointer = root(models_dir) / LATEST
    if not pointer.exists():
        return None
    path = Path(json.loads(pointer.read_text())["path"])
    if not (path / META_FILE).exists():
        raise FileNotFoundError(f"{pointer} points at {path}, which holds no trained PHI detector: re-materialize phi_detector")
    return path


def model_card(version: str, record: dict, evaluation: dict | None) -> str:
    """A short model card: what it detects, what it was trained on, how well it does on letters it never saw."""
    lines = [
        f"# phi_detector {version}",
        "",
        'German clinical PHI detector: spaCy NER (`blank("de")`, CNN tok2vec) over the project\'s PHI types, merged',
        "with the rule-based detector by the pseudonymizer. Trained on CPU; hospital-internal: it was trained on",
        "annotated letters and may have memorised names from them, so it is not published outside the hospital.",
        "",
        "## Training data",
        "",
        *(f"- {name}: {n} documents" for name, n in record.get("sources", {}).items()),
        f"- spans: {record['spans']} ({', '.join(f'{k} {v}' for k, v in record['spans_by_type'].items())})",
        f"- spans not trained on: {record['rejected_spans'] or 'none'}",
        f"- settings: {json.dumps(record['config'], sort_keys=True)}",
        f"- training time: {record['train_seconds']} s on CPU, spaCy {record['spacy_version']}",
    ]
    if evaluation:
        lines += [
            "",
            f"## Held-out quality (GraSCCo, {evaluation['k']}-fold by template family)",
            "",
            "| detector | recall (95% CI) | token recall | precision |",
            "|---|---|---|---|",
        ]
        for setting, r in evaluation["results"].items():
            lo, hi = r["recall_ci95"]
            lines.append(f"| {setting} | {r['recall']:.3f} ({lo:.3f}-{hi:.3f}) | {r['token_recall']:.3f} | {r['precision']:.3f} |")
    return "\n".join(lines) + "\n"
