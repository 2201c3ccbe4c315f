"""Person names by context: spaCy ``Matcher`` token patterns "trigger + name" and "name + role".

A German clinical name is recognisable by what surrounds it (Herr/Frau, Dr. med., "die Tochter", "Operateur:",
a role line under a signature), not by its shape: every noun is capitalised and many surnames are words (Koch,
Braun). Strong triggers accept any capitalised token; weak ones (role labels, signatures, a first name from the
gazetteer) reject medical words and adjectives, so "Anästhesie: Spinalanästhesie" or "M. Parkinson" stay.
Priorities sit below every regex rule: a name guess never cuts through a date, number or address.
"""

from __future__ import annotations

import re
from typing import Iterator

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from miracle_dagster.core.pseudonymize.vocab import (
    EPONYM_LEFT, EPONYMS, FIRST_NAMES, HONORIFICS, NON_NAMES, PARTICLES, RELATIONS, ROLES, STAFF_LEFT, TITLES, is_medical,
)

_NAME_RE = re.compile(r"^(?:[A-ZÄÖÜ][a-zäöüßéèáàçëïñ']+|[A-ZÄÖÜ]\.)(?:-(?:[A-ZÄÖÜ][a-zäöüßéèáàçëïñ']+|[A-ZÄÖÜ]\.))*$")
_UPPER_RE = re.compile(r"^[A-ZÄÖÜ]{2,}(?:-[A-ZÄÖÜ]{2,})*$")
_INITIAL_RE = re.compile(r"^[A-ZÄÖÜ]\.$")
_DEPT_RE = re.compile(r"(?:praxis|medizin|chirurgie|logie|pädie|iatrie|klinik|zentrum)$")  # "..., Viszeralchirurgie, Dr. X"
_TRIGGERS = HONORIFICS | TITLES | RELATIONS | ROLES | NON_NAMES
_BEFORE_SURNAME = RELATIONS | HONORIFICS | TITLES
# "i. A." (im Auftrag), "z. B.", "Phase B/C.", "Typ A.", "Stadium C.": a capital letter with a dot that is no initial
_NOT_BEFORE_INITIAL = frozenset({"i.", "z.", "u.", "/", "typ", "stadium", "grad", "klasse", "phase", "gruppe", "vitamin", "hepatitis",
                                 "kategorie", "child-pugh", "forrest"})
_BEFORE_MONTH = frozenset({"im", "seit", "ab", "bis", "vom", "zum", "dem", "den", "ende", "anfang", "mitte", "anfangs", "."})
_TITLE_START = ["dr.", "prof.", "pd", "dipl.-med.", "priv.-doz.", "univ.-prof.", "dr.-med.", "doktor", "professor", "professorin"]


def _name_class(t: Token, prev: Token | None) -> str:
    text, low = t.text, t.lower_
    if _INITIAL_RE.match(text):
        return "O" if prev is not None and prev.lower_ in _NOT_BEFORE_INITIAL else "INIT"
    if low in PARTICLES and text.islower():
        return "PART"
    if _UPPER_RE.match(text):
        return "UP" if low not in _TRIGGERS else "O"
    if not _NAME_RE.match(text):
        return "O"
    if _DEPT_RE.search(low):
        return "DEPT"
    if low in _TRIGGERS:
        if low in FIRST_NAMES and low in NON_NAMES:  # "August Speer", but not "im August", "August 2020"
            nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
            named = nxt is not None and _NAME_RE.match(nxt.text) and nxt.lower_ not in _TRIGGERS
            return "FIRST" if named and (prev is None or prev.lower_ not in _BEFORE_MONTH) else "O"
        # a surname that is also a relation/role word: after a first name ("Marlen Bruder") or a relation ("Ehemann
        # Bruder"), or before ", <first name>" ("Bruder, Sabine")
        after = t.doc[t.i + 2] if t.i + 2 < len(t.doc) and t.nbor(1).text == "," else None
        named = (prev is not None and (prev.tag_ in ("FIRST", "INIT") or (low in RELATIONS and prev.lower_ in _BEFORE_SURNAME))) or (
            after is not None and after.lower_ in FIRST_NAMES)
        return "CAP" if low not in NON_NAMES and named else "O"
    return "FIRST" if low in FIRST_NAMES else "CAP"


