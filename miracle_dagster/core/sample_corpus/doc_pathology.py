"""Pathology report generator."""

from __future__ import annotations

import datetime as _dt

from miracle_dagster.core.sample_corpus.blocks import letterhead, patient_block, pick, signature, tnm_text
from miracle_dagster.core.sample_corpus.builder import Doc
from miracle_dagster.core.sample_corpus.context import Ctx, phi_doc
from miracle_dagster.core.sample_corpus.people import digits, role_title
from miracle_dagster.core.sample_corpus.phrases_pathology import PATH, PATH_MATERIAL_BY_OP, PATH_MICRO_EXTRA
from miracle_dagster.core.sample_corpus.phrases_surgery import OPS
from miracle_dagster.core.schema import PATHOLOGY_REPORT


def pathology_report(c: Ctx) -> Doc:
    rng, case = c.rng, c.case
    d = Doc(rng, PATHOLOGY_REPORT, c)
    spec_key, pat_key = case["path"]
    sp = PATH[spec_key]
    pat = sp["pat"][pat_key]
    letterhead(d, c, ward=False)
    d.add(rng.choice(("Pathologisch-anatomisches Gutachten", "Histologischer Befundbericht", "Befundbericht", "PATHOLOGIEBEFUND")) + "\n")
    d.add(rng.choice(("Eingangsnummer: ", "E-Nr.: ", "Journal-Nr. ", "Einsendungs-Nr.: ")))
    y = case["year"]
    d.phi(
        rng.choice((f"E/{y}/{digits(rng, 5)}", f"H{y[2:]}-{digits(rng, 5)}", f"{y}-{digits(rng, 6)}", f"P {digits(rng, 5)}/{y[2:]}")),
        "ORDER_ID",
    )
    d.add(rng.choice(("    Eingang: ", ", Eingangsdatum: ", " | Eingang am ")))
    c.date(d, max(c.doc_date - _dt.timedelta(days=rng.randint(1, 4)), case["adm"]))
    if rng.random() < 0.6:
        d.add(rng.choice(("    Befunddatum: ", ", Ausgang: ")))
        c.date(d, c.doc_date)
    d.nl()
    d.add(rng.choice(("Einsender: ", "Einsendende Klinik: ", "Einsender/in: ")))
    if case["clin_dept"]:
        cd = c.world.dept(case["clin_dept"])
        d.add(cd["name"] + ", ")
        c.staff(d, rng.choice(cd["seniors"] + cd["juniors"]))
        if rng.random() < 0.4:
            d.add(", ")
            d.phi(case["ward"], "ORGANIZATION")
    else:
        gp = c.patient["gp"]
        d.add(gp["practice"] + " ")
        c.staff(d, gp)
        d.add(", ")
        d.phi(gp["postal_city"], "POSTAL_CITY")
    d.nl()
    patient_block(d, c, address_p=0.1)
    d.nl()
    sections = ["Klinische Angaben", "Material", "Makroskopie", "Mikroskopie"]
    if pat["ihc"]:
        sections.append("Immunhistochemie")
    sections.append("Diagnose")
    if pat["comment"] or rng.random() < 0.3:
        sections.append("Kommentar")
    if rng.random() < 0.15:
        sections.remove("Makroskopie")
    for sec in sections:
        if sec == "Klinische Angaben":
            d.heading(sec)
            t = rng.choice(sp["clin"])
            if case.get("op") and rng.random() < 0.6:
                t = OPS[case["op"]]["name"][0] + " am {D+" + str((case["op_date"] - case["adm"]).days) + "}. " + t
            d.render(t + ("." if not t.endswith(".") else ""))
            if rng.random() < 0.3:
                d.add(
                    " "
                    + rng.choice(
                        (
                            "Fragestellung: Dignität?",
                            "Bitte um Schnellbearbeitung.",
                            "Vorbefund siehe Eingangs-Nr. der Voreinsendung.",
                            "Malignität?",
                            "R-Status?",
                        )
                    )
                )
            d.nl()
        elif sec == "Material":
            d.heading(sec)
            material = PATH_MATERIAL_BY_OP.get(case.get("op") or "") or pat["material"] or sp["material"]
            d.render(rng.choice(material))
            d.add(rng.choice((".", " (formalinfixiert).", ", in Formalin.", "")) + "\n")
        elif sec == "Makroskopie":
            d.heading(sec)
            d.lines([rng.choice(pat["macro"] or sp["macro"])])
        elif sec == "Mikroskopie":
            d.heading(sec)
            d.prose(list(pat["micro"]) + pick(rng, PATH_MICRO_EXTRA, 0, 2))
        elif sec == "Immunhistochemie":
            d.heading(sec)
            d.lines(pat["ihc"], bullet=rng.random() < 0.5)
        elif sec == "Diagnose":
            d.heading(sec, allow_inline=False)
            d.lines(pat["dx"])
            if pat.get("tnm"):
                d.add(("TNM-Klassifikation (UICC, 8. Auflage): " if rng.random() < 0.6 else "") + tnm_text(d, pat["tnm"]) + "\n")
            d.add(rng.choice(("ICD-10: ", "ICD-10-GM: ", "Kodierung: ")) + pat["icd"] + "\n")
        else:
            d.heading(sec)
            items = list(pat["comment"]) or [
                rng.choice(
                    (
                        "Der Befund wurde in der Konsensuskonferenz bestätigt.",
                        "Weitere Schnittstufen ohne zusätzliche Befunde.",
                        "Eine Zweitbegutachtung ist jederzeit möglich.",
                    )
                )
            ]
            d.prose(items)
            if rng.random() < 0.3:
                d.add("Befund telefonisch vorab an ")
                phi_doc(c, d)
                d.add(" übermittelt (")
                c.date(d, c.doc_date)
                d.add(").\n")
    dep = c.dept
    s = rng.choice(dep["seniors"] + [dep["chief"]])
    people = [(s, role_title("specialist", s) + " für Pathologie")]
    if rng.random() < 0.5:
        j = rng.choice(dep["juniors"])
        people.insert(0, (j, role_title("junior", j)))
    signature(d, c, people, greeting=rng.random() < 0.25)
    return d
