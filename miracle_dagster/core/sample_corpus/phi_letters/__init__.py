"""Synthetic German, Austrian and Swiss clinical letters with exact PHI spans, as training data for a PHI detector.

The sample corpus (:mod:`.generator`) writes one template family; a detector trained only on it misses the formats
real letters use. These letters put their PHI in those formats (letterheads over several lines, Austrian and Swiss
addresses and phones, dates in every spelling, titles in every spelling, ward and record codes, messy layout) around
clinical filler from the sample-corpus phrase pools, so the model learns the formats rather than one template.

Span conventions (those of the sample corpus, except wards, whose code alone is the span as in GraSCCo):

- zip and city are ONE ``POSTAL_CITY`` span, a country prefix included (``A-2236 Opfing``, ``CH-8001 Zürich``); a bare
  town (``Berlin, den ...``, ``lebt in Jena``) is ``POSTAL_CITY`` too. Street and house number are one ``STREET`` span.
- titles, roles and forms of address (``Dr. med.``, ``Prof.``, ``OA``, ``Prim.``, ``Herr``) stay outside name spans;
  an initial keeps its dot inside (``Frau [I.]``, ``[H. BLASENSTEIN]``).
- the hospital span covers all its name lines, newlines inside; the department line stays outside.
- a ward or room is only its code (``Station [O-11]``, ``Zi: [119]``), typed :data:`WARD_TYPE`.
- a birth date is ``BIRTH_DATE``, every other date ``DATE``; ``8.3. - 22.3.2025`` is two spans, ``01-12/64`` one.
- a phone's extension marker stays outside (``+43 (453) 14`` + ``-DW``); a web address is typed ``EMAIL``
  (as GraSCCo's CONTACT_URL maps to it).

Deterministic: document ``i`` of ``seed`` draws from its own ``random.Random`` and reseeds the shared Faker instances.

Layout (each module says why it exists):

- ``values``: the PHI values in their real-world spellings (dates, towns, streets, phones, record numbers, ward codes);
  ``hospitals``: hospital names, departments, heads; ``persons``: seeded Fakers, names, titles and roles.
- ``doc``: the text and its spans; ``letter``: one letter's world and the writers its sections share;
  ``templates``: phrase-pool templates with PHI slots.
- sections, functions of the letter: ``header`` (letterhead, recipient, date line, salutation), ``patient`` (patient
  block, record numbers, ward, opening), ``history`` (diagnoses, anamnesis), ``findings`` (status, labs, diagnostics,
  course, medication, procedure), ``signature`` (signatures, copies).
- ``documents``: the letter types and :func:`phi_training_documents`.
"""

from __future__ import annotations

from miracle_dagster.core.sample_corpus.phi_letters.doc import WARD_TYPE
from miracle_dagster.core.sample_corpus.phi_letters.documents import phi_training_documents
from miracle_dagster.core.sample_corpus.phi_letters.hospitals import hospital_lines
from miracle_dagster.core.sample_corpus.phi_letters.persons import initial
from miracle_dagster.core.sample_corpus.phi_letters.values import (
    FULL_STYLES,
    HIST_STYLES,
    PART_STYLES,
    case_id,
    fmt_date,
    hospital_numbers,
    insurance_id,
    invented_place,
    order_id,
    patient_id,
    postal_city,
    private_phone,
    street,
    ward_code,
)

__all__ = [
    "phi_training_documents",
    "WARD_TYPE",
    "FULL_STYLES",
    "PART_STYLES",
    "HIST_STYLES",
    "fmt_date",
    "invented_place",
    "postal_city",
    "street",
    "hospital_numbers",
    "private_phone",
    "case_id",
    "patient_id",
    "insurance_id",
    "order_id",
    "ward_code",
    "hospital_lines",
    "initial",
]
