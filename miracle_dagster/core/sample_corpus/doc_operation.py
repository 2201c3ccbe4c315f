"""Operation note generator."""

from __future__ import annotations

from miracle_dagster.core.sample_corpus.blocks import dx_line, dx_title, letterhead, patient_block, pick, signature
from miracle_dagster.core.sample_corpus.builder import Doc
from miracle_dagster.core.sample_corpus.context import Ctx
from miracle_dagster.core.sample_corpus.phrases_surgery import OPS, STEPS_END, STEPS_START
from miracle_dagster.core.schema import OPERATION_NOTE


def operation_note(c: Ctx) -> Doc:
    rng, case = c.rng, c.case
    d = Doc(rng, OPERATION_NOTE, c)
    dx = case["dx"]
    o = OPS[case["op"]]
    letterhead(d, c, ward=rng.random() < 0.3)
    d.add(rng.choice(("OPERATIONSBERICHT", "Operationsbericht", "OP-Bericht", "OP-Protokoll")) + "\n")
    patient_block(d, c, address_p=0.05)
    d.add(rng.choice(("OP-Datum: ", "Datum der Operation: ", "Operationstag: ")))
    c.date(d, c.doc_date)
    t0 = rng.randint(7 * 60, 16 * 60)
    dur = int(d.slot("tmin"))
    if rng.random() < 0.7:
        d.add(
            f"    Saal {rng.randint(1, 12)}    Schnitt: {t0 // 60:02d}:{t0 % 60:02d} Uhr    Naht: {(t0 + dur) // 60 % 24:02d}:{(t0 + dur) % 60:02d} Uhr"
        )
    d.nl()
    dep = c.dept
    ana = c.world.dept("anesthesia")
    team = [
        ("Operateur: " if rng.random() < 0.8 else "1. Operateur: ", rng.choice(dep["seniors"] + [dep["chief"]])),
        ("Assistenz: " if rng.random() < 0.7 else "1. Assistenz: ", rng.choice(dep["juniors"])),
        ("Anästhesie: ", rng.choice(ana["seniors"] + ana["juniors"])),
    ]
    if rng.random() < 0.6:
        team.append((rng.choice(("OP-Pflege: ", "Instrumentierung: ", "OTA: ")), rng.choice(dep["nurses"])))
    sep = rng.choice(("\n", "; ", "    "))
    for i, (label, person) in enumerate(team):
        if i:
            d.add(sep)
        d.add(label)
        c.staff(d, person, title=label != "OP-Pflege: " and rng.random() < 0.8)
    d.nl()
    i = rng.randrange(len(o["name"]))
    sections = ["Diagnose", "Indikation", "Eingriff", "Anästhesie", "OP-Verlauf", "Befund intraoperativ", "Procedere"]
    if rng.random() < 0.35:  # Situs before the course
        sections.remove("Befund intraoperativ")
        sections.insert(4, "Befund intraoperativ")
    if rng.random() < 0.2:
        sections.remove("Anästhesie")
    if rng.random() < 0.15:
        sections.remove("Indikation")
    for sec in sections:
        if sec == "Diagnose":
            d.heading(sec)
            dx_line(d, c, dx_title(d, dx), dx["icd"], rng.randint(0, 3))
        elif sec == "Indikation":
            d.heading(sec)
            t = rng.choice(o["ind"])
            extra = []
            if rng.random() < 0.5:
                extra.append(
                    "Die Aufklärung über Risiken und Alternativen erfolgte am {D-1} durch {DOC}, die Einwilligung liegt schriftlich vor."
                )
            if rng.random() < 0.3:
                extra.append("{Pat} ({PAGE} J.) wünscht die operative Versorgung.")
            d.prose([t] + extra)
        elif sec == "Eingriff":
            d.heading(sec)
            code = o["ops"][min(i, len(o["ops"]) - 1)]
            if d.last_heading.upper() == "OPS":
                d.add(code + " ")
                d.render(o["name"][i])
                d.nl()
            else:
                d.render(o["name"][i])
                d.add(f" (OPS {code})\n")
        elif sec == "Anästhesie":
            d.heading(sec)
            d.add(rng.choice(o["ana"]) + "\n")
        elif sec == "OP-Verlauf":
            d.heading(sec, allow_inline=False)
            steps = (
                [rng.choice(STEPS_START)]
                + pick(rng, o["steps"], max(2, len(o["steps"]) - 2), len(o["steps"]))
                + list(rng.choice(STEPS_END)[rng.randint(0, 1) :])
            )
            if rng.random() < 0.5:
                d.prose(steps)
            else:
                d.lines(steps, bullet=rng.random() < 0.5)
        elif sec == "Befund intraoperativ":
            d.heading(sec)
            d.lines([rng.choice(o["situs"])])
        else:
            d.heading(sec)
            proc = list(pick(rng, o["proc"], 1, 3))
            if o.get("path"):
                proc.append(
                    rng.choice(
                        (
                            "Histologische Untersuchung des Präparates im Institut für Pathologie.",
                            "Präparat zur Histologie.",
                            "Histologie ausstehend.",
                        )
                    )
                )
            if rng.random() < 0.4:
                proc.append("Rückverlegung auf {WARD}.")
            d.lines(proc, bullet=rng.random() < 0.5)
    op_person = team[0][1]
    signature(d, c, [(op_person, "Operateur" if op_person["sex"] == "m" else "Operateurin")], greeting=False)
    return d
