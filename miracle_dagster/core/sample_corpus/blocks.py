"""Shared document blocks: letterhead, patient block, signature, diagnosis lines."""

from __future__ import annotations

import random
from typing import Any, Sequence

from miracle_dagster.core.sample_corpus.builder import Doc
from miracle_dagster.core.sample_corpus.context import Ctx, phi_bdate, phi_page
from miracle_dagster.core.sample_corpus.people import fmt_phone
from miracle_dagster.core.sample_corpus.phrases_letters import GREETINGS


def letterhead(d: Doc, c: Ctx, ward: bool = True) -> None:
    if c.holdout:
        return _letterhead_holdout(d, c, ward)
    w, dep, rng = c.world, c.dept, c.rng
    style = rng.randint(0, 3)
    hosp = w.hospital if rng.random() < 0.75 else w.hospital_short
    if style == 0:
        d.phi(hosp, "ORGANIZATION")
        d.nl()
        d.add(dep["name"] + "\n")
        d.add(
            rng.choice(("Direktor", "Chefarzt", "Klinikdirektor", "Leitung")) + ": "
            if dep["chief"]["sex"] == "m"
            else rng.choice(("Direktorin", "Chefärztin", "Klinikdirektorin", "Leitung")) + ": "
        )
        c.staff(d, dep["chief"], form="full")
        d.nl()
        d.phi(w.street, "STREET")
        d.add(rng.choice((" · ", ", ", " | ")))
        d.phi(f"{w.postal} {w.city}", "POSTAL_CITY")
        d.nl()
        d.add("Tel. ")
        d.phi(fmt_phone(rng, w.area, w.pre, dep["phone_ext"]), "PHONE")
        d.add(rng.choice((" · Fax ", ", Fax: ", " | Fax ")))
        d.phi(fmt_phone(rng, w.area, w.pre, dep["fax_ext"]), "FAX")
        d.nl()
        if rng.random() < 0.7:
            d.add(rng.choice(("E-Mail: ", "Mail: ", "")))
            d.phi(dep["email"], "EMAIL")
            d.nl()
    elif style == 1:
        d.phi(hosp, "ORGANIZATION")
        d.add(" | " + dep["name"])
        if ward:
            d.add(" | ")
            d.phi(c.case["ward"], "ORGANIZATION")
        d.nl()
    elif style == 2:
        d.add(dep["name"] + "\n")
        d.phi(hosp, "ORGANIZATION")
        d.add(", ")
        d.phi(w.street, "STREET")
        d.add(", ")
        d.phi(f"{w.postal} {w.city}", "POSTAL_CITY")
        d.nl()
        d.add(("Chefarzt: " if dep["chief"]["sex"] == "m" else "Chefärztin: "))
        c.staff(d, dep["chief"])
        d.nl()
        d.add("Sekretariat: Tel. ")
        d.phi(fmt_phone(rng, w.area, w.pre, dep["phone_ext"]), "PHONE")
        d.add(", Fax ")
        d.phi(fmt_phone(rng, w.area, w.pre, dep["fax_ext"]), "FAX")
        d.add(", ")
        d.phi(dep["email"], "EMAIL")
        d.nl()
    else:
        d.phi(hosp.upper() if rng.random() < 0.5 else hosp, "ORGANIZATION")
        d.nl()
        d.add(dep["name"])
        d.nl()
        if ward:
            d.phi(c.case["ward"], "ORGANIZATION")
            d.add(" – Tel. ")
            d.phi(fmt_phone(rng, w.area, w.pre, str(int(dep["phone_ext"]) + rng.randint(100, 300))), "PHONE")
            d.nl()
    d.nl()


