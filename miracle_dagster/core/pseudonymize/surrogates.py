"""Surrogates: realistic, deterministic, per-patient consistent replacements for detected PHI.

Every choice is seeded from HMAC-SHA256(secret, patient_id|type|normalized original), so the same item of the same
patient gets the same surrogate in every document and QA pair, nothing can be reversed without the secret, and a
new secret gives a new, unlinkable pseudonymization. Names are replaced part by part (surname, given names, an
initial) so "Anna Schmidt", "Frau Schmidt" and "SCHMIDT, A." stay one person. Dates move by one per-patient offset
(never 0) and keep their spelling, so intervals survive. Ages up to 89 stay (HIPAA safe harbor; with all dates of a
patient shifted alike they remain consistent), higher ages become "90+". Identifiers keep their shape.
Surrogates are stable for a given secret and Faker version; the returned :class:`Replacement` s are the record.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import hmac
import re
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from faker import Faker

from miracle_dagster.core.pseudonymize import dates
from miracle_dagster.core.pseudonymize.formats import email_surrogate, org_surrogate, postal_city_surrogate, shape, street_surrogate
from miracle_dagster.core.pseudonymize.masterlist import fold, person_names
from miracle_dagster.core.pseudonymize.vocab import FIRST_NAMES_FEMALE, FIRST_NAMES_MALE, PARTICLES

MIN_SECRET_BYTES = 16
MAX_SHIFT_DAYS = 180
_NAME_TYPES = ("PATIENT_NAME", "RELATIVE_NAME", "STAFF_NAME")
_SHAPE_TYPES = ("PHONE", "FAX", "PATIENT_ID", "CASE_ID", "ORDER_ID", "INSURANCE_ID")
_MALE_CONTEXT = re.compile(r"\b(?:Herrn?|Hr\.|Sohn|Ehemann|Bruder|Vater|Lebensgefährten?|Neffen?)\b[^\n]{0,25}$")
_FEMALE_CONTEXT = re.compile(r"\b(?:Frau|Fr\.|Tochter|Ehefrau|Schwester|Mutter|Lebensgefährtin|Nichte)\b[^\n]{0,25}$")


class Replacement(NamedTuple):
    """One surrogate-key entry (input coordinates); written only to the restricted ``private/`` folder."""

    start: int
    end: int
    type: str
    original: str
    surrogate: str


class Surrogator:
    """Deterministic surrogates keyed by ``secret`` (>= 16 bytes, from the caller, e.g. an env var).

    ``patients``: optional master list; gives first-name gender and reserves its real names, so no surrogate is
    ever a real patient's or relative's name. ``reserved``: further strings whose words must never be emitted.
    """

    def __init__(
        self, secret: bytes, locale: str = "de_DE", patients: Iterable[Mapping[str, Any]] = (), reserved: Iterable[str] = ()
    ) -> None:
        if isinstance(secret, str):
            secret = secret.encode("utf-8")
        if not secret or len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"pseudonymization secret must be at least {MIN_SECRET_BYTES} bytes (got {len(secret or b'')})")
        self._secret = bytes(secret)
        self._faker = Faker(locale)
        self._sex: dict[str, str] = {}
        self._reserved: set[str] = set()
        for p in patients:
            for person in [p, *(p.get("relatives") or ())]:
                first, last = person_names(person)
                if person.get("sex") in ("m", "f"):
                    self._sex.update({fold(f): person["sex"] for f in first.split()})
                self._reserved |= {fold(w) for w in re.split(r"[\s,\-]+", f"{first} {last}") if w}
        self._reserved |= {fold(w) for r in reserved for w in re.split(r"[\s,\-]+", r) if w}
        # full name lists, independent of the reserved set: adding patients must not reshuffle existing surrogates
        # (pick() skips a reserved name by drawing again, which only changes the surrogates that collide)
        provider = next(p for p in self._faker.get_providers() if hasattr(p, "first_names_female"))
        self._surnames = sorted({n for n in provider.last_names if n.isalpha()})
        self._given = {
            sex: sorted({n for n in names if n.isalpha()})
            for sex, names in (("m", provider.first_names_male), ("f", provider.first_names_female))
        }
        self._letters = sorted({n[0] for n in self._given["m"]} & {n[0] for n in self._given["f"]})
        self._cached = functools.lru_cache(maxsize=1 << 16)(self._surrogate)

    # -- keyed randomness ---------------------------------------------------------------------
    def digest(self, *parts: str) -> bytes:
        """HMAC-SHA256 of the key parts: the only source of randomness (Faker is seeded from it, see :meth:`faker`)."""
        return hmac.new(self._secret, "|".join(parts).encode("utf-8"), hashlib.sha256).digest()

    def _int(self, *parts: str) -> int:
        return int.from_bytes(self.digest(*parts)[:8], "big")

    def faker(self, *parts: str) -> Faker:
        """The shared Faker, seeded for exactly this key."""
        self._faker.seed_instance(self._int(*parts))
        return self._faker

    def is_reserved(self, text: str) -> bool:
        """Whether any word of ``text`` is a reserved (real) name."""
        return any(fold(w) in self._reserved for w in re.split(r"[\s,\-]+", text) if w)

    def pick(self, options: Sequence[str], original: str, *key: str) -> str:
        """A keyed choice that is neither the original nor reserved."""
        for attempt in range(50):
            choice = options[self._int(*key, str(attempt)) % len(options)]
            if fold(choice) != fold(original) and not self.is_reserved(choice):
                return choice
        return choice

    def date_offset(self, patient_id: str | None) -> int:
        """Days every date of this patient moves: in [-MAX_SHIFT_DAYS, MAX_SHIFT_DAYS], never 0."""
        n = self._int(patient_id or "", "DATE_OFFSET") % (2 * MAX_SHIFT_DAYS)
        return n - MAX_SHIFT_DAYS if n < MAX_SHIFT_DAYS else n - MAX_SHIFT_DAYS + 1

    # -- per type -----------------------------------------------------------------------------
    def surrogate(self, typ: str, original: str, patient_id: str | None = None, context: str = "") -> str:
        """Replacement for one PHI item; ``context`` is the text just before it (gender cue for names)."""
        sex = ("m" if _MALE_CONTEXT.search(context) else "f" if _FEMALE_CONTEXT.search(context) else None) if typ in _NAME_TYPES else None
        return self._cached(typ, original, patient_id or "", sex)

    def _surrogate(self, typ: str, original: str, pid: str, sex: str | None) -> str:
        if typ in _NAME_TYPES:
            return self.name(original, pid, sex)
        if typ in ("DATE", "BIRTH_DATE"):
            parsed = dates.parse(original)
            if parsed is None:
                return shape(self, original, pid, typ)
            return dates.render(parsed, parsed.date + _dt.timedelta(days=self.date_offset(pid)))
        if typ == "AGE":
            return "90+" if original.strip().isdigit() and int(original) > 89 else original
        if typ == "STREET":
            return street_surrogate(self, original, pid)
        if typ == "POSTAL_CITY":
            return postal_city_surrogate(self, original, pid)
        if typ in _SHAPE_TYPES:
            return shape(self, original, pid, "PHONE" if typ == "FAX" else typ)
        if typ == "EMAIL":
            return email_surrogate(self, original, pid)
        if typ == "ORGANIZATION":
            return org_surrogate(self, original, pid)
        raise ValueError(f"unknown PHI type {typ!r}")

    def city(self, original: str, pid: str) -> str:
        city = self.pick([self.faker(pid, "CITY", fold(original), str(i)).city() for i in range(3)], original, pid, "CITY", fold(original))
        return city.upper() if original.isupper() else city

    def surname(self, original: str, pid: str) -> str:
        """Each part of a (double) surname; an initial standing for a surname ("Frau I.", "M. wird vorgestellt") stays an initial."""
        parts = [
            self._initial(p, pid)
            if re.fullmatch(r"[^\W\d_]\.", p)
            else self.pick(self._surnames, p, pid, "SURNAME", fold(p))
            if p[:1].isalpha()
            else p
            for p in original.split("-")
        ]
        out = "-".join(parts)
        return out.upper() if original.isupper() and len(original) > 1 else out

    def _initial(self, original: str, pid: str) -> str:
        letters = [c for c in self._letters if c != original[0].upper()]
        return letters[self._int(pid, "SURNAME_INITIAL", original.upper()) % len(letters)] + "."

    def given(self, original: str, surname: str, pid: str, sex: str | None) -> str:
        """A given name (or an initial "A.") whose initial depends only on the surname and the original initial, so
        "Franz Kurz" and "F. Kurz" stay one person; gender from the master list, the name lists or the context."""
        parts = []
        for part in original.split("-"):
            letter = self._letters[self._int(pid, "INITIAL", fold(surname), part[:1].upper()) % len(self._letters)]
            if len(part) <= 2 and part.endswith("."):
                parts.append(f"{letter}.")
                continue
            low = part.lower()
            who = self._sex.get(fold(part)) or ("f" if low in FIRST_NAMES_FEMALE else "m" if low in FIRST_NAMES_MALE else sex)
            who = who or ("f" if self._int(pid, "SEX", fold(part)) % 2 else "m")
            options = [n for n in self._given[who] if n[0] == letter] or self._given[who]
            parts.append(self.pick(options, part, pid, "GIVEN", fold(surname), fold(part)))
        out = "-".join(parts)
        return out.upper() if original.isupper() and len(original) > 2 else out

    def name(self, original: str, pid: str, sex: str | None = None) -> str:
        """ "Anna Schmidt", "Schmidt", "SCHMIDT, Anna", "A. Schmidt", "von der Heide": parts replaced, layout kept;
        ``sex`` ("m"/"f", from Herr/Frau in the context) is used when the first name itself does not tell."""
        if "," in original:
            last, _, first = original.partition(",")
            lead = first[: len(first) - len(first.lstrip())]
            return f"{self.surname(last.strip(), pid)},{lead}{self._given_all(first.strip(), last.strip(), pid, sex)}"
        tokens = original.split(" ")
        idx = max((i for i, t in enumerate(tokens) if t and t.lower() not in PARTICLES), default=len(tokens) - 1)
        last = tokens[idx]
        head = self._given_all(" ".join(tokens[:idx]), last, pid, sex)
        return " ".join(t for t in (head, self.surname(last, pid), *tokens[idx + 1 :]) if t)

    def _given_all(self, names: str, surname: str, pid: str, sex: str | None) -> str:
        return " ".join(t if t.lower() in PARTICLES or not t else self.given(t, surname, pid, sex) for t in names.split(" "))


def _field(span: Any, key: str) -> Any:
    return span[key] if isinstance(span, Mapping) else getattr(span, key)


def pseudonymize(text: str, spans: Iterable[Any], patient_id: str | None, surrogator: Surrogator) -> tuple[str, list[Replacement]]:
    """Replace every span (PHISpan or dict with start/end/type) with its surrogate.

    Returns the new text and the surrogate key entries, in input coordinates. Overlapping spans are skipped after the first.
    """
    out: list[str] = []
    replacements: list[Replacement] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (_field(s, "start"), -_field(s, "end"))):
        start, end, typ = _field(span, "start"), _field(span, "end"), _field(span, "type")
        if start < pos:
            continue
        original = text[start:end]
        sur = surrogator.surrogate(typ, original, patient_id, context=text[max(0, start - 40) : start])
        out += [text[pos:start], sur]
        replacements.append(Replacement(start, end, typ, original, sur))
        pos = end
    out.append(text[pos:])
    return "".join(out), replacements
