"""The privacy boundary's resource: the HMAC secret, the PHI detector, and the restricted surrogate-key folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dagster as dg
import pandas as pd

from miracle_dagster.core.pseudonymize import PHIDetector, Surrogator
from miracle_dagster.core.pseudonymize.records import KEY_COLUMNS

SECRET_FILE = "pseudonym_secret"


class Pseudonymizer(dg.ConfigurableResource):
    """Surrogates are keyed by `secret` (MIRACLE_PSEUDONYM_SECRET); without it, one is generated once into
    `private_dir`, which holds everything that can re-identify a patient and never appears in the UI."""

    secret: str | None = None
    private_dir: str
    ner_model: str = ""  # an installed spaCy pipeline (e.g. de_core_news_lg or the hospital's own), merged with the rules

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

    def detector(self, patients: list[dict]) -> PHIDetector:
        return PHIDetector(patients=patients, ner_model=self.ner_model or None)

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

    def write_key(self, asset: str, specialty: str, year: str, rows: list[dict]) -> Path:
        return self.write_private("surrogate_keys", asset, specialty, year, rows, KEY_COLUMNS)
