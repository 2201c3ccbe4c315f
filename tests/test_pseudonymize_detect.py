"""PHI detection on tricky German clinical snippets: names that are words, titles, eponyms, dates in lab tables,
phone/fax formats, labelled and bare identifiers, organisations, the master list and an optional NER model."""

from __future__ import annotations

import pytest
import spacy

from miracle_dagster.core.pseudonymize import PHIDetector, PHISpan

PATIENTS = [
    {
        "patient_id": "P1234567",
        "first_name": "Anna",
        "last_name": "Müller",
        "birth_date": "1950-03-12",
        "sex": "f",
        "street": "Lindenweg 7",
        "postal_code": "45147",
        "city": "Essen",
        "phone": "0201 555123",
        "insurance_id": "A123456789",
    },
    {
        "patient_id": "P7654321",
        "first_name": "Karl",
        "last_name": "Braun",
        "birth_date": "1940-01-02",
        "sex": "m",
        "relatives": [{"first_name": "Petra", "last_name": "Sommer", "sex": "f"}],
    },
]


@pytest.fixture(scope="module")
def rules() -> PHIDetector:
    return PHIDetector()


@pytest.fixture(scope="module")
def master() -> PHIDetector:
    return PHIDetector(patients=PATIENTS)


def found(det: PHIDetector, text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in det.detect(text)]


def test_names_that_are_ordinary_words_are_found_by_context(rules: PHIDetector) -> None:
    text = "Herr Braun stellte sich vor. Frau Koch berichtet über Schmerzen. Dr. Fischer übernahm die Visite."
    assert found(rules, text) == [("PATIENT_NAME", "Braun"), ("PATIENT_NAME", "Koch"), ("STAFF_NAME", "Fischer")]


def test_colour_words_are_not_names_even_when_a_patient_is_called_braun(master: PHIDetector) -> None:
    text = "Bräunliche Verfärbung, braune Flüssigkeit im Douglas-Raum. Braun verfärbter Urin, Koch-Salz-Lösung."
    assert found(master, text) == []
    assert ("PATIENT_NAME", "Braun") in found(master, "Rücksprache mit Herrn Braun.")


@pytest.mark.parametrize(
    "text, name",
    [
        ("Prof. Dr. med. Weiß-Müller, Chefärztin", "Weiß-Müller"),
        ("PD Dr. med. Hans-Jürgen Schmitz\nOberarzt", "Hans-Jürgen Schmitz"),
        ("Dr. med. K. Mohaupt, Facharzt für Pathologie", "K. Mohaupt"),
        ("Sehr geehrte Frau Kollegin Lange,", "Lange"),
        ("Herrn\nDr. med. Constantin Heinrich\nFacharzt für Innere Medizin", "Constantin Heinrich"),
        ("Operateur: Hartung; Assistenz: Dr. Patberg", "Hartung"),
        ("Marc Hauffer\nAssistenzarzt", "Marc Hauffer"),
        ("Naser, Franjo (Oberarzt)", "Naser, Franjo"),
        ("Einweisung durch den Hausarzt Dr. Pohl bei Dyspnoe.", "Pohl"),
    ],
)
def test_staff_names_in_titles_roles_and_signatures(rules: PHIDetector, text: str, name: str) -> None:
    assert ("STAFF_NAME", name) in found(rules, text)


@pytest.mark.parametrize(
    "text, name",
    [
        ("Patientin: Frau Lisa Knappe, geboren am 16.10.1958", "Lisa Knappe"),
        ("Patient: KNAPPE, Lisa, * 16.10.1958", "KNAPPE, Lisa"),
        ("Knappe, Lisa (w, 66 J.), *16.10.58", "Knappe, Lisa"),
        ("Pat.: Guenther Plath (geb. 08.02.1935)", "Guenther Plath"),
    ],
)
def test_patient_blocks(rules: PHIDetector, text: str, name: str) -> None:
    assert ("PATIENT_NAME", name) in found(rules, text)


def test_relatives(rules: PHIDetector) -> None:
    text = "Fremdanamnese über die Tochter Frau Petra Koch (Tel. 0171 1234567). Ansprechpartner ist der Ehemann Max Koch."
    assert found(rules, text) == [("RELATIVE_NAME", "Petra Koch"), ("PHONE", "0171 1234567"), ("RELATIVE_NAME", "Max Koch")]


