"""Split German clinical documents into sections and token-bounded passages with stable ids.

Three layers, all pure Python (no Dagster import):

* :func:`split_sections` finds section headings (``Befund:``, ``## 2. Beurteilung``, ``**Labor**`` ...)
  using :data:`miracle_dagster.core.schema.SECTION_HEADINGS` and returns the section bodies with offsets
  into the original text.
* :func:`split_passages` cuts one section body into passages that each fit ``max_tokens`` as measured by a
  caller-supplied ``count_tokens`` (see :func:`token_counter`), preferring paragraph, then sentence, then
  word boundaries, with a small token overlap between consecutive passages.
* :func:`section_document` / :func:`section_documents` turn report records into passage rows with
  content-hash ids (see :data:`ID_VERSION`).

Heading rules (deliberately conservative so that running text is not cut up):

* A heading must start a line. Leading whitespace, markdown ``#`` marks, bold/italic markers
  (``**``, ``__``, ``*``) and enumeration (``1.``, ``1.2``, ``(1)``, ``II)``, ``a)``) are allowed before it;
  list bullets (``- Labor: ...``) are not, so list items are never headings.
* After the heading there must be either a colon (body text may follow on the same line) or the end of the
  line. ``Befund unauffällig.`` at the start of a line is therefore *not* a heading, ``Befund: unauffällig``
  and ``BEFUND`` alone on a line are.
* Matching is case-insensitive, tolerates runs of spaces/tabs, umlaut transliterations (``ae``/``oe``/
  ``ue``/``ss``) and decomposed umlauts. An optional parenthesised qualifier (``Labor (bei Aufnahme):``)
  or ``vom <date>`` may follow the heading.
* Combined headings (``Anamnese/Fragestellung``, ``Anamnese und Befund``) are accepted; the section takes
  the name of the whole heading when it is a known spelling, otherwise the name of its first part. After a
  ``/`` an unknown word is accepted too (``Anamnese/Aufnahmegrund:``), but then only with a colon.
* Headings of all document types are recognised (a discharge letter may contain ``Histologie:``). The
  document type's own mapping wins (``Procedere`` is ``Empfehlung`` in a radiology report); headings from
  other types map to a canonical name of their own (see :func:`heading_lexicon`). Unknown document types use
  the union only.

Section naming: text before the first heading is the section ``Kopf`` (letterhead, salutation); a document
without any heading is a single section ``Text``. Sections whose body is empty (heading directly followed by
another heading, or at the end) are dropped and not recorded anywhere. ``ordinal`` counts the occurrences of
the same canonical name among the kept sections of a document, starting at 0, so repeated headings get
0, 1, 2 ... and editing or inserting a section of another name does not renumber a section.
"""

from miracle_dagster.core.sections.documents import (
    ID_VERSION,
    PASSAGE_COLUMNS,
    passage_id,
    section_document,
    section_documents,
    section_id,
)
from miracle_dagster.core.sections.headings import HEAD_SECTION, TEXT_SECTION, Section, heading_lexicon, match_heading, split_sections
from miracle_dagster.core.sections.passages import OVERLAP_TOKENS, Passage, split_passages, token_counter
from miracle_dagster.core.sections.sentences import split_sentences

__all__ = [
    "HEAD_SECTION",
    "ID_VERSION",
    "OVERLAP_TOKENS",
    "PASSAGE_COLUMNS",
    "TEXT_SECTION",
    "Passage",
    "Section",
    "heading_lexicon",
    "match_heading",
    "passage_id",
    "section_document",
    "section_documents",
    "section_id",
    "split_passages",
    "split_sections",
    "split_sentences",
    "token_counter",
]
