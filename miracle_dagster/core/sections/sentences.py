"""Sentence boundaries in German clinical text: abbreviations, initialisms, ordinals and dates do not end one."""

from __future__ import annotations

import re

# Lower-cased abbreviations (without the final period) that do not end a sentence.
_ABBREVIATIONS = frozenset(
    """
    abb abs abt allg amb ambul anm apl ass bds beidseits bspw bzgl bzw ca chron dd dgl diff dipl doz dr dz ehem
    entspr etc evtl fa fr frl gem ggf ggfs ggü hon hr hrn inkl insb insg ltd max med mind mio mrd nachm nr oa pat
    pos priv prof rez sog spp st stat str tab tbl tel tgl univ usw vgl vorm vs zust zzgl li re
    """.split()
)  # units (mm, cm, mg, ml ...) are left out on purpose: "misst 12 mm. Kein ..." ends a sentence
_INITIALISM_RE = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")  # z.B, V.a, i.v, o.B (final "." stripped)
_ORDINAL_RE = re.compile(r"\d{1,2}(?:\.\d{1,2})?")  # "3." (ordinal) or "12.03." (date without year)
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'»«“”‘’)\]]*(?=\s)")
_OPENERS = "\"'»«„“‘([-–•*"


def _is_sentence_end(text: str, match: re.Match[str]) -> bool:
    """Whether the punctuation ``match`` ends a sentence: next word upper-case/digit, not an abbreviation."""
    nxt = match.end()
    while nxt < len(text) and (text[nxt].isspace() or text[nxt] in _OPENERS):
        nxt += 1
    if nxt >= len(text) or not (text[nxt].isupper() or text[nxt].isdigit()):
        return False  # "z. B. bei", "ca. drei" -> lower-case continuation
    punct = match.group()
    if not punct.startswith(".") or punct.startswith(".."):
        return True  # "!" / "?" / "..." end a sentence
    word_start = match.start()
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : match.start()].lstrip(_OPENERS).casefold()
    if not word:
        return True
    if word in _ABBREVIATIONS or _INITIALISM_RE.fullmatch(word):
        return False  # "Dr. Müller", "V.a. Pneumonie", "Z.n. OP"
    if len(word) == 1 and word.isalpha():
        return False  # initials and spaced abbreviations: "M. Müller", "z. B. Labor"
    if _ORDINAL_RE.fullmatch(word):
        return False  # "am 3. Tag", "am 12.03. Kontrolle"
    return True


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence (and line) spans of text[start:end]; newlines always separate units."""
    spans: list[tuple[int, int]] = []
    cuts = []
    segment = text[start:end]
    for m in _SENTENCE_END_RE.finditer(segment):
        if _is_sentence_end(segment, m):
            cuts.append(m.end())
    for m in re.finditer(r"\n", segment):
        cuts.append(m.start())
    cuts = sorted(set(cuts)) + [len(segment)]
    prev = 0
    for cut in cuts:
        spans.append((start + prev, start + cut))
        prev = cut
    return spans


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences/lines (German abbreviations, dates and decimals do not split)."""
    out = []
    for s, e in sentence_spans(text, 0, len(text)):
        piece = text[s:e].strip()
        if piece:
            out.append(piece)
    return out
