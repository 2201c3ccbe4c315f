"""The head of a letter: letterhead with head of department and contact lines, the recipient's address, the place
and date line, and the salutation.

This is where real letters crowd their contact PHI (hospital over several lines, street, town, phone, fax, mail, web),
in layouts that differ by country and by hospital.
"""

from __future__ import annotations

from miracle_dagster.core.sample_corpus.formatting import ascii_slug
from miracle_dagster.core.sample_corpus.phi_letters.hospitals import HEADS
from miracle_dagster.core.sample_corpus.phi_letters.letter import Letter
from miracle_dagster.core.sample_corpus.phi_letters.persons import initial, staff_person
from miracle_dagster.core.sample_corpus.phi_letters.values import FULL_STYLES, hospital_numbers


def letterhead(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    style = rng.randint(0, 3)
    d.add(rng.choice(("", "", "", "\t", "    ", "\t\t\t")))
    if style == 0:  # "Diakonissenkrankenhaus Berlin – Ophthalmologisches Zentrum"
        d.phi(lt.hosp[0], "ORGANIZATION")
        d.add(rng.choice((" – ", " - ", " | ", ", ")) + lt.dept)
        lt.nl()
    elif style == 1 and len(lt.hosp) == 1:  # "Klinik für Allgemeinchirurgie des Diakonissenkrankenhauses Bärental"
        d.add(lt.dept + rng.choice((" am ", " im ", "\n")))
        d.phi(lt.hosp[0], "ORGANIZATION")
        lt.nl()
    else:
        d.phi("\n".join(lt.hosp), "ORGANIZATION")
        lt.nl()
        d.add(lt.dept.upper() if rng.random() < 0.2 else lt.dept)
        lt.nl()
    if rng.random() < 0.7:
        head_line(lt)
    if rng.random() < 0.65:
        if rng.random() < 0.5:
            lt.gap()
        contact(lt)
    if rng.random() < 0.2:
        d.add(rng.choice(("Aufnahme: Telefon: ", "Ambulanz: Tel. ", "Bettenstation: ", "Terminvereinbarung: ")))
        d.phi(hospital_numbers(rng, lt.country)[0], "PHONE")
        lt.nl()


def head_line(lt: Letter) -> None:
    d, rng, p = lt.d, lt.rng, lt.chief
    r = rng.random()
    if r < 0.2:  # CHEFARZT: DR. MED. H. BLASENSTEIN
        head = rng.choice(("CHEFARZT: DR. MED. ", "VORSTAND: PRIM. DR. ", "DIREKTOR: UNIV.-PROF. DR. "))
        d.add(head if p["sex"] == "m" else head.replace("CHEFARZT", "CHEFÄRZTIN").replace("DIREKTOR", "DIREKTORIN"))
        d.phi(f"{initial(p['first'], rng)} {p['last']}".upper(), "STAFF_NAME")
    else:
        head = rng.choice(HEADS)
        if p["sex"] == "f":
            head = (
                head.replace("Ärztlicher Direktor", "Ärztliche Direktorin")
                .replace("Direktor:", "Direktorin:")
                .replace("Chefarzt", "Chefärztin")
            )
        else:
            head = head.replace("Direktorin", "Direktor").replace("Chefärztin", "Chefarzt").replace("Primaria", "Primar")
        d.add(head)
        d.phi(lt.staff_name(p, allow_reversed=False, upper_p=0.0), "STAFF_NAME")
    lt.nl()


def contact(lt: Letter) -> None:
    """Hospital address and switchboard in one of the usual layouts (German, Austrian zip-first, one line)."""
    d, rng = lt.d, lt.rng
    if rng.random() < 0.3:
        d.phi(lt.h_pc, "POSTAL_CITY")
        d.add(", ")
        d.phi(lt.h_street, "STREET")
        d.add(rng.choice((",\n", "\n", ", ")))
    else:
        lt.address(lt.h_street, lt.h_pc, rng.choice((", ", " · ", " | ", "\n", "  ")))
        lt.nl()
    d.add(rng.choice(("Tel.: ", "Tel. ", "Telefon ", "Telefon: ", "T: ", "Sekretariat: Tel. ")))
    lt.hospital_phone()
    if rng.random() < 0.8:
        d.add(rng.choice((", Fax: ", ", Fax ", " · Fax ", "\nFax: ", "  Fax.: ", " / F: ")))
        d.phi(lt.h_fax, "FAX")
    lt.nl()
    if rng.random() < 0.45:
        d.add(rng.choice(("E-Mail: ", "Mail: ", "E-mail: ", "")))
        staff = rng.choice(lt.doctors)
        local = rng.choice(
            (
                f"sekretariat.{ascii_slug(lt.dept.split(' ')[-1])}",
                "ambulanz",
                "office",
                "info",
                f"{ascii_slug(staff['first'])[:1]}.{ascii_slug(staff['last'])}",
            )
        )
        d.phi(f"{local}@{lt.domain}", "EMAIL")
        if rng.random() < 0.3:
            d.add(rng.choice((" | ", "  ", ", ")))
            d.phi("www." + lt.domain, "EMAIL")
        lt.nl()


def recipient(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    ind = rng.choice(("", "", "", "\t", "  ", "\t\t"))
    r = rng.random()
    gp = lt.gp
    if r < 0.6:
        lead = rng.choice(("Herrn" if gp["sex"] == "m" else "Frau", "An", ""))
        d.add(ind + lead + "\n" + ind if lead else ind)
        lt.gp_staff()
        lt.nl()
        if rng.random() < 0.4:
            d.add(
                ind
                + rng.choice(
                    (
                        "Facharzt für Allgemeinmedizin",
                        "Praxis für Allgemeinmedizin",
                        "Urologe",
                        "Internist",
                        "Arzt für Allgemeinmedizin",
                        "Hausärztliche Gemeinschaftspraxis",
                        "Fachärztin für Innere Medizin",
                    )
                )
            )
            lt.nl()
    elif r < 0.72:  # Gemeinschaftspraxis Drs. Leber und Krauth
        other = staff_person(rng, lt.country, gp=True)
        d.add(ind + rng.choice(("Gemeinschaftspraxis\n", "Praxis ", "An die Praxis\n")) + ind)
        lt.drs(gp, other, (" und ", " u. ", " & ", "/"))
        lt.nl()
    elif r < 0.85:  # copy to the patient
        d.add(ind + ("Herrn" if lt.p["sex"] == "m" else "Frau") + "\n" + ind)
        lt.patient_full()
        lt.nl()
        lt.address_lines(lt.p_street, lt.p_pc, ind)
        return
    else:  # another hospital
        unit = rng.choice(
            ("Abteilung für Innere Medizin", "Universitätsklinik für Neurologie", "Chirurgische Ambulanz", "Sekretariat Prof. Dr. ")
        )
        d.add(ind + rng.choice(("An die\n", "An das\n", "")) + ind + unit)
        if unit.endswith(" "):
            lt.gp_staff(title=False)
        lt.nl()
        d.add(ind)
        lt.ext_org()
        lt.nl()
    lt.address_lines(lt.gp_street, lt.gp_pc, ind)


def dateline(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    lt.gap()
    d.add(rng.choice(("", "", "\t\t\t\t\t\t\t", "\t\t\t", " " * rng.randint(20, 50))))
    r = rng.random()
    if r < 0.7:
        d.phi(lt.place, "POSTAL_CITY")
        d.add(rng.choice((", den ", ", am ", ", ", ", ", " ")))
    elif r < 0.85:
        d.add(rng.choice(("Datum: ", "Datum:\t", "Dat.: ")))
    lt.date(lt.today, FULL_STYLES)
    lt.nl()


def salutation(lt: Letter) -> None:
    d, rng, gp = lt.d, lt.rng, lt.gp
    lt.gap()
    r = rng.random()
    m = gp["sex"] == "m"
    if r < 0.55:
        lead = rng.choice(
            (
                "Sehr geehrter Herr Kollege ",
                "Sehr geehrter Herr Kollege ",
                "Lieber Herr Kollege ",
                "Sehr geehrter Herr Dr. ",
                "Sehr geehrter Herr ",
                "Lieber ",
            )
            if m
            else (
                "Sehr geehrte Frau Kollegin ",
                "Sehr geehrte Frau Kollegin ",
                "Liebe Frau Kollegin ",
                "Sehr geehrte Frau Dr. ",
                "Sehr geehrte Frau ",
                "Liebe ",
            )
        )
        d.add(lead)
        d.phi(gp["first"] if lead in ("Lieber ", "Liebe ") else gp["last"], "STAFF_NAME")
        d.add(rng.choice((",", ",", "!", ", ")))
    else:
        d.add(
            rng.choice(
                (
                    "Sehr geehrte Kolleginnen und Kollegen,",
                    "Sehr geehrte Damen und Herren,",
                    "Liebe Kolleginnen, liebe Kollegen,",
                    "Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,",
                    "Werte Kollegen!",
                )
            )
        )
    lt.nl()
    lt.gap()
