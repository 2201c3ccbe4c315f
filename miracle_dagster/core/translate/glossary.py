"""German clinical abbreviations and terms with the English rendering the translation must use.

DeepL gets them as a glossary (created once per version, see deepl_backend); the LLM backend gets the entries
that occur in a text as instructions. The version is a content hash: editing an entry invalidates cached
translations and makes DeepL get a new glossary.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

CLINICAL_DE_EN: dict[str, str] = {
    "V.a.": "suspected",
    "Z.n.": "status post",
    "o.B.": "unremarkable",
    "b.B.": "as needed",
    "bds.": "bilateral",
    "p.o.": "orally",
    "s.c.": "subcutaneously",
    "i.v.": "intravenously",
    "AZ": "general condition",
    "EZ": "nutritional status",
    "KM": "contrast agent",
    "unauffällig": "unremarkable",
    "Raumforderung": "mass",
    "Entlassmedikation": "discharge medication",
    "Verlaufskontrolle": "follow-up examination",
    "Procedere": "further management",
    "Nebendiagnosen": "secondary diagnoses",
    "Anamnese": "medical history",
}


@dataclass(frozen=True)
class Glossary:
    entries: dict[str, str] = field(default_factory=lambda: dict(CLINICAL_DE_EN), hash=False)
    source_lang: str = "DE"
    target_lang: str = "EN"  # DeepL glossaries are per base language: one serves EN-GB and EN-US

    @property
    def version(self) -> str:
        payload = json.dumps([self.source_lang, self.target_lang, sorted(self.entries.items())], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:10]

    @property
    def name(self) -> str:
        """The glossary's name at DeepL: found again by it, so a new version means a new glossary."""
        return f"miracle-clinical-{self.source_lang.lower()}-{self.target_lang.lower()}-{self.version}"

    def found_in(self, text: str) -> dict[str, str]:
        """The entries whose source term occurs in `text` as a whole word (abbreviations end in a dot)."""
        return {k: v for k, v in self.entries.items() if re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text)}
