"""Laboratory tables and medication plans as written into discharge letters."""

from __future__ import annotations

import random
import re
from typing import Any, Iterable

from miracle_dagster.core.sample_corpus.builder import Doc
from miracle_dagster.core.sample_corpus.context import Ctx
from miracle_dagster.core.sample_corpus.formatting import STAY_DATE_STYLES, fmt_decimal
from miracle_dagster.core.sample_corpus.people import digits
from miracle_dagster.core.sample_corpus.phrases_common import BASE_PANEL, LABS, MED_GROUPS, MEDS, RANDOM_ABNORMAL


def _lab_value(rng: random.Random, key: str, sex: str, direction: str | None) -> tuple[str, str, str, str]:
    names, unit, ref_m, ref_f, nd, hi, lo = LABS[key]
    ref = ref_f if (sex == "f" and ref_f) else ref_m
    if direction == "hi" and hi[1] > 0:
        v = rng.uniform(*hi)
        flag = "hi"
    elif direction == "lo" and lo[1] > 0:
        v = rng.uniform(*lo)
        flag = "lo"
    else:
        if ref[0] > 0:
            v = rng.uniform(ref[0] + (ref[1] - ref[0]) * 0.05, ref[1] - (ref[1] - ref[0]) * 0.05)
        else:
            v = rng.uniform(ref[1] * 0.25, ref[1] * 0.9)
        flag = ""
    if key == "GFR" and flag == "":
        ref_txt = "> 60"
        v = rng.uniform(61, 115)
    elif ref[0] == 0:
        ref_txt = f"< {fmt_decimal(ref[1], nd) if nd else ref[1]}"
    else:
        ref_txt = f"{fmt_decimal(ref[0], nd)}–{fmt_decimal(ref[1], nd)}" if nd else f"{ref[0]}–{ref[1]}"
    return rng.choice(names), fmt_decimal(v, nd), unit, ref_txt + ("|" + flag if flag else "")


def write_labs(d: Doc, c: Ctx, dx: dict[str, Any]) -> None:
    rng = c.rng
    keys = [k for k in BASE_PANEL if rng.random() < 0.85]
    extra = list(dx.get("hi", ())) + list(dx.get("lo", ()))
    extra += rng.sample(("GOT", "GPT", "GGT", "Bili", "TSH", "INR", "Gluc", "HbA1c", "LDL", "Alb", "Hst", "CK", "LDH"), rng.randint(0, 4))
    for k in extra:
        if k not in keys:
            keys.append(k)
    flags = rng.choice((("↑", "↓"), ("H", "L"), ("(erhöht)", "(erniedrigt)"), ("*", "*"), ("+", "-")))
    style = rng.choice(("list", "list", "prose", "table"))
    if rng.random() < 0.4:
        paren = rng.random() < 0.5
        d.add("Aufnahmelabor (" if paren else "Labor vom ")
        c.date(d, c.case["adm"], STAY_DATE_STYLES)
        d.add("):\n" if paren else ":\n")
    if rng.random() < 0.1:
        d.add("Auftrags-Nr. Labor: ")
        d.phi(c.case["year"][2:] + digits(rng, 8), "ORDER_ID")
        d.nl()
    rows = []
    his, los = set(dx.get("hi", ())), set(dx.get("lo", ()))
    if "Krea" in his:
        los.add("GFR")
    for k in keys:
        direction = "hi" if k in his else ("lo" if k in los else None)
        if direction is None and k in RANDOM_ABNORMAL and rng.random() < 0.08:
            direction = rng.choice(("hi", "lo"))
        name, val, unit, ref = _lab_value(rng, k, c.patient["sex"], direction)
        ref, _, flag = ref.partition("|")
        mark = flags[0] if flag == "hi" else (flags[1] if flag == "lo" else "")
        rows.append((name, val, unit, ref, mark))
    if style == "prose":
        parts = []
        for name, val, unit, ref, mark in rows:
            u = unit if unit.startswith("/") or not unit else " " + unit
            parts.append(f"{name} {val}{u}" + (f" {mark}" if mark else ""))
        d.add(rng.choice(("Bei Aufnahme: ", "Laborchemisch ", "Aufnahmelabor: ", "")) + ", ".join(parts) + ".")
        if rng.random() < 0.5:
            d.add(
                " "
                + rng.choice(
                    (
                        "Im Verlauf rückläufige Entzündungsparameter.",
                        "Bei Entlassung Normalisierung der Elektrolyte.",
                        "Im Verlauf stabile Werte.",
                        "Kontrollwerte siehe Anlage.",
                    )
                )
            )
        d.nl()
    elif style == "table":
        d.add(f"{'Parameter':<22}{'Wert':>10}  {'Einheit':<16}{'Referenz'}\n")
        for name, val, unit, ref, mark in rows:
            d.add(f"{name:<22}{val:>10}  {unit:<16}{ref} {mark}".rstrip() + "\n")
    else:
        for name, val, unit, ref, mark in rows:
            u = unit if unit.startswith("/") or not unit else " " + unit
            d.add(f"{name} {val}{u} ({ref})" + (f" {mark}" if mark else "") + "\n")


def _med_keys(rng: random.Random, groups: Iterable[str]) -> list[str]:
    out: list[str] = []
    for g in groups:
        for k in MED_GROUPS.get(g, (g,) if g in MEDS else ()):
            if k not in out:
                out.append(k)
    return out


def write_meds(d: Doc, c: Ctx, dx: dict[str, Any]) -> None:
    rng = c.rng
    keys = _med_keys(rng, list(dx.get("meds", ())) + c.patient["chronic_meds"])
    keys = [k for k in keys if rng.random() < 0.92][:13]
    if not keys:
        d.add("Keine Dauermedikation.\n")
        return
    style = rng.randint(0, 3)
    if style == 3:
        d.add("Wirkstoff\tStärke\tMo-Mi-Ab-Na\n")
    for k in keys:
        names, doses, schedules = MEDS[k]
        name, dose, sched = rng.choice(names), rng.choice(doses), rng.choice(schedules)
        if style == 0:
            d.add(f"{name} {dose} {sched}\n")
        elif style == 1:
            d.add(f"{d.bullet or '- '}{name} {dose}: {sched.replace('-', ' – ') if sched[:1].isdigit() else sched}\n")
        elif style == 2:
            d.add(f"{name:<28}{dose:<12}{sched}\n")
        else:
            sched4 = sched + "-0" if re.fullmatch(r"\d-\d-\d", sched) else sched
            d.add(f"{name}\t{dose}\t{sched4}\n")
    if rng.random() < 0.35:
        d.add(
            rng.choice(
                (
                    "Abgesetzt: Ibuprofen (Nierenfunktion).",
                    "Neu angesetzt: siehe oben.",
                    "Bedarfsmedikation: Metamizol 500 mg bis 4x tgl.",
                    "Die Medikation wurde gegenüber der Aufnahme angepasst.",
                    "Pausiert: Metformin bis zur Kontrolle der Nierenfunktion.",
                )
            )
            + "\n"
        )
