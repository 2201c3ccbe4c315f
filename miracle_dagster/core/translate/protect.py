"""What must reach the English text unchanged is sent inside `<keep>` tags that DeepL leaves alone.

Dates (already shifted by the pseudonymization), keyed ids, ICD-10 codes and dosing schemes would otherwise be
reformatted ("12.03.2021" -> "03/12/2021", "1-0-1" -> "1-0-1 tablets"). With `tag_handling=xml` everything else
must be valid XML text, so it is escaped on the way out and unescaped on the way back.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, unescape

KEEP_TAG = "keep"

ICD10 = re.compile(r"\b[A-TV-Z]\d{2}(?:\.\d{1,2})?[!†*+]?(?!\w)")
_PROTECTED = re.compile(
    "|".join(
        (
            r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b",  # dates
            r"\b(?:pat|case|doc)_[0-9a-f]{8,}\b",  # keyed pseudonym ids
            ICD10.pattern,
            r"\b\d+(?:[.,]\d+)?-\d+(?:[.,]\d+)?-\d+(?:[.,]\d+)?(?:-\d+(?:[.,]\d+)?)?\b",  # dosing 1-0-1(-0)
        )
    )
)
_TAGS = re.compile(rf"</?{KEEP_TAG}>")


def protect(text: str) -> str:
    """XML text with every span that must not change wrapped in `<keep>`."""
    out, last = [], 0
    for match in _PROTECTED.finditer(text):
        out += [escape(text[last : match.start()]), f"<{KEEP_TAG}>{escape(match.group())}</{KEEP_TAG}>"]
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def unprotect(text: str) -> str:
    """Plain text again: tags dropped, entities resolved."""
    return unescape(_TAGS.sub("", text))
