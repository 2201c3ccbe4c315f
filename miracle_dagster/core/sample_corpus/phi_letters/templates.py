"""Phrase-pool templates written into a letter: the clinical filler the sections put around their PHI.

The sample corpus' phrase pools mark PHI with upper-case slots (``{PNAME}``, ``{D+2}``, ``{RELDAT}``); here each is
written through the letter's own writers, so its value is the letter's (its patient, its stay, its wards) and its span
exact. Lower-case slots are filler drawn once per letter (:meth:`.Letter.slot`).
"""

from __future__ import annotations

import datetime as _dt
from typing import Sequence

from miracle_dagster.core.sample_corpus.phi_letters.letter import TOKEN, Letter
from miracle_dagster.core.sample_corpus.phi_letters.values import DAY_STYLES
from miracle_dagster.core.sample_corpus.phrases_common import SLOTS

_RELATIVE_CASES = {"RELNOM": "nom", "RELDAT": "dat", "RELAKK": "akk"}


def say(lt: Letter, tpl: str) -> None:
    """Write a phrase-pool template: lower-case slots are filler, upper-case ones write PHI through :func:`phi_slot`."""
    pos, buf = 0, []
    for m in TOKEN.finditer(tpl):
        buf.append(tpl[pos : m.start()])
        pos = m.end()
        key = m.group(1)
        if key in lt.g:
            buf.append(lt.g[key])
        elif key in SLOTS or key in ("oside", "sa"):
            buf.append(lt.slot(key))
        else:
            lt.d.add("".join(buf))
            buf = []
            phi_slot(lt, key)
    buf.append(tpl[pos:])
    lt.d.add("".join(buf))


def phi_slot(lt: Letter, key: str) -> None:
    d, rng = lt.d, lt.rng
    if key[:2] in ("D+", "DS"):
        lt.date(lt.stay_day(int(key[3:] if key[:2] == "DS" else key[2:])), DAY_STYLES)
    elif key[:2] == "D-":
        lt.date(lt.adm - _dt.timedelta(days=int(key[2:])))
    elif key[:2] == "DF":
        lt.date(lt.today + _dt.timedelta(days=int(key[3:])))
    elif key == "D0":
        lt.date(lt.adm)
    elif key == "DE":
        lt.date(lt.dis)
    elif key == "APPT":
        lt.date(lt.today + _dt.timedelta(days=rng.randint(7, 120)))
        d.add(rng.choice((f" um {rng.randint(7, 15)}:{rng.choice(('00', '15', '30', '45'))} Uhr", f" um {rng.randint(7, 15)} Uhr", "")))
    elif key == "PNAME":
        lt.patient_short()
    elif key == "PFULL":
        lt.patient_full()
    elif key == "PAGE":
        d.phi(str(lt.age), "AGE")
    elif key == "BDATE":
        lt.bdate()
    elif key == "HIST":
        lt.hist()
    elif key == "HISTM":
        lt.date(lt.hist_day(), ("mon_y", "month_y", "mm_yyyy", "m_yy"))
    elif key in _RELATIVE_CASES:
        lt.relative(_RELATIVE_CASES[key])
    elif key == "RELPHONE":
        d.phi(lt.rel_phone, "PHONE")
    elif key == "GP":
        lt.gp_staff()
    elif key == "DOC":
        lt.colleague()
    elif key in ("EXTORG", "REHA"):
        lt.ext_org()
    elif key == "WARD":
        lt.ward()
    elif key == "HPHONE":
        lt.hospital_phone()
    elif key == "wohnhaft":
        d.add("wohnhaft ")
        lt.address(lt.p_street, lt.p_pc)
    else:  # pragma: no cover - a new slot in the phrase pools
        raise KeyError(key)


def usable(tpl: str) -> bool:
    return "{tnm}" not in tpl


def pick(lt: Letter, pool: Sequence[str], k: int) -> list[str]:
    """Up to ``k`` templates of ``pool`` these letters can write (no TNM staging)."""
    usable_pool = [t for t in pool if usable(t)]
    return lt.rng.sample(usable_pool, min(k, len(usable_pool)))


def say_all(lt: Letter, tpls: Sequence[str]) -> None:
    """Templates one after another, each followed by a space."""
    for t in tpls:
        say(lt, t)
        lt.d.add(" ")
