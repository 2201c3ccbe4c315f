"""Person names by context: spaCy ``Matcher`` token patterns "trigger + name" and "name + role".

A German clinical name is recognisable by what surrounds it (Herr/Frau, Dr. med., "die Tochter", "Operateur:",
a role line under a signature), not by its shape: every noun is capitalised and many surnames are words (Koch,
Braun). Strong triggers accept any capitalised token; weak ones (role labels, signatures, a first name from the
gazetteer) reject medical words and adjectives, so "Anästhesie: Spinalanästhesie" or "M. Parkinson" stay.
Priorities sit below every regex rule: a name guess never cuts through a date, number or address.

Long because most of it is data: the Matcher's token patterns, one per trigger and role.
"""

from __future__ import annotations

import re
from typing import Iterator

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from miracle_dagster.core.pseudonymize.vocab import (
    BARE_TITLES,
    EPONYM_LEFT,
    EPONYMS,
    FIRST_NAMES,
    HONORIFICS,
    NON_NAMES,
    PARTICLES,
    RELATIONS,
    ROLES,
    STAFF_LEFT,
    TITLES,
    is_medical,
)

_INITIAL_RE = re.compile(r"^[^\W\d_]\.$")
# title tokens, also glued or split by the tokenizer: "Dr.med.", "Dr.med", "DR", ".", "Uriv.-Prof", "o.Univ."
_TITLE_PIECES = "o|ao|a\\.o|univ|uriv|prim|priv|dr|ddr|dra|prof|med|dent|mult|doz|rer|nat|phil|habil|dipl|ing|ass|assoz|psych|in"
_TITLE_RE = re.compile(
    r"^(?:\.|"
    + "|".join(re.escape(t) for t in sorted(TITLES | BARE_TITLES, key=len, reverse=True))
    + r"|(?:(?:"
    + _TITLE_PIECES
    + r")(?:\.-?|-))+(?:"
    + _TITLE_PIECES
    + r")\.?)$"
)  # "Dr.med", not "Ingo" ("ing"+"o")
# street words after a name on an address line ("Dr. Anna Roth Kärntner Straße 33"): never part of the name
_STREET_WORD = re.compile(r"(?:straße|strasse|gasse|allee|platz|chaussee|promenade|str\.)$")
_DEPT_RE = re.compile(r"(?:praxis|medizin|chirurgie|logie|pädie|iatrie|klinik|zentrum)$")  # "..., Viszeralchirurgie, Dr. X"
_TRIGGERS = HONORIFICS | TITLES | BARE_TITLES | RELATIONS | ROLES | NON_NAMES
_BEFORE_SURNAME = RELATIONS | HONORIFICS | TITLES
# "i. A." (im Auftrag), "z. B.", "Phase B/C.", "Typ A.", "Stadium C.": a capital letter with a dot that is no initial
_NOT_BEFORE_INITIAL = frozenset(
    {
        "i.",
        "z.",
        "u.",
        "/",
        "typ",
        "stadium",
        "grad",
        "klasse",
        "phase",
        "gruppe",
        "vitamin",
        "hepatitis",
        "kategorie",
        "child-pugh",
        "forrest",
    }
)
_BEFORE_MONTH = frozenset({"im", "seit", "ab", "bis", "vom", "zum", "dem", "den", "ende", "anfang", "mitte", "anfangs", "."})
_TITLE_START = [
    "dr.",
    "prof.",
    "pd",
    "dipl.-med.",
    "priv.-doz.",
    "univ.-prof.",
    "dr.-med.",
    "doktor",
    "professor",
    "professorin",
    "dr",
    "dra.",
    "dra",
    "dr.med.",
    "dr.med",
    "prof.dr.",
    "univ.",
    "prim.",
    "o.univ.",
    "ao.",
    "dr.in",
    "dr.in.",
    "ddr.",
    "ass.-prof.",
    "assoz.-prof.",
]
# verbs after a patient referred to by an initial ("Frau I. ist", "M. wird vorgestellt")
_SUBJECT_VERBS = [
    "ist",
    "war",
    "wird",
    "wurde",
    "hat",
    "hatte",
    "kam",
    "kommt",
    "klagt",
    "klagte",
    "berichtet",
    "berichtete",
    "gibt",
    "gab",
    "zeigt",
    "zeigte",
    "erhielt",
    "erhält",
    "lebt",
    "wohnt",
    "leidet",
    "litt",
    "stellt",
    "stellte",
    "befindet",
    "befand",
    "konnte",
    "kann",
    "sollte",
    "soll",
    "möchte",
    "wünscht",
    "verneint",
    "besucht",
    "geht",
    "ging",
    "nimmt",
    "nahm",
]


