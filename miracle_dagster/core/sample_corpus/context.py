"""Per-document context (patient, case, department) and the PHI slot handlers (``{PNAME}``, ``{D+2}``, ...)."""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

from miracle_dagster.core.sample_corpus.formatting import DOC_DATE_STYLES, HIST_DATE_STYLES, STAY_DATE_STYLES, age_on, fmt_date
from miracle_dagster.core.sample_corpus.people import World, fmt_phone, name_form

if TYPE_CHECKING:
    from miracle_dagster.core.sample_corpus.builder import Doc


@dataclass
class Ctx:
    rng: random.Random
    world: World
    patient: dict[str, Any]
    case: dict[str, Any]
    doc_date: _dt.date
    dept: dict[str, Any]
    gender: dict[str, str] = field(default_factory=dict)
    relative: dict[str, Any] | None = None
    date_style: str = "dmy"
    holdout: bool = False  # alternative block templates for held-out evaluation (see blocks.py)

    def date(self, d: Doc, day: _dt.date, styles: Sequence[str] = DOC_DATE_STYLES) -> None:
        style = self.date_style if self.rng.random() < 0.7 and self.date_style in styles else self.rng.choice(styles)
        d.phi(fmt_date(day, style), "DATE")

    def phi_slot(self, d: Doc, key: str) -> None:
        case = self.case
        head = key[:2]
        if head in ("D+", "D-"):
            n = int(key[2:])
            if head == "D+":
                day = min(case["adm"] + _dt.timedelta(days=n), case["dis"])
                self.date(d, day, STAY_DATE_STYLES)
            else:
                self.date(d, case["adm"] - _dt.timedelta(days=n), DOC_DATE_STYLES)
            return
        if head == "DS":
            day = min(case["adm"] + _dt.timedelta(days=int(key[3:])), case["dis"])
            d.phi(fmt_date(day, "dm"), "DATE")
            return
        if head == "DF":
            day = max(case["dis"], self.doc_date) + _dt.timedelta(days=int(key[3:]))
            self.date(d, day, ("dmy", "dmy", "long", "dmy_short"))
            return
        PHI_HANDLERS[key](self, d)

    def staff(self, d: Doc, p: dict[str, Any], title: bool = True, form: str | None = None) -> None:
        if title and p.get("title"):
            d.add(p["title"] + " ")
        if form == "full":
            name = f"{p['first']} {p['last']}"
        elif form == "last":
            name = p["last"]
        else:
            name = name_form(p, self.rng, allow_reversed=not (title and p.get("title")))
        d.phi(name, "STAFF_NAME")

    def some_doctor(self) -> dict[str, Any]:
        dep = self.dept
        return self.rng.choice(dep["seniors"] + dep["juniors"])

    def rel(self) -> dict[str, Any]:
        if self.relative is None:
            self.relative = self.rng.choice(self.patient["relatives"])
        return self.relative


def _h_pname(c: Ctx, d: Doc) -> None:
    d.phi(c.patient["last_name"], "PATIENT_NAME")


def _h_pfull(c: Ctx, d: Doc) -> None:
    p = c.patient
    d.phi(f"{p['first_name']} {p['last_name']}", "PATIENT_NAME")


def phi_page(c: Ctx, d: Doc) -> None:
    d.phi(str(age_on(c.patient["birth"], c.doc_date)), "AGE")


def phi_bdate(c: Ctx, d: Doc) -> None:
    b = c.patient["birth"]
    d.phi(fmt_date(b, c.rng.choice(("dmy", "dmy", "dmy", "dmy", "long", "dmy_short"))), "BIRTH_DATE")


def phi_d0(c: Ctx, d: Doc) -> None:
    c.date(d, c.case["adm"])


def phi_de(c: Ctx, d: Doc) -> None:
    c.date(d, c.case["dis"])


def _hist_day(c: Ctx) -> _dt.date:
    adm = c.case["adm"]
    birth = c.patient["birth"]
    back = c.rng.randint(60, 365 * 12)
    day = adm - _dt.timedelta(days=back)
    return day if day > birth + _dt.timedelta(days=365 * 16) else adm - _dt.timedelta(days=c.rng.randint(30, 300))


