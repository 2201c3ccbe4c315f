"""The letter types (discharge letter, outpatient letter, findings report, Austrian progress notes) and the documents.

Each type orders the section modules the way its real counterpart does and stops adding optional sections once the
letter reaches its drawn length; :func:`phi_training_documents` draws the letters and keeps those of usable length.
"""

from __future__ import annotations

import datetime as _dt
import random
from typing import Callable

from miracle_dagster.core.sample_corpus.phi_letters.findings import course, exam, findings, labs, meds, procedure, random_study
from miracle_dagster.core.sample_corpus.phi_letters.header import contact, dateline, letterhead, recipient, salutation
from miracle_dagster.core.sample_corpus.phi_letters.history import anamnesis, diagnoses
from miracle_dagster.core.sample_corpus.phi_letters.letter import Letter
from miracle_dagster.core.sample_corpus.phi_letters.patient import id_block, intro, patient_block, ward_line
from miracle_dagster.core.sample_corpus.phi_letters.persons import ROLE_SHORT
from miracle_dagster.core.sample_corpus.phi_letters.signature import copy_to, signature
from miracle_dagster.core.sample_corpus.phi_letters.templates import pick, say_all
from miracle_dagster.core.sample_corpus.phi_letters.values import FULL_STYLES, order_id

_DEKURS = (
    "Visite: beschwerdefrei, keine Übelkeit.",
    "Vitalparameter stabil, afebril.",
    "Mobilisation an den Bettrand gelingt.",
    "Schmerzen unter Analgesie gut kontrolliert (NRS 2).",
    "Kostaufbau problemlos.",
    "Laborkontrolle veranlasst.",
    "Wundverhältnisse reizlos, VW-Wechsel.",
    "Nächtliche Unruhe, Melperon b.B. verabreicht.",
    "Ausscheidung unauffällig.",
    "Physiotherapie fortgeführt.",
    "Sozialdienst bzgl. Entlassungsplanung kontaktiert.",
    "Aufklärungsgespräch geführt, Einverständnis liegt vor.",
    "RR {sys}/{dia} mmHg, HF {hf}/min.",
    "Temp. {fever} °C, Blutkulturen abgenommen.",
    "Drainage entfernt.",
    "BZ-Tagesprofil unauffällig.",
)


def discharge(lt: Letter, title: str, target: int) -> None:
    d, rng = lt.d, lt.rng
    letterhead(lt)
    lt.gap()
    if rng.random() < 0.75:
        recipient(lt)
    dateline(lt)
    if rng.random() < 0.5:
        lt.gap()
        id_block(lt)
    if rng.random() < 0.25:
        ward_line(lt)
    lt.title_line(title, upper_p=0.4)
    salutation(lt)
    intro(lt)
    diagnoses(lt)
    for block in (anamnesis, exam, labs, findings, course, meds, procedure):
        if d.pos < target or block in (course, procedure):
            block(lt)
    signature(lt)
    if rng.random() < 0.3:
        copy_to(lt)
    if rng.random() < 0.15:
        lt.gap()
        contact(lt)


def ambulant(lt: Letter, title: str, target: int) -> None:
    d, rng = lt.d, lt.rng
    letterhead(lt)
    lt.gap()
    recipient(lt)
    dateline(lt)
    lt.title_line(title)
    if rng.random() < 0.5:
        id_block(lt)
    salutation(lt)
    intro(lt, ambulant=True)
    diagnoses(lt, ambulant=True)
    for block in (anamnesis, exam, findings, meds):
        if d.pos < target:
            block(lt)
    procedure(lt)
    signature(lt)


def report(lt: Letter, title: str, target: int) -> None:
    """Befundbericht: patient block, study, findings, impression."""
    d, rng = lt.d, lt.rng
    letterhead(lt)
    lt.gap()
    patient_block(lt)
    id_block(lt, full=rng.random() < 0.4)
    if rng.random() < 0.4:
        d.add(rng.choice(("Zuweiser: ", "Einsender: ", "Überweisung von: ")))
        lt.gp_staff()
        lt.nl()
    dateline(lt)
    lt.title_line(title, upper_p=0.5)
    study = random_study(rng)
    d.add("Untersuchung: " + lt.fill(rng.choice(study["names"])) + rng.choice((" vom ", " am ", ", ")))
    lt.date(lt.today - _dt.timedelta(days=rng.randint(0, 3)))
    lt.nl()
    if rng.random() < 0.5:
        d.add(rng.choice(("Auftrags-Nr.: ", "Befund-Nr. ", "Unsere Nr.: ")))
        d.phi(order_id(rng, lt.year), "ORDER_ID")
        lt.nl()
    lt.heading(("Klinische Angaben", "Fragestellung", "Indikation"))
    d.add(lt.fill(rng.choice(study["ind"])) + ".")
    lt.nl()
    if rng.random() < 0.5:
        d.add("Voruntersuchung vom ")
        lt.hist()
        d.add(" zum Vergleich vorliegend.")
        lt.nl()
    lt.heading(("Befund", "Befundbeschreibung", "BEFUND"), inline_ok=False)
    patterns = list(study["pat"].values())
    pat = rng.choice(patterns) if patterns and rng.random() < 0.6 else None
    lines = list(rng.sample(study["normal"], min(len(study["normal"]), rng.randint(3, 6))))
    if pat:
        lines = list(pat["f"]) + lines[:3]
    for t in lines:
        d.add(lt.fill(t))
        lt.nl()
    lt.heading(("Beurteilung", "BEURTEILUNG", "Zusammenfassung"))
    d.add(lt.fill(rng.choice(pat["b"] if pat else study["imp"])))
    lt.nl()
    for block in (anamnesis, findings):
        if d.pos < target - 400:
            block(lt)
    signature(lt)


