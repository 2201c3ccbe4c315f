"""The one text key for "the same text": what dedupes judged answers, ICD terms and phrasings alike."""

from __future__ import annotations

import re


def normalized(text: str) -> str:
    """The words of a text, case-folded: equal for two copies that differ only in spacing, case or punctuation."""
    return " ".join(re.sub(r"[^\w]+", " ", str(text).casefold()).split())
