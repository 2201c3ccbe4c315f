"""Who the letter is about: the patient block of a report, record numbers, ward and room, and the opening paragraph.

These lines carry the identifying PHI (name, birth date, address, case, patient and insurance numbers, ward codes) under
the many labels hospitals give them (``Fallzahl:``, ``PIZ:``, ``SV Nr.:``, ``AHV-Nr.``, ``Zi:``).
"""

from __future__ import annotations

import datetime as _dt

from miracle_dagster.core.sample_corpus.phi_letters.doc import WARD_TYPE
from miracle_dagster.core.sample_corpus.phi_letters.letter import Letter

_INSURERS = {
    "DE": ("AOK Bayern", "AOK Nordost", "Techniker Krankenkasse", "BARMER", "DAK-Gesundheit", "IKK classic", "Knappschaft"),
    "AT": ("ÖGK", "BVA", "BVAEB", "SVS", "WGKK", "KFA Wien"),
    "CH": ("Helsana", "CSS", "Swica", "Sanitas", "Concordia", "Visana"),
}
_ID_LABELS = {
    "CASE_ID": (
        "Fallzahl: ",
        "Fallzahl: \t",
        "Fallnummer: ",
        "Fallnummer:\t",
        "Fall-Nr.",
        "Fall-Nr.: ",
        "FN:",
        "FN: ",
        "Aufnahmezahl: ",
        "Fall: ",
    ),
    "PATIENT_ID": ("Pat.-Nr. ", "Pat.-Nr.: ", "PIZ: ", "Patienten-ID: ", "PID: ", "Pat.-ID ", "Patientennummer: "),
}
_INSURANCE_LABELS = {
    "DE": ("Vers.-Nr.: ", "KV-Nr. ", "Versichertennummer: "),
    "AT": ("SV: ", "SV: ", "SV Nr.: ", "SV Nr.: \t", "SVNR: ", "VSNR "),
    "CH": ("AHV-Nr.: ", "AHV-Nr. ", "Vers.-Nr. "),
}


def id_block(lt: Letter, full: bool = False) -> None:
    """Record numbers with their many labels (``Fallzahl: A-2029461541  SV: 6444030763``, ``FN:445544767``)."""
    d, rng = lt.d, lt.rng
    labels = dict(_ID_LABELS, INSURANCE_ID=_INSURANCE_LABELS[lt.country])
    keys = [k for k in ("CASE_ID", "PATIENT_ID", "INSURANCE_ID") if full or rng.random() < 0.55] or ["CASE_ID"]
    rng.shuffle(keys)
    sep = rng.choice(("  ", "\n", " | ", ", ", "\t"))
    for i, k in enumerate(keys):
        if i:
            d.add(sep)
        d.add(rng.choice(labels[k]))
        d.phi(lt.ids[k], k)
    if rng.random() < 0.3:
        d.add(sep + rng.choice(("Versicherung: ", "Kostenträger: ", "KK: ")))
        d.phi(rng.choice(_INSURERS[lt.country]), "ORGANIZATION")
    lt.nl()


def ward_line(lt: Letter) -> None:
    """``Station: A31. OG. Viszeralchirurgie B /`` + ``Zi: 119``."""
    d, rng = lt.d, lt.rng
    d.add(rng.choice(("Station: ", "Station ", "Stat.: ", "Bettenstation: ")))
    lt.ward(lead=False)
    if rng.random() < 0.6:
        d.add(rng.choice((", Zi: ", " /\nZi: ", ", Zimmer ", " Zi. ")))
        d.phi(str(rng.randint(1, 450)), WARD_TYPE)
    lt.nl()


