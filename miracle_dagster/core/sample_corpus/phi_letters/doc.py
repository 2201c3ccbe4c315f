"""The text of one letter and its PHI spans, recorded at the write offset so no span is ever searched for afterwards."""

from __future__ import annotations

from miracle_dagster.core.schema import PHI_TYPES

WARD_TYPE = "ORGANIZATION"  # GraSCCo files ward codes under ID (-> ORDER_ID); the project's wards are organisations
_TYPES = frozenset(PHI_TYPES)


class Doc:
    """Appends text and records each PHI span at its write offset."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str]] = []

    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.pos += len(s)

    def phi(self, s: str, typ: str) -> None:
        if typ not in _TYPES or not s or s != s.strip():  # pragma: no cover - programming error
            raise ValueError(f"bad PHI piece {s!r} ({typ})")
        self.spans.append((self.pos, self.pos + len(s), typ))
        self.add(s)

    def last(self) -> str:
        return self.parts[-1][-1] if self.parts else "\n"

    def text(self) -> str:
        return "".join(self.parts)


def close(lead: str) -> str:
    """The ``)`` a label that opened a parenthesis needs after its value (``(geb. `` + date + ``)``)."""
    return ")" if lead.rfind("(") > lead.rfind(")") else ""
