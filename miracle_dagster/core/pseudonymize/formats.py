"""Format-keeping surrogates for identifiers, addresses, organisations and e-mail, built from the keyed person and
place surrogates of :class:`~.surrogates.Surrogator` so they stay coherent.

"P7122202" and "7122202" share their digits; "St.-Elisabeth-Krankenhaus Duderstadt" keeps its kind and gets the
surrogate of its place, the same place that replaces "Duderstadt" in the address and in "klinikum-duderstadt.de";
"anna.schmidt@web.de" becomes the surrogate person's address.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from miracle_dagster.core.pseudonymize.masterlist import fold
from miracle_dagster.core.pseudonymize.vocab import FIRST_NAMES

if TYPE_CHECKING:
    from miracle_dagster.core.pseudonymize.surrogates import Surrogator

_SAINTS = ("Marien", "Josef", "Elisabeth", "Vinzenz", "Antonius", "Franziskus", "Martin", "Georg", "Anna", "Hedwig",
           "Johannes", "Barbara", "Lukas", "Katharinen", "Paulus", "Bernhard", "Clemens", "Agnes", "Christophorus")
_WARD = re.compile(r"^(Station|STATION|Stat\.|Intensivstation|IMC|Wachstation)( +)(.+)$")
_PRACTICE = re.compile(r"^((?:Gemeinschafts)?[Pp]raxis(?: (?:Dr\.|Prof\.|med\.))+ )(.+)$")
_SAINT = re.compile(r"^(St\.-|ST\.-)([^-]+)(-\S+)(.*)$")
_HEAD = re.compile(r"^(\S+(?: für \S+)?)( +)(.+?)(-(?:Mitte|Nord|Süd|Ost|West|MITTE|NORD|SÜD|OST|WEST))?$")
FREEMAIL = frozenset({"web.de", "gmx.de", "gmx.net", "t-online.de", "gmail.com", "googlemail.com", "posteo.de", "freenet.de",
                      "outlook.de", "outlook.com", "hotmail.de", "hotmail.com", "yahoo.de", "yahoo.com", "icloud.com", "mail.de", "aol.com"})
# parts of mailbox and domain names that say what an address is, not whose
_GENERIC = frozenset({"info", "sekretariat", "kontakt", "praxis", "post", "mail", "office", "verwaltung", "station", "ambulanz",
                      "zentrale", "aufnahme", "labor", "radiologie", "pathologie", "chirurgie", "innere", "kardiologie", "onkologie",
                      "neurologie", "unfallchirurgie", "anaesthesie", "urologie", "klinikum", "klinik", "kliniken", "uk", "uni",
                      "uniklinik", "kh", "krankenhaus", "med", "mvz", "hospital", "reha", "st", "de", "com", "net", "org"})


def shape(sg: Surrogator, original: str, pid: str, typ: str) -> str:
    """Digits->digits, letters->letters, separators and length kept; every digit or letter run is keyed on its own
    (so a number with and without its letter prefix stays one number); "+49" and a leading 0 stay."""
    def run(m: re.Match[str]) -> str:
        s = m.group()
        if s == "+49":
            return s
        keep = 1 if s.startswith("0") and len(s) > 2 else 0
        for attempt in range(20):
            h = sg.digest(pid, typ, s, str(attempt))
            if s.isdigit():
                new = s[:keep] + "".join(str(h[i] % 10) for i in range(keep, len(s)))
                new = str(1 + h[0] % 9) + new[1:] if s[0] != "0" and new[0] == "0" else new
            else:
                new = "".join(chr((65 if c.isupper() else 97) + h[i % 32] % 26) for i, c in enumerate(s))
            if new != s:
                break
        return new
    return re.sub(r"\+49|\d+|[A-Za-z]+", run, original)


def street_surrogate(sg: Surrogator, original: str, pid: str) -> str:
    m = re.match(r"^(.*?\D)\s*(\d.*)$", original)
    name, number = (m.group(1), m.group(2)) if m else (original, "")
    number = re.sub(r"\d+", lambda d: shape(sg, d.group(), pid, "STREET"), number)  # "12a" -> "47a"
    streets = (sg.faker(pid, "STREET", fold(name), str(i)).street_name() for i in range(20))
    street = next((s for s in streets if not sg.is_reserved(s)), "Hauptstraße")  # Faker streets embed person names
    return f"{street} {number}".strip()


def postal_city_surrogate(sg: Surrogator, original: str, pid: str) -> str:
    """"45147 Essen" -> keyed postcode + the city's surrogate; a city alone -> the same city surrogate."""
    m = re.match(r"^((?:D-)?)(\d{5})([ \t]+)(.+)$", original)
    if not m:
        return sg.city(original, pid)
    return f"{m.group(1)}{sg.faker(pid, 'POSTCODE', m.group(2)).postcode()}{m.group(3)}{sg.city(m.group(4), pid)}"


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(s))


def org_surrogate(sg: Surrogator, original: str, pid: str) -> str:
    """Ward codes keep their shape; a practice keeps "Praxis Dr." and gets a surrogate surname; a hospital keeps its
    kind word and gets a surrogate place (and saint)."""
    if m := _WARD.match(original):
        return m.group(1) + m.group(2) + shape(sg, m.group(3), pid, "WARD")
    if m := _PRACTICE.match(original):
        return m.group(1) + sg.name(m.group(2), pid)
    if m := _SAINT.match(original):
        saint = sg.pick(_SAINTS, m.group(2), pid, "SAINT", fold(m.group(2)))
        rest = m.group(4)
        place = rest[: len(rest) - len(rest.lstrip())] + sg.city(rest.strip(), pid) if rest.strip() else ""
        return m.group(1) + (saint.upper() if m.group(2).isupper() else saint) + m.group(3) + place
    if m := _HEAD.match(original):
        return m.group(1) + m.group(2) + sg.city(m.group(3), pid) + (m.group(4) or "")
    return f"Klinikum {sg.city(original, pid)}"


def email_surrogate(sg: Surrogator, original: str, pid: str) -> str:
    """Mailbox words that are names become the surrogate names ("lisa.knappe" as "Lisa Knappe" would); generic words
    stay; a free-mail domain stays, any other domain's words become surrogate places."""
    local, _, domain = original.partition("@")
    words = [w for w in re.split(r"[._\-+]", local) if w.isalpha()]
    surname = next((w for w in reversed(words) if fold(w) not in _GENERIC and w.lower() not in FIRST_NAMES), "")

    def local_word(m: re.Match[str]) -> str:
        w = m.group()
        if w.isdigit():
            return shape(sg, w, pid, "EMAIL")
        if fold(w) in _GENERIC:
            return w
        if len(w) == 1:  # "a.schmidt": the initial of the surrogate given name
            return _slug(sg.given(w.upper() + ".", surname.capitalize(), pid, None))
        if w.lower() in FIRST_NAMES and w.lower() != surname.lower():
            return _slug(sg.given(w.capitalize(), surname.capitalize(), pid, None))
        return _slug(sg.surname(w.capitalize(), pid))

    new_local = re.sub(r"[A-Za-zÄÖÜäöüß]+|\d+", local_word, local)
    if domain.lower() in FREEMAIL:
        return f"{new_local}@{domain}"
    labels = domain.split(".")
    head = [re.sub(r"[A-Za-zÄÖÜäöüß]+", lambda m: m.group() if fold(m.group()) in _GENERIC else _slug(sg.city(m.group().capitalize(), pid)), lab)
            for lab in labels[:-1]]
    return f"{new_local}@{'.'.join(head + labels[-1:])}"
