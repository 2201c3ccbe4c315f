"""PHI detection: spaCy's German tokenizer plus rules (token patterns, regular expressions, the master list), optionally
merged with a statistical NER model.

Rules first because they are exact where German clinical text is regular (dates, numbers, labelled identifiers,
letterheads) and need no model; a NER model only adds what the rules do not cover (rules win on overlap).
Output spans never overlap and are sorted, ready for :func:`~.surrogates.pseudonymize`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Protocol, Sequence

import spacy
from spacy.tokens import Doc

from miracle_dagster.core.pseudonymize.dates import DATE_RE, DAYLESS_STYLES, date_context_ok, parse
from miracle_dagster.core.pseudonymize.masterlist import MasterList
from miracle_dagster.core.pseudonymize.names import NameRules
from miracle_dagster.core.pseudonymize.patterns import BIRTH_CONTEXT, RULES
from miracle_dagster.core.pseudonymize.plausible import medical_name, plausible
from miracle_dagster.core.schema import NAME_TYPES, PHI_TYPES

DEFAULT_NER_LABELS = {"PER": "PATIENT_NAME", "PERSON": "PATIENT_NAME", "LOC": "POSTAL_CITY", "GPE": "POSTAL_CITY", "ORG": "ORGANIZATION"}
_DATE_PRIORITY = 86
# spans of further detectors (trained model, LLM): below every rule, so where both found an item the rule's exact
# span and type win; what only a model found is added (union for recall) if it has the shape of its type
SOURCE_PRIORITY = 20
# tokens the German tokenizer would split but that are single title words in names ("Dr. med. Anna Schmidt")
_SPECIAL_CASES = ("med.", "dent.", "Dipl.-Med.", "Dipl.-Psych.", "Priv.-Doz.", "Univ.-Prof.", "Dr.-med.", "rer.", "nat.")


@dataclass(frozen=True)
class PHISpan:
    """One detected PHI item; ``source`` is "rule:<name>", "master_list" or "ner"."""

    start: int
    end: int
    type: str
    text: str
    source: str


class SpanSource(Protocol):
    """A further detector merged with the rules (the trained ``phi_detector``, an LLM): ``name`` for the span
    source, ``spans(texts)`` one list of (start, end, PHI type) per text, typed with :data:`~..schema.PHI_TYPES`.
    Its spans must have the shape of their type (:func:`~.plausible.plausible`); a source that reads context well
    enough to name a person without a first name or title sets ``names_need_evidence = False``."""

    name: str

    def spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]: ...


class PHIDetector:
    """German PHI detector. ``patients``: optional master list (see :mod:`.masterlist`); ``ner_model``: a spaCy
    pipeline name or path with PER/LOC/ORG entities (``ner_labels`` maps its labels to PHI types); ``sources``:
    further detectors (:class:`SpanSource`) whose spans are merged for recall (union; rules win on overlap)."""

    def __init__(
        self,
        patients: Iterable[dict] = (),
        ner_model: str | None = None,
        ner_labels: dict[str, str] | None = None,
        sources: Sequence[SpanSource] = (),
    ) -> None:
        self.nlp = spacy.blank("de")
        for case in _SPECIAL_CASES:
            self.nlp.tokenizer.add_special_case(case, [{"ORTH": case}])
        self.nlp.add_pipe("phi_name_classes")
        patients = list(patients)
        self.master = None
        if patients:
            self.nlp.add_pipe("phi_fold_norm")
            self.master = MasterList(self.nlp, patients)
        self.names = NameRules(self.nlp.vocab)
        self.ner = spacy.load(ner_model) if ner_model else None
        self.ner_labels = dict(ner_labels or DEFAULT_NER_LABELS)
        self.sources = list(sources)

    def detect(self, text: str, patient_id: str | None = None) -> list[PHISpan]:
        """PHI spans of one text; ``patient_id`` (the document's patient) narrows master-list birth dates to that
        patient's own, so another patient's birthday in the text is just a date."""
        return next(self.pipe([text], [patient_id]))

    def pipe(self, texts: Iterable[str], patient_ids: Iterable[str | None] | None = None, batch_size: int = 64) -> Iterator[list[PHISpan]]:
        """Detect PHI in many texts with ``nlp.pipe``; yields one span list per text, in order (see :meth:`detect`)."""
        pairs = zip(texts, patient_ids if patient_ids is not None else itertools.repeat(None))
        while batch := list(itertools.islice(pairs, batch_size)):
            batch_texts = [t for t, _ in batch]
            extra: list[list[tuple[int, int, str, str, int]]] = [[] for _ in batch]
            for source in self.sources:
                vouch = getattr(source, "names_need_evidence", True)
                for text, found, spans in zip(batch_texts, extra, source.spans(batch_texts)):
                    found += [
                        (s, e, typ, f"model:{source.name}", SOURCE_PRIORITY)
                        for s, e, typ in spans
                        if typ in PHI_TYPES and plausible(text, s, e, typ, vouch)
                    ]
            ner_docs = self.ner.pipe(batch_texts) if self.ner is not None else itertools.repeat(None)
            for (doc, pid), ner_doc, found in zip(self.nlp.pipe(batch, as_tuples=True), ner_docs, extra):
                yield self._spans(doc, pid, ner_doc, found)

    # -- candidates -----------------------------------------------------------------------------
    def _spans(self, doc: Doc, patient_id: str | None, ner_doc: Doc | None, found=()) -> list[PHISpan]:
        text = doc.text  # a property that joins all tokens: read once
        cands = list(self._regex(doc, text, patient_id)) + list(found)
        cands += self.names(doc)
        if self.master is not None:
            cands += self.master(doc)
        if ner_doc is not None:
            cands += self._ner(ner_doc)
        return _resolve(text, cands)

    def _regex(self, doc: Doc, text: str, patient_id: str | None) -> Iterator[tuple[int, int, str, str, int]]:
        for m in DATE_RE.finditer(text):
            p = parse(m.group())
            if p is None or not date_context_ok(text, m.start(), m.end(), p.style):
                continue  # "7/63 mg", "Zi. 2019": a number, not a date
            # a month or a bare year is anchored on a made-up day: no birth date by the master list
            birth = bool(BIRTH_CONTEXT.search(text[max(0, m.start() - 30) : m.start()])) or (
                self.master is not None and p.style not in DAYLESS_STYLES and self.master.is_birth_date(p, patient_id)
            )
            yield (
                *_token_aligned(doc, text, m.start(), m.end()),
                "BIRTH_DATE" if birth else "DATE",
                f"rule:date_{p.style}",
                _DATE_PRIORITY,
            )
        for rule in RULES:
            for m in rule.regex.finditer(text):
                s, e = m.span("v")
                if s < e and (rule.valid is None or rule.valid(m.group("v"))):
                    yield (*_token_aligned(doc, text, s, e), rule.type, f"rule:{rule.name}", rule.priority)

    def _ner(self, ner_doc: Doc) -> Iterator[tuple[int, int, str, str, int]]:
        for ent in ner_doc.ents:
            typ = self.ner_labels.get(ent.label_)
            if typ is None or (typ in NAME_TYPES and medical_name(ent.text)):
                continue
            yield ent.start_char, ent.end_char, typ, "ner", 10


def _token_aligned(doc: Doc, text: str, s: int, e: int) -> tuple[int, int]:
    """Grow a regex hit that cuts a word to the word's edges inside its token (``doc.char_span(expand)``), so no
    fragment of an identifier survives next to its surrogate; "63-jährige" keeps the age "63" alone."""
    if doc.char_span(s, e) is not None:
        return s, e
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return s, e
    while s > span.start_char and text[s - 1].isalnum():
        s -= 1
    while e < span.end_char and text[e].isalnum():
        e += 1
    return s, e


def _resolve(text: str, cands: list[tuple[int, int, str, str, int]]) -> list[PHISpan]:
    """Merge overlapping name candidates (union extent, type of the strongest rule), then keep the best non-overlapping set."""
    names = sorted((c for c in cands if c[2] in NAME_TYPES), key=lambda c: (c[0], -c[1]))
    merged: list[list[Any]] = []
    for s, e, typ, src, prio in names:
        if merged and s < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], e)
            if prio > last[4]:
                last[2], last[3], last[4] = typ, src, prio
        else:
            merged.append([s, e, typ, src, prio])
    pool = [c for c in cands if c[2] not in NAME_TYPES] + [tuple(m) for m in merged]
    pool.sort(key=lambda c: (-c[4], -(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    out: list[PHISpan] = []
    for s, e, typ, src, _ in pool:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        out.append(PHISpan(s, e, typ, text[s:e], src))
    return sorted(out, key=lambda p: p.start)
