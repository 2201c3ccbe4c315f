"""Pseudonymization of German clinical text: detect PHI, replace it with consistent surrogates, check for leaks.

Pure domain code (no Dagster import), so assets, the CLI, benchmarks and tests share it.

- :class:`PHIDetector` (``detect``): rules on spaCy's blank German tokenizer (token patterns for names, regular
  expressions for dates, numbers, addresses, organisations), an optional patient master list and an optional
  statistical NER model; returns non-overlapping :class:`PHISpan` s typed with :data:`~..schema.PHI_TYPES`.
- :class:`Surrogator` and :func:`pseudonymize` (``surrogates``, ``formats``): HMAC-keyed, per-patient consistent
  replacements (Faker de_DE names and places, shifted dates in their original spelling, shape-keeping identifiers).
- ``evaluate``: known PHI values per patient, the leak check, precision/recall against the sample corpus ground truth.

Layout: ``vocab`` and ``patterns`` hold the word lists and regular expressions, ``dates`` the German date formats,
``names`` the name token patterns, ``masterlist`` the master-list lookup.
"""

from __future__ import annotations

from miracle_dagster.core.pseudonymize import phi_models
from miracle_dagster.core.pseudonymize.detect import PHIDetector, PHISpan
from miracle_dagster.core.pseudonymize.evaluate import evaluate, find_leaks, known_phi_values, markdown_table
from miracle_dagster.core.pseudonymize.surrogates import Replacement, Surrogator, pseudonymize

__all__ = [
    "PHIDetector",
    "PHISpan",
    "Surrogator",
    "Replacement",
    "pseudonymize",
    "known_phi_values",
    "find_leaks",
    "evaluate",
    "markdown_table",
    "phi_models",
]
