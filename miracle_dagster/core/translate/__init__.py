"""German -> English translation of pseudonymized text: DeepL or the project's LLM, cached, checked for faithfulness."""

from miracle_dagster.core.translate.cache import TranslationCache
from miracle_dagster.core.translate.engine import STOP_REASONS, Backend, Sent, StopTranslation, Translated, translate_texts
from miracle_dagster.core.translate.faithfulness import FAITHFULNESS_REASONS
from miracle_dagster.core.translate.glossary import Glossary
from miracle_dagster.core.translate.rows import TranslatedRows, translate_rows

__all__ = [
    "FAITHFULNESS_REASONS",
    "STOP_REASONS",
    "Backend",
    "Glossary",
    "Sent",
    "StopTranslation",
    "Translated",
    "TranslatedRows",
    "TranslationCache",
    "translate_rows",
    "translate_texts",
]
