"""Document builder: appends text pieces and records every PHI span at the exact write offset."""

from __future__ import annotations

import random
import re
from typing import Iterable

from miracle_dagster.core.sample_corpus.context import PHI_HANDLERS, Ctx
from miracle_dagster.core.sample_corpus.phrases_common import SLOTS
from miracle_dagster.core.schema import PHI_TYPES, SECTION_HEADINGS

TOKEN = re.compile(r"\{([^{}]+)\}")
_PHI_TYPE_SET = frozenset(PHI_TYPES)


class Doc:
    """Accumulates text pieces; PHI goes through :meth:`phi`, which records its exact span."""

    def __init__(self, rng: random.Random, doc_type: str, ctx: Ctx) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str, str]] = []
        self.rng = rng
        self.doc_type = doc_type
        self.ctx = ctx
        self.cache: dict[str, str] = {"side": ctx.case["side"]} if ctx.case.get("side") else {}  # one side per case
        self.upper = rng.random() < 0.14
        self.colon = rng.random() < 0.75
        self.numbered = rng.random() < 0.14
        self.inline_p = rng.choice((0.0, 0.0, 0.25, 0.5, 0.8))
        self.blank = rng.choice((0, 1, 1, 1, 2))
        self.variant_p = rng.choice((0.15, 0.35, 0.6))
        self.sec_no = 0
        self.last_heading = ""
        self.bullet = rng.choice(("", "", "- ", "• ", "* "))

    # -- raw writing -------------------------------------------------------------------------
    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.pos += len(s)

    def phi(self, s: str, typ: str) -> None:
        if typ not in _PHI_TYPE_SET:  # pragma: no cover - programming error
            raise ValueError(typ)
        if not s:
            return
        start = self.pos
        self.add(s)
        self.spans.append((start, self.pos, typ, s))

    def nl(self, n: int = 1) -> None:
        self.add("\n" * n)

    def text(self) -> str:
        return "".join(self.parts)

    def ends_with_newline(self) -> bool:
        return bool(self.parts) and self.parts[-1].endswith("\n")

    # -- sections ----------------------------------------------------------------------------
    def heading(self, canonical: str, allow_inline: bool = True) -> bool:
        """Write a section heading with realistic variation. Returns True if content follows on the same line."""
        rng = self.rng
        if self.parts and not self.ends_with_newline():
            self.nl()
        self.nl(self.blank)
        variants = SECTION_HEADINGS[self.doc_type][canonical]
        name = variants[0] if (len(variants) == 1 or rng.random() > self.variant_p) else rng.choice(variants[1:])
        if self.upper or rng.random() < 0.03:
            name = name.upper()
        self.sec_no += 1
        prefix = f"{self.sec_no}. " if self.numbered else ""
        colon = self.colon if rng.random() > 0.08 else not self.colon
        inline = colon and allow_inline and rng.random() < self.inline_p
        self.add(prefix + name + (":" if colon else ""))
        self.add(" " if inline else "\n")
        self.last_heading = name
        return inline

    def lines(self, items: Iterable[str], bullet: bool = False) -> None:
        """Render templates as separate lines."""
        first = True
        for t in items:
            if not first:
                self.nl()
            first = False
            if bullet and self.bullet:
                self.add(self.bullet)
            self.render(t)
        self.nl()

    def prose(self, items: Iterable[str]) -> None:
        first = True
        for t in items:
            if not first:
                self.add(" ")
            first = False
            self.render(t)
        self.nl()

    # -- template rendering ------------------------------------------------------------------
    def slot(self, key: str) -> str:
        v = self.cache.get(key)
        if v is None:
            if key == "oside":
                v = "rechts" if self.slot("side") == "links" else "links"
            elif key == "sa" and "side" in self.cache:
                v = "li." if self.cache["side"] == "links" else "re."
            elif key == "side" and "sa" in self.cache:
                v = "links" if self.cache["sa"] == "li." else "rechts"
            else:
                v = SLOTS[key](self.rng)
            self.cache[key] = v
        return v

    def fill(self, tpl: str) -> str:
        """Render a template that contains no PHI slots into a plain string."""
        if "{" not in tpl:
            return tpl
        g = self.ctx.gender
        return TOKEN.sub(lambda m: g[m.group(1)] if m.group(1) in g else self.slot(m.group(1)), tpl)

    def render(self, tpl: str) -> None:
        if "{" not in tpl:
            self.add(tpl)
            return
        g = self.ctx.gender
        pos = 0
        buf: list[str] = []
        for m in TOKEN.finditer(tpl):
            buf.append(tpl[pos : m.start()])
            pos = m.end()
            key = m.group(1)
            if key in g:
                buf.append(g[key])
            elif key in PHI_HANDLERS or key[:2] in ("D+", "D-", "DF", "DS"):
                if buf:
                    self.add("".join(buf))
                    buf = []
                self.ctx.phi_slot(self, key)
            else:
                buf.append(self.slot(key))
        buf.append(tpl[pos:])
        self.add("".join(buf))
