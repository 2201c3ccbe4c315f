"""Synthetic question-answer pairs per section: prompts, parsing, quality filters, the generation pipeline."""

from miracle_dagster.core.qa.generate import QAConfig, QAResult, generate_qa
from miracle_dagster.core.qa.prompts import PromptSet, load_prompts

__all__ = ["PromptSet", "QAConfig", "QAResult", "generate_qa", "load_prompts"]
