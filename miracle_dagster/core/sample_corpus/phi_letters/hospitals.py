"""Who writes the letter: hospital names over several lines, departments, heads of department and web domains.

A letterhead is where real letters put their longest ``ORGANIZATION`` spans (a name, an affiliation, a university over
three lines), so the names come in the spellings of Germany, Austria and Switzerland and around invented towns.
"""

from __future__ import annotations

import random

from faker import Faker

from miracle_dagster.core.sample_corpus.formatting import ascii_slug
from miracle_dagster.core.sample_corpus.phi_letters.values import SAINTS, invented_place, saint_place

_CHAINS = ("ARCOS", "Helvita", "Mediclin", "Sanaris", "Vivantes", "Asklepia", "Paracel", "Ameos", "Salus", "Regiomed", "Lukas")
_UNI_PEOPLE = ("Otto-Waalkes", "Heinz-Erhardt", "Loriot", "Karl-Valentin", "Gottfried-Benn", "Hedwig-Dohm", "Bertha-Benz", "Paula-Modersohn")
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "cardiology": ("Klinik für Kardiologie", "Medizinische Klinik II – Kardiologie", "Abteilung für Innere Medizin und Kardiologie",
                   "Universitätsklinik für Innere Medizin III – Kardiologie", "Herzzentrum"),
    "internal_medicine": ("Klinik für Innere Medizin", "II. Medizinische Abteilung", "Abteilung für Innere Medizin", "Medizinische Klinik",
                          "Zentrum für Innere Medizin", "Klinik für Gastroenterologie und Hepatologie"),
    "oncology": ("Klinik für Onkologie", "KLINIK FÜR ONKOLOGIE", "Abteilung für Hämatologie und Onkologie", "Onkologisches Zentrum",
                 "Universitätsklinik für Innere Medizin V – Hämatologie und Onkologie"),
    "neurology": ("Klinik für Neurologie", "Abteilung für Neurologie", "Neurologische Klinik mit Stroke Unit", "Universitätsklinik für Neurologie"),
    "surgery": ("Klinik für Allgemein- und Viszeralchirurgie", "Chirurgische Abteilung", "Abteilung für Chirurgie", "Klinik für Unfallchirurgie",
                "Universitätsklinik für Viszeral-, Transplantations- und Thoraxchirurgie"),
}
HEADS = ("Klinikvorstand: o.Univ. Prof. Dr. ", "Ärztlicher Direktor: Univ.-Prof. Dr. med. ", "Chefarzt: Prof. Dr. med. ", "Chefärztin: Dr. med. ",
         "Vorstand: Prim. Dr. ", "Direktor: Prof. Dr. ", "Leitung: PD Dr. med. ", "Primaria: Dr. ", "Chefarzt Dr. med. ", "Vostand: PD Dr. ",
         "Direktorin: Univ.-Prof. Dr. ", "Chefarzt: Dr. med. ")
_FAMOUS = ("{chain}-KLINIK {P}", "Diakonissenkrankenhaus {p}", "Krankenhaus der Samariter {p}", "Spital der barmherzigen Schwestern {sp}",
           "UNIKLINIK {P}", "Städt. Klinikum {p}", "Landesnervenklinik der Medizinischen Hochschule {p}")
_COMMON = ("{chain}-Klinik {p}", "Krankenhaus der Samariter {p}", "Städt. Klinikum {p}", "Klinikum {p}", "Universitätsklinikum {p}",
           "Rehabilitationskrankenhaus {sp}", "Evangelisches Krankenhaus {p}", "Landesnervenklinik der Medizinischen Hochschule {p}")
_OWN = {
    "DE": ("Diakonissenkrankenhaus {p}", "UNIKLINIK {P}", "Kreiskrankenhaus {p}", "Klinikum {p}-{nord}", "St.-{s}-Hospital {p}",
           "Marienhospital {p}", "Bezirkskrankenhaus {p}", "Städtisches Krankenhaus {p}", "KH der Diakonissen {p}"),
    "AT": ("LKH {p}", "Landeskrankenhaus {p}", "Landesklinikum {p}", "Spital der barmherzigen Schwestern {sp}", "Krankenhaus der Barmherzigen Brüder {p}",
           "Ordensklinikum {p}", "Allgemeines Krankenhaus {p}", "Krankenanstaltenverbund {p}", "Sanatorium {p}"),
    "CH": ("Kantonsspital {p}", "Spital {p}", "Universitätsspital {p}", "Regionalspital {p}", "Stadtspital {p}", "Psychiatrische Klinik {p}",
           "Bürgerspital {p}", "Klinik {s} {p}"),
}


def hospital_lines(rng: random.Random, country: str, place: str, fk: Faker) -> list[str]:
    """The hospital's name over 1-3 lines (``ARCOS-KLINIK FLENSBURG / Akademisches Lehrkrankenhaus / der ...``)."""
    sp = saint_place(rng)
    own = _OWN[country]
    tpl = rng.choice(own + own + _COMMON + _FAMOUS)
    name = tpl.format(chain=rng.choice(_CHAINS), p=place, P=place.upper(), sp=sp, s=rng.choice(SAINTS),
                      nord=rng.choice(("Nord", "Süd", "Mitte", "West")))
    lines = [name]
    if rng.random() < 0.35:
        uni = invented_place(rng) if rng.random() < 0.6 else fk.city()
        aff = rng.choice((("Akademisches Lehrkrankenhaus", f"der {rng.choice(_UNI_PEOPLE)}-Universität {uni}"),
                          (f"Lehrkrankenhaus der Medizinischen Universität {uni}",),
                          (f"Akademisches Lehrkrankenhaus der Universität {uni}",),
                          ("Akademisches Lehrkrankenhaus", f"der Medizinischen Hochschule {uni}")))
        lines += list(aff)
    if rng.random() < 0.3:
        lines[0] = lines[0].upper()
    return lines


def web_domain(hosp: list[str], place: str, country: str) -> str:
    """The hospital's domain for its mail and web addresses (``diakonissenkrankenhaus-opfing.de``)."""
    tld = {"DE": "de", "AT": "at", "CH": "ch"}[country]
    return ascii_slug(hosp[0].split(" ")[0] + "-" + place)[:28].strip("-") + "." + tld