@Language.component("phi_name_classes")
def name_classes(doc: Doc) -> Doc:
    """Pipeline component: token.tag_ = the token's name class (CAP, FIRST, UP, INIT, PART, DEPT, or O), computed once
    per token. The blank German pipeline has no tagger, so TAG is free for it and the patterns stay simple."""
    prev = None
    for t in doc:
        t.tag_ = _name_class(t, prev)
        prev = t
    return doc


_CAP = {"TAG": {"IN": ["CAP", "FIRST"]}}
_PIECE = {"TAG": {"IN": ["CAP", "FIRST", "INIT", "PART"]}, "OP": "{1,4}"}
_TITLES = [{"LOWER": {"IN": sorted(TITLES)}, "OP": "*"}]
_HON = {"LOWER": {"IN": sorted(HONORIFICS)}}
_ROLE = {"LOWER": {"IN": sorted(ROLES)}}
# name shapes: "Anna Maria Schmidt", "A. Schmidt", "von der Heide" (one run of pieces); "Anna SCHMIDT"; "Schmidt, Anna", "SCHMIDT, Anna"
_NAMES = [[_PIECE], [{**_PIECE, "OP": "{1,3}"}, {"TAG": "UP"}], [{"TAG": {"IN": ["CAP", "FIRST", "UP"]}}, {"ORTH": ","}, {**_CAP, "OP": "{1,2}"}]]
_AFTER_ROLE = [[{"IS_SPACE": True}, _ROLE], [{"ORTH": {"IN": ["(", ",", "–", "-", "/"]}}, _ROLE]]
_FIRST = {"TAG": "FIRST"}
# rule -> (type, priority, strong, prefixes, name shapes, suffixes)
_RULES: dict[str, tuple[str, int, bool, list, list, list]] = {
    "relative_titled": ("RELATIVE_NAME", 58, True, [[{"LOWER": {"IN": sorted(RELATIONS)}}, {"ORTH": ":", "OP": "?"}, _HON, *_TITLES]], _NAMES, [[]]),
    "relative": ("RELATIVE_NAME", 58, False, [[{"LOWER": {"IN": sorted(RELATIONS)}}]], _NAMES, [[]]),
    "patient_label": ("PATIENT_NAME", 57, True, [
        [{"LOWER": {"IN": ["patient", "patientin", "name", "pat", "pat.", "versicherter", "versicherte"]}},
         {"ORTH": {"IN": [".", "/", "in", "r"]}, "OP": "*"}, {"ORTH": ":"}, {**_HON, "OP": "?"}]], _NAMES, [[]]),
    "title": ("STAFF_NAME", 56, True, [[{"LOWER": {"IN": _TITLE_START}}, *_TITLES]], _NAMES, [[]]),
    "salutation": ("STAFF_NAME", 56, True, [[{"LOWER": {"IN": ["geehrte", "geehrter", "liebe", "lieber", "an", "durch"]}}, _HON, *_TITLES]], _NAMES, [[]]),
    "addressee": ("STAFF_NAME", 56, True, [[_HON, {"IS_SPACE": True}, *_TITLES]], _NAMES, [[]]),
    "staff_left": ("STAFF_NAME", 56, True, [[{"LOWER": {"IN": sorted(STAFF_LEFT)}}, *_TITLES]], _NAMES, [[]]),
    "role_label": ("STAFF_NAME", 52, False, [[_ROLE, {"ORTH": ":"}, {"IS_SPACE": True, "OP": "?"}, *_TITLES]], _NAMES, [[]]),
    "signature": ("STAFF_NAME", 52, False, [[]], _NAMES, _AFTER_ROLE),
    "referrer": ("STAFF_NAME", 52, False, [
        [{"TAG": "DEPT"}, {"ORTH": ",", "OP": "?"}, *_TITLES],
        [{"LOWER": "station"}, {"SHAPE": {"IN": ["d", "dd", "dX", "ddX", "Xd", "Xdd", "XdX", "XddX", "XXd", "XXdX"]}}, {"ORTH": ","}, *_TITLES],
    ], _NAMES, [[{"ORTH": ","}, {"TEXT": {"REGEX": r"^\d{5}$"}}], [{"ORTH": ","}, {"LOWER": "station"}], [{"IS_SPACE": True}], [{"ORTH": "("}]]),
    "patient_shape": ("PATIENT_NAME", 51, False, [[]], _NAMES,
                      [[{"ORTH": {"IN": ["(", ","]}}, {"LOWER": {"IN": ["m", "w", "d", "männlich", "weiblich", "*", "geb.", "geboren"]}}]]),
    "honorific": ("PATIENT_NAME", 50, True, [[_HON, *_TITLES]], _NAMES, [[]]),
    "first_name": ("STAFF_NAME", 46, False, [[]], [[{**_FIRST, "OP": "{1,2}"}, {"TAG": "PART", "OP": "*"}, _CAP],
                                                  [{"TAG": {"IN": ["CAP", "UP"]}}, {"ORTH": ","}, _FIRST]], [[]]),
    "initial": ("STAFF_NAME", 46, False, [[]], [[{"TAG": "INIT", "OP": "{1,2}"}, {**_CAP, "OP": "{1,2}"}]], [[]]),
}


