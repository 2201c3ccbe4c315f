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

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from miracle_dagster.core.schema import DOCUMENT_TYPES, REQUIRED_REPORT_COLUMNS, SECTION_HEADINGS

__all__ = [
    "HEAD_SECTION",
    "ID_VERSION",
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

# Bump when the id scheme (hash input) changes; it is part of every hash input.
ID_VERSION = 1

HEAD_SECTION = "Kopf"  # text before the first heading
TEXT_SECTION = "Text"  # the whole document when it has no heading

PASSAGE_COLUMNS = (
    "passage_id",
    "section_id",
    *(column for column in REQUIRED_REPORT_COLUMNS if column != "text"),
    "section_name",
    "section_heading",
    "section_ordinal",
    "passage_index",
    "n_passages",
    "char_start",
    "char_end",
    "n_tokens",
    "text",
)


@dataclass(frozen=True)
class Section:
    """One section of a document. ``text == document_text[start:end]`` (body only, heading excluded)."""

    name: str  # canonical section name, "Kopf" or "Text"
    heading: str  # the heading as written (without decorations/colon), "" for Kopf/Text
    ordinal: int  # 0-based occurrence number of ``name`` within the document
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """One passage of a section. ``text == section_text[start:end]``."""

    text: str
    start: int
    end: int
    index: int


# --------------------------------------------------------------------------------------------------------
# Heading lexicon
# --------------------------------------------------------------------------------------------------------

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
        spelling
        for doc_type in DOCUMENT_TYPES
        for name, variants in SECTION_HEADINGS[doc_type].items()
        for spelling in (name, *variants)
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


# --------------------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------------------

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


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
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
    for s, e in _sentence_spans(text, 0, len(text)):
        piece = text[s:e].strip()
        if piece:
            out.append(piece)
    return out


# --------------------------------------------------------------------------------------------------------
# Passages
# --------------------------------------------------------------------------------------------------------

_PARAGRAPH, _SENTENCE, _WORD, _CHAR = 3, 2, 1, 0
_PARAGRAPH_BREAK_RE = re.compile(r"\n[^\S\n]*\n\s*")
_CHAR_RE = re.compile(r".[\u0300-\u036f]*", re.DOTALL)  # a character with its combining marks


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_level(text: str, start: int, end: int, level: int) -> list[tuple[int, int]]:
    if level == _PARAGRAPH:
        spans, prev = [], start
        for m in _PARAGRAPH_BREAK_RE.finditer(text, start, end):
            spans.append((prev, m.start()))
            prev = m.end()
        spans.append((prev, end))
        return spans
    if level == _SENTENCE:
        return _sentence_spans(text, start, end)
    if level == _WORD:
        return [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
    return [(start + m.start(), start + m.end()) for m in _CHAR_RE.finditer(text[start:end])]


def _units(
    text: str, start: int, end: int, level: int, fits: Callable[[int, int], bool]
) -> tuple[list[tuple[int, int]], list[int]]:
    """Atomic units (each fitting alone) of text[start:end] and the boundary strength after each unit."""
    units: list[tuple[int, int]] = []
    gaps: list[int] = []
    for s, e in _split_level(text, start, end, level):
        s, e = _stripped(text, s, e)
        if s >= e:
            continue
        if units:
            gaps[-1] = max(gaps[-1], level) if gaps[-1] >= 0 else level
        # Paragraphs are always cut into sentences so that passages can be filled; paragraph breaks stay the
        # preferred cut points through their boundary strength.
        if level != _PARAGRAPH and fits(s, e):
            units.append((s, e))
            gaps.append(-1)
            continue
        if level == _CHAR:
            raise ValueError(
                f"max_tokens is too small: the single character {text[s:e]!r} does not fit in one passage"
            )
        sub_units, sub_gaps = _units(text, s, e, level - 1, fits)
        units.extend(sub_units)
        gaps.extend(sub_gaps)
    return units, gaps


def split_passages(
    text: str,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int = 32,
) -> list[Passage]:
    """Cut ``text`` into passages with ``count_tokens(passage.text) <= max_tokens``.

    Cut points prefer paragraph breaks (blank lines), then sentence ends/line breaks, then whitespace, and
    only as a last resort characters: among the cut points that keep a passage at least half full, the
    strongest boundary (latest on ties) is used. Consecutive passages overlap by whole sentences carried
    over from the end of the previous passage, as many as fit in ``overlap_tokens`` (content tokens, i.e.
    ``count_tokens(x) - count_tokens("")``); when the last sentence alone is longer, its trailing words are
    carried instead. Text that fits gives one passage equal to the whole text; empty text gives ``[]``.

    Raises ``ValueError`` if ``overlap_tokens`` is negative or not smaller than ``max_tokens / 2``, or if
    ``max_tokens`` leaves no room for text.
    """
    if max_tokens <= 0:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    if overlap_tokens < 0:
        raise ValueError(f"overlap_tokens must be >= 0, got {overlap_tokens}")
    if 2 * overlap_tokens >= max_tokens:
        raise ValueError(f"overlap_tokens ({overlap_tokens}) must be < max_tokens / 2 ({max_tokens / 2})")
    if not text or not text.strip():
        return []
    overhead = count_tokens("")
    if overhead >= max_tokens:
        raise ValueError(f"max_tokens ({max_tokens}) leaves no room after {overhead} prompt/special tokens")
    if count_tokens(text) <= max_tokens:
        return [Passage(text, 0, len(text), 0)]

    counts: dict[tuple[int, int], int] = {}

    def count(s: int, e: int) -> int:
        key = (s, e)
        if key not in counts:
            counts[key] = count_tokens(text[s:e])
        return counts[key]

    def fits(s: int, e: int) -> bool:
        return count(s, e) <= max_tokens

    units, gaps = _units(text, 0, len(text), _PARAGRAPH, fits)
    n = len(units)
    gaps[-1] = _PARAGRAPH + 1  # end of text is the best cut
    ends = [e for _, e in units]
    half = math.ceil(max_tokens / 2)

    passages: list[Passage] = []
    start_char, next_unit = units[0][0], 0
    while next_unit < n:
        if not fits(start_char, ends[next_unit]):
            start_char = units[next_unit][0]  # overlap leaves no room for new text: drop it
        # Largest e (exclusive unit index) such that text[start_char:ends[e-1]] fits: gallop, then bisect.
        lo, step = next_unit + 1, 1
        while lo + step <= n and fits(start_char, ends[lo + step - 1]):
            lo, step = lo + step, step * 2
        hi = lo + step if lo + step <= n else n + 1  # smallest e known not to fit (n + 1: none known)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if fits(start_char, ends[mid - 1]):
                lo = mid
            else:
                hi = mid
        e_max = lo
        # Smallest e that makes the passage at least half full; cut at the strongest boundary in between.
        candidates = range(next_unit + 1, e_max + 1)
        e_min = next_unit + 1 + bisect.bisect_left(
            candidates, True, key=lambda e: count(start_char, ends[e - 1]) >= half
        )
        e_min = min(e_min, e_max)
        cut = max(range(e_min, e_max + 1), key=lambda e: (gaps[e - 1], e))
        passages.append(Passage(text[start_char : ends[cut - 1]], start_char, ends[cut - 1], len(passages)))
        if cut >= n:
            break
        new_start = _overlap_start(text, units, start_char, next_unit, cut, overlap_tokens, overhead, count)
        start_char, next_unit = (new_start if new_start is not None else units[cut][0]), cut
    return passages


def _overlap_start(
    text: str,
    units: list[tuple[int, int]],
    passage_start: int,
    first_unit: int,
    cut: int,
    overlap_tokens: int,
    overhead: int,
    count: Callable[[int, int], int],
) -> int | None:
    """Start offset of the overlap carried into the next passage, or None for no overlap."""
    if overlap_tokens <= 0:
        return None
    end = units[cut - 1][1]

    def ok(s: int) -> bool:
        return count(s, end) - overhead <= overlap_tokens

    # Whole units first: the earliest unit start (after the passage start) whose tail fits the budget.
    starts = [units[k][0] for k in range(first_unit, cut) if units[k][0] > passage_start]
    idx = bisect.bisect_left(starts, True, key=ok)
    if idx < len(starts):
        return starts[idx]
    # The last unit alone is too long (e.g. a whole paragraph): carry its trailing sentences, else words.
    last_s, last_e = units[cut - 1]
    floor = max(passage_start, last_s)
    sentence_starts = [_stripped(text, a, b)[0] for a, b in _sentence_spans(text, last_s, last_e)]
    word_starts = [last_s + m.start() for m in re.finditer(r"\S+", text[last_s:last_e])]
    for candidates in (sentence_starts, word_starts):
        candidates = sorted({c for c in candidates if floor < c < last_e})
        idx = bisect.bisect_left(candidates, True, key=ok)
        if idx < len(candidates):
            return candidates[idx]
    return None


def token_counter(tokenizer: Any, prompt: str = "") -> Callable[[str], int]:
    """``count_tokens`` for a Hugging Face tokenizer: tokens of ``prompt + text`` including special tokens.

    With ``prompt="passage: "`` and ``max_tokens=model.max_seq_length`` the passages are never truncated by
    the embedding model. Nothing is cached.
    """

    def count_tokens(text: str) -> int:
        encoded = tokenizer(prompt + text, add_special_tokens=True, truncation=False, verbose=False)
        return len(encoded["input_ids"])

    return count_tokens


# --------------------------------------------------------------------------------------------------------
# Documents -> passage rows
# --------------------------------------------------------------------------------------------------------


def _hash(parts: list[Any]) -> str:
    payload = json.dumps([ID_VERSION, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def section_id(document_id: Any, name: str, ordinal: int, text: str) -> str:
    """32-hex content id of a section: sha256 over (ID_VERSION, document_id, name, ordinal, body)."""
    return _hash(["section", str(document_id), name, int(ordinal), text])


def passage_id(section_id_: str, index: int, text: str) -> str:
    """32-hex content id of a passage: sha256 over (ID_VERSION, section_id, passage index, text)."""
    return _hash(["passage", section_id_, int(index), text])


def _text_of(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def section_document(
    doc: Mapping[str, Any],
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int = 32,
) -> list[dict[str, Any]]:
    """One row per passage of ``doc`` (columns :data:`PASSAGE_COLUMNS`).

    ``char_start``/``char_end`` index the original ``doc["text"]``; ``n_tokens`` is ``count_tokens`` of the
    passage (so it includes the prompt and special tokens when built with :func:`token_counter`). Missing
    metadata keys become ``None``.
    """
    text = _text_of(doc.get("text"))
    document_type = _text_of(doc.get("document_type"))
    document_id = doc.get("document_id")
    rows: list[dict[str, Any]] = []
    for section in split_sections(text, document_type):
        sid = section_id(document_id, section.name, section.ordinal, section.text)
        passages = split_passages(section.text, count_tokens, max_tokens, overlap_tokens)
        for passage in passages:
            rows.append(
                {
                    "passage_id": passage_id(sid, passage.index, passage.text),
                    "section_id": sid,
                    "document_id": document_id,
                    "patient_id": doc.get("patient_id"),
                    "case_id": doc.get("case_id"),
                    "specialty": doc.get("specialty"),
                    "document_type": doc.get("document_type"),
                    "date": doc.get("date"),
                    "section_name": section.name,
                    "section_heading": section.heading,
                    "section_ordinal": section.ordinal,
                    "passage_index": passage.index,
                    "n_passages": len(passages),
                    "char_start": section.start + passage.start,
                    "char_end": section.start + passage.end,
                    "n_tokens": count_tokens(passage.text),
                    "text": passage.text,
                }
            )
    return rows


def section_documents(
    docs: Iterable[Mapping[str, Any]],
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int = 32,
):
    """Passage rows of all ``docs`` as a pandas DataFrame with columns :data:`PASSAGE_COLUMNS`.

    ``docs`` may also be a DataFrame of report records.
    """
    import pandas as pd

    if isinstance(docs, pd.DataFrame):
        docs = docs.to_dict("records")
    rows: list[dict[str, Any]] = []
    for doc in docs:
        rows.extend(section_document(doc, count_tokens, max_tokens, overlap_tokens))
    if not rows:
        frame = pd.DataFrame({column: pd.Series(dtype="object") for column in PASSAGE_COLUMNS})
        for column in ("section_ordinal", "passage_index", "n_passages", "char_start", "char_end", "n_tokens"):
            frame[column] = frame[column].astype("int64")
        return frame
    return pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS))
