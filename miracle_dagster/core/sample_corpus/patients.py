"""Patient master data: identity, address, relatives, chronic conditions and treating departments."""

from __future__ import annotations

import datetime as _dt
import random
import re
from typing import Any, Sequence

from faker import Faker

from miracle_dagster.core.sample_corpus.builder import TOKEN
from miracle_dagster.core.sample_corpus.formatting import ascii_slug
from miracle_dagster.core.sample_corpus.people import (
    INSURERS,
    MAIL_DOMAINS,
    RELATIONS,
    World,
    area_code,
    digits,
    fmt_phone,
    house_number,
    make_person,
    mobile,
    postcode,
)
from miracle_dagster.core.sample_corpus.phrases_common import ALLERGIES, COMORBIDITIES, FH_EXTRA, HISTORY, SLOTS

_SPEC_WEIGHT = {"radiology": 0.6, "pathology": 0.35}


def make_patient(fk: Faker, rng: random.Random, world: World, pid: str, specialties: Sequence[str], first_year: int) -> dict[str, Any]:
    sex = rng.choice("mf")
    person = make_person(fk, rng, sex)
    age0 = int(min(86, max(18, rng.gauss(58, 15))))
    birth = _dt.date(first_year - age0, rng.randint(1, 12), rng.randint(1, 28))
    street = f"{fk.street_name()} {house_number(rng)}"
    postal, city = postcode(fk, rng), fk.city()
    phone = mobile(rng) if rng.random() < 0.5 else fmt_phone(rng, area_code(rng), digits(rng, rng.choice((5, 6, 7))))
    email = None
    if rng.random() < 0.35:
        email = f"{ascii_slug(person['first'])}.{ascii_slug(person['last'])}@{rng.choice(MAIL_DOMAINS)}".replace("-", "")
        if rng.random() < 0.3:
            email = email.replace("@", f"{rng.randint(1, 99)}@", 1)
    insurance_id = rng.choice("ABCDEFGHIJKLMNORSTUVWXYZ") + "".join(str(rng.randint(0, 9)) for _ in range(9))
    relatives = []
    partner_sex = "f" if sex == "m" else "m"
    if rng.random() < 0.05:
        partner_sex = sex
    rel_p = make_person(fk, rng, partner_sex, last=person["last"] if rng.random() < 0.7 else None)
    rel_p["relation"], rel_p["relation_obl"] = rng.choice(RELATIONS[partner_sex][:1] * 3 + RELATIONS[partner_sex][3:4])
    relatives.append(rel_p)
    child_sex = rng.choice("mf")
    ch = make_person(fk, rng, child_sex, last=person["last"] if rng.random() < 0.6 else None)
    ch["relation"], ch["relation_obl"] = rng.choice(RELATIONS[child_sex][1:2] * 2 + RELATIONS[child_sex][2:3] + RELATIONS[child_sex][4:])
    relatives.append(ch)
    for r in relatives:
        r["phone"] = mobile(rng)
    # chronic conditions (patient level, reused by every document)
    pool = [cm for cm in COMORBIDITIES if cm[3] in (None, sex)]
    chosen = rng.sample(pool, rng.randint(0, 5))
    fake_ctx_slots: dict[str, str] = {}

    def fill(t: str) -> str:
        def rep(m: re.Match[str]) -> str:
            k = m.group(1)
            if k not in fake_ctx_slots:
                fake_ctx_slots[k] = SLOTS[k](rng)
            return fake_ctx_slots[k]

        return TOKEN.sub(rep, t)

    comorbidities = [(fill(t), icd) for t, icd, _, _ in chosen]
    seen_icd = {icd for _, icd in comorbidities}
    if FH_EXTRA and rng.random() < 0.3:
        name, icd = rng.choice(FH_EXTRA)
        if icd not in seen_icd:
            comorbidities.append((name, icd))
    chronic_meds = [g for _, _, g, _ in chosen if g]
    history = [fill(t) for t, s in rng.sample(HISTORY, rng.randint(0, 3)) if s in (None, sex)]
    allergies = rng.sample(ALLERGIES, rng.choice((0, 0, 0, 1, 1, 2))) if ALLERGIES else []
    # which departments this patient gets treated in
    specs = list(specialties)
    clinical = [s for s in specs if s not in ("radiology", "pathology")] or specs
    k = rng.choice((1, 1, 2, 2, 3))
    home = rng.sample(clinical, min(k, len(clinical)))
    for s in ("radiology", "pathology"):
        if s in specs and s not in home and rng.random() < _SPEC_WEIGHT[s]:
            home.append(s)
    return {
        "patient_id": pid,
        "first_name": person["first"],
        "last_name": person["last"],
        "sex": sex,
        "birth": birth,
        "street": street,
        "postal_code": postal,
        "city": city,
        "phone": phone,
        "email": email,
        "insurance_id": insurance_id,
        "insurer": rng.choice(INSURERS),
        "relatives": relatives,
        "gp": rng.choice(world.gps),
        "comorbidities": comorbidities,
        "chronic_meds": chronic_meds,
        "history": history,
        "allergies": allergies,
        "home": list(dict.fromkeys(home)),
        "dx_by_spec": {},
    }