class NameRules:
    """Runs the name patterns over a Doc (tagged by :func:`name_classes`); yields (start, end, type, source, priority)."""

    def __init__(self, vocab) -> None:
        self.matcher = Matcher(vocab)
        for rule, (_, _, _, prefixes, shapes, suffixes) in _RULES.items():
            for pre in prefixes:
                for shape in shapes:
                    # the key records where the name sits inside the pattern, read back through the alignments
                    self.matcher.add(f"{rule}|{len(pre)}|{len(shape)}", [pre + shape + suf for suf in suffixes])

    def __call__(self, doc: Doc) -> Iterator[tuple[int, int, str, str, int]]:
        if not len(doc):
            return
        strings = doc.vocab.strings
        for match_id, start, end, align in self.matcher(doc, with_alignments=True):
            rule, n_pre, n_name = strings[match_id].split("|")
            lo, hi = int(n_pre), int(n_pre) + int(n_name)
            name = [doc[start + i] for i, a in enumerate(align) if lo <= a < hi]
            typ, prio, strong = _RULES[rule][:3]
            if rule == "signature" and end < len(doc) and doc[end].text == ":":
                continue  # "Chefarzt:" is a label before a name, not a role under one
            if rule == "first_name" and name[-1].tag_ == "FIRST" and end < len(doc) and doc[end].tag_ in ("CAP", "FIRST"):
                continue  # "Stroke Unit, Anna Schmidt": the first name starts the next name, it does not end this one
            if _well_formed(name) and (strong or _plausible(doc, name, rule)):
                yield name[0].idx, name[-1].idx + len(name[-1].text), typ, f"rule:{rule}", prio


def _well_formed(name: list[Token]) -> bool:
    """A name ends in a word (not an initial or particle) and has at least one word."""
    return bool(name) and name[-1].tag_ in ("CAP", "FIRST", "UP") and (name[0].tag_ != "PART" or len(name) > 1)


def _plausible(doc: Doc, name: list[Token], rule: str) -> bool:
    words = [t for t in name if t.tag_ in ("CAP", "FIRST", "UP")]
    if any(is_medical(t.text) for t in words if t.tag_ != "FIRST"):
        return False
    if rule == "initial" and name[0].text == "M." and words[-1].lower_ in EPONYMS:
        return False  # "M. Parkinson" is Morbus Parkinson
    return name[0].i == 0 or doc[name[0].i - 1].lower_ not in EPONYM_LEFT