def test_family_history_is_not_a_relative_name(rules: PHIDetector) -> None:
    assert found(rules, "Familienanamnese: Mutter: Mammakarzinom. Vater Diabetes mellitus, Bruder Apoplex.") == []


def test_master_list_finds_names_in_any_case_and_transliteration(master: PHIDetector) -> None:
    text = "Frau Mueller kam. MÜLLER, Anna. Befund für Anna MUELLER. Die Schwester Petra Sommer ist informiert."
    assert found(master, text) == [
        ("PATIENT_NAME", "Mueller"),
        ("PATIENT_NAME", "MÜLLER, Anna"),
        ("PATIENT_NAME", "Anna MUELLER"),
        ("RELATIVE_NAME", "Petra Sommer"),
    ]
    assert all(s.source == "master_list" for s in master.detect("MÜLLER, Anna"))
    assert found(master, "müller und sommer sind hier kleingeschrieben") == []


def test_master_list_birth_date_and_numbers_without_context(master: PHIDetector) -> None:
    text = "12.3.1950 | 1234567 | Lindenweg 7 | A123456789"
    assert found(master, text) == [
        ("BIRTH_DATE", "12.3.1950"),
        ("PATIENT_ID", "1234567"),
        ("STREET", "Lindenweg 7"),
        ("INSURANCE_ID", "A123456789"),
    ]
    # in another patient's document the same day is just a date
    assert [(s.type, s.text) for s in master.detect("Kontrolle am 12.3.1950", "P7654321")] == [("DATE", "12.3.1950")]


@pytest.mark.parametrize("date", ["12.03.2021", "12.3.21", "12.03.21", "12. März 2021", "März 2021", "03/2021", "2021-03-12", "12.03."])
def test_date_formats(rules: PHIDetector, date: str) -> None:
    assert found(rules, f"Kontrolle am {date} unauffällig.") == [("DATE", date)]


def test_dates_in_a_lab_table_keep_the_values(rules: PHIDetector) -> None:
    text = "Labor:\n12.03.21  CRP 45 mg/l\n13.3.21   Leukozyten 12,3 /nl (4,0–10,0)"
    assert found(rules, text) == [("DATE", "12.03.21"), ("DATE", "13.3.21")]


@pytest.mark.parametrize(
    "text, date",
    [
        ("geb. 12.03.1950", "12.03.1950"),
        ("*16.10.58", "16.10.58"),
        ("Geburtsdatum: 1950-03-12", "1950-03-12"),
        ("geboren am 12. März 1950", "12. März 1950"),
    ],
)
def test_birth_dates_by_context(rules: PHIDetector, text: str, date: str) -> None:
    assert found(rules, text) == [("BIRTH_DATE", date)]


def test_contacts(rules: PHIDetector) -> None:
    text = "Tel. +49 201 723-0, Fax: 0201 723-5555, mobil 0151/1234567, E-Mail: anna.koch@web.de, PLZ 45147 Essen"
    assert found(rules, text) == [
        ("PHONE", "+49 201 723-0"),
        ("FAX", "0201 723-5555"),
        ("PHONE", "0151/1234567"),
        ("EMAIL", "anna.koch@web.de"),
        ("POSTAL_CITY", "45147 Essen"),
    ]


def test_address(rules: PHIDetector) -> None:
    text = "wohnhaft Aleksander-Neureuther-Weg 123, 44026 Schongau\nEssen, den 14.03.2021"
    assert found(rules, text) == [
        ("STREET", "Aleksander-Neureuther-Weg 123"),
        ("POSTAL_CITY", "44026 Schongau"),
        ("POSTAL_CITY", "Essen"),
        ("DATE", "14.03.2021"),
    ]


@pytest.mark.parametrize(
    "text, typ, value",
    [
        ("Fallnummer: 2021123456", "CASE_ID", "2021123456"),
        ("Fall-Nr.: F2021123456", "CASE_ID", "F2021123456"),
        ("Pat.-Nr.: 7654321", "PATIENT_ID", "7654321"),
        ("PID P1234567", "PATIENT_ID", "P1234567"),
        ("KV-Nr. A123456789", "INSURANCE_ID", "A123456789"),
        ("Auftragsnummer: RA21123456", "ORDER_ID", "RA21123456"),
        ("Eingangsnummer: E/2021/12345", "ORDER_ID", "E/2021/12345"),
        ("Befund zu P1234567 und F2021123456", "PATIENT_ID", "P1234567"),
    ],
)
def test_identifiers_by_label_and_format(rules: PHIDetector, text: str, typ: str, value: str) -> None:
    assert (typ, value) in found(rules, text)


