"""What the patient has: the diagnosis list with its history lines, and the anamnesis.

Real letters date a patient's past in partial spellings (``Z.n. SHT 1995``, ``Psychose (ED 2019)``, ``Radiatio
01-12/64``) and speak of ages and relatives in the anamnesis, so these sections carry most of the history dates and the
``AGE`` and ``RELATIVE_NAME`` spans.
"""

from __future__ import annotations

import datetime as _dt
from typing import Callable

from miracle_dagster.core.sample_corpus.phi_letters.letter import Letter
from miracle_dagster.core.sample_corpus.phi_letters.templates import pick, say, say_all, usable
from miracle_dagster.core.sample_corpus.phi_letters.values import DAY_STYLES, fmt_date, invented_place
from miracle_dagster.core.sample_corpus.phrases_common import ALLERGIES, COMORBIDITIES, HISTORY
from miracle_dagster.core.sample_corpus.phrases_letters import ANAM_MORE

_THERAPY_HIST = (
    "6x PCT m. Folfox",
    "Radiatio",
    "4 Zyklen Carboplatin/Paclitaxel",
    "Chemotherapie nach FLOT-Schema",
    "Immuntherapie mit Pembrolizumab",
    "Antikoagulation mit Phenprocoumon",
    "Kortisonstoßtherapie",
    "Physiotherapie",
)
_EVENTS = (
    "Z.n. SHT",
    "Z.n. Apoplex",
    "Z.n. Myokardinfarkt",
    "Z.n. Appendektomie",
    "Z.n. Radiusfraktur li.",
    "Z.n. Hüft-TEP bds.",
    "Z.n. Sigmoideostomie",
    "Z.n. Pneumonie",
    "Z.n. Adenom-Enukleation",
    "Z.n. Lymphadenektomie",
    "Z.n. Cholezystektomie",
    "Z.n. Hepatitis B",
    "Z.n. Lungenembolie",
    "Psychose (ED",
    "Diabetes mellitus Typ 2 (ED",
    "Arterielle Hypertonie, bekannt",
)


def diagnoses(lt: Letter, ambulant: bool = False) -> None:
    d, rng = lt.d, lt.rng
    names = ("Diagnosen", "Diagnose", "HAUPT-/NEBENDIAGNOSEN", "Dg.", "Hauptdiagnose") + (
        ("Diagnosen",) if ambulant else ("Entlassungsdiagnosen",)
    )
    lt.heading(names, inline_ok=False)
    bullet = rng.choice(("", "- ", "• ", "* ", "1."))
    n = [0]

    def line(text: str) -> None:
        n[0] += 1
        d.add(f"{n[0]}. " if bullet == "1." else bullet)
        say(lt, text)

    line(lt.dx["dx"] if usable(lt.dx["dx"]) else lt.dx["dx"].replace("{tnm}", "").strip())
    if rng.random() < 0.6:
        d.add(rng.choice((f" ({lt.dx['icd']})", f" ICD-10: {lt.dx['icd']}", f"\t{lt.dx['icd']}")))
    lt.nl()
    for text, icd, _, sex in rng.sample(COMORBIDITIES, rng.randint(1, 4)):
        if sex in (None, lt.p["sex"]):
            line(text)
            if rng.random() < 0.35:
                lt.labelled(rng.choice((" (ED ", ", seit ", " seit ", " (")), lt.hist)
            lt.nl()
    for _ in range(rng.randint(1, 4)):
        history_line(lt, line)


