"""What was found and done: admission status, labs, diagnostics, the course of the stay, medication and procedure.

Mostly clinical filler from the sample-corpus phrase pools, as in real letters; the PHI in between is the kind these
sections have there: days of the stay, lab and histology numbers, ward transfers, consultants and follow-up appointments.
"""

from __future__ import annotations

import datetime as _dt
import random
from typing import Any

from miracle_dagster.core.sample_corpus.formatting import fmt_decimal
from miracle_dagster.core.sample_corpus.phi_letters.doc import WARD_TYPE
from miracle_dagster.core.sample_corpus.phi_letters.letter import Letter
from miracle_dagster.core.sample_corpus.phi_letters.templates import pick, say, say_all
from miracle_dagster.core.sample_corpus.phi_letters.values import DAY_STYLES, FULL_STYLES, digits, fmt_date, hospital_numbers, order_id
from miracle_dagster.core.sample_corpus.phrases_common import LABS, MEDS
from miracle_dagster.core.sample_corpus.phrases_letters import AZ, COURSE_END, EXAM_GENERIC, EZ, PROC_GENERIC
from miracle_dagster.core.sample_corpus.phrases_radiology import RAD


def random_study(rng: random.Random) -> dict[str, Any]:
    """An imaging study of the radiology phrase pools (names, indications, normal findings, patterns, impressions)."""
    return RAD[rng.choice(sorted(RAD))]


