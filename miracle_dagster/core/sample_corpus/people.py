"""People, organisations and identifiers: hospital world, departments, staff, family doctors, phone formats."""

from __future__ import annotations

import random
from typing import Any

from faker import Faker

from miracle_dagster.core.sample_corpus.formatting import ascii_slug

# departments, specialty names, insurers and relatives' relations
_DEPTS: dict[str, tuple[str, ...]] = {
    "radiology": ("Institut für Diagnostische und Interventionelle Radiologie", "Klinik für Radiologie und Nuklearmedizin", "Zentrum für Radiologie"),
    "pathology": ("Institut für Pathologie", "Institut für Pathologie und Molekularpathologie", "Institut für Allgemeine Pathologie und Pathologische Anatomie"),
    "internal_medicine": ("Medizinische Klinik I – Gastroenterologie, Hepatologie und Infektiologie", "Klinik für Innere Medizin", "Medizinische Klinik II – Nephrologie und Allgemeine Innere Medizin"),
    "surgery": ("Klinik für Allgemein-, Viszeral- und Gefäßchirurgie", "Chirurgische Klinik", "Klinik für Allgemein- und Viszeralchirurgie"),
    "trauma": ("Klinik für Unfallchirurgie und Orthopädie", "Klinik für Orthopädie und Unfallchirurgie"),
    "cardiology": ("Klinik für Kardiologie und Angiologie", "Medizinische Klinik III – Kardiologie und internistische Intensivmedizin", "Herzzentrum – Klinik für Kardiologie"),
    "oncology": ("Klinik für Hämatologie und Internistische Onkologie", "Medizinische Klinik V – Onkologie und Palliativmedizin", "Onkologisches Zentrum"),
    "neurology": ("Klinik für Neurologie", "Neurologische Klinik mit Stroke Unit", "Klinik für Neurologie und Neurophysiologie"),
    "anesthesia": ("Klinik für Anästhesiologie und Intensivmedizin",),
}
_SPECIALTY_DE = {
    "radiology": "Radiologie", "pathology": "Pathologie", "internal_medicine": "Innere Medizin", "surgery": "Chirurgie",
    "cardiology": "Kardiologie", "oncology": "Onkologie", "neurology": "Neurologie", "urology": "Urologie", "gynecology": "Gynäkologie",
    "dermatology": "Dermatologie", "psychiatry": "Psychiatrie und Psychotherapie", "pediatrics": "Kinder- und Jugendmedizin",
    "orthopedics": "Orthopädie", "emergency_medicine": "Notfallmedizin", "geriatrics": "Geriatrie", "nephrology": "Nephrologie",
}
INSURERS = ("AOK", "Techniker Krankenkasse", "BARMER", "DAK-Gesundheit", "IKK classic", "KKH", "hkk", "Knappschaft", "BKK", "privat versichert")
# relation -> (nominative, dative/accusative); order: partner, child, child, partner, other
RELATIONS = {
    "m": (("Ehemann", "Ehemann"), ("Sohn", "Sohn"), ("Bruder", "Bruder"), ("Lebensgefährte", "Lebensgefährten"), ("Neffe", "Neffen")),
    "f": (("Ehefrau", "Ehefrau"), ("Tochter", "Tochter"), ("Schwester", "Schwester"), ("Lebensgefährtin", "Lebensgefährtin"), ("Nichte", "Nichte")),
}


_SAINTS = ("Marien", "Josef", "Elisabeth", "Vinzenz", "Antonius", "Franziskus", "Martin", "Georg", "Anna", "Hedwig", "Johannes", "Barbara")
MAIL_DOMAINS = ("web.de", "gmx.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de", "outlook.de")


def house_number(rng: random.Random) -> str:
    n = str(rng.choice((rng.randint(1, 30), rng.randint(1, 150))))
    r = rng.random()
    if r < 0.08:
        n += rng.choice("abc")
    elif r < 0.1:
        n += f"-{int(n) + rng.randint(1, 4)}"
    return n


