"""The settings of the default ICD-10-GM model, apart from its code so the CLI reads their defaults without loading
pandas or the catalogues: which public terms and how they are split (`TermsConfig`, asset icd_public_terms) and how
the model is trained on them (`DefaultModelConfig`, asset icd_default_biencoder), and the cross-encoder rerankers
(`RerankConfig` for icd_job's, `DefaultRerankConfig` for the default model's, asset icd_default_reranker)."""

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


@dataclass(frozen=True)
class RerankConfig:
    """A cross-encoder trained on (query, positive, hard negatives mined from the bi-encoder's top_n) with in-batch
    negatives (core/icd/train.py)."""

    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 2e-4  # a fresh one-logit head: 5e-5 left the loss flat for 60 CPU steps
    warmup_ratio: float = 0.1
    max_steps: int = -1
    max_length: int = 96
    in_batch_negatives: int = 3
    seed: int = 42
    top_n: int = 10  # the bi-encoder's candidates the hard negatives are mined from
    negatives_per_query: int = 4


@dataclass(frozen=True)
class DefaultRerankConfig(RerankConfig):
    """The default model's reranker: max_steps × batch_size sampled training terms, each against its code's index text
    and the fine-tuned bi-encoder's best wrong codes among its top_n; the fusion weight is chosen on up to max_dev dev
    terms. The public terms are far more than an epoch on a CPU can take, so it is capped in steps."""

    max_steps: int = 60
    batch_size: int = 16
    max_length: int = 128  # query and index text together (title, parents, six terms)
    max_dev: int = 300
