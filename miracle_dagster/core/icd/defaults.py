"""The settings of the default ICD-10-GM model, apart from its code so the CLI reads their defaults without loading
pandas or the catalogues: which public terms and how they are split (`TermsConfig`, asset icd_public_terms) and how
the model is trained on them (`DefaultModelConfig`, asset icd_default_biencoder)."""

from __future__ import annotations

from dataclasses import dataclass

CHAPTERS = range(1, 23)  # ICD-10-GM chapters I-XXII


@dataclass(frozen=True)
class TermsConfig:
    """Which chapters (all by default; one makes a quick run) and the keyed-hash split of the held-out terms."""

    chapters: tuple[str, ...] = ()
    split_seed: int = 0
    dev_fraction: float = 0.1
    test_fraction: float = 0.1

    def __post_init__(self):
        bad = [c for c in self.chapters if not str(c).isdigit() or int(c) not in CHAPTERS]
        if bad:
            raise ValueError(f"chapters are numbers 1-22 (e.g. 03), got {', '.join(map(repr, bad))}")


@dataclass(frozen=True)
class DefaultModelConfig:
    """The pairs (terms per code and source, index text, hard negatives, dev terms) and the trainer's settings."""

    per_code: int = 2
    max_terms: int = 6
    num_negatives: int = 1
    max_dev: int = 500
    max_steps: int = 100
    batch_size: int = 32
    learning_rate: float = 5e-5
    max_seq_length: int = 96
    seed: int = 42
