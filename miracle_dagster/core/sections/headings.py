"""Section headings of German clinical documents and the split of a document into sections (rules: the
package docstring)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from miracle_dagster.core.schema import DOCUMENT_TYPES, SECTION_HEADINGS

HEAD_SECTION = "Kopf"  # text before the first heading
TEXT_SECTION = "Text"  # the whole document when it has no heading


@dataclass(frozen=True)
class Section:
    """One section of a document. ``text == document_text[start:end]`` (body only, heading excluded)."""

    name: str  # canonical section name, "Kopf" or "Text"
    heading: str  # the heading as written (without decorations/colon), "" for Kopf/Text
    ordinal: int  # 0-based occurrence number of ``name`` within the document
    start: int
    end: int
    text: str


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _heading_key(text: str) -> str:
    """Normalised lookup key: NFC, casefolded, umlauts transliterated, only letters and digits kept."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_TRANSLIT)
    return "".join(ch for ch in text if ch.isalnum())


def _union_lexicon() -> dict[str, str]:
    """Heading key -> canonical name over all document types.

    A spelling that is itself a canonical name somewhere keeps that name (``Diagnose`` -> ``Diagnose``,
    ``Procedere`` -> ``Procedere``); other spellings take the name from the first document type (in
    ``DOCUMENT_TYPES`` order) that lists them.
    """
    canonical = {_heading_key(name): name for doc_type in DOCUMENT_TYPES for name in SECTION_HEADINGS[doc_type]}
    lexicon: dict[str, str] = {}
    for doc_type in DOCUMENT_TYPES:
        for name, spellings in SECTION_HEADINGS[doc_type].items():
            for spelling in (name, *spellings):
                key = _heading_key(spelling)
                lexicon.setdefault(key, canonical.get(key, name))
    return lexicon


@functools.lru_cache(maxsize=None)
def _lexicons(document_type: str) -> tuple[dict[str, str], dict[str, str]]:
    own: dict[str, str] = {}
    for name, spellings in SECTION_HEADINGS.get(document_type, {}).items():
        for spelling in (name, *spellings):
            own.setdefault(_heading_key(spelling), name)
    return own, _union_lexicon()


def heading_lexicon(document_type: str) -> dict[str, str]:
    """Heading key -> canonical name as used for ``document_type`` (own spellings over the union)."""
    own, union = _lexicons(document_type)
    return {**union, **own}


_UMLAUT_PATTERNS = {
    "ä": "(?:ä|a\u0308|ae)",
    "ö": "(?:ö|o\u0308|oe)",
    "ü": "(?:ü|u\u0308|ue)",
    "Ä": "(?:ä|a\u0308|ae)",
    "Ö": "(?:ö|o\u0308|oe)",
    "Ü": "(?:ü|u\u0308|ue)",
    "ß": "(?:ß|ss)",
}
_HS = r"[^\S\n]"  # horizontal whitespace (space, tab, nbsp, \r ...)


def _spelling_pattern(spelling: str) -> str:
    parts = []
    for ch in spelling:
        if ch in _UMLAUT_PATTERNS:
            parts.append(_UMLAUT_PATTERNS[ch])
        elif ch.isspace():
            parts.append(f"{_HS}+")
        elif ch == "-":
            parts.append(f"(?:{_HS}*-{_HS}*|{_HS}+)?")
        elif ch == "/":
            parts.append(f"{_HS}*/{_HS}*")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _build_heading_regex() -> re.Pattern[str]:
    spellings = {
        spelling for doc_type in DOCUMENT_TYPES for name, variants in SECTION_HEADINGS[doc_type].items() for spelling in (name, *variants)
    }
    # Longest first so that "Befundbeschreibung" wins over "Befund"; regex backtracking does the rest.
    alternatives = "|".join(_spelling_pattern(s) for s in sorted(spellings, key=lambda s: (-len(s), s)))
    known = rf"(?:{alternatives})(?![^\W_])"
    deco = r"(?:\*{1,3}|_{1,3})"
    number = r"(?:\(?(?:\d{1,2}(?:\.\d{1,2})+[.)]?|(?:\d{1,2}|[IVX]{1,5}|[A-Za-z])[.)]))"
    pattern = rf"""
        ^(?P<lead>{_HS}*(?:\#{{1,6}}{_HS}*)?(?:{deco}{_HS}*)?(?:{number}{_HS}*)?(?:{deco}{_HS}*)?)
        (?P<head>
            {known}
            (?:{_HS}*(?:/|&|\+|,|und(?!\w)){_HS}*{known})*
            (?P<tail>{_HS}*/{_HS}*[^\W\d_][\w-]*(?:{_HS}+[^\W\d_][\w-]*)?)?
        )
        (?P<qual>{_HS}*(?:\([^()\n]{{0,60}}\)|vom{_HS}+[\d./-]{{4,10}}))?
        (?P<trail>{_HS}*{deco}?{_HS}*(?P<colon>:)?{_HS}*{deco}?{_HS}*)
        (?P<rest>[^\n]*)$
    """
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


