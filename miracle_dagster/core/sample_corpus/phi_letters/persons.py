"""The people in a letter: names from seeded Fakers of the three countries and of the countries staff and patients come
from, with the titles and roles German, Austrian and Swiss letters put around a doctor's name."""

from __future__ import annotations

import random
from typing import Any

from faker import Faker

LOCALES = {"DE": "de_DE", "AT": "de_AT", "CH": "de_CH"}
FOREIGN_LOCALES = ("ro_RO", "pl_PL", "tr_TR", "hr_HR", "es_ES", "fr_FR", "it_IT", "cs_CZ", "hu_HU", "pt_PT")
_ROLES = {
    "m": (
        "Oberarzt",
        "Oberarzt",
        "Facharzt für Innere Medizin",
        "Assistenzarzt",
        "Stationsarzt",
        "Leitender Oberarzt",
        "Chefarzt",
        "Arzt in Ausbildung",
    ),
    "f": (
        "Oberärztin",
        "Oberärztin",
        "Fachärztin für Innere Medizin",
        "Assistenzärztin",
        "Stationsärztin",
        "Leitende Oberärztin",
        "Chefärztin",
        "Ärztin in Ausbildung",
    ),
}
ROLE_SHORT = {
    "m": ("OA", "OA", "Hr. OA", "Ass.-Arzt", "FA", "Prim.", "CA"),
    "f": ("OÄ", "OÄ", "Fr. OÄ", "Ass.-Ärztin", "FÄ", "Primaria", "CÄ"),
}
_TITLES = {
    "DE": (
        "Dr. med.",
        "Dr. med.",
        "Dr.",
        "Dr.med.",
        "Prof. Dr. med.",
        "PD Dr. med.",
        "Priv.-Doz. Dr.",
        "Dr  med.",
        "Dipl.-Med.",
        "Prof. Dr.",
        "",
    ),
    "AT": (
        "Dr.",
        "Dr.",
        "OA Dr.",
        "Prim. Dr.",
        "Univ.-Prof. Dr.",
        "o.Univ. Prof. Dr.",
        "Ao. Univ.-Prof. Dr.",
        "Ass.Dr.",
        "Dr. med. univ.",
        "Priv. Doz.",
        "OA Dr. med.",
        "Prim. Univ.-Doz. Dr.",
        "Dr.med.",
    ),
    "CH": ("Dr. med.", "Dr. med.", "Prof. Dr. med.", "PD Dr. med.", "med. pract.", "dipl. Ärztin", "Dr. med. FMH", "Dr."),
}

_FAKERS: dict[str, Faker] = {}


def faker(locale: str, rng: random.Random) -> Faker:
    """One Faker per locale, built once (~60 ms each) and reseeded from ``rng`` at every use: deterministic and cheap."""
    fk = _FAKERS.get(locale)
    if fk is None:
        fk = _FAKERS[locale] = Faker(locale)
    fk.seed_instance(rng.randrange(2**32))
    return fk


def person(fk: Faker, rng: random.Random, sex: str | None = None, last: str | None = None) -> dict[str, str]:
    sex = sex or rng.choice("mf")
    first = fk.first_name_male() if sex == "m" else fk.first_name_female()
    if last is None:
        last = fk.last_name()
        r = rng.random()
        if r < 0.06:
            last = f"{last}-{fk.last_name()}"
        elif r < 0.09:
            last = f"{rng.choice(('von', 'de', 'van der', 'zu'))} {last}"
    return {"first": first, "last": last, "sex": sex}


def initial(first: str, rng: random.Random) -> str:
    if "-" in first:
        return "-".join(p[0] + "." for p in first.split("-") if p)
    if first[:2] in ("Ch", "Th", "St", "Ph") and rng.random() < 0.5:
        return first[:2] + "."
    return first[0] + "."


def staff_person(rng: random.Random, country: str, chief: bool = False, gp: bool = False) -> dict[str, Any]:
    """A doctor of the hospital (the head of department with ``chief``) or a general practitioner (``gp``), with a title
    and a role; one in seven has a foreign name and, from Spain, Portugal or Czechia, that country's title."""
    foreign = rng.random() < 0.15
    loc = rng.choice(FOREIGN_LOCALES) if foreign else LOCALES[country]
    p: dict[str, Any] = person(faker(loc, rng), rng)
    if loc in ("es_ES", "pt_PT") and p["sex"] == "f" and rng.random() < 0.8:
        p["title"] = "Dra."
    elif loc in ("cs_CZ",) and rng.random() < 0.6:
        p["title"] = "MUDr."
    elif chief:
        p["title"] = rng.choice(("Prof. Dr. med.", "Univ.-Prof. Dr.", "Prim. Dr." if country == "AT" else "PD Dr. med.", "Dr. med."))
    elif gp:
        p["title"] = rng.choice(("Dr. med.", "Dr.", "Dr. med.", "Dipl.-Med.", "med. pract." if country == "CH" else "Dr.med.", ""))
    else:
        p["title"] = rng.choice(_TITLES[country])
    p["role"] = (
        rng.choice(_ROLES[p["sex"]])
        if not chief
        else rng.choice(
            ("Chefarzt", "Direktor", "Primar", "Klinikvorstand")
            if p["sex"] == "m"
            else ("Chefärztin", "Direktorin", "Primaria", "Klinikvorständin")
        )
    )
    return p
