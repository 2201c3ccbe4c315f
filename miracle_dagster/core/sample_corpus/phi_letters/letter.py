"""One letter's world (country, hospital, patient, relative, staff, timeline) and the writers every section shares.

A section module (:mod:`.header`, :mod:`.patient`, :mod:`.history`, :mod:`.findings`, :mod:`.signature`) is a set of
functions taking the :class:`Letter`; what several of them write (a name, a date, an address, a ward, a heading) is
written here once, so one PHI value is spelled and typed alike wherever it appears.
"""

from __future__ import annotations

import datetime as _dt
import random
import re
from typing import Any, Callable, Sequence

from miracle_dagster.core.sample_corpus.people import RELATIONS
from miracle_dagster.core.sample_corpus.phi_letters.doc import WARD_TYPE, Doc, close
from miracle_dagster.core.sample_corpus.phi_letters.hospitals import DEPARTMENTS, hospital_lines, web_domain
from miracle_dagster.core.sample_corpus.phi_letters.persons import (
    FOREIGN_LOCALES,
    LOCALES,
    ROLE_SHORT,
    faker,
    initial,
    person,
    staff_person,
)
from miracle_dagster.core.sample_corpus.phi_letters.values import (
    FULL_STYLES,
    HIST_STYLES,
    PART_STYLES,
    SAINTS,
    age_on,
    case_id,
    fmt_date,
    hospital_numbers,
    insurance_id,
    patient_id,
    postal_city,
    private_phone,
    street,
    town,
    ward_code,
)
from miracle_dagster.core.sample_corpus.phrases_common import GENDER, SLOTS
from miracle_dagster.core.sample_corpus.phrases_diagnoses import DX

TOKEN = re.compile(r"\{([^{}]+)\}")


