"""Discharge letter (Arztbrief) generator."""

from __future__ import annotations

from miracle_dagster.core.sample_corpus.blocks import dx_line, dx_title, letterhead, patient_block, pick, signature, tnm_text
from miracle_dagster.core.sample_corpus.builder import Doc
from miracle_dagster.core.sample_corpus.context import Ctx, phi_d0, phi_de, phi_hist
from miracle_dagster.core.sample_corpus.labs_meds import write_labs, write_meds
from miracle_dagster.core.sample_corpus.people import role_title
from miracle_dagster.core.sample_corpus.phrases_letters import (
    ANAM_MORE,
    ANAM_OPEN,
    ANAM_OPEN_ELECTIVE,
    AZ,
    AZ_NOM,
    COURSE_END,
    EXAM_GENERIC,
    EZ,
    EZ_NOM,
    LETTER_OPEN,
    PROC_GENERIC,
    SALUT_GENERIC,
)
from miracle_dagster.core.sample_corpus.phrases_surgery import OPS, SURG_COURSE, SURG_PROC
from miracle_dagster.core.schema import DISCHARGE_LETTER


def discharge_letter(c: Ctx) -> Doc:
    rng, p, case = c.rng, c.patient, c.case
    d = Doc(rng, DISCHARGE_LETTER, c)
    dx = case["dx"]
    spec = case["specialty"]
    letterhead(d, c)
    # addressee
    gp = p["gp"]
    if rng.random() < 0.7:
        d.add(("Herrn\n" if gp["sex"] == "m" else "Frau\n"))
        c.staff(d, gp, form="full")
        d.add("\n" + gp["practice"] + "\n")
        d.phi(gp["street"], "STREET")
        d.nl()
        d.phi(gp["postal_city"], "POSTAL_CITY")
        d.nl(2)
    # place/date
    if rng.random() < 0.6:
        d.phi(c.world.city, "POSTAL_CITY")
        d.add(", " + rng.choice(("den ", "")))
    else:
        d.add("Datum: ")
    c.date(d, c.doc_date)
    d.nl(2)
    d.add(rng.choice(("Entlassungsbericht", "Arztbrief", "Vorläufiger Entlassbrief", "Epikrise", "Entlassbrief", "ARZTBRIEF")) + "\n")
    patient_block(d, c)
    if rng.random() < 0.5:
        d.add("Stationärer Aufenthalt vom ")
        phi_d0(c, d)
        d.add(" bis ")
        phi_de(c, d)
        if rng.random() < 0.5:
            d.add(", ")
            d.phi(case["ward"], "ORGANIZATION")
        d.nl()
    d.nl()
    # salutation
    if rng.random() < 0.6:
        if gp["sex"] == "m":
            d.add(rng.choice(("Sehr geehrter Herr Kollege ", "Sehr geehrter Herr Dr. " if gp["title"] else "Sehr geehrter Herr ")))
        else:
            d.add(rng.choice(("Sehr geehrte Frau Kollegin ", "Sehr geehrte Frau Dr. " if gp["title"] else "Sehr geehrte Frau ")))
        d.phi(gp["last"], "STAFF_NAME")
        d.add(",\n\n")
    else:
        d.add(rng.choice(SALUT_GENERIC) + "\n\n")
    d.render(rng.choice(LETTER_OPEN).replace("{der_die}", "der" if p["sex"] == "m" else "die"))
    d.nl()

    icd_style = rng.randint(0, 3)
    bullet = rng.choice(("", "", "- ", "1. "))
    # Diagnosen
    d.heading("Diagnosen", allow_inline=False)
    dx_line(d, c, dx_title(d, dx), dx["icd"], icd_style, "" if bullet == "1. " else bullet)
    if dx.get("tnm") and "{tnm}" not in dx["dx"]:
        d.add(("TNM: " if rng.random() < 0.5 else "Stadium: ") + tnm_text(d, dx["tnm"]) + "\n")
    op = case.get("op")
    if op:
        o = OPS[op]
        i = rng.randrange(len(o["name"]))
        d.render(o["name"][i])
        d.add(" am ")
        c.date(d, case["op_date"])
        d.add(f" (OPS {o['ops'][min(i, len(o['ops']) - 1)]})\n")
    # Nebendiagnosen
    if p["comorbidities"] or p["history"]:
        if rng.random() < 0.85:
            d.heading("Nebendiagnosen", allow_inline=False)
        for j, (text, icd) in enumerate(p["comorbidities"]):
            pre = f"{j + 2}. " if bullet == "1. " else bullet
            dx_line(d, c, text, icd, icd_style, pre)
        for text in p["history"]:
            d.add(bullet if bullet != "1. " else "- ")
            d.render(text)
            if rng.random() < 0.6:
                d.add(" (")
                phi_hist(c, d)
                d.add(")")
            d.nl()
        if p["allergies"] and rng.random() < 0.5:
            d.add("Allergien: " + ", ".join(p["allergies"]) + "\n")
    # Anamnese
    d.heading("Anamnese")
    sym = d.fill(rng.choice(dx["sym"])) if dx["sym"] else "unklaren Beschwerden"
    sents = [rng.choice(ANAM_OPEN_ELECTIVE if dx.get("elective") else ANAM_OPEN).replace("{sym}", sym)]
    sents += pick(rng, dx.get("anam", ()), 0, 2)
    sents += rng.sample(ANAM_MORE, rng.randint(1, 4))
    if not p["allergies"] and rng.random() < 0.3:
        sents.append("Allergien: keine bekannt.")
    d.prose(sents)
    # Aufnahmebefund
    if rng.random() < 0.8:
        d.heading("Aufnahmebefund")
        d.render(
            rng.choice(
                (
                    "{PAGE}-{jaehrige} {Patient} in {az} AZ und {ez} EZ.",
                    "{Patient}, {PAGE} Jahre, {az} AZ, {ez} EZ.",
                    "{az_nom} Allgemeinzustand, {ez_nom} Ernährungszustand.",
                )
            )
            .replace("{az_nom}", rng.choice(AZ_NOM))
            .replace("{ez_nom}", rng.choice(EZ_NOM))
            .replace("{az}", rng.choice(AZ))
            .replace("{ez}", rng.choice(EZ))
        )
        d.add(" ")
        d.render(
            rng.choice(
                (
                    "RR {sys}/{dia} mmHg, HF {hf}/min, SpO2 {spo2} % unter Raumluft, Temp. {temp} °C.",
                    "Vitalparameter: RR {sys}/{dia} mmHg, Puls {hf}/min, AF 16/min, SpO2 {spo2} %.",
                    "RR {sys}/{dia} mmHg, HF {hf}/min.",
                )
            )
        )
        d.nl()
        override = dict(dx.get("exam", ()))
        for system in ("Cor", "Pulmo", "Abdomen", "Extremitäten", "Neuro", "Haut"):
            if system in override:
                d.render(f"{system}: {override[system]}")
                d.nl()
            elif rng.random() < 0.7:
                d.add(f"{system}: {rng.choice(EXAM_GENERIC[system])}\n")
    # Labor
    if rng.random() < 0.85:
        d.heading("Labor", allow_inline=False)
        write_labs(d, c, dx)
    # Diagnostik
    dia = pick(rng, dx.get("dia", ()), 1, 3)
    if dia and rng.random() < 0.85:
        d.heading("Diagnostik")
        d.lines(dia, bullet=True)
    # Therapie
    ther = list(dx.get("ther", ()))
    if op and rng.random() < 0.5:
        ther.append(OPS[op]["name"][0] + " am {D+" + str((case["op_date"] - case["adm"]).days) + "}.")
    if ther and rng.random() < 0.9:
        d.heading("Therapie")
        d.lines(ther, bullet=True)
    # Verlauf
    d.heading("Verlauf")
    course = pick(rng, dx.get("course", ()), 1, 4)
    if spec == "surgery" or op:
        course += rng.sample(SURG_COURSE, rng.randint(2, 4))
    if not course:
        course = ["Der stationäre Verlauf gestaltete sich unauffällig."]
    course.append(rng.choice(COURSE_END))
    d.prose(course)
    # Medikation / Procedere (sometimes swapped)
    proc = pick(rng, dx.get("proc", ()), 1, 3)
    if op:
        proc += pick(rng, OPS[op]["proc"], 0, 2) + rng.sample(SURG_PROC, rng.randint(1, 3))
    proc += rng.sample(PROC_GENERIC, rng.randint(1, 3))
    order = ("Medikation", "Procedere") if rng.random() < 0.7 else ("Procedere", "Medikation")
    for sec in order:
        if sec == "Medikation":
            d.heading("Medikation", allow_inline=False)
            write_meds(d, c, dx)
        else:
            d.heading("Procedere")
            if rng.random() < 0.5:
                d.lines(proc, bullet=True)
            else:
                d.prose(proc)
    # signature
    dep = c.dept
    people = []
    if rng.random() < 0.7:
        people.append((dep["chief"], role_title("chief", dep["chief"])))
    s = rng.choice(dep["seniors"])
    people.append((s, role_title("senior", s)))
    j = rng.choice(dep["juniors"])
    people.append((j, role_title("junior", j)))
    signature(d, c, people)
    return d