def patient_block(d: Doc, c: Ctx, ids: bool = True, address_p: float = 0.35) -> None:
    if c.holdout:
        return _patient_block_holdout(d, c, ids, address_p)
    p, rng = c.patient, c.rng
    male = p["sex"] == "m"
    style = rng.randint(0, 4)
    if style == 0:
        d.add("Patient: " if male else "Patientin: ")
        d.phi(f"{p['last_name'].upper()}, {p['first_name']}", "PATIENT_NAME")
        d.add(", * ")
        phi_bdate(c, d)
    elif style == 1:
        d.add("Name: ")
        d.phi(f"{p['last_name']}, {p['first_name']}", "PATIENT_NAME")
        d.add(rng.choice(("    Geb.-Datum: ", ", geb. ", "  geb. am ")))
        phi_bdate(c, d)
        d.add(f"    Geschlecht: {'männlich' if male else 'weiblich'}" if rng.random() < 0.5 else "")
    elif style == 2:
        d.add("Pat.: ")
        d.phi(f"{p['first_name']} {p['last_name']}", "PATIENT_NAME")
        d.add(" (geb. ")
        phi_bdate(c, d)
        d.add(")")
    elif style == 3:
        d.add(("Patient: Herr " if male else "Patientin: Frau "))
        d.phi(f"{p['first_name']} {p['last_name']}", "PATIENT_NAME")
        d.add(", geboren am ")
        phi_bdate(c, d)
    else:
        d.phi(f"{p['last_name']}, {p['first_name']}", "PATIENT_NAME")
        d.add(" (" + ("m" if male else "w") + ", ")
        phi_page(c, d)
        d.add(" J.), *")
        phi_bdate(c, d)
    if rng.random() < 0.3 and style != 4:
        d.add(", ")
        phi_page(c, d)
        d.add(rng.choice((" Jahre", " J.", "-jährig")))
    d.nl()
    if rng.random() < address_p:
        d.add(rng.choice(("Anschrift: ", "Adresse: ", "wohnhaft: ", "")))
        d.phi(p["street"], "STREET")
        d.add(", ")
        d.phi(f"{p['postal_code']} {p['city']}", "POSTAL_CITY")
        if rng.random() < 0.3:
            d.add(", Tel. ")
            d.phi(p["phone"], "PHONE")
        if p.get("email") and rng.random() < 0.25:
            d.add(", E-Mail: ")
            d.phi(p["email"], "EMAIL")
        d.nl()
    if ids:
        bits: list[tuple[str, str, str]] = []
        if rng.random() < 0.85:
            bits.append(
                (
                    rng.choice(("Pat.-Nr.: ", "PID: ", "Patienten-Nr. ", "Pat.-ID ")),
                    p["patient_id"] if rng.random() < 0.6 else p["patient_id"][1:],
                    "PATIENT_ID",
                )
            )
        if rng.random() < 0.75:
            cid = c.case["case_id"]
            bits.append(
                (rng.choice(("Fall-Nr.: ", "Fallnummer: ", "Fall: ", "Aufn.-Nr. ")), cid if rng.random() < 0.6 else cid[1:], "CASE_ID")
            )
        if rng.random() < 0.4:
            bits.append((rng.choice(("Versicherten-Nr.: ", "KV-Nr. ", "Krankenversicherten-Nr.: ")), p["insurance_id"], "INSURANCE_ID"))
        sep = rng.choice((" | ", "    ", ", ", "\n"))
        for i, (label, value, typ) in enumerate(bits):
            if i:
                d.add(sep)
            d.add(label)
            d.phi(value, typ)
        if bits and rng.random() < 0.3:
            d.add(sep + "Kostenträger: " + p["insurer"])
        if bits:
            d.nl()


def signature(d: Doc, c: Ctx, people: Sequence[tuple[dict[str, Any], str]], greeting: bool = True) -> None:
    rng = c.rng
    if not d.ends_with_newline():
        d.nl()
    d.nl()
    if greeting:
        d.add(rng.choice(GREETINGS) + "\n\n")
    if c.holdout:
        return _signature_holdout(d, c, people)
    style = rng.randint(0, 2)
    if style == 0:
        for i, (p, role) in enumerate(people):
            if i:
                d.nl()
            c.staff(d, p)
            d.add("\n" + role + "\n")
    elif style == 1:
        for i, (p, role) in enumerate(people):
            if i:
                d.add(rng.choice(("    ", " · ", " / ")))
            c.staff(d, p)
            d.add(f" ({role})")
        d.nl()
    else:
        for i, (p, role) in enumerate(people):
            if i:
                d.add(rng.choice(("\n", " – ")))
            c.staff(d, p)
            d.add(", " + role)
        d.nl()
    if rng.random() < 0.2:
        d.add(
            rng.choice(
                (
                    "Dieser Brief wurde elektronisch erstellt und ist ohne Unterschrift gültig.\n",
                    "Elektronisch freigegeben am ",
                    "Vidiert durch OA am ",
                )
            )
        )
        if not d.ends_with_newline():
            c.date(d, c.doc_date)
            d.add(".\n")


# --------------------------------------------------------------------------------------------------
# Held-out templates (generate_corpus(holdout=True)): other layouts and labels for the same PHI, so detection
# rules can be measured on text they were not written against. Never used by default.
# --------------------------------------------------------------------------------------------------


