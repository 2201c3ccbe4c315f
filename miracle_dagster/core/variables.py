"""Every environment variable the project reads, in one list: its default, whether it is a secret, what it does and
whether runs need it (the compose `user_code` service, where runs execute, passes exactly those).

Code reads a value with `value(name)`, so a default is defined here only. tests/test_deploy.py checks the list
against what the code reads, `.env.example`, `docker-compose.yml` and the README's tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # "" where the code derives it (a folder under MIRACLE_HOME) or where unset means off
    description: str
    secret: bool = False
    run: bool = True  # runs read it: the user_code container must have it


VARIABLES = (
    Variable("MIRACLE_HOME", "", "the data root (default `.miracle/` in the project)"),
    Variable("MIRACLE_MODELS_DIR", "", "provisioned models (default `$MIRACLE_HOME/models`)"),
    Variable("MIRACLE_PRIVATE_DIR", "", "surrogate keys, withheld rows, the secret (default `$MIRACLE_HOME/private`)"),
    Variable("MIRACLE_ASSETS_URL", "", "asset files elsewhere, e.g. `s3://bucket/assets`"),
    Variable("MIRACLE_MODELS_URL", "", "trained models and their registries elsewhere, e.g. `s3://bucket/models`"),
    Variable("MIRACLE_SOURCE_KIND", "folder", "`folder` or `sql`"),
    Variable("MIRACLE_SOURCE_DIR", "", "folder source (default `$MIRACLE_HOME/sample_source`)"),
    Variable("MIRACLE_SOURCE_SQL_URL", "", "SQLAlchemy URL of the warehouse", secret=True),
    Variable("MIRACLE_SOURCE_SQL_QUERY", "", "query with `:specialty` / `:year`"),
    Variable("MIRACLE_SOURCE_COLUMN_MAP", "{}", "JSON, warehouse column -> schema column"),
    Variable("MIRACLE_SOURCE_PATIENTS_FILE", "", "patient master list (JSONL) for the pseudonymizer"),
    Variable("MIRACLE_SOURCE_PATIENTS_QUERY", "", "patient master list from the warehouse"),
    Variable("MIRACLE_SPECIALTIES", "", "comma list of specialty partitions (default all)"),
    Variable("MIRACLE_FIRST_YEAR", "", "first year partition (default 2018); the years run to the current one"),
    Variable("MIRACLE_NIGHTLY_CRON", "0 2 * * *", "cron of nightly_ingest_schedule (UTC)"),
    Variable("MIRACLE_AUTOMATION", "on", "`off`: the nightly schedule and the new-documents sensor ship stopped"),
    Variable("MIRACLE_SPLIT_SEED", "0", "seed of the patients' train / dev / test split"),
    Variable("MIRACLE_SPLIT_DEV_FRACTION", "0.15", "share of patients in dev"),
    Variable("MIRACLE_SPLIT_TEST_FRACTION", "0.15", "share of patients in test"),
    Variable("MIRACLE_DEVICE", "auto", "where models embed, train and score: `auto` (a GPU when torch sees one), `cpu`, `cuda`, `cuda:N`"),
    Variable(
        "MIRACLE_TRAIN_PROCESSES",
        "0",
        "`0`: fine-tuning in the run's process; `N`: `torchrun` starts N (one per GPU) through Dagster Pipes",
    ),
    Variable("MIRACLE_EMBEDDER", "multilingual-e5-small", "the default embedding model"),
    Variable("MIRACLE_MODELS", "", "JSON registry entries added to or overriding the built-in ones"),
    Variable("MIRACLE_INDEX_MODELS", "", "models with a per-partition Qdrant collection (default MIRACLE_EMBEDDER)"),
    Variable("MIRACLE_INDEX_SOURCE", "pseudonymized_sections", "what the collections hold, or `report_sections` (PHI)"),
    Variable("MIRACLE_EVAL_BASELINES", "all-MiniLM-L6-v2", "baselines every IR evaluation compares (comma list)"),
    Variable("MIRACLE_BLEURT_CHECKPOINT", "", "a converted PyTorch BLEURT checkpoint folder; empty: BLEURT not scored"),
    Variable("MIRACLE_ICD_GM_FILE", "", "the ICD-10-GM code list (default: the shared data's)"),
    Variable("MIRACLE_CODIESP_DIR", "", "CodiEsp mentions for icd_eval_report and icd_public_terms (default: the shared data's)"),
    Variable("MIRACLE_GRASCCO_DIR", "", "annotated German letters that train and score phi_detector"),
    Variable("MIRACLE_QDRANT_URL", "", "a Qdrant server instead of the embedded engine"),
    Variable("MIRACLE_QDRANT_API_KEY", "", "its API key", secret=True),
    Variable("MIRACLE_LLM_BACKEND", "local", "`local` (bundled GGUF, in-process), `openai` (a server) or `vllm`"),
    Variable("MIRACLE_LLM_MODEL", "qwen2.5-coder-0.5b-instruct", "GGUF name or path, served model name or HF id"),
    Variable("MIRACLE_LLM_BASE_URL", "", "OpenAI-compatible endpoint"),
    Variable("MIRACLE_LLM_API_KEY", "", "its API key", secret=True),
    Variable("MIRACLE_LLM_LICENSE", "", "the generator's licence where the built-in list does not know it"),
    Variable("MIRACLE_LLM_CONCURRENCY", "4", "parallel requests"),
    Variable("MIRACLE_LLM_TIMEOUT_S", "120", "seconds per request"),
    Variable("MIRACLE_LLM_RESPONSE_FORMAT", "json_schema", "structured output: `json_schema`, `json_object` or `none`"),
    Variable("MIRACLE_VLLM_OPTIONS", "", "JSON engine arguments of the in-process vLLM backend"),
    Variable("MIRACLE_PSEUDONYM_SECRET", "", "HMAC key of the surrogates, >= 16 bytes", secret=True),
    Variable("MIRACLE_PHI_NER_MODEL", "", "an installed spaCy NER pipeline merged with the PHI rules"),
    Variable("MIRACLE_PHI_LLM", "0", "`1`: the LLM joins PHI detection as a third detector"),
    Variable("MIRACLE_TRANSLATOR_BACKEND", "llm", "`llm` or `deepl`"),
    Variable("MIRACLE_TRANSLATOR_SERVER_URL", "", "DeepL endpoint (default: Free or Pro, by the key)"),
    Variable("MIRACLE_TRANSLATOR_TARGET_LANG", "EN-GB", "`EN-GB` or `EN-US`"),
    Variable("DEEPL_AUTH_KEY", "", "the DeepL API key", secret=True),
    Variable("HF_HUB_OFFLINE", "1", "read by huggingface_hub: `1`, no hub at run time; `0` once to fetch `hf:` models"),
)
BY_NAME = {v.name: v for v in VARIABLES}


def value(name: str) -> str:
    """The variable's value, else its listed default (set but empty stays empty, as the callers decide)."""
    return os.environ.get(name, BY_NAME[name].default)