def exam(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    inline = lt.heading(
        ("Aufnahmebefund", "Status praesens", "Körperlicher Untersuchungsbefund", "STATUS BEI AUFNAHME", "Status somaticus")
    )
    if not inline and rng.random() < 0.5:
        lt.age_phrase()
        d.add(f" in {rng.choice(AZ)} AZ und {rng.choice(EZ)} EZ.")
        lt.nl()
    d.add(
        lt.fill(
            rng.choice(("RR {sys}/{dia} mmHg, HF {hf}/min, SpO2 {spo2} %, Temp. {temp} °C.", "RR {sys}/{dia}, Puls {hf}/min, afebril."))
        )
    )
    lt.nl()
    sep = rng.choice((": ", ":\t", ": ", ":  "))
    for system, opts in EXAM_GENERIC.items():
        if rng.random() < 0.6:
            d.add(system + sep + rng.choice(opts))
            lt.nl()


def labs(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    lt.gap()
    lead = rng.choice(("Laborwerte vom ", "Labor vom ", "Aufnahmelabor (", "Labor ("))
    day = lt.stay_day(rng.randint(0, 3))
    lt.labelled(lead, lambda: lt.date(day, DAY_STYLES))
    d.add(":")
    if rng.random() < 0.3:
        lead = rng.choice((" Labor-Nr. ", " Auftragsnummer: ", " (Auftrag "))
        number = order_id(rng, lt.year)
        lt.labelled(lead, lambda: d.phi(number, "ORDER_ID"))
    lt.nl()
    keys = rng.sample(sorted(LABS), rng.randint(3, 8))
    sep = rng.choice((", ", "\n", "; "))
    for i, k in enumerate(keys):
        names, unit, ref, _, nd, _, _ = LABS[k]
        v = rng.uniform(ref[0] * 0.6, max(ref[1] * 1.6, 0.5))
        d.add(("" if i == 0 else sep) + f"{names[0]} {fmt_decimal(v, nd)} {unit}".rstrip())
    lt.nl()


def findings(lt: Letter) -> None:
    """Diagnostics: the diagnosis' own findings, an imaging study and sometimes a histology number."""
    d, rng = lt.d, lt.rng
    lt.heading(("Befunde", "Diagnostik", "Apparative Diagnostik", "Untersuchungen", "BEFUNDE"), inline_ok=False)
    dia = pick(lt, lt.dx["dia"], rng.randint(1, 3))
    for t in dia:
        say(lt, t)
        lt.nl()
    if rng.random() < 0.6 or not dia:
        study = random_study(rng)
        lead = lt.fill(rng.choice(study["names"])) + rng.choice((" vom ", " am ", " ("))
        day = lt.stay_day(rng.randint(0, 5))
        lt.labelled(lead, lambda: lt.date(day, DAY_STYLES))
        d.add(": ")
        d.add(lt.fill(" ".join(rng.sample(study["normal"], min(2, len(study["normal"]))))))
        lt.nl()
    if rng.random() < 0.35:
        lead = rng.choice(("Histologie (HNr.:", "Histologie (E-Nr. ", "Histo-Nr. ", "Pathologie (Eingangsnr. ", "Histologie HNr.: "))
        number = f"{digits(rng, 4)}{rng.choice('abc')}/{lt.year % 100:02d}" if rng.random() < 0.5 else order_id(rng, lt.year)
        lt.labelled(lead, lambda: d.phi(number, "ORDER_ID"))
        d.add(rng.choice((": tumorfrei.", ": kein Malignitätsnachweis.", " ausstehend.", ": siehe Anlage.")))
        lt.nl()


def course(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    lt.heading(("Verlauf", "Klinischer Verlauf", "Therapie und Verlauf", "VERLAUF", "Stationärer Verlauf"))
    sents = pick(lt, lt.dx["course"], rng.randint(1, 3)) + pick(lt, COURSE_END, 1)
    for i, t in enumerate(sents):
        say(lt, t)
        d.add(" ")
        if i == 0 and rng.random() < 0.5:
            course_extra(lt)
    lt.nl()


def course_extra(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    r = rng.random()
    if r < 0.3:
        d.add("Am ")
        lt.date(lt.stay_day(rng.randint(1, 6)), DAY_STYLES)
        d.add(" Verlegung von der " + rng.choice(("Intensivstation ", "IMC ", "Stroke Unit ")))
        d.phi(f"{rng.choice(('I', 'ITS', 'IMC', 'I-'))}{rng.choice(('0', '', ''))}{rng.randint(1, 9)}", WARD_TYPE)
        d.add(" auf " + rng.choice(("Station ", "die Normalstation ", "")))
        lt.ward(lead=False)
        d.add(" zur weiteren Behandlung. ")
    elif r < 0.6:
        d.add("Am ")
        lt.date(lt.stay_day(rng.randint(1, 9)), DAY_STYLES)
        d.add(" kann " + lt.mister() + " ")
        lt.patient_short()
        d.add(" wieder selbstständig mobilisiert werden. ")
    elif r < 0.8:
        d.add(rng.choice(("Pat. ", "Pt. ")))
        d.phi(lt.p["last"][0] + ".", "PATIENT_NAME")
        d.add(" berichtet über eine deutliche Besserung. ")
    else:
        d.add("Die konsiliarische Mitbeurteilung durch " + rng.choice(("OA Dr. ", "Dr. ", "Fr. OÄ ", "Hr. OA ")))
        lt.colleague(title=False)
        d.add(" ergab keinen weiteren Handlungsbedarf. ")


def meds(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    lt.heading(("Medikation", "Entlassungsmedikation", "Therapieempfehlung", "MEDIKATION BEI ENTLASSUNG", "Medikamente"), inline_ok=False)
    style = rng.randint(0, 2)
    for k in rng.sample(sorted(MEDS), rng.randint(2, 6)):
        names, doses, scheds = MEDS[k]
        name, dose, sched = rng.choice(names), rng.choice(doses), rng.choice(scheds)
        d.add((f"{name} {dose} {sched}", f"{name} {dose}\t{sched}", f"- {name:<24}{dose:<10}{sched}")[style])
        lt.nl()


def procedure(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    lt.heading(("Procedere", "Prozedere", "Empfehlungen", "Weiteres Procedere", "PROCEDERE"))
    say_all(lt, pick(lt, lt.dx["proc"], rng.randint(0, 2)) + pick(lt, PROC_GENERIC, rng.randint(1, 2)))
    r = rng.random()
    if r < 0.3:
        d.add("Wiedervorstellung in 14 Tagen (")
        a = lt.today + _dt.timedelta(days=rng.randint(10, 14))
        d.phi(fmt_date(a, rng.choice(("dm_nodot", "dm", "dm0"))), "DATE")
        d.add("-")
        lt.date(a + _dt.timedelta(days=rng.randint(3, 14)))
        d.add(") erforderlich. ")
    elif r < 0.55:
        d.add(rng.choice(("Am ", "Termin am ", "Kontrolle am ")))
        lt.date(lt.today + _dt.timedelta(days=rng.randint(7, 90)), FULL_STYLES + ("d_mon",))
        where = rng.choice(("auf Station ", "in unserer Ambulanz ", "an der Ambulanz "))
        d.add(f" um {rng.randint(7, 14)} Uhr " + where)
        if where.endswith("Station "):
            lt.ward(lead=False)
            d.add(" ")
        d.add("vereinbart. ")
    elif r < 0.8:
        d.add(rng.choice(("Für Rückfragen stehen wir unter der Nummer ", "Terminvereinbarung unter ", "Rückmeldung unter der Nummer ")))
        d.phi(lt.h_phone if rng.random() < 0.5 else hospital_numbers(rng, lt.country)[0], "PHONE")
        d.add(rng.choice(("\n(", " (")) + rng.choice(("OA Dr. ", "OÄ Dr. ", "Dr. ")))
        lt.colleague(title=False)
        d.add(") " + rng.choice(("zur Verfügung. ", "erbeten. ")))
    if rng.random() < 0.2:
        d.add(rng.choice(("Anschlussheilbehandlung geplant: ", "Rehabilitation beantragt: ", "Weiterbetreuung durch: ")))
        lt.ext_org()
        d.add(", Aufnahme am ")
        lt.date(lt.today + _dt.timedelta(days=rng.randint(5, 40)))
        d.add(".")
    lt.nl()
