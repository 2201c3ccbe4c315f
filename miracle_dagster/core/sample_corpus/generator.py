"""Corpus generation: patients -> cases -> documents with exact PHI spans (:func:`generate_corpus`)."""

from __future__ import annotations

import datetime as _dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

from faker import Faker

from miracle_dagster.core.sample_corpus.builder import Doc
from miracle_dagster.core.sample_corpus.cases import CLINICAL, choose_dx, path_for, plan_case, rad_for, ward_for
from miracle_dagster.core.sample_corpus.context import Ctx
from miracle_dagster.core.sample_corpus.doc_discharge import discharge_letter
from miracle_dagster.core.sample_corpus.doc_operation import operation_note
from miracle_dagster.core.sample_corpus.doc_pathology import pathology_report
from miracle_dagster.core.sample_corpus.doc_radiology import radiology_report
from miracle_dagster.core.sample_corpus.formatting import DOC_DATE_STYLES
from miracle_dagster.core.sample_corpus.patients import make_patient
from miracle_dagster.core.sample_corpus.people import World, digits
from miracle_dagster.core.sample_corpus.phrases_common import GENDER
from miracle_dagster.core.schema import (
    DEFAULT_SPECIALTIES,
    DEFAULT_YEARS,
    DISCHARGE_LETTER,
    OPERATION_NOTE,
    PATHOLOGY_REPORT,
    RADIOLOGY_REPORT,
)

_GENERATORS: dict[str, Callable[[Ctx], Doc]] = {
    DISCHARGE_LETTER: discharge_letter,
    RADIOLOGY_REPORT: radiology_report,
    PATHOLOGY_REPORT: pathology_report,
    OPERATION_NOTE: operation_note,
}


@dataclass
class SampleCorpus:
    """Generated documents, the exact PHI spans inside them, and the patient master list."""

    documents: list[dict]  # keys: schema.REQUIRED_REPORT_COLUMNS (date as "YYYY-MM-DD")
    phi_spans: list[dict]  # {document_id, patient_id, start, end, type, text}
    patients: list[dict]  # {patient_id, first_name, last_name, birth_date, sex, street, postal_code, city, phone, insurance_id}


