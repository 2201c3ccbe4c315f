"""PHI detection by an LLM: a third :class:`~.detect.SpanSource` beside the rules and the trained model, for sites
with a GPU server (``PHIDetector(sources=[LLMPHIDetector(client)])``).

The model is asked for the PHI strings of a chunk, never for offsets (small models cannot count characters); every
string is located in the chunk by exact search, all occurrences, whole words only. Whatever the model returns is
accounted for in :attr:`LLMPHIDetector.stats`: accepted, or rejected with one reason; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from miracle_dagster.core.llm import ChatRequest, LLMClient, Sampling
from miracle_dagster.core.pseudonymize.vocab import HONORIFICS, RELATIONS, TITLES
from miracle_dagster.core.qa.parse import _load_lenient
from miracle_dagster.core.schema import NAME_TYPES, PHI_TYPES

TYPE_HINTS = {
    "PATIENT_NAME": "Name der Patientin / des Patienten",
    "RELATIVE_NAME": "Name von Angehörigen (Ehefrau, Sohn, Betreuer)",
    "STAFF_NAME": "Name von Ärztinnen, Ärzten, Pflege, Hausarzt (ohne Titel wie Dr. med.)",
    "BIRTH_DATE": "Geburtsdatum",
    "DATE": "jedes andere Datum (Aufnahme, Entlassung, Untersuchung, OP)",
    "AGE": 'Alter, nur die Zahl ("63" in "63-jährige")',
    "STREET": "Straße mit Hausnummer",
    "POSTAL_CITY": "Postleitzahl mit Ort, oder ein Ort allein",
    "PHONE": "Telefonnummer",
    "FAX": "Faxnummer",
    "EMAIL": "E-Mail-Adresse",
    "PATIENT_ID": "Patientennummer, PID",
    "CASE_ID": "Fallnummer, Aufnahmenummer",
    "ORDER_ID": "Auftrags-, Eingangs- oder Befundnummer",
    "INSURANCE_ID": "Versichertennummer",
    "ORGANIZATION": "Klinik, Krankenhaus, Praxis, Station, Reha-Einrichtung",
}
SYSTEM = (
    "Du findest personenbezogene Daten (PHI) in deutschen klinischen Texten, damit sie pseudonymisiert werden "
    "können. Gib jedes PHI-Element genau so zurück, wie es im Text steht (gleiche Schreibweise, keine Ergänzungen), "
    "mit einem dieser Typen:\n"
    + "\n".join(f"- {t}: {hint}" for t, hint in TYPE_HINTS.items())
    + "\nKeine PHI sind: Krankheiten, Medikamente, Befunde, Messwerte, Eponyme wie Morbus Crohn oder "
    "Parkinson-Syndrom, Titel und Anreden (Dr. med., Herr, Frau). Antworte nur mit JSON: "
    '{"phi": [{"text": "...", "type": "..."}]}'
)
USER = 'Text:\n"""\n{text}\n"""'
# few-shot turns (user text, expected items): medicine with eponyms but no PHI, then a letterhead full of it (last:
# small models copy the shape of the last answer, and after an empty list they answer with one)
EXAMPLES = (
    (
        "Bekannter Morbus Crohn, zusätzlich Parkinson-Syndrom. Babinski beidseits negativ. "
        "Therapie mit Ramipril 5 mg 1-0-0, Kontrolle in 3 Monaten.",
        [],
    ),
    (
        "Klinikum Nordstadt, Klinik für Kardiologie\nHerrn Dr. med. Peter Albers, Bahnhofstr. 12, 30159 Hannover\n"
        "Entlassbrief über Frau Erna Vogt, geb. 03.04.1941, Fall-Nr. 20231187, aufgenommen am 12.05.2023.\n"
        "Die 82-jährige Patientin kam in Begleitung ihrer Tochter Sabine Vogt. Rückfragen: Tel. 0511 4471-230.",
        [
            ("Klinikum Nordstadt", "ORGANIZATION"),
            ("Peter Albers", "STAFF_NAME"),
            ("Bahnhofstr. 12", "STREET"),
            ("30159 Hannover", "POSTAL_CITY"),
            ("Erna Vogt", "PATIENT_NAME"),
            ("03.04.1941", "BIRTH_DATE"),
            ("20231187", "CASE_ID"),
            ("12.05.2023", "DATE"),
            ("82", "AGE"),
            ("Sabine Vogt", "RELATIVE_NAME"),
            ("0511 4471-230", "PHONE"),
        ],
    ),
)
SCHEMA = {
    "type": "object",
    "properties": {
        "phi": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "type": {"type": "string", "enum": list(PHI_TYPES)}},
                "required": ["text", "type"],
            },
        }
    },
    "required": ["phi"],
}
PROMPT_VERSION = "phi-llm-de-" + hashlib.sha256(json.dumps([SYSTEM, USER, EXAMPLES, SCHEMA], ensure_ascii=False).encode()).hexdigest()[:10]
# what models write instead of the project's types (without a schema, or a server that ignores it)
TYPE_ALIASES = {
    "NAME": "PATIENT_NAME",
    "PATIENT": "PATIENT_NAME",
    "PERSON": "PATIENT_NAME",
    "PER": "PATIENT_NAME",
    "RELATIVE": "RELATIVE_NAME",
    "ANGEHÖRIGER": "RELATIVE_NAME",
    "DOCTOR": "STAFF_NAME",
    "PHYSICIAN": "STAFF_NAME",
    "STAFF": "STAFF_NAME",
    "ARZT": "STAFF_NAME",
    "DOB": "BIRTH_DATE",
    "GEBURTSDATUM": "BIRTH_DATE",
    "DATUM": "DATE",
    "ALTER": "AGE",
    "STRASSE": "STREET",
    "STRAßE": "STREET",
    "ADDRESS": "STREET",
    "ADRESSE": "STREET",
    "CITY": "POSTAL_CITY",
    "ORT": "POSTAL_CITY",
    "LOCATION": "POSTAL_CITY",
    "LOC": "POSTAL_CITY",
    "TELEFON": "PHONE",
    "TEL": "PHONE",
    "PHONE_NUMBER": "PHONE",
    "TELEPHONE": "PHONE",
    "FAX_NUMBER": "FAX",
    "E_MAIL": "EMAIL",
    "MAIL": "EMAIL",
    "ORG": "ORGANIZATION",
    "HOSPITAL": "ORGANIZATION",
    "KLINIK": "ORGANIZATION",
}
ITEM_REASONS = ("not_in_text", "unknown_type", "too_short", "too_long", "implausible", "duplicate", "malformed_item")
CHUNK_REASONS = ("invalid_json", "failed_request")  # counted per chunk: its items never arrive
DIGIT_TYPES = frozenset(PHI_TYPES) - NAME_TYPES - {"STREET", "POSTAL_CITY", "EMAIL", "ORGANIZATION"}
# words small models put in front of a name ("Sehr geehrter Herr Kollege Brandt"): not replaced with it
_NAME_LEAD = HONORIFICS | TITLES | RELATIONS | {"sehr", "geehrter", "geehrte", "geehrten", "liebe", "lieber", "patient", "patientin"}
_LEAD_WORD, _TRAIL_WORD = re.compile(r"^(\S+)\s+"), re.compile(r"\s+(\S+)$")
# a date range is two dates: "bis" between them is no PHI and must not be replaced with a date
_DATE_RANGE = re.compile(r"\s+(?:bis|und|sowie|-|–)\s+")


@dataclass(frozen=True)
class Found:
    """One accepted occurrence: offsets into the whole text, the PHI type, and the model's string as located (after
    :func:`trim`; one date of a range)."""

    start: int
    end: int
    type: str
    text: str


class LLMPHIDetector:
    """``client``: an :class:`~..llm.LLMClient` (an asset: ``llm.client()`` of the ``LLMResource``); one request per
    chunk of at most ``chunk_chars`` characters cut at line breaks; ``max_item_chars`` rejects returned items longer
    than a PHI item can be (a copied sentence would blank out medicine). ``stats`` counts chunks, items returned,
    accepted and rejected per reason, and spans; :meth:`metadata` for an asset. An unreachable service raises the
    client's :class:`~..llm.LLMUnavailableError` (finished chunks stay cached)."""

    name = "llm"
    names_need_evidence = False  # it reads the sentence: "Rücksprache mit Wolkenstein" is a person to it

    def __init__(self, client: LLMClient, chunk_chars: int = 1500, max_tokens: int = 512, seed: int = 0, max_item_chars: int = 100) -> None:
        if chunk_chars < 100:
            raise ValueError("chunk_chars must be at least 100")
        self.client, self.chunk_chars, self.max_item_chars = client, chunk_chars, max_item_chars
        self.sampling = Sampling(temperature=0.0, top_p=1.0, max_tokens=max_tokens, seed=seed, json_schema=SCHEMA)
        self.prompt_version = PROMPT_VERSION
        self.stats: Counter = Counter()

    def spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        return [[(f.start, f.end, f.type) for f in found] for found in self.find(texts)]

    def find(self, texts: Sequence[str]) -> list[list[Found]]:
        """Accepted occurrences per text, sorted; all chunks of all texts go to the client in one call."""
        jobs = [(i, offset, chunk) for i, text in enumerate(texts) for offset, chunk in chunks(text, self.chunk_chars) if chunk.strip()]
        self.stats["texts"] += len(texts)
        self.stats["chunks"] += len(jobs)
        completions = self.client.complete([self.request(chunk) for _, _, chunk in jobs]) if jobs else []
        out: list[list[Found]] = [[] for _ in texts]
        for (i, offset, chunk), completion in zip(jobs, completions):
            if not completion.ok:
                self.stats["failed_request"] += 1
                continue
            items = parse_items(completion.text)
            if items is None:
                self.stats["invalid_json"] += 1
                continue
            out[i] += [Found(offset + s, offset + e, typ, text) for s, e, typ, text in self._locate(chunk, items)]
        for found in out:
            found.sort(key=lambda f: (f.start, -f.end))
            self.stats["spans"] += len(found)
        return out

    def request(self, chunk: str) -> ChatRequest:
        shots = [
            turn
            for text, items in EXAMPLES
            for turn in (
                ("user", USER.format(text=text)),
                ("assistant", json.dumps({"phi": [{"text": t, "type": typ} for t, typ in items]}, ensure_ascii=False)),
            )
        ]
        return ChatRequest((("system", SYSTEM), *shots, ("user", USER.format(text=chunk))), self.sampling)

    @property
    def rejected(self) -> int:
        return sum(self.stats[r] for r in ITEM_REASONS)

    def metadata(self) -> dict[str, int | str]:
        """For an asset: prompt version, model, every count (zeros included, so a missing reason is visible)."""
        counts = {
            k: self.stats[k]
            for k in ("texts", "chunks", "returned", "accepted", *ITEM_REASONS, *CHUNK_REASONS, "trimmed", "offsets_wrong", "spans")
        }
        return {
            "llm_phi_prompt_version": self.prompt_version,
            "llm_phi_model": self.client.model_id,
            **{f"llm_phi_{k}": v for k, v in counts.items()},
        }

    def _locate(self, chunk: str, items: list) -> list[tuple[int, int, str, str]]:
        """(start, end, type, text) in the chunk for every accepted item; each item counts once, accepted or rejected."""
        seen: set[str] = set()
        taken: dict[tuple[int, int], tuple[str, str]] = {}
        for item in items:
            self.stats["returned"] += 1
            if not isinstance(item, dict):
                self.stats["malformed_item"] += 1
                continue
            value = item.get("text")
            text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
            typ = phi_type(item.get("type"))
            too_long = len(text) > self.max_item_chars  # judged as returned: a copied sentence is no PHI item
            if typ is not None and not too_long and (trimmed := trim(text, typ)) != text:
                self.stats["trimmed"] += 1
                text = trimmed
            if len(text) < 2 or not any(ch.isalnum() for ch in text):
                reason = "too_short"
            elif too_long:
                reason = "too_long"
            elif typ is None:
                reason = "unknown_type"
            elif not plausible(text, typ):
                reason = "implausible"
            elif not occurrences(chunk, text):
                reason = "not_in_text"
            elif text in seen:
                reason = "duplicate"
            else:
                reason = ""
            if reason:
                self.stats[reason] += 1
                continue
            if "start" in item or "end" in item:  # offsets are only checked: every occurrence comes from the search
                self.stats["offsets_wrong"] += (item.get("start"), item.get("end")) not in occurrences(chunk, text)
            seen.add(text)
            self.stats["accepted"] += 1
            for part in _DATE_RANGE.split(text) if typ in ("DATE", "BIRTH_DATE") else [text]:
                for span in occurrences(chunk, part) if plausible(part, typ) else ():
                    taken.setdefault(span, (typ, part))  # the same string under two types: the first one given
        return [(s, e, typ, text) for (s, e), (typ, text) in taken.items()]