@pytest.mark.parametrize(
    "org",
    [
        "Universitätsklinikum Essen",
        "Reha-Klinik Bergblick Bad Kissingen",
        "St.-Elisabeth-Krankenhaus Duderstadt",
        "Praxis Dr. med. Schneider",
        "Station 4B",
        "Kreiskrankenhaus Marienberg",
        "KLINIKUM DUDERSTADT-MITTE",
    ],
)
def test_organizations(rules: PHIDetector, org: str) -> None:
    assert found(rules, f"Verlegung aus: {org}\n") == [("ORGANIZATION", org)]


def test_departments_and_lymph_node_stations_are_not_organizations(rules: PHIDetector) -> None:
    text = "Klinik für Kardiologie und Angiologie\nInstitut für Pathologie\nLymphknoten mediastinal (Station 4R und 7) bis 16 mm."
    assert found(rules, text) == []


def test_eponyms_and_medical_content_survive(rules: PHIDetector) -> None:
    text = (
        "Diagnosen: Morbus Crohn (K50.9), M. Parkinson, Parkinson-Syndrom, Morbus Hodgkin, Hashimoto-Thyreoiditis, "
        "Alzheimer-Demenz, M. Basedow, Z.n. Whipple-Operation, Billroth II, Glasgow Coma Scale 14, Douglas-Raum frei. "
        "ICD-10: C34.1, OPS 5-324.a1, pT2a pN1 (2/14) M0 L1 V0, Hb 12,3 g/dl, EF 45 %, Gleason 3+4=7a, "
        "Diskontinuitätsresektion nach Hartmann. Anästhesie: Spinalanästhesie. Amlodipin 5 mg 1-0-0."
    )
    assert found(rules, text) == []
    assert found(rules, "Frau Parkinson kam zur Kontrolle.") == [("PATIENT_NAME", "Parkinson")]


def test_ages(rules: PHIDetector) -> None:
    text = "Die 93-jährige Patientin (w, 66 J.), Patient, 54 Jahre. Nichtraucher seit 3 Jahren, Kontrolle in 2 Jahren."
    assert found(rules, text) == [("AGE", "93"), ("AGE", "66"), ("AGE", "54")]


def test_spans_are_sorted_non_overlapping_and_match_text(master: PHIDetector) -> None:
    text = "Patientin: Frau Anna Müller, geb. 12.03.1950, wohnhaft Lindenweg 7, 45147 Essen, Tel. 0201 555123\nPat.-Nr.: P1234567"
    spans = master.detect(text, "P1234567")
    assert spans == sorted(spans, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert all(text[s.start : s.end] == s.text and isinstance(s, PHISpan) for s in spans)
    assert [s.type for s in spans] == ["PATIENT_NAME", "BIRTH_DATE", "STREET", "POSTAL_CITY", "PHONE", "PATIENT_ID"]


def test_pipe_matches_detect(rules: PHIDetector) -> None:
    texts = ["Herr Braun, geb. 01.02.1940", "", "Keine PHI hier.", "Dr. Fischer, Tel. 0201 723-0"]
    assert list(rules.pipe(texts, batch_size=2)) == [rules.detect(t) for t in texts]


def test_ner_model_adds_entities_and_rules_win_on_overlap(tmp_path) -> None:
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PER", "pattern": "Okwudili Zettelmeier"},
            {"label": "LOC", "pattern": "12.03.2021"},
            {"label": "PER", "pattern": "Morbus Crohn"},
        ]
    )
    nlp.to_disk(tmp_path / "ner")
    det = PHIDetector(ner_model=str(tmp_path / "ner"))
    spans = det.detect("Okwudili Zettelmeier kam am 12.03.2021 mit Morbus Crohn.")
    assert [(s.type, s.text, s.source) for s in spans] == [
        ("PATIENT_NAME", "Okwudili Zettelmeier", "ner"),
        ("DATE", "12.03.2021", "rule:date_dmy"),
    ]
