"""Format-keeping surrogates for identifiers, addresses, organisations and e-mail, built from the keyed person and
place surrogates of :class:`~.surrogates.Surrogator` so they stay coherent.

"P7122202" and "7122202" share their digits; "St.-Elisabeth-Krankenhaus Duderstadt" keeps its kind and gets the
surrogate of its place, the same place that replaces "Duderstadt" in the address and in "klinikum-duderstadt.de";
"anna.schmidt@web.de" becomes the surrogate person's address. Austrian and Swiss shapes stay: "+43(0)333 775-8447"
keeps "+43(0)", "A-2236 Opfing" keeps "A-" and gets a 4-digit code, "Diakonissenkrankenhaus Berlin" becomes
"Krankenhaus <place>" (the operator's name identifies the house; the kind word alone does not).

Long because most of it is data: the shapes (prefixes, separators, kind words) each surrogate keeps.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from miracle_dagster.core.pseudonymize.masterlist import fold
from miracle_dagster.core.pseudonymize.places import COUNTRIES
from miracle_dagster.core.pseudonymize.vocab import FIRST_NAMES

if TYPE_CHECKING:
    from miracle_dagster.core.pseudonymize.surrogates import Surrogator

_SAINTS = (
    "Marien",
    "Josef",
    "Elisabeth",
    "Vinzenz",
    "Antonius",
    "Franziskus",
    "Martin",
    "Georg",
    "Anna",
    "Hedwig",
    "Johannes",
    "Barbara",
    "Lukas",
    "Katharinen",
    "Paulus",
    "Bernhard",
    "Clemens",
    "Agnes",
    "Christophorus",
)
_WARD = re.compile(
    r"^((?:Station|STATION|Stat\.|Intensivstation|Normalstation|Wachstation|Intensiv|IMC|ICU|ITS|Ambulanz|Tagesklinik)"
    r"(?::[ \t]*| +))(.+)$"
)
_CODE = re.compile(r"^(?:[A-Z]{1,5}[ \-]?)?\d{1,4}[A-Za-z]?$")  # a bare ward or room code: "A33", "KJPP-2", "PSY13", "119"
_ROMAN = ("I", "II", "III", "IV", "V", "VI")
# kind words of houses, longest first; a compound keeps a generic prefix ("Universitätsklinik") and drops any other
# ("Diakonissenkrankenhaus" -> "Krankenhaus")
_KINDS = (
    "universitätsklinikum",
    "universitätsmedizin",
    "universitätsspital",
    "krankenanstalt",
    "krankenhaus",
    "sanatorium",
    "universität",
    "hochschule",
    "klinikum",
    "kliniken",
    "hospital",
    "lazarett",
    "spital",
    "klinik",
    "zentrum",
    "stift",
)
_GENERIC_PREFIX = (
    "universitäts",
    "uni",
    "kreis",
    "stadt",
    "städt",
    "landes",
    "bezirks",
    "kantons",
    "regional",
    "fach",
    "reha",
    "lehr",
    "kinder",
    "frauen",
    "akut",
    "kur",
    "privat",
    "tages",
    "zentral",
    "haupt",
    "lungen",
    "herz",
    "augen",
    "haut",
    "nerven",
    "psychiatrie",
    "bundeswehr",
    "beleg",
    "poli",
    "rehabilitations",
    "schwerpunkt",
    "versorgungs",
)
_GENERIC_LEAD = ("evangelisch", "katholisch", "städt", "allgemein", "akademisch", "medizinisch", "technisch", "freie", "öffentlich")
_GENERIC_ABBR = frozenset({"KH", "UK", "UM", "LKH", "KKH", "BKH", "SKH"})
_PARTICLES = frozenset({"am", "im", "an", "der", "in", "ob", "bei", "vorm", "vor"})
_PLACE_PREFIX = frozenset({"Bad", "St.", "Sankt", "BAD", "ST."})
_PRACTICE = re.compile(r"^((?:Gemeinschafts)?[Pp]raxis(?: (?:Dr\.|Prof\.|med\.))+ )(.+)$")
_SAINT = re.compile(r"^(St\.-|ST\.-)([^-]+)(-\S+)(.*)$")
_HEAD = re.compile(r"^(\S+(?: für \S+)?)( +)(.+?)(-(?:Mitte|Nord|Süd|Ost|West|MITTE|NORD|SÜD|OST|WEST))?$")
FREEMAIL = frozenset(
    {
        "web.de",
        "gmx.de",
        "gmx.net",
        "t-online.de",
        "gmail.com",
        "googlemail.com",
        "posteo.de",
        "freenet.de",
        "outlook.de",
        "outlook.com",
        "hotmail.de",
        "hotmail.com",
        "yahoo.de",
        "yahoo.com",
        "icloud.com",
        "mail.de",
        "aol.com",
    }
)
# parts of mailbox and domain names that say what an address is, not whose
_GENERIC = frozenset(
    {
        "info",
        "sekretariat",
        "kontakt",
        "praxis",
        "post",
        "mail",
        "office",
        "verwaltung",
        "station",
        "ambulanz",
        "zentrale",
        "aufnahme",
        "labor",
        "radiologie",
        "pathologie",
        "chirurgie",
        "innere",
        "kardiologie",
        "onkologie",
        "neurologie",
        "unfallchirurgie",
        "anaesthesie",
        "urologie",
        "klinikum",
        "klinik",
        "kliniken",
        "uk",
        "uni",
        "uniklinik",
        "kh",
        "krankenhaus",
        "med",
        "mvz",
        "hospital",
        "reha",
        "st",
        "de",
        "com",
        "net",
        "org",
    }
)


def shape(sg: Surrogator, original: str, pid: str, typ: str) -> str:
    """Digits->digits, letters->letters, separators and length kept; every digit or letter run is keyed on its own
    (so a number with and without its letter prefix stays one number); a country prefix ("+49", "+43", "0041"), "(0)"
    and a leading 0 stay."""

    def run(m: re.Match[str]) -> str:
        s = m.group()
        if s.startswith("+") or s == "(0)" or (s.startswith("00") and m.group("cc")):
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

    return re.sub(r"\+(?:49|43|41|\d{1,3}(?=[ \-(]))|00(?P<cc>49|43|41)(?=[ \-(])|\(0\)|\d+|[A-Za-z]+", run, original)


def street_surrogate(sg: Surrogator, original: str, pid: str) -> str:
    m = re.match(r"^(.*?\D)\s*(\d.*)$", original)
    name, number = (m.group(1), m.group(2)) if m else (original, "")
    number = re.sub(r"\d+", lambda d: shape(sg, d.group(), pid, "STREET"), number)  # "12a" -> "47a"
    streets = (sg.faker(pid, "STREET", fold(name), str(i)).street_name() for i in range(20))
    street = next((s for s in streets if not sg.is_reserved(s)), "Hauptstraße")  # Faker streets embed person names
    return f"{street} {number}".strip()


def postal_city_surrogate(sg: Surrogator, original: str, pid: str) -> str:
    """ "45147 Essen" -> keyed postcode + the city's surrogate; "A-2236 Opfing" / "CH-8001 Zürich" keep the country prefix
    and get a keyed 4-digit code; a city alone -> the same city surrogate; a country -> another country."""
    m = re.match(r"^((?:[A-Z]{1,2}-)?)(\d{4,5})(?:([ \t]+)(.+))?$", original)
    if not m:
        if original in COUNTRIES:
            return sg.pick(sorted(COUNTRIES), original, pid, "COUNTRY", fold(original))
        return sg.city(original, pid)
    return m.group(1) + postcode(sg, m.group(2), pid) + (f"{m.group(3)}{sg.city(m.group(4), pid)}" if m.group(4) else "")


def postcode(sg: Surrogator, code: str, pid: str) -> str:
    """A keyed postcode of the same length (German 5 digits, Austrian/Swiss 4), never the original."""
    for attempt in range(20):
        retry = [str(attempt)] if attempt else []  # the first draw keeps the key (and surrogate) of earlier versions
        if len(code) == 5:
            new = sg.faker(pid, "POSTCODE", code, *retry).postcode()
        else:
            new = str(1000 + int.from_bytes(sg.digest(pid, "POSTCODE4", code, *retry)[:8], "big") % 9000)
        if new != code:
            return new
    return new


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(s))


def org_surrogate(sg: Surrogator, original: str, pid: str) -> str:
    """Ward codes keep their shape; a practice keeps "Praxis Dr." and gets a surrogate surname; a hospital keeps its
    kind word and gets a surrogate place (and saint)."""
    if m := _WARD.match(original):
        return m.group(1) + _ward_code(sg, m.group(2), pid)
    if _CODE.match(original) or re.fullmatch(r"[IVX]{1,4}", original):
        return _ward_code(sg, original, pid)
    if m := _PRACTICE.match(original):
        return m.group(1) + sg.name(m.group(2), pid)
    if m := _SAINT.match(original):
        saint = sg.pick(_SAINTS, m.group(2), pid, "SAINT", fold(m.group(2)))
        rest = m.group(4)
        place = rest[: len(rest) - len(rest.lstrip())] + sg.city(rest.strip(), pid) if rest.strip() else ""
        return m.group(1) + (saint.upper() if m.group(2).isupper() else saint) + m.group(3) + place
    if (house := _house(sg, original, pid)) is not None:
        return house
    if m := _HEAD.match(original):
        return m.group(1) + m.group(2) + sg.city(m.group(3), pid) + (m.group(4) or "")
    return f"Klinikum {sg.city(original, pid)}"


def _ward_code(sg: Surrogator, code: str, pid: str) -> str:
    if re.fullmatch(r"[IVX]{1,4}", code):
        return sg.pick(_ROMAN, code, pid, "WARD", code)
    return shape(sg, code, pid, "WARD")


def _kind(token: str) -> str | None:
    low = token.lower()
    return next((k for k in _KINDS for sfx in ("", "s", "es") if low.endswith(k + sfx)), None)


def _house(sg: Surrogator, original: str, pid: str) -> str | None:
    """ "Diakonissenkrankenhaus Berlin" -> "Krankenhaus <place>", "Krankenhaus der Samariter Holzhausen" -> "Krankenhaus
    <place>", "Christian-Drosten-Klinik" -> "<name>-Klinik", "ÖHK Mühlhausen" -> "KH <place>": the kind word stays, names
    of operators and persons go, the place is the surrogate of the original's trailing place (as elsewhere in the text)."""
    tokens = original.split()
    at = next((i for i, t in enumerate(tokens) if _kind(t) or re.fullmatch(r"[A-ZÄÖÜ]{2,4}", t)), None)
    if at is None:
        return None
    head, rest = tokens[at], tokens[at + 1 :]
    kind = _kind(head)
    if kind is None:  # an abbreviation: "KH" stays, a house's own ("ÖHK", "UKE") becomes "KH"
        new_head = head if head in _GENERIC_ABBR else "KH"
    elif "-" in head and _kind(head.rpartition("-")[2]):
        prefix, _, last = head.rpartition("-")
        parts = prefix.split("-")
        generic = all(p.lower().startswith(_GENERIC_PREFIX) for p in parts)
        new_head = head if generic else "-".join(sg.name(" ".join(parts), pid).split(" ")) + "-" + last
    else:
        cut = head.lower().rfind(kind)
        stem, ending = head[:cut], head[cut:]
        new_head = head if not stem or stem.lower().startswith(_GENERIC_PREFIX) else ending[:1].upper() + ending[1:]
    if len(rest) >= 2 and rest[0] == "für":  # "Fachklinik für Rehabilitation Lemgo"
        new_head, rest = f"{new_head} für {rest[1]}", rest[2:]
    compass = ""
    if rest and (m := re.search(r"-(?:Mitte|Nord|Süd|Ost|West|MITTE|NORD|SÜD|OST|WEST)$", rest[-1])):
        compass, rest = m.group(), rest[:-1] + [rest[-1][: m.start()]]
    place = _trailing_place(rest)
    lead = [t for t in tokens[:at] if t.lower().startswith(_GENERIC_LEAD)]  # "Evangelisches" stays, an operator ("Helios") goes
    out = " ".join(p for p in (*lead, new_head, sg.city(place, pid) + compass if place else "") if p)
    return out.upper() if original.isupper() else out


def _trailing_place(rest: list[str]) -> str:
    """The place at the end of a house name: "der barmherzigen Schwestern St. Johann am Bergle" -> "St. Johann am Bergle"."""
    i = len(rest) - 1
    while i > 0:
        if rest[i - 1].lower() in _PARTICLES:  # "Johann am Bergle", "Frankfurt an der Oder"
            j = i - 1
            while j > 0 and rest[j - 1].lower() in _PARTICLES:
                j -= 1
            if j == 0 or not rest[j - 1][:1].isupper():
                break
            i = j - 1
        elif rest[i - 1] in _PLACE_PREFIX or rest[i].startswith("("):
            i -= 1
        else:
            break
    return " ".join(rest[max(i, 0) :])


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
    head = [
        re.sub(
            r"[A-Za-zÄÖÜäöüß]+", lambda m: m.group() if fold(m.group()) in _GENERIC else _slug(sg.city(m.group().capitalize(), pid)), lab
        )
        for lab in labels[:-1]
    ]
    return f"{new_local}@{'.'.join(head + labels[-1:])}"