def _letterhead_holdout(d: Doc, c: Ctx, ward: bool) -> None:
    w, dep, rng = c.world, c.dept, c.rng
    d.add(dep["name"] + " · ")
    d.phi(w.hospital, "ORGANIZATION")
    d.add(
        "\n"
        + ("Klinikdirektor: " if dep["chief"]["sex"] == "m" else "Klinikdirektorin: ")
        + rng.choice(("Univ.-Prof. Dr. med. ", "Prof. Dr. "))
    )
    d.phi(f"{dep['chief']['first']} {dep['chief']['last']}", "STAFF_NAME")
    d.add("\nBesucheradresse: ")
    d.phi(w.street, "STREET")
    d.add(" in ")
    d.phi(f"{w.postal} {w.city}", "POSTAL_CITY")
    d.add("\nTelefon ")
    d.phi(f"{w.area} / {w.pre} - {dep['phone_ext']}", "PHONE")
    d.add(" · Telefax ")
    d.phi(f"{w.area} / {w.pre} - {dep['fax_ext']}", "FAX")
    d.add("\n")
    if ward and rng.random() < 0.5:
        d.add("Zimmer 12, ")
        d.phi(c.case["ward"], "ORGANIZATION")
        d.nl()
    d.nl()


def _patient_block_holdout(d: Doc, c: Ctx, ids: bool, address_p: float) -> None:
    p, rng = c.patient, c.rng
    style = rng.randint(0, 2)
    if style == 0:
        d.add("Betrifft: " + ("Herrn " if p["sex"] == "m" else "Frau "))
        d.phi(f"{p['first_name']} {p['last_name'].upper()}", "PATIENT_NAME")
        d.add(", Geburtsdatum ")
    elif style == 1:
        d.add("Versicherte/r: ")
        d.phi(f"{p['last_name']}, {p['first_name']}", "PATIENT_NAME")
        d.add("; geb. am ")
    else:
        d.phi(f"{p['first_name']} {p['last_name']}", "PATIENT_NAME")
        d.add(" (*")
    phi_bdate(c, d)
    d.add(")\n" if style == 2 else "\n")
    if rng.random() < address_p:
        d.add("Wohnort: ")
        d.phi(f"{p['postal_code']} {p['city']}", "POSTAL_CITY")
        d.add(", ")
        d.phi(p["street"], "STREET")
        d.add(", Telefon: ")
        d.phi(p["phone"], "PHONE")
        d.nl()
    if ids:
        d.add("Patientennummer ")
        d.phi(p["patient_id"], "PATIENT_ID")
        d.add(" / Behandlungsnr. ")
        d.phi(c.case["case_id"][1:], "CASE_ID")
        if rng.random() < 0.5:
            d.add(" / Versichertennummer ")
            d.phi(p["insurance_id"], "INSURANCE_ID")
        d.nl()


def _signature_holdout(d: Doc, c: Ctx, people: Sequence[tuple[dict[str, Any], str]]) -> None:
    rng = c.rng
    for p, role in people:
        d.add(rng.choice(("gez. ", "i. A. ", "Befundet von: ", "Unterschrift: ")))
        c.staff(d, p, form=rng.choice(("full", "last")))
        d.add(" – " + role + "\n")


def dx_line(d: Doc, c: Ctx, text: str, icd: str, style: int, bullet: str = "") -> None:
    d.add(bullet)
    d.render(text)
    if style == 0:
        d.add(f" ({icd})")
    elif style == 1:
        d.add(f" (ICD-10: {icd})")
    elif style == 2:
        d.add(f" [{icd}]")
    else:
        d.add(f", ICD {icd}")
    d.nl()


def tnm_text(d: Doc, tnm: Sequence[str]) -> str:
    return " ".join(d.fill(t) for t in tnm)


def pick(rng: random.Random, seq: Sequence[str], lo: int, hi: int) -> list[str]:
    if not seq:
        return []
    k = min(len(seq), rng.randint(lo, hi))
    idx = sorted(rng.sample(range(len(seq)), k))  # keep the narrative order of the pool
    return [seq[i] for i in idx]


def dx_title(d: Doc, dx: dict[str, Any]) -> str:
    t = dx["dx"]
    if "{tnm}" in t:
        t = t.replace("{tnm}", tnm_text(d, dx["tnm"]) if dx.get("tnm") else "")
    return t
