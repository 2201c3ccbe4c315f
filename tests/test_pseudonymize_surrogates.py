"""Surrogates: keyed and deterministic, consistent per patient across documents, format-keeping, interval-keeping."""

from __future__ import annotations

import datetime as _dt
import re

import pytest

from miracle_dagster.core.pseudonymize import PHIDetector, Surrogator, pseudonymize
from miracle_dagster.core.pseudonymize.dates import MONTHS
from miracle_dagster.core.pseudonymize.vocab import FIRST_NAMES_FEMALE, FIRST_NAMES_MALE

SECRET = b"unit-test-secret-0123456789"
PATIENTS = [{"patient_id": "P1", "first_name": "Anna", "last_name": "Schmidt", "sex": "f", "birth_date": "1950-03-12"}]


@pytest.fixture(scope="module")
def sg() -> Surrogator:
    return Surrogator(SECRET, patients=PATIENTS)


@pytest.mark.parametrize("secret", [b"", b"too-short", "", None])
def test_secret_must_be_long_enough(secret) -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        Surrogator(secret)


def test_deterministic_and_keyed(sg: Surrogator) -> None:
    again = Surrogator(SECRET, patients=PATIENTS)
    other = Surrogator(b"another-secret-0123456789", patients=PATIENTS)
    items = [("PATIENT_NAME", "Anna Schmidt"), ("DATE", "12.03.2021"), ("CASE_ID", "F2021123456"), ("POSTAL_CITY", "45147 Essen")]
    mine = [sg.surrogate(t, v, "P1") for t, v in items]
    assert mine == [again.surrogate(t, v, "P1") for t, v in items]
    assert all(a != b for a, b in zip(mine, [other.surrogate(t, v, "P1") for t, v in items]))
    assert all(m != v for m, (_, v) in zip(mine, items))


def test_name_forms_of_one_person_stay_consistent(sg: Surrogator) -> None:
    full = sg.surrogate("PATIENT_NAME", "Anna Schmidt", "P1")
    given, surname = full.split(" ")
    assert given.lower() in FIRST_NAMES_FEMALE and given != "Anna"
    assert sg.surrogate("PATIENT_NAME", "Schmidt", "P1", context="Frau ") == surname
    assert sg.surrogate("PATIENT_NAME", "SCHMIDT, Anna", "P1") == f"{surname.upper()}, {given}"
    assert sg.surrogate("PATIENT_NAME", "A. Schmidt", "P1") == f"{given[0]}. {surname}"
    assert sg.surrogate("RELATIVE_NAME", "Petra Schmidt", "P1").endswith(" " + surname)  # a relative keeps the family name
    double = sg.surrogate("STAFF_NAME", "Weiß-Müller", "P1")
    assert re.fullmatch(r"[A-ZÄÖÜ]\w+-[A-ZÄÖÜ]\w+", double) and double.split("-")[1] == sg.surrogate("STAFF_NAME", "Müller", "P1")


def test_gender_is_kept(sg: Surrogator) -> None:
    assert sg.surrogate("STAFF_NAME", "Franz Kurz", "P1").split()[0].lower() in FIRST_NAMES_MALE
    assert sg.surrogate("STAFF_NAME", "Gerda Kurz", "P1").split()[0].lower() in FIRST_NAMES_FEMALE
    # unknown first name: Herr/Frau in the context decides
    assert sg.surrogate("PATIENT_NAME", "Okwudili Kurz", "P2", context="Herr ").split()[0].lower() in FIRST_NAMES_MALE
    assert sg.surrogate("PATIENT_NAME", "Okwudili Kurz", "P2", context="Frau ").split()[0].lower() in FIRST_NAMES_FEMALE