def _name_word(text: str) -> bool:
    """ "Schmidt", "Weiß-Müller", "Isărescu", "Ramón", "H.-Dieter": capitalised letters of any alphabet."""
    for part in text.split("-"):
        body = part.replace("'", "")
        initial = _INITIAL_RE.match(part) and part[0].isupper()
        if not (initial or (len(body) >= 2 and body.isalpha() and body[0].isupper() and body[1:].islower())):
            return False
    return True


def _upper_word(text: str) -> bool:
    return all(len(p) >= 2 and p.isalpha() and p.isupper() for p in text.split("-"))


def _name_class(t: Token, prev: Token | None) -> str:
    text, low = t.text, t.lower_
    if _INITIAL_RE.match(text) and text[0].isupper():
        # "Typ A.", "z. B.", "Mitralinsuffizienz I. Grades": a letter after a medical word is a grade, not an initial
        after_medical = prev is not None and prev.text[:1].isupper() and prev.lower_ not in _TRIGGERS and is_medical(prev.text)
        return "O" if prev is not None and (prev.lower_ in _NOT_BEFORE_INITIAL or after_medical) else "INIT"
    if low in PARTICLES and text.islower():
        return "PART"
    if _TITLE_RE.match(low) or _STREET_WORD.search(low):
        return "O"
    if _upper_word(text):
        return "UP" if low not in _TRIGGERS else "O"
    if not _name_word(text):
        return "O"
    if _DEPT_RE.search(low):
        return "DEPT"
    if low in _TRIGGERS:
        if low in FIRST_NAMES and low in NON_NAMES:  # "August Speer", but not "im August", "August 2020"
            nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
            named = nxt is not None and _name_word(nxt.text) and nxt.lower_ not in _TRIGGERS
            return "FIRST" if named and (prev is None or prev.lower_ not in _BEFORE_MONTH) else "O"
        # a surname that is also a relation/role word: after a first name ("Marlen Bruder") or a relation ("Ehemann
        # Bruder"), or before ", <first name>" ("Bruder, Sabine")
        after = t.doc[t.i + 2] if t.i + 2 < len(t.doc) and t.nbor(1).text == "," else None
        named = (prev is not None and (prev.tag_ in ("FIRST", "INIT") or (low in RELATIONS and prev.lower_ in _BEFORE_SURNAME))) or (
            after is not None and after.lower_ in FIRST_NAMES
        )
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
_TITLES = [{"LOWER": {"REGEX": _TITLE_RE.pattern}, "OP": "*"}]
_HON = {"LOWER": {"IN": sorted(HONORIFICS)}}
_ROLE = {"LOWER": {"IN": sorted(ROLES)}}
# name shapes: "Anna Maria Schmidt", "A. Schmidt", "von der Heide" (one run of pieces); "Anna SCHMIDT"; "Schmidt, Anna", "SCHMIDT, Anna"
_NAMES = [
    [_PIECE],
    [{**_PIECE, "OP": "{1,3}"}, {"TAG": "UP"}],
    [{"TAG": {"IN": ["CAP", "FIRST", "UP"]}}, {"ORTH": ","}, {**_CAP, "OP": "{1,2}"}],
]
_AFTER_ROLE = [[{"IS_SPACE": True}, _ROLE], [{"ORTH": {"IN": ["(", ",", "–", "-", "/"]}}, _ROLE]]
_FIRST = {"TAG": "FIRST"}
# rule -> (type, priority, strong, prefixes, name shapes, suffixes)
_RULES: dict[str, tuple[str, int, bool, list, list, list]] = {
    "relative_titled": (
        "RELATIVE_NAME",
        58,
        True,
        [[{"LOWER": {"IN": sorted(RELATIONS)}}, {"ORTH": ":", "OP": "?"}, _HON, *_TITLES]],
        _NAMES,
        [[]],
    ),
    "relative": ("RELATIVE_NAME", 58, False, [[{"LOWER": {"IN": sorted(RELATIONS)}}]], _NAMES, [[]]),
    "patient_label": (
        "PATIENT_NAME",
        57,
        True,
        [
            [
                {"LOWER": {"IN": ["patient", "patientin", "name", "pat", "pat.", "versicherter", "versicherte"]}},
                {"ORTH": {"IN": [".", "/", "in", "r"]}, "OP": "*"},
                {"ORTH": ":"},
                {**_HON, "OP": "?"},
            ]
        ],
        _NAMES,
        [[]],
    ),
    "title": ("STAFF_NAME", 56, True, [[{"LOWER": {"IN": _TITLE_START}}, *_TITLES]], _NAMES, [[]]),
    "salutation": (
        "STAFF_NAME",
        56,
        True,
        [[{"LOWER": {"IN": ["geehrte", "geehrter", "liebe", "lieber", "an", "durch"]}}, _HON, *_TITLES]],
        _NAMES,
        [[]],
    ),
    "addressee": ("STAFF_NAME", 56, True, [[_HON, {"IS_SPACE": True}, *_TITLES]], _NAMES, [[]]),
    "staff_left": ("STAFF_NAME", 56, True, [[{"LOWER": {"IN": sorted(STAFF_LEFT)}}, *_TITLES]], _NAMES, [[]]),
    "role_label": ("STAFF_NAME", 52, False, [[_ROLE, {"ORTH": ":"}, {"IS_SPACE": True, "OP": "?"}, *_TITLES]], _NAMES, [[]]),
    "signature": ("STAFF_NAME", 52, False, [[]], _NAMES, _AFTER_ROLE),
    "referrer": (
        "STAFF_NAME",
        52,
        False,
        [
            [{"TAG": "DEPT"}, {"ORTH": ",", "OP": "?"}, *_TITLES],
            [
                {"LOWER": "station"},
                {"SHAPE": {"IN": ["d", "dd", "dX", "ddX", "Xd", "Xdd", "XdX", "XddX", "XXd", "XXdX"]}},
                {"ORTH": ","},
                *_TITLES,
            ],
        ],
        _NAMES,
        [[{"ORTH": ","}, {"TEXT": {"REGEX": r"^\d{5}$"}}], [{"ORTH": ","}, {"LOWER": "station"}], [{"IS_SPACE": True}], [{"ORTH": "("}]],
    ),
    "patient_shape": (
        "PATIENT_NAME",
        51,
        False,
        [[]],
        _NAMES,
        [[{"ORTH": {"IN": ["(", ","]}}, {"LOWER": {"IN": ["m", "w", "d", "männlich", "weiblich", "*", "geb.", "geboren"]}}]],
    ),
    # "Alissa Rieser geb. 01.07.1963": first and last name right before the birth date
    "patient_born": (
        "PATIENT_NAME",
        51,
        False,
        [[]],
        [[{**_CAP, "OP": "{1,2}"}, {"TAG": {"IN": ["CAP", "FIRST", "UP"]}}]],
        [[{"LOWER": {"IN": ["geb.", "geboren", "*", "geb"]}}]],
    ),
    # "von unserem gemeinsamen Patienten Euripedes Erler (FN: ...)": two name words between "Patient" and "(", "," or a birth mark
    "patient_word": (
        "PATIENT_NAME",
        51,
        True,
        [[{"LOWER": {"IN": ["patient", "patientin", "patienten", "pat."]}}, {**_HON, "OP": "?"}]],
        [[{**_CAP, "OP": "{1,2}"}, {"TAG": {"IN": ["CAP", "FIRST", "UP"]}}]],
        [
            [{"ORTH": {"IN": ["(", ","]}}, {"TEXT": {"REGEX": r"^(?:FN|Fall|PID|Pat|ID|geb|\*|[mw]$|männlich|weiblich)"}}],
            [{"LOWER": {"IN": ["geb.", "geboren", "*"]}}],
        ],
    ),
    # "Drs. Leber und Krauth": both names after a plural title
    "plural_title": (
        "STAFF_NAME",
        56,
        True,
        [
            [{"LOWER": {"IN": ["drs", "drs.", "dres", "dres."]}}, {"ORTH": ".", "OP": "?"}],
            [
                {"LOWER": {"IN": ["drs", "drs.", "dres", "dres."]}},
                {"ORTH": ".", "OP": "?"},
                _PIECE,
                {"LOWER": {"IN": ["und", "&", ","]}},
                *_TITLES,
            ],
        ],
        _NAMES,
        [[]],
    ),
    # a patient named by an initial: "Frau I. ist eine 82-jährige Pat.", "M. wird vorgestellt"
    "honorific_initial": (
        "PATIENT_NAME",
        50,
        True,
        [[_HON]],
        [[{"TAG": "INIT"}]],
        [[{"LOWER": {"IN": _SUBJECT_VERBS}}], [{"ORTH": {"IN": [",", ";", ")"]}}]],
    ),
    "initial_subject": ("PATIENT_NAME", 49, True, [[]], [[{"TAG": "INIT"}]], [[{"LOWER": {"IN": _SUBJECT_VERBS}}]]),
    "honorific": ("PATIENT_NAME", 50, True, [[_HON, *_TITLES]], _NAMES, [[]]),
    # a role abbreviation in capitals before a name: "OA Huber", "OÄ Schönfeld", "FA Müller" ("ca." stays: lower case)
    "role_abbr": (
        "STAFF_NAME",
        52,
        False,
        [[{"TEXT": {"IN": ["OA", "OÄ", "OAin", "OÄin", "FA", "FÄ", "AA", "AÄ", "CA", "CÄ", "LOA"]}}, *_TITLES]],
        _NAMES,
        [[]],
    ),
    "first_name": (
        "STAFF_NAME",
        46,
        False,
        [[]],
        [[{**_FIRST, "OP": "{1,2}"}, {"TAG": "PART", "OP": "*"}, _CAP], [{"TAG": {"IN": ["CAP", "UP"]}}, {"ORTH": ","}, _FIRST]],
        [[]],
    ),
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
            if any(t.text == "." and doc[t.i - 1].lower_ not in BARE_TITLES for t in doc[start + 1 : name[0].i]):
                continue  # a split-off dot belongs to a title ("DR." -> "DR" "."), never to the trigger ("beim Hausarzt. Duschen")
            if rule == "addressee" and start > 0 and "\n" not in doc[start - 1].text:
                continue  # "Herrn\nDr. X" heads an address; "Prolaps bei der Frau\nZystozele" does not
            if rule == "signature" and not _role_after_signature(doc, end):
                continue
            if _before_street(doc, name):
                continue
            if rule in ("honorific_initial", "initial_subject"):
                if rule == "initial_subject" and not _starts_sentence(doc, name[0]):
                    continue
                yield name[0].idx, name[0].idx + len(name[0].text), typ, f"rule:{rule}", prio
            elif _well_formed(name) and not _noun_tail(name) and (strong or _plausible(doc, name, rule)):
                yield name[0].idx, name[-1].idx + len(name[-1].text), typ, f"rule:{rule}", prio


def _role_after_signature(doc: Doc, end: int) -> bool:
    """A role abbreviation ends a signature only in capitals and before a line end or a word: "Anna Schmidt, OA" but not
    "(Na, K, Cl, Ca)" or "Polyp, Adenom, CA?"."""
    role = doc[end - 1]
    if len(role.text) > 3:
        return True
    return role.text.isupper() and (end == len(doc) or doc[end].is_space or doc[end].is_alpha)


def _before_street(doc: Doc, name: list[Token]) -> bool:
    """ "Dr. Anna Roth Kärntner Straße 33": the last word belongs to the street, not the name."""
    after = name[-1].i + 1
    return len(name) >= 2 and after < len(doc) and bool(_STREET_WORD.search(doc[after].lower_)) and name[-1].lower_.endswith("er")


def _starts_sentence(doc: Doc, tok: Token) -> bool:
    if tok.i == 0:
        return True
    prev = doc[tok.i - 1]
    return (
        "\n" in prev.text or prev.text in (".", ":", ";", "!", "?") or (prev.is_space and tok.i >= 2 and doc[tok.i - 2].text in (".", ":"))
    )


def _well_formed(name: list[Token]) -> bool:
    """A name ends in a word (not an initial or particle) and has at least one word."""
    return bool(name) and name[-1].tag_ in ("CAP", "FIRST", "UP") and (name[0].tag_ != "PART" or len(name) > 1)


_NOUN_ENDINGS = ("ung", "ion", "heit", "keit", "schaft", "itis", "tomie", "skopie", "graphie", "therapie", "logie", "iatrie", "plastik")


def _noun_tail(name: list[Token]) -> bool:
    """ "Dr. Berger Verlegung auf ...": a noun after the surname is no part of the name (the shorter match is kept)."""
    last = name[-1].lower_
    return (
        len(name) >= 2
        and last not in FIRST_NAMES
        and (last in NON_NAMES or any(last.endswith(e) and len(last) >= len(e) + 5 for e in _NOUN_ENDINGS))
    )  # "Verlegung", not "Hartung"


def _plausible(doc: Doc, name: list[Token], rule: str) -> bool:
    words = [t for t in name if t.tag_ in ("CAP", "FIRST", "UP")]
    if any(is_medical(t.text) for t in words if t.tag_ != "FIRST"):
        return False
    if rule == "initial" and name[0].text == "M." and words[-1].lower_ in EPONYMS:
        return False  # "M. Parkinson" is Morbus Parkinson
    return name[0].i == 0 or doc[name[0].i - 1].lower_ not in EPONYM_LEFT