def patient_block(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    style = rng.randint(0, 3)
    if style == 0:  # Betr.: Asger Baastrup, geb. 5.7.54, Schleswiger Str. 95a, 24941 Flensburg
        d.add(rng.choice(("Betr.: ", "Betrifft: ", "Betreff: ", "Pat.: ", "Patient: " if lt.p["sex"] == "m" else "Patientin: ")))
        lt.patient_full()
        lt.labelled(rng.choice((", geb. ", ", * ", ", *", " geb. am ", " (geb. ")), lt.bdate)
        if rng.random() < 0.6:
            d.add(", ")
            lt.address(lt.p_street, lt.p_pc)
        lt.nl()
    elif style == 1:  # Name: / Geb.-Datum: on their own lines
        d.add(rng.choice(("Name: ", "Patient/in: ", "Pat.-Name: ", "NAME: ")))
        lt.patient_full()
        d.add(rng.choice(("\n", "\t", "   ")))
        d.add(rng.choice(("Geburtsdatum: ", "geb.am: ", "Geb.-Dat.: ", "geb. ", "Geboren am ")))
        lt.bdate()
        lt.nl()
        if rng.random() < 0.4:
            d.add(rng.choice(("Adresse: ", "Anschrift: ", "wohnhaft: ")))
            lt.address(lt.p_street, lt.p_pc, rng.choice((", ", "\n\t")))
            if rng.random() < 0.4:
                d.add(", Tel.: ")
                d.phi(lt.p_phone, "PHONE")
            lt.nl()
    elif style == 2:  # Frau\nChristine Muster\nHauptstraße 3a\nA-3337 St. Anna im Tale\n\ngeboren am: 03.03.1973
        d.add(("Herrn" if lt.p["sex"] == "m" else "Frau") + "\n")
        lt.patient_full()
        lt.nl()
        lt.address_lines(lt.p_street, lt.p_pc)
        lt.gap()
        d.add(rng.choice(("geboren am: ", "geb.: ", "Geb.Dat. ")))
        lt.bdate()
        lt.nl()
    else:  # one line, age too
        lt.patient_full()
        d.add(rng.choice((" (", ", ")) + ("m" if lt.p["sex"] == "m" else "w") + ", ")
        d.phi(str(lt.age), "AGE")
        d.add(rng.choice((" J.), *", " Jahre), geb. ", " a), * ")))
        lt.bdate()
        lt.nl()


def intro(lt: Letter, ambulant: bool = False) -> None:
    """``wir berichten über ... Frau Alissa Rieser geb. 01.07.1963, wohnhaft ..., die sich vom ... bis ... befand.``"""
    d, rng = lt.d, lt.rng
    f = lt.p["sex"] == "f"
    lead = rng.choice(
        (
            "wir berichten über ",
            "nachfolgend berichten wir über ",
            "wir berichten Ihnen über ",
            "vielen Dank für die Zuweisung ",
            "im Folgenden berichten wir über ",
        )
    )
    d.add(lead)
    if lead.startswith("vielen"):
        d.add(("Ihrer Patientin, " if f else "Ihres Patienten, ") + ("Frau " if f else "Herrn "))
    else:
        d.add(
            rng.choice(
                (
                    ("unsere gemeinsame Patientin " if f else "unseren gemeinsamen Patienten "),
                    "Frau " if f else "Herrn ",
                    "die Patientin Frau " if f else "den Patienten Herrn ",
                    "",
                )
            )
        )
    lt.patient_full()
    if rng.random() < 0.8:
        lt.labelled(rng.choice((", geb. ", " geb. ", ", *", ", * ", ", geboren am ", " (* ", ", geb. am ")), lt.bdate)
    if rng.random() < 0.3:
        d.add(", ")
        d.add(rng.choice(("Fallnummer: ", "Fall-Nr. ", "FN:")))
        d.phi(lt.ids["CASE_ID"], "CASE_ID")
    if rng.random() < 0.3:
        d.add(", wohnhaft " if rng.random() < 0.5 else ", ")
        lt.address(lt.p_street, lt.p_pc)
    d.add(", " + ("die" if f else "der") + " sich ")
    if ambulant:
        d.add("am ")
        lt.date(lt.today - _dt.timedelta(days=rng.randint(0, 10)))
        d.add(
            rng.choice((" in unserer Ambulanz vorstellte.", " zur ambulanten Kontrolle vorstellte.", " in unserer Spezialambulanz befand."))
        )
    else:
        lt.stay_range()
        tail = rng.choice(
            (
                " in unserer stationären Behandlung befand.",
                " bei uns in stationärer Behandlung befand.",
                " auf unserer Station ",
                " an unserer Abteilung aufhielt.",
            )
        )
        d.add(tail)
        if tail.endswith("Station "):
            lt.ward(lead=False)
            d.add(" befand.")
    lt.nl()