def phi_hist(c: Ctx, d: Doc) -> None:
    d.phi(fmt_date(_hist_day(c), c.rng.choice(HIST_DATE_STYLES)), "DATE")


def _h_histm(c: Ctx, d: Doc) -> None:
    d.phi(fmt_date(_hist_day(c), "month"), "DATE")


def _relative_named(
    c: Ctx, d: Doc, articles: tuple[str, str], relation: str, titles: tuple[str, str], p_title: float, p_full: float
) -> None:
    """Article and relation (male, female form), sometimes a title, then the full name or the surname."""
    r = c.rel()
    d.add((articles[0] if r["sex"] == "m" else articles[1]) + r[relation] + " ")
    if c.rng.random() < p_title:
        d.add(titles[0] if r["sex"] == "m" else titles[1])
    d.phi(f"{r['first']} {r['last']}" if c.rng.random() < p_full else r["last"], "RELATIVE_NAME")


def _h_relnom(c: Ctx, d: Doc) -> None:
    _relative_named(c, d, ("der ", "die "), "relation", ("Herr ", "Frau "), p_title=0.25, p_full=0.8)


def _h_reldat(c: Ctx, d: Doc) -> None:
    r = c.rel()
    d.add(("dem " if r["sex"] == "m" else "der ") + r["relation_obl"] + " ")
    d.phi(f"{r['first']} {r['last']}", "RELATIVE_NAME")


def _h_relakk(c: Ctx, d: Doc) -> None:
    _relative_named(c, d, ("den ", "die "), "relation_obl", ("Herrn ", "Frau "), p_title=0.2, p_full=0.85)


def _h_relphone(c: Ctx, d: Doc) -> None:
    d.phi(c.rel()["phone"], "PHONE")


def _h_gp(c: Ctx, d: Doc) -> None:
    c.staff(d, c.patient["gp"])


def phi_doc(c: Ctx, d: Doc) -> None:
    p = c.some_doctor()
    if p.get("title"):
        d.add("Dr. ")
    else:
        d.add("Herrn " if p["sex"] == "m" else "Frau ")
    d.phi(p["last"], "STAFF_NAME")


def _h_extorg(c: Ctx, d: Doc) -> None:
    d.phi(c.rng.choice(c.world.ext_orgs), "ORGANIZATION")


def _h_ward(c: Ctx, d: Doc) -> None:
    d.phi(c.case["ward"], "ORGANIZATION")


def _h_reha(c: Ctx, d: Doc) -> None:
    d.phi(c.rng.choice(c.world.rehas), "ORGANIZATION")


def _h_appt(c: Ctx, d: Doc) -> None:
    day = c.doc_date + _dt.timedelta(days=c.rng.randint(7, 90))
    c.date(d, day, ("dmy", "dmy", "long", "dmy_short"))
    d.add(f" um {c.rng.randint(8, 15)}:{c.rng.choice(('00', '15', '30', '45'))} Uhr")


def _h_hphone(c: Ctx, d: Doc) -> None:
    w = c.world
    d.phi(fmt_phone(c.rng, w.area, w.pre, c.dept["phone_ext"]), "PHONE")


def _h_wohnhaft(c: Ctx, d: Doc) -> None:
    p = c.patient
    d.add("wohnhaft ")
    d.phi(p["street"], "STREET")
    d.add(", ")
    d.phi(f"{p['postal_code']} {p['city']}", "POSTAL_CITY")


PHI_HANDLERS: dict[str, Callable[[Ctx, Doc], None]] = {
    "PNAME": _h_pname,
    "PFULL": _h_pfull,
    "PAGE": phi_page,
    "BDATE": phi_bdate,
    "D0": phi_d0,
    "DE": phi_de,
    "HIST": phi_hist,
    "HISTM": _h_histm,
    "RELNOM": _h_relnom,
    "RELDAT": _h_reldat,
    "RELAKK": _h_relakk,
    "RELPHONE": _h_relphone,
    "GP": _h_gp,
    "DOC": phi_doc,
    "EXTORG": _h_extorg,
    "WARD": _h_ward,
    "REHA": _h_reha,
    "APPT": _h_appt,
    "HPHONE": _h_hphone,
    "wohnhaft": _h_wohnhaft,
}