def postcode(fk: Faker, rng: random.Random) -> str:
    pc = fk.postcode()
    if pc.startswith("00") or not pc.isdigit() or len(pc) != 5:
        pc = f"{rng.randint(1067, 99998):05d}"
    return pc


def area_code(rng: random.Random) -> str:
    return "0" + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((1, 2, 2, 3))))


def fmt_phone(rng: random.Random, area: str, number: str, ext: str | None = None) -> str:
    style = rng.randint(0, 4)
    if style == 4:
        return f"{area} {number} {ext}" if ext is not None else f"{area}-{number}"
    phone = (f"{area} {number}", f"({area}) {number}", f"{area}/{number}", f"+49 {area[1:]} {number}")[style]
    return phone if ext is None else f"{phone}-{ext}"


def mobile(rng: random.Random) -> str:
    pre = rng.choice(("0151", "0152", "0160", "0170", "0171", "0172", "0175", "0176", "0157", "0162"))
    num = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((7, 8))))
    style = rng.randint(0, 3)
    if style == 0:
        return f"{pre} {num}"
    if style == 1:
        return f"{pre}/{num}"
    if style == 2:
        return f"+49 {pre[1:]} {num}"
    return f"{pre}-{num[:3]} {num[3:]}"


def digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def make_person(fk: Faker, rng: random.Random, sex: str | None = None, last: str | None = None) -> dict[str, str]:
    sex = sex or rng.choice("mf")
    first = fk.first_name_male() if sex == "m" else fk.first_name_female()
    return {"first": first, "last": last or fk.last_name(), "sex": sex}