def test_consistent_across_documents_and_different_between_patients(sg: Surrogator) -> None:
    det = PHIDetector(patients=PATIENTS)
    doc1 = "Patientin: Frau Anna Schmidt, geb. 12.03.1950, Aufnahme am 01.06.2021."
    doc2 = "Wir entlassen Frau Schmidt am 10.06.2021. Kontrolle im Juli 2021."
    out1, _ = pseudonymize(doc1, det.detect(doc1, "P1"), "P1", sg)
    out2, _ = pseudonymize(doc2, det.detect(doc2, "P1"), "P1", sg)
    surname = sg.surrogate("PATIENT_NAME", "Schmidt", "P1")
    assert f"Frau {sg.surrogate('PATIENT_NAME', 'Anna Schmidt', 'P1')}," in out1 and f"Frau {surname} am" in out2
    assert "Schmidt" not in out1 + out2 and "12.03.1950" not in out1
    # another patient with the same name gets other surrogates and another date offset
    assert sg.surrogate("PATIENT_NAME", "Anna Schmidt", "P9") != sg.surrogate("PATIENT_NAME", "Anna Schmidt", "P1")
    offsets = {sg.date_offset(f"P{i}") for i in range(50)}
    assert len(offsets) > 30 and 0 not in offsets and all(-180 <= o <= 180 for o in offsets)


_FORMATS = {
    "12.03.2021": lambda d: f"{d:%d.%m.%Y}",
    "12.3.21": lambda d: f"{d.day}.{d.month}.{d:%y}",
    "2021-03-12": lambda d: d.isoformat(),
    "12. März 2021": lambda d: f"{d.day}. {MONTHS[d.month - 1]} {d.year}",
    "12.03.": lambda d: f"{d:%d.%m.}",
}


@pytest.mark.parametrize("typ, original", [("DATE", o) for o in _FORMATS] + [("BIRTH_DATE", "12.03.2021")])
def test_dates_shift_by_one_offset_and_keep_their_spelling(sg: Surrogator, typ: str, original: str) -> None:
    shifted = _dt.date(2021, 3, 12) + _dt.timedelta(days=sg.date_offset("P1"))
    week_later = shifted + _dt.timedelta(days=7)
    fmt = _FORMATS[original]
    assert sg.surrogate(typ, original, "P1") == fmt(shifted)
    assert sg.surrogate(typ, fmt(_dt.date(2021, 3, 19)), "P1") == fmt(week_later)  # the interval survives


def test_month_formats_shift_coherently(sg: Surrogator) -> None:
    a, b = sg.surrogate("DATE", "03/2021", "P1"), sg.surrogate("DATE", "März 2021", "P1")
    moved = _dt.date(2021, 3, 15) + _dt.timedelta(days=sg.date_offset("P1"))
    assert a == f"{moved:%m/%Y}" and b == f"{MONTHS[moved.month - 1]} {moved.year}"


def test_ages_over_89_are_capped(sg: Surrogator) -> None:
    assert [sg.surrogate("AGE", a, "P1") for a in ("45", "89", "90", "104")] == ["45", "89", "90+", "90+"]


@pytest.mark.parametrize(
    "typ, original",
    [
        ("PATIENT_ID", "P1234567"),
        ("CASE_ID", "F2021123456"),
        ("ORDER_ID", "E/2021/12345"),
        ("ORDER_ID", "H21-12345"),
        ("INSURANCE_ID", "A123456789"),
        ("PHONE", "(0201) 723-4567"),
        ("FAX", "+49 201 723-0"),
        ("PHONE", "0151/1234567"),
    ],
)
def test_identifiers_keep_their_shape(sg: Surrogator, typ: str, original: str) -> None:
    new = sg.surrogate(typ, original, "P1")
    assert new != original and len(new) == len(original)
    assert re.sub(r"[A-Z]", "A", re.sub(r"\d", "0", new)) == re.sub(r"[A-Z]", "A", re.sub(r"\d", "0", original))
    if original.startswith(("+49", "(0", "0")):
        assert new[:3] == original[:3] if original.startswith("+49") else new.lstrip("(")[0] == "0"


def test_identifier_with_and_without_prefix_share_digits(sg: Surrogator) -> None:
    assert sg.surrogate("PATIENT_ID", "P1234567", "P1")[1:] == sg.surrogate("PATIENT_ID", "1234567", "P1")
    assert sg.surrogate("PHONE", "0201 723-4567", "P1")[-4:] == sg.surrogate("FAX", "(0201) 723-4567", "P1")[-4:]


