"""Synthetic German clinical document corpus with exact PHI ground truth.

Real hospital documents cannot ship with the project, so this package generates a realistic stand-in:
radiology reports, discharge letters (Arztbriefe), pathology reports and operation notes for patients that
have several cases across specialties and years. Every piece of protected health information (PHI) the
generator inserts is recorded with its exact character span, which makes the corpus the ground truth for
pseudonymization tests.

Design:
- Documents are assembled from pieces by :class:`~.builder.Doc`, which tracks the write offset, so a PHI span is
  recorded at the moment its text is appended (no searching afterwards, no ambiguity).
- Content comes from phrase pools (diagnoses with ICD-10-GM codes, findings, lab panels with units and
  reference ranges, medication plans, TNM, OPS codes) combined at random; templates use ``{slot}``
  placeholders. Lower-case slots are non-PHI fillers (side, size, ...), upper-case slots insert PHI
  (``{PNAME}``, ``{D+2}``, ``{RELDAT}``, ...) through the span-tracking builder.
- Deterministic: everything draws from one ``random.Random(seed)`` and one seeded ``Faker('de_DE')``
  instance; the global random state is never touched.

Layout:
- ``phrases_*``: pure data (phrase pools, lab panels, medication, diagnoses, radiology, pathology, operations, letters).
- ``formatting``, ``people``: number/date formatting; people, organisations and identifiers.
- ``builder`` (span-tracking document), ``context`` (per-document context and PHI slot handlers).
- ``blocks``, ``labs_meds``: shared document blocks; ``doc_*``: one generator per document type.
- ``patients``, ``cases``, ``generator``: patients -> cases -> documents; ``writer``: the folder source layout.

No Dagster import: used by assets, the CLI and tests alike.
"""

from __future__ import annotations

from miracle_dagster.core.sample_corpus.generator import SampleCorpus, corpus_summary, generate_corpus
from miracle_dagster.core.sample_corpus.writer import BAD_ROW_REASONS, write_sample_source

__all__ = [
    "SampleCorpus",
    "generate_corpus",
    "write_sample_source",
    "corpus_summary",
    "BAD_ROW_REASONS",
]