class World:
    """Hospital, departments, staff pools, family doctors, external hospitals. Built once per corpus."""

    def __init__(self, fk: Faker, rng: random.Random, n_patients: int) -> None:
        self.fk = fk
        self.rng = rng
        city = fk.city()
        kind = rng.choice(("Universitätsklinikum {c}", "Klinikum {c}", "St.-{s}-Krankenhaus {c}", "Klinikum {c}-Mitte", "Universitätsmedizin {c}"))
        saint = rng.choice(_SAINTS)
        self.hospital = kind.format(c=city, s=saint)
        short = {"Universitätsklinikum": "UK", "Universitätsmedizin": "UM"}
        first_word = self.hospital.split(" ")[0]
        self.hospital_short = self.hospital.replace(first_word, short[first_word], 1) if first_word in short else self.hospital
        self.city = city
        self.domain = ("uk-" if first_word.startswith("Universität") else "klinikum-") + ascii_slug(city) + ".de"
        self.street = f"{fk.street_name()} {house_number(rng)}"
        self.postal = postcode(fk, rng)
        self.area = area_code(rng)
        self.pre = str(rng.randint(20, 999))
        self.ext_orgs = [
            rng.choice(("Klinikum {c}", "Kreiskrankenhaus {c}", "St.-{s}-Hospital {c}", "Krankenhaus {c}-Nord", "Marienkrankenhaus {c}",
                        "Krankenhaus Bethanien {c}", "St.-{s}-Krankenhaus {c}", "Klinikum {c}-Süd")).format(c=fk.city(), s=rng.choice(_SAINTS))
            for _ in range(8)
        ]
        self.rehas = [
            rng.choice(("Rehaklinik {c}", "Klinik Sonnenhof {c}", "Fachklinik für Rehabilitation {c}", "Kurklinik am Park {c}", "Reha-Klinik Bergblick {c}",
                        "Klinik am See {c}")).format(c=fk.city())
            for _ in range(5)
        ]
        self.staff: dict[str, dict[str, Any]] = {}
        self.gps = [self._gp() for _ in range(max(12, min(600, n_patients // 15)))]

    def _gp(self) -> dict[str, Any]:
        fk, rng = self.fk, self.rng
        p = make_person(fk, rng)
        p["title"] = rng.choice(("Dr. med.", "Dr. med.", "Dr. med.", "", "Dipl.-Med."))
        p["practice"] = rng.choice(("Praxis für Allgemeinmedizin", "Hausarztpraxis", "Gemeinschaftspraxis für Innere Medizin und Allgemeinmedizin",
                                    "Facharzt für Innere Medizin", "Hausärztliche Gemeinschaftspraxis", "MVZ Allgemeinmedizin"))
        p["street"] = f"{fk.street_name()} {house_number(rng)}"
        p["postal_city"] = f"{postcode(fk, rng)} {fk.city()}"
        area = area_code(rng)
        num = digits(rng, rng.choice((5, 6, 7)))
        p["phone"] = fmt_phone(rng, area, num)
        p["fax"] = fmt_phone(rng, area, num[:-1] + str((int(num[-1]) + 1) % 10))
        return p

    def dept(self, key: str) -> dict[str, Any]:
        d = self.staff.get(key)
        if d is not None:
            return d
        fk, rng = self.fk, self.rng
        name = rng.choice(_DEPTS.get(key) or (f"Klinik für {_SPECIALTY_DE.get(key, key.replace('_', ' ').title())}",))
        chief = make_person(fk, rng)
        chief["title"] = rng.choice(("Prof. Dr. med.", "Prof. Dr. med.", "PD Dr. med.", "Dr. med."))
        seniors = []
        for _ in range(rng.randint(2, 4)):
            p = make_person(fk, rng)
            p["title"] = rng.choice(("Dr. med.", "Dr. med.", "PD Dr. med.", ""))
            seniors.append(p)
        juniors = []
        for _ in range(rng.randint(3, 6)):
            p = make_person(fk, rng)
            p["title"] = rng.choice(("", "", "Dr. med.", "Dr."))
            juniors.append(p)
        nurses = [make_person(fk, rng) | {"title": ""} for _ in range(3)]
        slug = {"radiology": "radiologie", "pathology": "pathologie", "internal_medicine": "innere", "surgery": "chirurgie", "trauma": "unfallchirurgie",
                "cardiology": "kardiologie", "oncology": "onkologie", "neurology": "neurologie", "anesthesia": "anaesthesie"}.get(key, ascii_slug(key))
        wards = [f"Station {rng.choice(('', 'K', 'C', 'N', 'M'))}{rng.randint(1, 9)}{rng.choice(('', 'A', 'B', 'B', 'C'))}" for _ in range(3)]
        ext = str(rng.randint(1000, 9899))
        d = {"key": key, "name": name, "chief": chief, "seniors": seniors, "juniors": juniors, "nurses": nurses, "wards": wards,
             "phone_ext": ext, "fax_ext": str(int(ext) + rng.randint(1, 90)), "email": f"{rng.choice(('sekretariat.', '', 'info.', ''))}{slug}@{self.domain}"}
        self.staff[key] = d
        return d


# --------------------------------------------------------------------------------------------------
# Staff roles and name forms
# --------------------------------------------------------------------------------------------------

_ROLES = {
    "chief": ("Chefarzt", "Chefärztin"), "senior": ("Oberarzt", "Oberärztin"), "lsenior": ("Leitender Oberarzt", "Leitende Oberärztin"),
    "junior": ("Assistenzarzt", "Assistenzärztin"), "specialist": ("Facharzt", "Fachärztin"), "director": ("Direktor", "Direktorin"),
}


def role_title(role: str, person: dict[str, Any]) -> str:
    m, f = _ROLES[role]
    return m if person["sex"] == "m" else f


def name_form(p: dict[str, Any], rng: random.Random, allow_reversed: bool = True) -> str:
    r = rng.random()
    if r < 0.55:
        return f"{p['first']} {p['last']}"
    if r < 0.75:
        return f"{p['first'][0]}. {p['last']}"
    if r < 0.9 or not allow_reversed:
        return p["last"]
    return f"{p['last']}, {p['first']}"
