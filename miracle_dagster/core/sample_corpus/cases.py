"""Case planning: diagnosis per specialty, radiology exam / pathology specimen choice, documents per case."""

from __future__ import annotations

import random
from typing import Any, Sequence

from miracle_dagster.core.sample_corpus.people import World
from miracle_dagster.core.sample_corpus.phrases_diagnoses import DX
from miracle_dagster.core.sample_corpus.phrases_pathology import PATH, PATH_BY_ICD, PATH_PATTERN_BY_OP
from miracle_dagster.core.sample_corpus.phrases_radiology import RAD, RAD_BY_SPECIALTY
from miracle_dagster.core.sample_corpus.phrases_surgery import OPS
from miracle_dagster.core.schema import DISCHARGE_LETTER, OPERATION_NOTE, PATHOLOGY_REPORT, RADIOLOGY_REPORT

CLINICAL = ("internal_medicine", "surgery", "cardiology", "oncology", "neurology")


def choose_dx(rng: random.Random, patient: dict[str, Any], spec: str) -> dict[str, Any]:
    pool_spec = spec if spec in DX else "internal_medicine"
    prev = patient["dx_by_spec"].get(pool_spec)
    if prev is not None and rng.random() < 0.45:
        return prev
    pool = [x for x in DX[pool_spec] if x["sex"] in (None, patient["sex"])]
    dx = rng.choice(pool)
    patient["dx_by_spec"][pool_spec] = dx
    return dx


def rad_for(rng: random.Random, spec: str, dx: dict[str, Any] | None) -> tuple[str, str | None]:
    if dx and dx.get("rad") and rng.random() < 0.75:
        exam, pat = dx["rad"]
        return exam, pat if pat else (rng.choice(list(RAD[exam]["pat"])) if rng.random() < 0.3 else None)
    exams = RAD_BY_SPECIALTY.get(spec) or tuple(RAD)
    exam = rng.choice(exams)
    pats = list(RAD[exam]["pat"])
    return exam, (rng.choice(pats) if pats and rng.random() < 0.65 else None)


def path_for(rng: random.Random, dx: dict[str, Any] | None, op: str | None, sex: str) -> tuple[str, str]:
    if op and op in PATH_PATTERN_BY_OP:
        return OPS[op]["path"], rng.choice(PATH_PATTERN_BY_OP[op])
    if dx and dx["icd"][:3] in PATH_BY_ICD:
        return PATH_BY_ICD[dx["icd"][:3]]
    spec = rng.choice([k for k, v in PATH.items() if v.get("sex") in (None, sex)])
    return spec, rng.choice(list(PATH[spec]["pat"]))


def plan_case(
    rng: random.Random, spec: str, specialties: Sequence[str], dx: dict[str, Any] | None, op: str | None
) -> list[tuple[str, str]]:
    """Return [(document_type, document_specialty)] for one case, main document first."""
    if spec == "radiology":
        return [(RADIOLOGY_REPORT, "radiology")] * (2 if rng.random() < 0.15 else 1)
    if spec == "pathology":
        return [(PATHOLOGY_REPORT, "pathology")]
    plan: list[tuple[str, str]] = []
    if spec == "surgery" and op:
        r = rng.random()
        if r < 0.6:
            plan = [(OPERATION_NOTE, spec), (DISCHARGE_LETTER, spec)]
        elif r < 0.85:
            plan = [(OPERATION_NOTE, spec)]
        else:
            plan = [(DISCHARGE_LETTER, spec)]
    else:
        plan = [(DISCHARGE_LETTER, spec)]
        if rng.random() < 0.22:
            plan.append((RADIOLOGY_REPORT, spec))
    if "radiology" in specialties and rng.random() < 0.3:
        plan.append((RADIOLOGY_REPORT, "radiology"))
    if "pathology" in specialties and (
        (op and op in PATH_PATTERN_BY_OP and rng.random() < 0.6) or (dx and dx["icd"][:3] in PATH_BY_ICD and rng.random() < 0.3)
    ):
        plan.append((PATHOLOGY_REPORT, "pathology"))
    return plan


def ward_for(world: World, rng: random.Random, dept_key: str) -> str:
    return rng.choice(world.dept(dept_key)["wards"])
