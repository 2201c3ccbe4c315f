"""Radiology report generator."""

from __future__ import annotations

from typing import Any

from miracle_dagster.core.sample_corpus.blocks import dx_title, letterhead, patient_block, pick, signature
from miracle_dagster.core.sample_corpus.builder import Doc
from miracle_dagster.core.sample_corpus.context import Ctx, phi_doc, phi_hist
from miracle_dagster.core.sample_corpus.people import digits, role_title
from miracle_dagster.core.sample_corpus.phrases_radiology import CONFLICT_WORDS, RAD, RAD_QUESTIONS
from miracle_dagster.core.schema import RADIOLOGY_REPORT


def _rad_findings(d: Doc, exam: dict[str, Any], pattern: dict[str, Any] | None) -> tuple[list[str], list[str], list[str], str]:
    rng = d.rng
    if pattern:
        f = list(pattern["f"][:1]) + pick(rng, pattern["f"][1:], 0, len(pattern["f"]) - 1)
        ftxt = " ".join(f).lower()
        hits = [w for w in CONFLICT_WORDS if w in ftxt]
        normals = [s for s in exam["normal"] if not any(w in s.lower() for w in hits)]
        f += pick(rng, normals, 1, 4)
        imp = list(pick(rng, pattern["b"], 1, 2))
        rec = list(pick(rng, pattern["rec"] or exam["rec"], 0, 1))
        ind = rng.choice(pattern["ind"])
    else:
        f = pick(rng, exam["normal"], 3, 6)
        imp = pick(rng, exam["imp"], 1, 2)
        rec = pick(rng, exam["rec"], 0, 1)
        ind = rng.choice(exam["ind"])
    return f, imp, rec, ind


_QUESTIONS = ("Ausschluss {x}?", "{x}?", "V.a. {x}", "Frage nach {x}", "DD {x}?")


def radiology_report(c: Ctx) -> Doc:
    rng, case = c.rng, c.case
    d = Doc(rng, RADIOLOGY_REPORT, c)
    exam_key, pat_key = case["rad"]
    exam = RAD[exam_key]
    pattern = exam["pat"].get(pat_key) if pat_key else None
    findings, imp, rec, ind = _rad_findings(d, exam, pattern)
    letterhead(d, c, ward=False)
    patient_block(d, c, address_p=0.15)
    d.add(rng.choice(("Untersuchung: ", "Untersuchungsart: ", "", "Leistung: ")))
    d.render(rng.choice(pattern["names"] if pattern and pattern["names"] else exam["names"]))
    d.add(rng.choice((" vom ", " am ", ", ")))
    c.date(d, c.doc_date)
    if rng.random() < 0.5:
        d.add(f", {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} Uhr")
    d.nl()
    if rng.random() < 0.8:
        d.add(rng.choice(("Auftragsnummer: ", "Auftrags-Nr. ", "Untersuchungs-Nr.: ", "Accession-Nr.: ")))
        d.phi(rng.choice(("RA", "RAD", "R", "")) + case["year"][2:] + digits(rng, 7), "ORDER_ID")
        d.nl()
    if rng.random() < 0.8:
        d.add(rng.choice(("Anforderung: ", "Zuweiser: ", "Anforderer: ", "Einsender: ")))
        if case["clin_dept"] and rng.random() < 0.8:
            cd = c.world.dept(case["clin_dept"])
            d.add(cd["name"] + ", ")
            d.phi(case["ward"], "ORGANIZATION")
            d.add(", ")
            c.staff(d, rng.choice(cd["seniors"] + cd["juniors"]))
        else:
            c.staff(d, c.patient["gp"])
            d.add(" (" + c.patient["gp"]["practice"] + ")")
        d.nl()
    sections = ["Befund", "Beurteilung"]
    if rng.random() < 0.8:
        sections.insert(0, "Klinische Angaben")
    if rng.random() < 0.55:
        sections.insert(1 if sections[0] == "Klinische Angaben" else 0, "Fragestellung")
    if rng.random() < 0.85:
        sections.insert(len(sections) - 2, "Technik")
    if rng.random() < 0.5:
        sections.insert(len(sections) - 2, "Voruntersuchungen")
    if len(sections) < 4:
        sections.insert(len(sections) - 2, "Technik" if "Technik" not in sections else "Voruntersuchungen")
    if rec and rng.random() < 0.7:
        sections.append("Empfehlung")
    for sec in sections:
        if sec == "Klinische Angaben":
            d.heading(sec)
            extra = ""
            if case.get("dx") and rng.random() < 0.5:
                extra = " Vorbekannt: " + d.fill(dx_title(d, case["dx"])).split(",")[0] + "."
            d.render(ind + "." + extra if not ind.endswith(".") else ind + extra)
            if rng.random() < 0.25:
                d.add(
                    " "
                    + rng.choice(
                        ("Z.n. Appendektomie.", "Bekannte KHK.", "Niereninsuffizienz, Krea beachten.", "Kontrastmittelallergie verneint.")
                    )
                )
            d.nl()
        elif sec == "Fragestellung":
            d.heading(sec)
            qs = RAD_QUESTIONS.get(exam_key, ("Pathologie",))
            seen_txt = " ".join(findings + imp).lower()
            x = rng.choice([q for q in qs if q.lower() in seen_txt] or list(qs))
            d.add(rng.choice(_QUESTIONS).format(x=x) + "\n")
        elif sec == "Technik":
            d.heading(sec)
            d.render(rng.choice(exam["tech"]))
            if rng.random() < 0.3:
                d.add(rng.choice((" DLP 412 mGy·cm.", " Keine KM-Unverträglichkeit.", " Durchleuchtungszeit 0,4 min.", "")))
            d.nl()
        elif sec == "Voruntersuchungen":
            d.heading(sec)
            r = rng.random()
            if r < 0.35:
                d.add(rng.choice(("Keine.", "Keine Voraufnahmen vorliegend.", "Keine Vergleichsaufnahmen verfügbar.")) + "\n")
            elif r < 0.8:
                d.add(rng.choice(("Zum Vergleich: Voruntersuchung vom ", "Vergleich mit der Voruntersuchung vom ", "Voraufnahme vom ")))
                phi_hist(c, d)
                d.add(".\n")
            else:
                d.render("Externe Voraufnahmen aus dem {EXTORG} vom {HIST}.")
                d.nl()
        elif sec == "Befund":
            inline = d.heading(sec)
            if inline or rng.random() < 0.6:
                d.prose(findings)
            else:
                d.lines(findings, bullet=True)
        elif sec == "Beurteilung":
            d.heading(sec, allow_inline=len(imp) == 1)
            if len(imp) > 1:
                for i, t in enumerate(imp):
                    d.add(f"{i + 1}. ")
                    d.render(t)
                    d.nl()
            else:
                d.lines(imp)
        else:
            d.heading(sec)
            d.lines(rec)
    dep = c.dept
    s = rng.choice(dep["seniors"])
    j = rng.choice(dep["juniors"] + dep["seniors"])
    people = [(j, role_title("specialist", j) + " für Radiologie" if rng.random() < 0.5 else role_title("junior", j))]
    if j is not s:
        people.append((s, role_title("senior", s)))
    if rng.random() < 0.3:
        d.nl()
        d.add(rng.choice(("Befund telefonisch an ", "Befund vorab mitgeteilt an ")))
        phi_doc(c, d)
        d.add(" am ")
        c.date(d, c.doc_date)
        d.add(f", {rng.randint(7, 22):02d}:{rng.randint(0, 59):02d} Uhr.\n")
    signature(d, c, people, greeting=rng.random() < 0.3)
    return d