def dekurs(lt: Letter, title: str, target: int) -> None:
    """Austrian-style progress notes: dated entries signed by name (``21/3/2017 08:30 OA Dr. Huber Karina: ...``)."""
    d, rng = lt.d, lt.rng
    d.phi(lt.hosp[0], "ORGANIZATION")
    lt.nl()
    d.add(lt.dept)
    lt.nl()
    lt.title_line(title, upper_p=0.5)
    d.add(rng.choice(("Pat.: ", "Patient/in: ", "")))
    lt.patient_full()
    d.add(rng.choice((", geb. ", " *", ", geb.am: ")))
    lt.bdate()
    d.add(rng.choice((", ", "\n")))
    ward_line(lt)
    id_block(lt)
    lt.gap()
    day = lt.adm
    entries = 0
    while d.pos < target or entries < 3:
        lt.date(day, FULL_STYLES)
        d.add(rng.choice((f" {rng.randint(6, 20):02d}:{rng.choice(('00', '10', '30', '45'))}", "", " -")))
        d.add(rng.choice(("\t", " ", "  ")))
        p = rng.choice(lt.doctors + [lt.chief])
        if rng.random() < 0.6:
            d.add(rng.choice(ROLE_SHORT[p["sex"]]) + " ")
        d.add(rng.choice(("Dr. ", "Dr.med. ", "")))
        d.phi(lt.staff_name(p), "STAFF_NAME")
        d.add(": ")
        r = rng.random()
        if r < 0.4:
            d.add(rng.choice(("Pat. ", "Pt. ", lt.mister() + " ")))
            lt.patient_short()
            d.add(
                " "
                + rng.choice(
                    (
                        "beschwerdefrei, mobil.",
                        "klagt über Schmerzen, Analgesie angepasst.",
                        "schläft gut, isst gut.",
                        "afebril, Wunde reizlos.",
                        "wach, orientiert, kooperativ.",
                    )
                )
                + " "
            )
        say_all(
            lt,
            pick(lt, _DEKURS, rng.randint(0 if r < 0.4 else 1, 2))
            + pick(lt, tuple(lt.dx["course"]) + tuple(lt.dx["dia"]), rng.randint(0, 1)),
        )
        if rng.random() < 0.2:
            d.add(" Telefonat mit ")
            lt.relative("dat")
            d.add(".")
        lt.nl()
        entries += 1
        day = day + _dt.timedelta(days=rng.randint(1, 3))
    signature(lt)


_KINDS: tuple[tuple[str, Callable[[Letter, str, int], None]], ...] = (
    ("Arztbrief", discharge),
    ("Entlassungsbrief", discharge),
    ("Vorläufiger Entlassungsbrief", discharge),
    ("Kurzarztbrief", discharge),
    ("Verlegungsbericht", discharge),
    ("Befundbericht", report),
    ("Ambulanzbrief", ambulant),
    ("Ambulanter Befundbericht", ambulant),
    ("Dekurs", dekurs),
    ("Konsiliarbefund", report),
)


def _one(rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    lt = Letter(rng)
    title, kind = rng.choice(_KINDS)
    if rng.random() < 0.12:  # a byte-order mark, as exported letters have
        lt.d.add("\ufeff")
    kind(lt, title, rng.randint(900, 3000))
    return lt.d.text(), lt.d.spans


def phi_training_documents(n: int, seed: int = 0) -> list[dict]:
    """``n`` letters ``{"document_id", "text", "spans": [(start, end, type), ...]}`` with sorted, non-overlapping,
    whitespace-trimmed spans of :data:`~miracle_dagster.core.schema.PHI_TYPES`; 800-4,000 characters each.

    Document ``i`` depends only on ``(seed, i)``: a larger ``n`` extends the list, it never changes earlier letters."""
    out = []
    for i in range(n):
        rng = random.Random(f"phi-letters:{seed}:{i}")
        for _ in range(50):  # redraw a letter outside the length bounds (rare)
            text, spans = _one(rng)
            if 800 <= len(text) <= 4000:
                break
        out.append({"document_id": f"phi-{seed}-{i:05d}", "text": text, "spans": spans})
    return out
