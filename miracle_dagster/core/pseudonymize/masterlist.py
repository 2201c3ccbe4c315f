"""Patient master list lookup: the partition's known names, birth dates, addresses and numbers, found wherever they occur.

Names are matched on a folded token norm (lower case, ä->ae, ß->ss, ...) with a ``PhraseMatcher``, so "MÜLLER",
"Mueller" and "Müller" are one name. All-lowercase hits are ignored ("lange", "linke", "trüb" are words), and
surnames that are ordinary words or eponyms (Koch, Braun, Parkinson) need a name context next to them.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from miracle_dagster.core.pseudonymize.dates import ParsedDate
from miracle_dagster.core.pseudonymize.vocab import COMMON_WORD_NAMES, EPONYM_LEFT, EPONYMS, HONORIFICS, RELATIONS, TITLES

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "á": "a", "à": "a", "ç": "c", "ñ": "n"})
_CONTEXT_LEFT = HONORIFICS | TITLES | RELATIONS


def fold(s: str) -> str:
    """Case- and transliteration-insensitive form of a name: 'Weiß-Müller' -> 'weiss-mueller'."""
    return s.lower().translate(_FOLD)


_WORDLIKE = frozenset(fold(w) for w in COMMON_WORD_NAMES | EPONYMS)


@Language.component("phi_fold_norm")
def fold_norm(doc: Doc) -> Doc:
    """Pipeline component: token.norm_ = fold(token.text), the attribute the master-list matcher compares."""
    for t in doc:
        t.norm_ = fold(t.text)
    return doc


def person_names(p: dict[str, Any]) -> tuple[str, str]:
    return str(p.get("first_name") or p.get("first") or "").strip(), str(p.get("last_name") or p.get("last") or "").strip()


def birth_of(p: dict[str, Any]) -> _dt.date | None:
    b = p.get("birth_date") or p.get("birth")
    if isinstance(b, _dt.date):
        return b
    try:
        return _dt.date.fromisoformat(str(b)[:10]) if b else None
    except ValueError:
        return None


_NAME_KEYS = ("PATIENT_NAME", "RELATIVE_NAME")


class MasterList:
    """Index over the master list; ``__call__`` yields candidates (start, end, type, source, priority)."""

    def __init__(self, nlp: Language, patients: Iterable[dict[str, Any]]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.births: dict[str, set[tuple[int, int, int]]] = {}
        phrases: dict[str, set[str]] = {}
        for p in patients:
            people = [("PATIENT_NAME", person_names(p))] + [("RELATIVE_NAME", person_names(r)) for r in p.get("relatives") or ()]
            for typ, (first, last) in people:
                forms = {last, f"{first} {last}", f"{last}, {first}", f"{first.replace(' ', '-')} {last}"} if first else {last}
                phrases.setdefault(typ, set()).update(f for f in forms if len(f.strip(" ,")) > 1)
            pid = str(p.get("patient_id") or "")
            b = birth_of(p)
            if b:
                self.births.setdefault(pid, set()).update({(b.day, b.month, b.year), (b.day, b.month, b.year % 100)})
            # the number with and without its letter prefix; short numbers would match counts and values
            phrases.setdefault("PATIENT_ID", set()).update(i for i in {pid, pid.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")} if len(i) >= 5)
            for typ, key in (("STREET", "street"), ("INSURANCE_ID", "insurance_id"), ("EMAIL", "email")):
                if p.get(key):
                    phrases.setdefault(typ, set()).add(str(p[key]))
        for typ, forms in phrases.items():
            self.matcher.add(typ, [fold_norm(nlp.make_doc(f)) for f in sorted(forms)])

    def is_birth_date(self, p: ParsedDate, patient_id: str | None = None) -> bool:
        """The patient's own birth date (any patient's when the patient is not given or not listed)."""
        key = (p.date.day, p.date.month, p.date.year % 100 if p.short_year else p.date.year)
        own = self.births.get(patient_id or "")
        return p.has_year and (key in own if own is not None else any(key in b for b in self.births.values()))

    def __call__(self, doc: Doc) -> Iterator[tuple[int, int, str, str, int]]:
        strings = doc.vocab.strings
        for match_id, start, end in self.matcher(doc):
            typ = strings[match_id]
            if typ not in _NAME_KEYS:
                yield doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), typ, "master_list", 82
            elif self._name_ok(doc, start, end):
                # a bare surname may be a namesake: any name context (Dr., first name, initial) decides the type
                prio = (55 if end - start > 1 else 45) - (typ == "RELATIVE_NAME")
                yield doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), typ, "master_list", prio

    @staticmethod
    def _name_ok(doc: Doc, start: int, end: int) -> bool:
        """Capitalised, not an eponym use ("Morbus Crohn"), and a word-like surname only next to a name context."""
        if not doc[start].text[:1].isupper():
            return False
        if end - start > 1:
            return True
        prev = doc[start - 1] if start > 0 else None
        if prev is not None and prev.lower_ in EPONYM_LEFT:
            return False
        if doc[start].norm_ not in _WORDLIKE:
            return True
        nxt = doc[end].text if end < len(doc) else ""
        return nxt == "," or (prev is not None and (prev.lower_ in _CONTEXT_LEFT or prev.tag_ in ("FIRST", "INIT")))