_HEADING_RE = _build_heading_regex()
_COMBINED_SPLIT_RE = re.compile(rf"{_HS}*(?:/|&|\+|,|\bund\b){_HS}*", re.IGNORECASE)
_RULE_LINE_RE = re.compile(r"[^\S\n]*(?:[-=_*~]{3,}[^\S\n]*)+")


def _resolve(head: str, document_type: str) -> str | None:
    own, union = _lexicons(document_type)
    key = _heading_key(head)
    first = _heading_key(_COMBINED_SPLIT_RE.split(head, maxsplit=1)[0])
    for lexicon in (own, union):
        if key in lexicon:
            return lexicon[key]
        if first in lexicon:
            return lexicon[first]
    return None


def match_heading(line: str, document_type: str) -> tuple[str, str, int] | None:
    """Return ``(canonical name, heading as written, offset of same-line body)`` if ``line`` is a heading.

    ``line`` is one line without its newline. The body offset equals ``len(line)`` when nothing follows
    the heading on the line.
    """
    m = _HEADING_RE.match(line)
    if m is None:
        return None
    has_colon = m.group("colon") is not None
    rest = m.group("rest")
    if not has_colon and rest.strip():
        return None  # "Befund unauffällig." - a sentence, not a heading
    if m.group("tail") and not has_colon:
        return None  # "Labor/Bildgebung unauffällig" style lines need a colon to count
    head = m.group("head").strip()
    name = _resolve(head, document_type)
    if name is None:  # pragma: no cover - the regex only matches lexicon spellings
        return None
    written = line[m.start("head") : m.end("qual") if m.group("qual") else m.end("head")]
    body_start = m.start("rest") if rest.strip() else len(line)
    return name, re.sub(rf"{_HS}+", " ", written.strip()), body_start


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding whitespace and horizontal-rule lines (``-----``, ``=====``)."""
    while True:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        line_end = text.find("\n", start, end)
        first_line = text[start : end if line_end < 0 else line_end]
        if first_line and _RULE_LINE_RE.fullmatch(first_line):
            start = end if line_end < 0 else line_end
            continue
        line_start = text.rfind("\n", start, end) + 1
        last_line = text[max(line_start, start) : end]
        if last_line and _RULE_LINE_RE.fullmatch(last_line):
            end = max(line_start, start)
            continue
        return start, end


def split_sections(text: str, document_type: str) -> list[Section]:
    """Split ``text`` into sections (see the module docstring for the heading rules).

    Returns ``[]`` for empty/whitespace-only text. Each section satisfies
    ``text[section.start:section.end] == section.text`` and has a non-empty, stripped body.
    """
    if not text or not text.strip():
        return []
    marks: list[tuple[int, str, str, int]] = []  # (heading line start, name, heading, body start)
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        found = match_heading(line, document_type)
        if found is None:
            continue
        name, heading, body_offset = found
        marks.append((line_start, name, heading, line_start + body_offset))

    raw: list[tuple[str, str, int, int]] = []  # (name, heading, body start, body end)
    if not marks:
        raw.append((TEXT_SECTION, "", 0, len(text)))
    else:
        raw.append((HEAD_SECTION, "", 0, marks[0][0]))
        for i, (_, name, heading, body_start) in enumerate(marks):
            body_end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
            raw.append((name, heading, min(body_start, body_end), body_end))

    sections: list[Section] = []
    counts: dict[str, int] = {}
    for name, heading, start, end in raw:
        start, end = _trim(text, start, end)
        if start >= end:
            continue  # empty body: dropped
        ordinal = counts.get(name, 0)
        counts[name] = ordinal + 1
        sections.append(Section(name, heading, ordinal, start, end, text[start:end]))
    return sections
