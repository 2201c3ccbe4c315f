"""The privacy boundary's resource: the HMAC secret, the PHI detector, and the restricted surrogate-key folder."""

from __future__ import annotations

import functools
import json
import os
import secrets
from pathlib import Path
from typing import Optional

import dagster as dg
import pandas as pd

from miracle_dagster.core.pseudonymize import PHIDetector, Surrogator, phi_models
from miracle_dagster.core.pseudonymize.llm_detect import LLMPHIDetector
from miracle_dagster.core.pseudonymize.records import KEY_COLUMNS
from miracle_dagster.core.pseudonymize.trained import TrainedPHISource
from miracle_dagster.resources.llm import LLMResource

SECRET_FILE = "pseudonym_secret"


class Pseudonymizer(dg.ConfigurableResource):
    """Surrogates are keyed by `secret` (MIRACLE_PSEUDONYM_SECRET); without it, one is generated once into
    `private_dir`, which holds everything that can re-identify a patient and never appears in the UI."""

    secret: str | None = None
    private_dir: str
    ner_model: str = ""  # an installed spaCy pipeline (e.g. de_core_news_lg or the hospital's own), merged with the rules
    models_dir: str = ""  # the trained phi_detector's versions live under <models_dir>/phi_detector; empty: rules only
    llm: Optional[LLMResource] = None  # with MIRACLE_PHI_LLM=1: the LLM joins as a third source (a GPU server's job)

    def secret_bytes(self) -> bytes:
        if self.secret:
            return self.secret.encode("utf-8")
        path = Path(self.private_dir) / SECRET_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return path.read_text().strip().encode("utf-8")

    def secret_source(self) -> str:
        """Where the secret comes from, for metadata: never the secret itself."""
        return "MIRACLE_PSEUDONYM_SECRET" if self.secret else f"generated file {Path(self.private_dir) / SECRET_FILE}"

    def phi_detector_path(self) -> Path | None:
        """The latest trained detector, or None before phi_detector was first materialized (the rules work alone)."""
        return phi_models.latest(self.models_dir) if self.models_dir else None

    def detector_name(self) -> str:
        """What detects, for metadata: the rules plus the trained version and the LLM where they take part."""
        path = self.phi_detector_path()
        parts = ["rules", *([f"phi_detector {path.name}"] if path else []), *([f"ner {self.ner_model}"] if self.ner_model else [])]
        return " + ".join(parts + ([f"llm {self.llm.model}"] if self.llm else []))

    def detector(self, patients: list[dict]) -> PHIDetector:
        """Rules (+ master list) merged with the latest trained detector and, where configured, the LLM."""
        sources: list = []
        if path := self.phi_detector_path():
            sources.append(trained_source(str(path)))
        if self.llm is not None:
            sources.append(LLMPHIDetector(self.llm.client()))
        return PHIDetector(patients=patients, ner_model=self.ner_model or None, sources=sources)

    def surrogator(self, patients: list[dict], known_values: dict[str, set[str]] | None = None) -> Surrogator:
        """`known_values` (what the leak check looks for) are reserved too: a surrogate for a staff name must not
        happen to be a relative's name that only the text, not the master list, knows."""
        reserved = [value for values in (known_values or {}).values() for value in values]
        return Surrogator(self.secret_bytes(), patients=patients, reserved=reserved)

    def write_private(self, kind: str, asset: str, specialty: str, year: str, rows: list[dict], columns) -> Path:
        """Surrogate key or withheld rows of one partition, under private/ only (mode 0600)."""
        path = Path(self.private_dir) / kind / asset / specialty / f"{year}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        pd.DataFrame(rows, columns=list(columns)).to_parquet(tmp, index=False)
        os.chmod(tmp, 0o600)
        tmp.rename(path)
        return path

    def write_private_json(self, kind: str, name: str, payload) -> Path:
        """A JSON file under private/ only (mode 0600), e.g. the spans a detector missed on annotated letters."""
        path = Path(self.private_dir) / kind / name
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1))
        os.chmod(tmp, 0o600)
        tmp.rename(path)
        return path

    def write_key(self, asset: str, specialty: str, year: str, rows: list[dict]) -> Path:
        return self.write_private("surrogate_keys", asset, specialty, year, rows, KEY_COLUMNS)


@functools.lru_cache(maxsize=2)
def trained_source(path: str) -> TrainedPHISource:
    """One loaded model per version and process: every partition run of a process shares it."""
    return TrainedPHISource(path)
