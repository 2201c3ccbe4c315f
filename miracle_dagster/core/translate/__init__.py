"""German -> English translation of pseudonymized text: DeepL or the project's LLM, cached, checked for faithfulness."""

from miracle_dagster.core.translate.cache import TranslationCache, cache_key
from miracle_dagster.core.translate.engine import STOP_REASONS, Backend, Sent, StopTranslation, Translated, translate_texts
from miracle_dagster.core.translate.faithfulness import FAITHFULNESS_REASONS
from miracle_dagster.core.translate.glossary import Glossary

__all__ = [
    "FAITHFULNESS_REASONS",
    "STOP_REASONS",
    "Backend",
    "Glossary",
    "Sent",
    "StopTranslation",
    "Translated",
    "TranslationCache",
    "cache_key",
    "translate_texts",
]