def history_line(lt: Letter, line: Callable[[str], None]) -> None:
    """``Z.n. SHT 1995`` / ``Psychose (ED 2019)`` / ``6x PCT m. Folfox (07/63-12/63)`` / ``Radiatio 01-12/64``."""
    d, rng = lt.d, lt.rng
    r = rng.random()
    if r < 0.3:
        text = rng.choice(HISTORY)
        if text[1] not in (None, lt.p["sex"]):
            return
        line(text[0])
        lt.labelled(rng.choice((" ", " (", " ")), lt.hist)
    elif r < 0.6:
        ev = rng.choice(_EVENTS)
        line(ev + " ")
        lt.date(lt.hist_day(), ("year", "year", "mm_yyyy", "m_yy"))
        if ev.endswith("(ED"):
            d.add(")")
    else:
        line(rng.choice(_THERAPY_HIST) + " ")
        a = lt.hist_day()
        b = min(a + _dt.timedelta(days=rng.randint(60, 200)), lt.adm)
        if rng.random() < 0.5 and a.year == b.year:  # 01-12/64
            d.phi(f"{a.month:02d}-{b.month:02d}/{a.year % 100:02d}" if rng.random() < 0.5 else f"{a.month}-{b.month}/{a.year}", "DATE")
        else:  # (07/63-12/63)
            st = rng.choice(("mm_yy", "m_yy", "mm_yyyy", "mon_y"))
            d.add("(")
            d.phi(fmt_date(a, st), "DATE")
            d.add(rng.choice(("-", " - ", " bis ")))
            d.phi(fmt_date(b, st), "DATE")
            d.add(")")
    lt.nl()


def anamnesis(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    lt.heading(("Anamnese", "Aktuelle Anamnese", "ANAMNESE", "Jetzige Anamnese", "Vorgeschichte"))
    r = rng.random()
    p = lt.mister()
    f = lt.p["sex"] == "f"
    if r < 0.35:
        d.add(p + " ")
        lt.patient_short()
        d.add(" ist " + ("eine " if f else "ein "))
        lt.age_phrase()
        d.add(
            rng.choice(
                (
                    f", {'die' if f else 'der'} sich mit {lt.g['sym']} vorstellte. ",
                    f", {'die' if f else 'der'} uns wegen {lt.g['sym']} zugewiesen wurde. ",
                )
            )
        )
    elif r < 0.7:
        d.add(rng.choice(("Die ", "Der ") if not f else ("Die ",)))
        lt.age_phrase()
        d.add(" stellte sich am ")
        lt.date(lt.adm, DAY_STYLES)
        d.add(f" mit {lt.g['sym']} vor. ")
    else:
        d.add(rng.choice(("Pat. ", p + " ")))
        lt.patient_short()
        d.add(f" wird mit {lt.g['sym']} vorgestellt. ")
    say_all(lt, pick(lt, lt.dx["anam"], rng.randint(0, 2)) + pick(lt, ANAM_MORE, rng.randint(1, 3)))
    if rng.random() < 0.4:
        d.add(
            rng.choice(("Sozialanamnese: lebt ", "Lebt ", "Wohnt ")) + rng.choice(("allein ", "mit Partner ", "im Pflegeheim ", "")) + "in "
        )
        d.phi(invented_place(rng) if rng.random() < 0.5 else lt.fk.city(), "POSTAL_CITY")
        d.add(". ")
    if rng.random() < 0.35:
        lead = rng.choice(("Fremdanamnese über ", "Angaben durch ", "Begleitet von "))
        d.add(lead)
        lt.relative("dat" if lead.startswith("Begleitet") else "akk")
        if rng.random() < 0.5:
            d.add(" (Tel. ")
            d.phi(lt.rel_phone, "PHONE")
            d.add(")")
        d.add(". ")
    if rng.random() < 0.3:
        smoker = "Raucherin" if f else "Raucher"
        lead, tail = rng.choice(
            (
                ("Erstdiagnose im Alter von ", " Jahren. "),
                ("Im Alter von ", " Jahren Erstdiagnose. "),
                (f"{smoker} seit dem Alter von ", " Jahren. "),
                ("Seit dem Alter von ", f" Jahren {smoker}. "),
            )
        )
        d.add(lead)
        d.phi(str(rng.randint(12, max(13, lt.age))), "AGE")
        d.add(tail)
    if rng.random() < 0.25:
        d.add("FA: Vater mit ")
        d.phi(str(rng.randint(45, 95)), "AGE")
        d.add(" an Myokardinfarkt verstorben, Mutter mit ")
        d.phi(str(rng.randint(50, 101)), "AGE")
        d.add(rng.choice((' an "Altersschwäche".', " an Pankreas-CA verstorben.")))
    if rng.random() < 0.3:
        d.add(" Allergien: " + rng.choice((", ".join(rng.sample(ALLERGIES, 2)), "keine bekannt")) + ".")
    lt.nl()