class Letter:
    """One letter: its world and the writers of its PHI, its layout and its filler text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.d = Doc()
        c = self.country = rng.choices(("DE", "AT", "CH"), (0.5, 0.32, 0.18))[0]
        self.at = c == "AT"
        fk = self.fk = faker(LOCALES[c], rng)
        self.year = rng.randint(1996, 2066)
        self.today = _dt.date(self.year, rng.randint(1, 12), rng.randint(1, 28))
        self.dis = self.today - _dt.timedelta(days=rng.choice((0, 1, 2, 3, 5, 7, 14, 21)))
        self.adm = self.dis - _dt.timedelta(days=rng.randint(1, 21))
        age = int(min(97, max(1, rng.gauss(60, 19))))
        self.birth = _dt.date(self.today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        self.age = age_on(self.birth, self.today)
        self.date_style = rng.choice(FULL_STYLES)
        # hospital
        self.place = town(rng, fk)
        self.hosp = hospital_lines(rng, c, self.place, fk)
        self.h_street, self.h_pc = street(rng, fk, c), postal_city(rng, c, self.place)
        self.h_phone, self.h_fax, self.h_dw = hospital_numbers(rng, c)
        self.dx_key = rng.choice(sorted(DX))
        self.dept = rng.choice(DEPARTMENTS[self.dx_key])
        self.domain = web_domain(self.hosp, self.place, c)
        self.chief = staff_person(rng, c, chief=True)
        self.doctors = [staff_person(rng, c) for _ in range(rng.randint(2, 4))]
        self.wards = [ward_code(rng) for _ in range(2)]
        # patient
        pfk = (
            fk
            if rng.random() < 0.72
            else (faker(rng.choice(FOREIGN_LOCALES), rng) if rng.random() < 0.4 else faker(rng.choice(list(LOCALES.values())), rng))
        )
        self.p = person(pfk, rng)
        self.p_street, self.p_pc = street(rng, fk, c), postal_city(rng, c, town(rng, fk))
        self.p_phone = private_phone(rng, c)
        self.ids = {"PATIENT_ID": patient_id(rng), "CASE_ID": case_id(rng, self.year), "INSURANCE_ID": insurance_id(rng, c, self.birth)}
        rsex = rng.choice("mf")
        self.rel = person(fk, rng, rsex, last=self.p["last"] if rng.random() < 0.6 else None)
        self.rel["relation"], self.rel["relation_obl"] = rng.choices(RELATIONS[rsex], (3, 4, 1, 1, 1))[0]  # partners and children most
        self.rel_phone = private_phone(rng, c)
        self.gp = staff_person(rng, c, gp=True)
        self.gp_street, self.gp_pc = street(rng, fk, c), postal_city(rng, c, town(rng, fk))
        dxs = [x for x in DX[self.dx_key] if x.get("sex") in (None, self.p["sex"])]
        self.dx = rng.choice(dxs)
        self.g = dict(GENDER[self.p["sex"]])
        self.g["der_die"] = "der" if self.p["sex"] == "m" else "die"
        self.g["gp_acc"] = "den Hausarzt" if self.gp["sex"] == "m" else "die Hausärztin"
        self.cache: dict[str, str] = {}
        self.g["sym"] = self.fill(rng.choice(self.dx["sym"])) if self.dx["sym"] else "unklaren Beschwerden"

    # -- people ------------------------------------------------------------------------------
    def staff_name(self, p: dict[str, Any], allow_reversed: bool = True, upper_p: float = 0.05) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            s = f"{p['first']} {p['last']}"
        elif r < 0.68:
            s = f"{initial(p['first'], rng)} {p['last']}"
        elif r < 0.86 or not allow_reversed:
            s = p["last"]
        elif r < 0.94:
            s = f"{p['last']} {p['first']}"
        else:
            s = f"{p['last']}, {p['first']}"
        return s.upper() if rng.random() < upper_p else s

    def staff(self, p: dict[str, Any], title: bool = True, role: bool = False, name: str | None = None) -> None:
        d, rng = self.d, self.rng
        if role:
            d.add(rng.choice(ROLE_SHORT[p["sex"]]) + " ")
        if title and p["title"]:
            d.add(p["title"] + " ")
        d.phi(name or self.staff_name(p), "STAFF_NAME")

    def gp_staff(self, title: bool = True) -> None:
        """The general practitioner, never surname first (``Dr. med. Anna Koch``)."""
        self.staff(self.gp, title=title, name=self.staff_name(self.gp, allow_reversed=False))

    def colleague(self, title: bool = True) -> None:
        """One of the ward's doctors by surname (``Dr. Huber``)."""
        doc = self.rng.choice(self.doctors)
        self.staff(doc, title=title, name=doc["last"])

    def drs(self, a: dict[str, Any], b: dict[str, Any], joins: Sequence[str]) -> None:
        """Two doctors as one (``Drs. Leber und Krauth``): two spans."""
        self.d.add("Drs. ")
        self.d.phi(a["last"], "STAFF_NAME")
        self.d.add(self.rng.choice(joins))
        self.d.phi(b["last"], "STAFF_NAME")

    def patient_full(self) -> None:
        p, rng = self.p, self.rng
        first, last = p["first"], p["last"]
        self.d.phi(
            rng.choices(
                (
                    f"{first} {last}",
                    f"{last.upper()}, {first}",
                    f"{last}, {first}",
                    f"{first} {last.upper()}",
                    f"{last} {first}",
                    f"{last.upper()} {first}",
                ),
                (45, 12, 12, 10, 14, 7),
            )[0],
            "PATIENT_NAME",
        )

    def patient_short(self) -> None:
        """The surname, sometimes only its initial (``Frau I.``, ``Pat. M.``) or upper case."""
        r, last = self.rng.random(), self.p["last"]
        self.d.phi(last if r < 0.8 else (last.split(" ")[-1][0] + "." if r < 0.93 else last.upper()), "PATIENT_NAME")

    def mister(self, case: str = "nom") -> str:
        m = self.p["sex"] == "m"
        return self.rng.choice((("Herr" if case == "nom" else "Herrn", "Hr.") if m else ("Frau", "Fr.")))

    def relative(self, case: str = "nom") -> None:
        """``die Tochter Frau Sabine Koch`` / ``dem Ehemann Peter Koch`` / ``der Sohn, Herr Koch,``."""
        d, rng, r = self.d, self.rng, self.rel
        m = r["sex"] == "m"
        art = {"nom": ("der ", "die "), "dat": ("dem ", "der "), "akk": ("den ", "die ")}[case]
        d.add((art[0] if m else art[1]) + (r["relation"] if case == "nom" else r["relation_obl"]) + " ")
        if rng.random() < 0.4:
            d.add(("Herr " if case == "nom" else "Herrn ") if m else "Frau ")
        d.phi(f"{r['first']} {r['last']}" if rng.random() < 0.7 else (r["last"] if rng.random() < 0.7 else r["first"]), "RELATIVE_NAME")

    def age_phrase(self) -> None:
        """``82-jährige Pat.`` / ``55-j. Patient`` / ``49jähr. Pat.`` / ``80 jährige``: the age alone is the AGE span."""
        d, rng = self.d, self.rng
        f = self.p["sex"] == "f"
        d.phi(str(self.age), "AGE")
        d.add(rng.choice(("-jährige" + ("" if f else "r"), "-j.", "jähr.", " jährige" + ("" if f else "r"), "-jähr.")) + " ")
        d.add(rng.choice(("Pat.", "Patientin" if f else "Patient")))

    # -- dates -------------------------------------------------------------------------------
    def date(self, day: _dt.date, styles: Sequence[str] = FULL_STYLES, typ: str = "DATE") -> None:
        style = self.date_style if self.rng.random() < 0.6 and self.date_style in styles else self.rng.choice(styles)
        self.d.phi(fmt_date(day, style, self.at and self.rng.random() < 0.6), typ)

    def bdate(self) -> None:
        self.date(self.birth, FULL_STYLES, "BIRTH_DATE")

    def hist_day(self) -> _dt.date:
        lo = self.birth + _dt.timedelta(days=365 * min(16, self.age))
        span = max(30, (self.adm - lo).days)
        return lo + _dt.timedelta(days=self.rng.randint(0, span))

    def hist(self) -> None:
        self.date(self.hist_day(), HIST_STYLES)

    def stay_day(self, n: int) -> _dt.date:
        return min(self.adm + _dt.timedelta(days=n), self.dis)

    def stay_range(self) -> None:
        """``vom 8.3. - 22.3.2025`` / ``vom 03.05.2023 bis zum 08.05.2023`` / ``(05.11-18.11.2024)``: two DATE spans."""
        d, rng = self.d, self.rng
        short = rng.random() < 0.35 and self.adm.year == self.dis.year
        d.add(rng.choice(("vom ", "vom ", "von ")))
        self.date(self.adm, PART_STYLES[:3] if short else FULL_STYLES)
        d.add(rng.choice((" bis ", " bis zum ", " - ", " – ", "-")))
        self.date(self.dis)

    # -- places ------------------------------------------------------------------------------
    def address(self, st: str, pc: str, sep: str = ", ") -> None:
        """Street and town as two spans around ``sep`` (``Hauptstraße 3a, A-3337 Opfing``)."""
        self.d.phi(st, "STREET")
        self.d.add(sep)
        self.d.phi(pc, "POSTAL_CITY")

    def address_lines(self, st: str, pc: str, ind: str = "") -> None:
        """Street and town on lines of their own, each after the indent ``ind``."""
        for value, typ in ((st, "STREET"), (pc, "POSTAL_CITY")):
            self.d.add(ind)
            self.d.phi(value, typ)
            self.nl()

    def hospital_phone(self) -> None:
        self.d.phi(self.h_phone, "PHONE")
        self.d.add(self.h_dw)

    def ward(self, lead: bool = True) -> None:
        if lead:
            self.d.add(self.rng.choice(("Station ", "Station ", "Station: ", "Stat. ", "")))
        self.d.phi(self.rng.choice(self.wards), WARD_TYPE)

    def ext_org(self) -> None:
        rng = self.rng
        org = rng.choice(
            (
                "Krankenhaus {c}",
                "Universitätsklinik {c}",
                "KH der Diakonissen",
                "ÖHK {c}",
                "Klinikum {c}",
                "Rehaklinik {c}",
                "Rehabilitationszentrum {c}",
                "Kantonsspital {c}",
                "LKH {c}",
                "Ambulatorium {c}",
                "Pflegeheim Haus {s}",
                "Reha-Zentrum am See {c}",
            )
        )
        self.d.phi(org.format(c=town(rng, self.fk), s=rng.choice(SAINTS)), "ORGANIZATION")

    def labelled(self, lead: str, write: Callable[[], None]) -> None:
        """``lead``, the value ``write`` writes, and the ``)`` the lead opened (``(geb. `` + date + ``)``)."""
        self.d.add(lead)
        write()
        self.d.add(close(lead))

    # -- filler text -------------------------------------------------------------------------
    def slot(self, key: str) -> str:
        v = self.cache.get(key)
        if v is None:
            if key == "oside":
                v = "rechts" if self.slot("side") == "links" else "links"
            elif key == "sa":
                v = "li." if self.slot("side") == "links" else "re."
            else:
                v = SLOTS[key](self.rng)
            self.cache[key] = v
        return v

    def fill(self, tpl: str) -> str:
        """A template without PHI slots as plain text."""
        return TOKEN.sub(lambda m: self.g[m.group(1)] if m.group(1) in self.g else self.slot(m.group(1)), tpl)

    # -- layout ------------------------------------------------------------------------------
    def nl(self) -> None:
        r = self.rng.random()
        self.d.add(" \n" if r < 0.1 else ("\t\n" if r < 0.13 else "\n"))

    def gap(self) -> None:
        if self.d.last() != "\n":
            self.nl()
        self.d.add(self.rng.choice(("\n", "\n", "\n", " \n", "\n\n", "\n \n", " \n \n\n")))

    def heading(self, names: Sequence[str], inline_ok: bool = True) -> bool:
        """A section heading, sometimes upper case, sometimes followed by text on the same line."""
        d, rng = self.d, self.rng
        self.gap()
        name = rng.choice(names)
        if rng.random() < 0.25:
            name = name.upper()
        colon = rng.random() < 0.8
        inline = inline_ok and colon and rng.random() < 0.35
        d.add(name + (":" if colon else "") + (rng.choice((" ", "\t", "  ")) if inline else ""))
        if not inline:
            self.nl()
        return inline

    def title_line(self, title: str, upper_p: float = 0.0) -> None:
        """The letter's title on a line of its own, upper case with probability ``upper_p`` (no draw at 0)."""
        self.gap()
        self.d.add(title.upper() if upper_p > 0 and self.rng.random() < upper_p else title)
        self.nl()