def chunks(text: str, size: int) -> list[tuple[int, str]]:
    """(offset, chunk) pieces of at most ``size`` characters, cut after line breaks; a longer line is cut at a
    space (or hard). The chunks join back to ``text``."""
    out: list[tuple[int, str]] = []
    start = pos = 0
    for line in text.splitlines(keepends=True):
        if pos - start + len(line) > size and pos > start:
            out.append((start, text[start:pos]))
            start = pos
        pos += len(line)
        while pos - start > size:
            cut = text.rfind(" ", start + 1, start + size) + 1 or start + size
            out.append((start, text[start:cut]))
            start = cut
    if pos > start:
        out.append((start, text[start:pos]))
    return out


def parse_items(text: str) -> list | None:
    """The model's item list, or None when the answer holds no JSON list of items."""
    data = _load_lenient(text or "")
    if isinstance(data, dict):
        data = data["phi"] if isinstance(data.get("phi"), list) else next((v for v in data.values() if isinstance(v, list)), None)
    return data if isinstance(data, list) else None


def phi_type(value) -> str | None:
    """A project PHI type for what the model wrote, or None."""
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s-]+", "_", value.strip().upper())
    return key if key in PHI_TYPES else TYPE_ALIASES.get(key)


def trim(text: str, typ: str) -> str:
    """Drop the words around the item proper (still a piece of the returned string, so still verbatim): salutations
    and titles before a name, words without a digit around a date or number ("stationär vom 02.03.2023"), all but
    the number of an age."""
    text = text.strip(" ,;:")
    if typ in NAME_TYPES:
        while (m := _LEAD_WORD.match(text)) and m.group(1).lower().rstrip(",:") in _NAME_LEAD:
            text = text[m.end() :]
    elif typ == "AGE" and (m := re.search(r"\d+", text)):  # "82-jährige", "63 Jahre": the number alone
        return m.group()
    elif typ in DIGIT_TYPES:
        while (m := _LEAD_WORD.match(text)) and not any(ch.isdigit() for ch in m.group(1)):
            text = text[m.end() :]
        while (m := _TRAIL_WORD.search(text)) and not any(ch.isdigit() for ch in m.group(1)):
            text = text[: m.start()]
    return text.strip(" ,;:")


def plausible(text: str, typ: str) -> bool:
    """Cheap shape checks: dates, ages and numbers hold a digit, an address an @, a name a capital letter."""
    if typ in DIGIT_TYPES:
        return any(ch.isdigit() for ch in text)
    if typ == "EMAIL":
        return "@" in text
    return typ not in NAME_TYPES or (any(ch.isupper() for ch in text) and text.lower() not in _NAME_LEAD)


def occurrences(chunk: str, text: str) -> list[tuple[int, int]]:
    """Every exact occurrence of ``text`` that does not cut a word ("Koch" is not in "Kochsalz")."""
    out, i = [], chunk.find(text)
    while i >= 0:
        end = i + len(text)
        cuts = (text[0].isalnum() and i > 0 and chunk[i - 1].isalnum()) or (
            text[-1].isalnum() and end < len(chunk) and chunk[end].isalnum()
        )
        if not cuts:
            out.append((i, end))
        i = chunk.find(text, i + 1)
    return out
