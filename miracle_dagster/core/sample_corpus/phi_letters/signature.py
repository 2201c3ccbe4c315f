"""The foot of a letter: greeting, the signing doctors with titles and roles, the release line and the copy list.

Signatures are where staff names stand in the most layouts (side by side, one per line with the role under it,
``OA Dr. Huber Karina``, ``Drs. Leber und Krauth``), often without any title to give them away.
"""

from __future__ import annotations

from miracle_dagster.core.sample_corpus.phi_letters.letter import Letter
from miracle_dagster.core.sample_corpus.phi_letters.persons import ROLE_SHORT
from miracle_dagster.core.sample_corpus.phi_letters.values import FULL_STYLES
from miracle_dagster.core.sample_corpus.phrases_letters import GREETINGS


def signature(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    lt.gap()
    d.add(rng.choice(GREETINGS + ("Mit freundlichen Grüßen,", "Mit den besten Grüßen", "Hochachtungsvoll", "Mit kollegialen Grüßen\nIhr")))
    lt.nl()
    lt.gap()
    people = [lt.chief] + rng.sample(lt.doctors, rng.randint(1, min(2, len(lt.doctors))))
    rng.shuffle(people)
    style = rng.randint(0, 4)
    if style == 4:  # Drs. Leber und Krauth
        lt.drs(people[0], people[1], (" und ", " u. ", " / "))
        lt.nl()
        return
    sep = rng.choice(("\t", "  ", "     ", " ", "\t\t"))
    for i, p in enumerate(people):
        if i:
            d.add("\n" if style in (0, 3) else sep)
        if style == 3:
            d.add(rng.choice(ROLE_SHORT[p["sex"]]) + " ")
            if rng.random() < 0.5:
                d.add("Dr. ")
            d.phi(p["last"] if rng.random() < 0.5 else f"{p['last']} {p['first']}", "STAFF_NAME")
        else:
            lt.staff(p, role=style == 2 and rng.random() < 0.5)
        if style == 0 and rng.random() < 0.7:
            d.add("\n" + p["role"])
        elif style == 1 and rng.random() < 0.3:
            d.add(", " + p["role"])
    lt.nl()
    if rng.random() < 0.25:
        d.add(rng.choice(("Elektronisch vidiert: ", "Vidiert: ", "Freigegeben: ", "dikt.: ")))
        lt.staff(rng.choice(lt.doctors), title=rng.random() < 0.5)
        d.add(rng.choice((", ", " am ", " ")))
        lt.date(lt.today, FULL_STYLES)
        lt.nl()


def copy_to(lt: Letter) -> None:
    d, rng = lt.d, lt.rng
    lt.gap()
    d.add(rng.choice(("Kopie an: ", "cc: ", "Nachrichtlich: ", "Ergeht an: ")))
    if rng.random() < 0.6:
        d.add(rng.choice(("Hausarzt ", "HA ", "")))
        lt.gp_staff()
        if rng.random() < 0.5:
            d.add(", ")
            lt.address(lt.gp_street, lt.gp_pc)
    else:
        lt.ext_org()
    lt.nl()