def generate_corpus(
    n_patients: int = 60,
    seed: int = 42,
    specialties: Sequence[str] = DEFAULT_SPECIALTIES,
    years: Sequence[str | int] = DEFAULT_YEARS,
    docs_per_patient: tuple[int, int] = (2, 8),
    holdout: bool = False,
) -> SampleCorpus:
    """Generate a deterministic synthetic German clinical corpus with PHI ground truth.

    Same arguments -> byte-identical output. Documents of a patient are spread over cases in several years and
    specialties; every inserted PHI item is recorded with its exact character span. ``holdout=True`` writes patient
    blocks, letterheads and signatures from a second template set (:mod:`.blocks`), text that PHI detection rules
    were not written against; the default output does not change.
    """
    specialties = tuple(dict.fromkeys(str(s) for s in specialties))
    years = tuple(dict.fromkeys(str(int(y)) for y in years))
    if not specialties or not years:
        raise ValueError("specialties and years must not be empty")
    lo, hi = docs_per_patient
    if lo < 1 or hi < lo:
        raise ValueError(f"invalid docs_per_patient {docs_per_patient!r}")
    rng = random.Random(seed)
    fk = Faker("de_DE")
    fk.seed_instance(seed)
    world = World(fk, rng, n_patients)
    first_year = int(min(years))

    documents: list[dict] = []
    phi_spans: list[dict] = []
    patients_out: list[dict] = []
    used_pids: set[str] = set()
    case_counter: dict[str, int] = {}
    doc_no = 0

    for _ in range(n_patients):
        pid = "P" + digits(rng, 7)
        while pid in used_pids:
            pid = "P" + digits(rng, 7)
        used_pids.add(pid)
        p = make_patient(fk, rng, world, pid, specialties, first_year)
        patients_out.append(
            {
                "patient_id": pid,
                "first_name": p["first_name"],
                "last_name": p["last_name"],
                "birth_date": p["birth"].isoformat(),
                "sex": p["sex"],
                "street": p["street"],
                "postal_code": p["postal_code"],
                "city": p["city"],
                "phone": p["phone"],
                "insurance_id": p["insurance_id"],
            }
        )
        remaining = rng.randint(lo, hi)
        years_left = list(years)
        rng.shuffle(years_left)
        while remaining > 0:
            spec = rng.choice(p["home"])
            # spread a patient's cases over different years first, then repeat years
            year = years_left.pop() if years_left else rng.choice(years)
            dx = None if spec in ("radiology", "pathology") else choose_dx(rng, p, spec)
            op = dx.get("op") if dx else None
            plan = plan_case(rng, spec, specialties, dx, op)[:remaining]
            remaining -= len(plan)
            y = int(year)
            los = rng.randint(*dx["los"]) if dx else rng.choice((0, 0, 0, 1, 2))
            start = _dt.date(y, 1, 1)
            span_days = max(1, (_dt.date(y, 12, 31) - start).days - los - 30)
            adm = start + _dt.timedelta(days=rng.randint(0, span_days))
            dis = adm + _dt.timedelta(days=los)
            case_counter[year] = case_counter.get(year, rng.randint(10_000, 300_000)) + rng.randint(1, 40)
            clin_dept = None
            if dx:
                clin_dept = dx.get("dept") or spec
            elif rng.random() < 0.75:
                clin_dept = rng.choice(CLINICAL)
            case = {
                "case_id": f"F{year}{case_counter[year]:06d}",
                "specialty": spec,
                "year": year,
                "adm": adm,
                "dis": dis,
                "dx": dx,
                "op": op,
                "op_date": adm + _dt.timedelta(days=min(los, rng.randint(0, 2))) if op else None,
                "clin_dept": clin_dept,
                "ward": ward_for(world, rng, clin_dept) if clin_dept else ward_for(world, rng, "internal_medicine"),
                "side": rng.choice(("links", "rechts")),
            }
            for doc_type, doc_spec in plan:
                if doc_type == DISCHARGE_LETTER:
                    day = dis
                elif doc_type == OPERATION_NOTE:
                    day = case["op_date"]
                elif doc_type == PATHOLOGY_REPORT:
                    day = (case["op_date"] or adm) + _dt.timedelta(days=rng.randint(1, 5))
                else:
                    day = adm + _dt.timedelta(days=rng.randint(0, los))
                if doc_type == RADIOLOGY_REPORT:
                    case["rad"] = rad_for(rng, clin_dept or doc_spec, dx)
                    dept_key = "radiology"  # written by radiology, filed under the case's specialty
                elif doc_type == PATHOLOGY_REPORT:
                    case["path"] = path_for(rng, dx, op, p["sex"])
                    dept_key = "pathology"
                else:
                    dept_key = (dx.get("dept") if dx else None) or doc_spec
                gender = dict(GENDER[p["sex"]])
                gp = p["gp"]
                gender["gp_acc"] = "den Hausarzt" if gp["sex"] == "m" else "die Hausärztin"
                ctx = Ctx(
                    rng=rng,
                    world=world,
                    patient=p,
                    case=case,
                    doc_date=day,
                    dept=world.dept(dept_key),
                    gender=gender,
                    date_style=rng.choice(DOC_DATE_STYLES),
                    holdout=holdout,
                )
                d = _GENERATORS[doc_type](ctx)
                text = d.text()
                doc_no += 1
                doc_id = f"DOC-{year}-{doc_no:07d}"
                documents.append(
                    {
                        "document_id": doc_id,
                        "patient_id": pid,
                        "case_id": case["case_id"],
                        "specialty": doc_spec,
                        "document_type": doc_type,
                        "date": day.isoformat(),
                        "text": text,
                    }
                )
                for start_, end_, typ, s in d.spans:
                    phi_spans.append({"document_id": doc_id, "patient_id": pid, "start": start_, "end": end_, "type": typ, "text": s})
    return SampleCorpus(documents=documents, phi_spans=phi_spans, patients=patients_out)


def corpus_summary(corpus: SampleCorpus) -> dict:
    """Counts for printing: documents per type/specialty/year, PHI spans per type, sizes."""
    docs = corpus.documents
    n = len(docs)
    per_patient = Counter(d["patient_id"] for d in docs)
    years_per_patient: dict[str, set[str]] = {}
    for d in docs:
        years_per_patient.setdefault(d["patient_id"], set()).add(d["date"][:4])
    return {
        "n_documents": n,
        "n_patients": len(corpus.patients),
        "n_cases": len({d["case_id"] for d in docs}),
        "n_phi_spans": len(corpus.phi_spans),
        "documents_per_type": dict(sorted(Counter(d["document_type"] for d in docs).items())),
        "documents_per_specialty": dict(sorted(Counter(d["specialty"] for d in docs).items())),
        "documents_per_year": dict(sorted(Counter(d["date"][:4] for d in docs).items())),
        "phi_spans_per_type": {t: c for t, c in sorted(Counter(s["type"] for s in corpus.phi_spans).items())},
        "avg_documents_per_patient": round(n / max(1, len(per_patient)), 2),
        "avg_years_per_patient": round(sum(len(v) for v in years_per_patient.values()) / max(1, len(years_per_patient)), 2),
        "avg_chars_per_document": round(sum(len(d["text"]) for d in docs) / max(1, n), 1),
        "total_chars": sum(len(d["text"]) for d in docs),
    }
