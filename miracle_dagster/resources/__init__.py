"""Resources bound once for the whole code location, configured from the environment."""

from __future__ import annotations

import os

import dagster as dg

from miracle_dagster.core import model_store, settings
from miracle_dagster.core.training.registry import registry_file
from miracle_dagster.core.variables import value
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.llm import LLMResource
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.qdrant import QdrantResource
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager
from miracle_dagster.resources.translator import Translator, backend_from_env


def build_source() -> ReportSource:
    """A folder (the sample corpus by default) or, with MIRACLE_SOURCE_KIND=sql, a warehouse query."""
    master = {"patients_file": os.environ.get("MIRACLE_SOURCE_PATIENTS_FILE", "")}
    if value("MIRACLE_SOURCE_KIND") == "sql":
        query = os.environ.get("MIRACLE_SOURCE_SQL_QUERY")
        return ReportSource(
            kind="sql",
            sql_url=dg.EnvVar("MIRACLE_SOURCE_SQL_URL"),
            column_map_json=value("MIRACLE_SOURCE_COLUMN_MAP"),
            patients_query=os.environ.get("MIRACLE_SOURCE_PATIENTS_QUERY", ""),
            **master,
            **({"sql_query": query} if query else {}),
        )
    folder = os.environ.get("MIRACLE_SOURCE_DIR", str(settings.sample_source_dir()))
    return ReportSource(kind="folder", folder=folder, **master)


def build_qdrant() -> QdrantResource:
    """Embedded under the data root, or the server at MIRACLE_QDRANT_URL (key from MIRACLE_QDRANT_API_KEY)."""
    home = settings.miracle_home()
    url = os.environ.get("MIRACLE_QDRANT_URL", "")
    api_key = dg.EnvVar("MIRACLE_QDRANT_API_KEY") if os.environ.get("MIRACLE_QDRANT_API_KEY") else None
    return QdrantResource(path=str(home / "qdrant"), url=url, api_key=api_key)


def build_embedder() -> EmbeddingModels:
    return EmbeddingModels(
        models_dir=str(settings.models_dir()),
        default_model=value("MIRACLE_EMBEDDER"),
        registry_json=os.environ.get("MIRACLE_MODELS", ""),
        registry_file=str(registry_file(model_store.default_store())),
        cache_dir=str(settings.miracle_home() / "cache"),
    )


def build_llm(resolve_secrets: bool = False, **overrides) -> LLMResource:
    """MIRACLE_LLM_* settings; the API key stays an EnvVar for Dagster, resolved only for the CLI."""
    env = os.environ.get
    key_set = bool(env("MIRACLE_LLM_API_KEY"))
    api_key = (env("MIRACLE_LLM_API_KEY") if resolve_secrets else dg.EnvVar("MIRACLE_LLM_API_KEY")) if key_set else None
    fields = dict(
        backend=value("MIRACLE_LLM_BACKEND"),
        model=value("MIRACLE_LLM_MODEL"),
        base_url=value("MIRACLE_LLM_BASE_URL"),
        api_key=api_key,
        license=value("MIRACLE_LLM_LICENSE"),
        concurrency=int(value("MIRACLE_LLM_CONCURRENCY")),
        timeout_s=float(value("MIRACLE_LLM_TIMEOUT_S")),
        response_format=value("MIRACLE_LLM_RESPONSE_FORMAT"),
        vllm_options_json=value("MIRACLE_VLLM_OPTIONS"),
        models_dir=str(settings.models_dir()),
        cache_dir=str(settings.miracle_home() / "cache"),
    )
    return LLMResource(**{**fields, **overrides})


def build_pseudonymizer(resolve_secrets: bool = False, **overrides) -> Pseudonymizer:
    """HMAC secret from MIRACLE_PSEUDONYM_SECRET (else generated once under private/); private/ may be its own volume."""
    value = os.environ.get("MIRACLE_PSEUDONYM_SECRET")
    secret = (value if resolve_secrets else dg.EnvVar("MIRACLE_PSEUDONYM_SECRET")) if value else None
    fields = dict(
        secret=secret,
        private_dir=os.environ.get("MIRACLE_PRIVATE_DIR", str(settings.miracle_home() / "private")),
        ner_model=os.environ.get("MIRACLE_PHI_NER_MODEL", ""),
        models_dir=str(settings.models_dir()),
        llm=build_llm(resolve_secrets) if settings.phi_llm() else None,
    )
    return Pseudonymizer(**{**fields, **overrides})


def build_translator(resolve_secrets: bool = False, **overrides) -> Translator:
    """MIRACLE_TRANSLATOR_* settings; the DeepL key stays an EnvVar for Dagster, resolved only for the CLI."""
    env = os.environ.get
    key = (env("DEEPL_AUTH_KEY") if resolve_secrets else dg.EnvVar("DEEPL_AUTH_KEY")) if env("DEEPL_AUTH_KEY") else None
    fields = dict(
        backend=backend_from_env(),
        auth_key=key,
        server_url=value("MIRACLE_TRANSLATOR_SERVER_URL"),
        target_lang=value("MIRACLE_TRANSLATOR_TARGET_LANG"),
        cache_dir=str(settings.miracle_home() / "cache"),
    )
    return Translator(**{**fields, **overrides})


def build_data_root() -> DataRoot:
    """$MIRACLE_HOME, with assets and trained models where MIRACLE_ASSETS_URL / MIRACLE_MODELS_URL point (s3://... with
    s3fs installed)."""
    return DataRoot(path=str(settings.miracle_home()), assets_url=value("MIRACLE_ASSETS_URL"), models_url=value("MIRACLE_MODELS_URL"))


def build_resources() -> dict[str, object]:
    data_root = build_data_root()
    return {
        "io_manager": ParquetIOManager(base_dir=str(data_root.assets_dir)),  # writes where data_root reads
        "data_root": data_root,
        "source": build_source(),
        "qdrant": build_qdrant(),
        "llm": build_llm(),
        "embedder": build_embedder(),
        "pseudonymizer": build_pseudonymizer(),
        "translator": build_translator(),
    }
