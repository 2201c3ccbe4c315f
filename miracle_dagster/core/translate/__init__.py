"""German -> English translation of pseudonymized text: DeepL or the project's LLM, cached, checked for faithfulness."""

from miracle_dagster.core.translate.cache import TranslationCache, cache_key
from miracle_dagster.core.translate.engine import STOP_REASONS, Backend, Sent, StopTranslation, Translated, translate_texts
from miracle_dagster.core.translate.faithfulness import FAITHFULNESS_REASONS
from miracle_dagster.core.translate.glossary import Glossary
from miracle_dagster.core.translate.rows import OVER_LIMIT, TranslatedRows, translate_rows

__all__ = [
    "FAITHFULNESS_REASONS",
    "OVER_LIMIT",
    "STOP_REASONS",
    "Backend",
    "Glossary",
    "Sent",
    "StopTranslation",
    "Translated",
    "TranslatedRows",
    "TranslationCache",
    "cache_key",
    "translate_rows",
    "translate_texts",
]