def test_addresses_stay_plausible_and_places_consistent(sg: Surrogator) -> None:
    street = sg.surrogate("STREET", "Aleksander-Neureuther-Weg 123a", "P1")
    assert re.fullmatch(r"\D+ \d{3}a", street)
    postal = sg.surrogate("POSTAL_CITY", "45147 Essen", "P1")
    code, city = postal.split(" ", 1)
    assert re.fullmatch(r"\d{5}", code) and city != "Essen"
    assert sg.surrogate("POSTAL_CITY", "Essen", "P1") == city
    assert sg.surrogate("ORGANIZATION", "Universitätsklinikum Essen", "P1") == f"Universitätsklinikum {city}"
    assert sg.surrogate("POSTAL_CITY", "45147 ESSEN", "P1").endswith(city.upper())


def test_organizations(sg: Surrogator) -> None:
    assert re.fullmatch(r"Station [A-Z]\d[A-Z]", sg.surrogate("ORGANIZATION", "Station K5B", "P1"))
    saint = sg.surrogate("ORGANIZATION", "St.-Elisabeth-Krankenhaus Duderstadt", "P1")
    assert re.fullmatch(r"St\.-\w+-Krankenhaus \S.*", saint) and "Elisabeth" not in saint and "Duderstadt" not in saint
    practice = sg.surrogate("ORGANIZATION", "Praxis Dr. med. Schneider", "P1")
    assert practice.startswith("Praxis Dr. med. ") and "Schneider" not in practice


def test_email_follows_the_surrogate_name(sg: Surrogator) -> None:
    given, surname = sg.surrogate("PATIENT_NAME", "Anna Schmidt", "P1").split(" ")
    slug = lambda s: s.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")  # noqa: E731
    assert sg.surrogate("EMAIL", "anna.schmidt@web.de", "P1") == f"{slug(given)}.{slug(surname)}@web.de"
    hospital = sg.surrogate("EMAIL", "sekretariat.kardiologie@klinikum-essen.de", "P1")
    assert hospital.startswith("sekretariat.kardiologie@klinikum-") and "essen" not in hospital


def test_reserved_names_are_never_emitted() -> None:
    reserved = Surrogator(SECRET, reserved=["Koch", "Meier"])
    assert all(reserved.surrogate("STAFF_NAME", f"Name{i}", "P1") not in ("Koch", "Meier") for i in range(200))


def test_more_patients_do_not_reshuffle_existing_surrogates(sg: Surrogator) -> None:
    grown = Surrogator(SECRET, patients=PATIENTS + [{"patient_id": "P2", "first_name": "Okwudili", "last_name": "Zettelmeier", "sex": "m"}])
    items = [("STAFF_NAME", "Franz Kurz"), ("PATIENT_NAME", "Anna Schmidt"), ("STREET", "Lindenweg 7"), ("EMAIL", "a.kurz@web.de")]
    assert [grown.surrogate(t, v, "P1") for t, v in items] == [sg.surrogate(t, v, "P1") for t, v in items]


def test_pseudonymize_returns_the_surrogate_key_in_input_coordinates(sg: Surrogator) -> None:
    text = "Herr Karl Braun (Tel. 0201 723-4567) kam am 12.03.2021 mit Morbus Crohn, CRP 45 mg/l."
    spans = PHIDetector().detect(text, "P1")
    new, reps = pseudonymize(text, spans, "P1", sg)
    assert [(r.start, r.end, r.type, r.original) for r in reps] == [(s.start, s.end, s.type, s.text) for s in spans]
    assert all(text[r.start : r.end] == r.original and r.surrogate in new for r in reps)
    assert new.startswith("Herr ") and new.endswith(" mit Morbus Crohn, CRP 45 mg/l.")
    assert not any(r.original in new for r in reps)
    assert pseudonymize(text, [], "P1", sg) == (text, [])
