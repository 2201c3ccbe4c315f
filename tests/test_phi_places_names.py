"""Addresses, phones, hospitals, wards, places and names as real German, Austrian and Swiss letters write them, the
traps next to them (nouns after "in", lymph node stations, eponyms, lab values) and the surrogates of the new shapes."""

from __future__ import annotations

import re

import pytest

from miracle_dagster.core.pseudonymize import PHIDetector, Surrogator, pseudonymize
from miracle_dagster.core.pseudonymize.places import COUNTRIES

SECRET = b"places-names-test-secret-0123"


@pytest.fixture(scope="module")
def det() -> PHIDetector:
    return PHIDetector()


@pytest.fixture(scope="module")
def sg() -> Surrogator:
    return Surrogator(SECRET)


def found(det: PHIDetector, text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in det.detect(text)]


def texts(det: PHIDetector, text: str) -> list[str]:
    return [s.text for s in det.detect(text)]


# -- phone and fax --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, typ, value",
    [
        ("Tel.: +43(0)333 775-8447, Fax", "PHONE", "+43(0)333 775-8447"),
        ("Fax: +43(0)333 775-8447334\n", "FAX", "+43(0)333 775-8447334"),
        ("Telefon: +43 333 7758-0 Orthopädie", "PHONE", "+43 333 7758-0"),
        ("Fax +43 (453) 14-592-12098\n", "FAX", "+43 (453) 14-592-12098"),
        ("Telefon +43 (453) 14-DW, Fax", "PHONE", "+43 (453) 14"),
        ("Tel. 0043 (0) 512 504-0", "PHONE", "0043 (0) 512 504-0"),
        ("Tel.: +41 44 123 45 67", "PHONE", "+41 44 123 45 67"),
        ("Tel.: +41 (0)44 255 11 11", "PHONE", "+41 (0)44 255 11 11"),
        ("Telefon (0461) 708 - 223\n", "PHONE", "(0461) 708 - 223"),
        ("unter der Nummer 012/332-4454", "PHONE", "012/332-4454"),
        ("Tel.: 0816/333-13283, Fax", "PHONE", "0816/333-13283"),
        ("(unter 0233-220-312257) zum", "PHONE", "0233-220-312257"),
        ("Fax-Nr.: 0721 / 974-0", "FAX", "0721 / 974-0"),
    ],
)
def test_phones_and_faxes(det: PHIDetector, text: str, typ: str, value: str) -> None:
    assert (typ, value) in found(det, text)


# -- postcodes, streets, the place of a letter ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, value",
    [
        ("A-2236 Opfing, Heldenplatz 16", "A-2236 Opfing"),
        ("Hauptstraße 3a\nA-3337 St. Anna im Tale\n", "A-3337 St. Anna im Tale"),
        ("A-3336 St. Johann am Bergle\n", "A-3336 St. Johann am Bergle"),
        ("Hauptstraße 31\nA-9012 Alt-Neudorf\n", "A-9012 Alt-Neudorf"),
        ("wohnhaft Heldenplatz 2c, A-8120 Holzhausen\n", "A-8120 Holzhausen"),
        ("CH-8001 Zürich, Bahnhofstrasse 1", "CH-8001 Zürich"),
        ("D-12345 Neustadt\n", "D-12345 Neustadt"),
        ("Hauptplatz 5\n8010 Graz\n", "8010 Graz"),  # a known city after a bare 4-digit code
        ("Dorfstraße 3\n4591 Molln\n", "4591 Molln"),  # an unknown town on the line after the street
    ],
)
def test_postcodes_with_country_prefix_and_four_digits(det: PHIDetector, text: str, value: str) -> None:
    assert ("POSTAL_CITY", value) in found(det, text)


def test_austrian_address_blocks_street_after_the_town_and_after_a_name(det: PHIDetector) -> None:
    assert ("STREET", "Sonnblick 32") in found(det, "A-3336 St. Johann am Bergle\nSonnblick 32,\nTelefon")
    text = "Herr\nDr. Steffen Schlauberger Kärntner Straße 33\nA-9011 Neustadt\n"
    assert found(det, text) == [
        ("STAFF_NAME", "Steffen Schlauberger"),
        ("STREET", "Kärntner Straße 33"),
        ("POSTAL_CITY", "A-9011 Neustadt"),
    ]


@pytest.mark.parametrize(
    "text, city",
    [
        ("\t\t\t\t\t\t\tBerlin, den 22.06.2032\n", "Berlin"),
        ("Klinische Abteilung für Onkologie\nNeustadt, am 12.3.2023  \n", "Neustadt"),
        ("München, am 17.8.2033   \n", "München"),
        ("Neustadt, 17.10.2029/RAD\n", "Neustadt"),
        ("Wien, am 12.03.2021\n", "Wien"),
        ("Graz, 12. März 2021\n", "Graz"),
    ],
)
def test_place_of_the_letter_before_its_date(det: PHIDetector, text: str, city: str) -> None:
    assert ("POSTAL_CITY", city) in found(det, text)


@pytest.mark.parametrize("text", ["Termin, am 12.3.2021 um 10 Uhr", "Röntgen, 12.3.2021 unauffällig", "Verlauf, 12.03.2021\n"])
def test_a_heading_before_a_date_is_no_place(det: PHIDetector, text: str) -> None:
    assert not [t for t, _ in found(det, text) if t == "POSTAL_CITY"]


# -- places in running text ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, place",
    [
        ("kurzzeitiger Aufenthalt in einem Heim in Weimar.", "Weimar"),
        ("Von seiner Schule in Jena wurde bescheinigt", "Jena"),
        ("vorher bei Bildungszentrum in Stuttgart im Büro", "Stuttgart"),
        ("Orthopädische Vorstellung in Belgrad, unter", "Belgrad"),
        ("Referenzpathologie in Kiel bestätigt", "Kiel"),
        ("In Peru gelebt von 2028 bis 2030", "Peru"),
        ("Sie stammt aus der Türkei.", "Türkei"),
        ("lebt in Berlin-Spandau", "Berlin-Spandau"),
        ("Reha nach Bad Wildbad", "Bad Wildbad"),  # a spa town even when it is not in the gazetteer
        ("Wohnhaft in Opfing, lebt bei der Tochter.", "Opfing"),  # an unknown town with a clear place verb
        ("in Wiesental aufgewachsen", "Wiesental"),
    ],
)
def test_cities_and_countries_in_running_text(det: PHIDetector, text: str, place: str) -> None:
    assert ("POSTAL_CITY", place) in found(det, text)


@pytest.mark.parametrize(
    "text",
    [
        "In Ruhe keine Beschwerden, Eingriff in Narkose, Lagerung in Rückenlage.",
        "Schmerzen nach Essen, Besserung nach Regen? In Norden des Landes.",  # places that are also words stay words
        "lebt bei den Eltern, lebt in Pflegeheim, in Armut aufgewachsen, lebt in Trennung, in Partnerschaft lebend.",
        "Marburg-Viruskrankheit, Japanische Enzephalitis, Rocky-Mountain-Fleckfieber",
    ],
)
def test_nouns_after_prepositions_are_no_places(det: PHIDetector, text: str) -> None:
    assert found(det, text) == []


# -- hospitals, organisations, wards ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, org",
    [
        ("Diakonissenkrankenhaus Berlin – Ophthalmologisches Zentrum", "Diakonissenkrankenhaus Berlin"),
        ("Restaging im KH der Diakonissen am 2.9.2033.", "KH der Diakonissen"),
        (
            "Landesnervenklinik der Medizinischen Hochschule Bad Blumenthal\n",
            "Landesnervenklinik der Medizinischen Hochschule Bad Blumenthal",
        ),
        ("Rehabilitationskrankenhaus St. Peter im Walde\n", "Rehabilitationskrankenhaus St. Peter im Walde"),
        ("kurzfristig in der Universitätsklinik Jena, danach", "Universitätsklinik Jena"),
        ("im ÖHK Mühlhausen behandelt", "ÖHK Mühlhausen"),
        ("UNIKLINIK DEPPENDORF\n", "UNIKLINIK DEPPENDORF"),
        ("Spital der barmherzigen Schwestern St. Johann am Bergle\n", "Spital der barmherzigen Schwestern St. Johann am Bergle"),
        ("Krankenhaus der Samariter Holzhausen\n", "Krankenhaus der Samariter Holzhausen"),
        ("Städt. Klinikum Neustadt\n", "Klinikum Neustadt"),
        ("Abteilung Pneumologie (Christian-Drosten-Klinik) Ärztlicher Direktor", "Christian-Drosten-Klinik"),
        ("\ufeffARCOS-KLINIK FLENSBURG\nAkademisches Lehrkrankenhaus\n", "ARCOS-KLINIK FLENSBURG"),
        ("Akademisches Lehrkrankenhaus\nder Otto-Waalkes-Universität Borkum\n", "Otto-Waalkes-Universität Borkum"),
        ("Klinik für Allgemeinchirurgie des Diakonissenkrankenhauses Bärental\n", "Diakonissenkrankenhauses Bärental"),
        ("Lehrkrankenhaus der Medizinischen Universität Buxtehude\n", "Lehrkrankenhaus der Medizinischen Universität Buxtehude"),
        ("Weiterbehandlung im Helios Klinikum Berlin-Buch.", "Helios Klinikum Berlin-Buch"),
        ("Übernahme aus dem LKH Graz.", "LKH Graz"),
        ("zuvor im Kantonsspital Baden", "Kantonsspital Baden"),
        ("Verlegung ins Marienhospital", "Marienhospital"),
        ("St. Vincenz-Krankenhaus Limburg\n", "St. Vincenz-Krankenhaus Limburg"),
        ("KRANKENHAUS DER BARMHERZIGEN BRÜDER REGENSBURG\n", "KRANKENHAUS DER BARMHERZIGEN BRÜDER REGENSBURG"),
    ],
)
def test_hospitals_and_organisations(det: PHIDetector, text: str, org: str) -> None:
    assert ("ORGANIZATION", org) in found(det, text)


@pytest.mark.parametrize(
    "text",
    [
        "Krankenhaus der Maximalversorgung, Einweisung in ein örtliches KH.",
        "Klinik für Kardiologie und Angiologie, Hals-Nasen-Ohren-Klinik, KLINIK FÜR ONKOLOGIE, MEDIZINISCHE KLINIK UND POLIKLINIK",
        "Verlegung in eine Rehaklinik, in die Reha-Klinik, ins Akutkrankenhaus, in die Tagesklinik, in die Frauenklinik.",
        "Prähospital Gabe von 5000 IE Heparin, Intrahospital-Transport.",
    ],
)
def test_kinds_of_houses_and_departments_are_no_organisations(det: PHIDetector, text: str) -> None:
    assert found(det, text) == []


@pytest.mark.parametrize(
    "text, value",
    [
        ("ambulant auf Station O-11 vorstellen", "Station O-11"),
        ("Station: A31. OG. Viszeralchirurgie", "Station: A31"),
        ("Stationaärztin Intensiv II\n", "Intensiv II"),
        ("Wiederaufnahme, Onkologie A33 zur Fortführung", "A33"),
        ("Ambulante Vorstellung an der chirurgischen Ambulanz CH12:", "Ambulanz CH12"),
        ("Wiederaufnahme in der Kardiologie KA3, dann", "KA3"),
        ("mehrere Aufenthalte auf PSY13, zuvor auf KJPP-2, zuletzt", "PSY13"),
        ("mehrere Aufenthalte auf PSY13, zuvor auf KJPP-2, zuletzt", "KJPP-2"),
        ("in der Onkologie-Ambulanz 3 zur Fortsetzung", "Ambulanz 3"),
    ],
)
def test_wards(det: PHIDetector, text: str, value: str) -> None:
    assert ("ORGANIZATION", value) in found(det, text)


def test_rooms_and_identifiers(det: PHIDetector) -> None:
    assert ("ORDER_ID", "119") in found(det, "Zi: 119 \n")
    text = "Fallzahl: A-2029461541  SV: 6444030763\nFN:445544767, SVNR: 1234 010180, AHV-Nr. 756.1234.5678.97"
    assert set(texts(det, text)) >= {"A-2029461541", "6444030763", "445544767", "1234 010180", "756.1234.5678.97"}
    assert "9334a/20" in texts(det, "Primärtumor (TD 3,65 mm, T3aN0M1c;HNr.:9334a/20)")
    assert "37848/2019" in texts(det, "Sentinel node Exstirpation axillär links (37848/2019: tumorfrei)")


@pytest.mark.parametrize(
    "text",
    [
        "Lymphknoten mediastinal (Station 4R und 7) bis 16 mm.",
        "CD20 positiv, HER2-negativ, positiv auf CD20, Onkologie C20, ECOG 1.",
        "RR 120/80 mmHg, 2019/2020 Chemotherapie, Thrombozyten 1500/µl, SV 100 ml, Intensivstation 3 Tage, IMC 24 h.",
    ],
)
def test_lymph_node_stations_markers_and_values_are_no_wards_or_ids(det: PHIDetector, text: str) -> None:
    assert [t for t, _ in found(det, text) if t != "DATE"] == []


# -- names -----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, name",
    [
        ("Urologische Abteilung\nCHEFARZT: DR. MED. H. BLASENSTEIN\n", "H. BLASENSTEIN"),
        ("Dr.med. Bernwart Schulze, Facharzt", "Bernwart Schulze"),
        ("Mit freundlichen Grüßen\n\nDra. Ana Lăcrămioara Isărescu  \n", "Ana Lăcrămioara Isărescu"),
        ("wir berichten über Herrn Ramón Cajal, *23.03.1968", "Ramón Cajal"),
        ("Klinikdirektor: Univ. Prof. Dr. mult. Pinocchio Cwerg-Nase\n", "Pinocchio Cwerg-Nase"),
        ("Vorstand: Prim. Univ. Prof. Dr. Bruno Bierbichler\n", "Bruno Bierbichler"),
        ("(Drs. Leber und Krauth melden sich)", "Leber"),
        ("(Drs. Leber und Krauth melden sich)", "Krauth"),
        ("Patient in Behandlung bei Fr. OÄ Schönfeld in PIA.", "Schönfeld"),
        ("Untersucher: OA Dr. Wiesler Franz / OA Huber", "Huber"),
        ("AUFNAHMEBEURTEILUNG:\nFrau I. ist eine 82-jährige Pat.", "I."),
        ("Erstvorstellung:\nM. wird vorgestellt mit Spina bifida", "M."),
        ("Alissa Rieser geb. 01.07.1963,\n", "Alissa Rieser"),
        ("von unserem gemeinsamen Patienten Euripedes Erler (FN:445544767), geb. 30.12.1987", "Euripedes Erler"),
        ("OÄ Dr.in Maier, Sr. Anna", "Maier"),
    ],
)
def test_names_in_titles_signatures_and_letter_heads(det: PHIDetector, text: str, name: str) -> None:
    assert name in texts(det, text)


@pytest.mark.parametrize(
    "text",
    [
        "Diagnosen: M. Parkinson, M. Crohn, Mitralinsuffizienz I. Grades, Typ A. Stadium B., Z. n. Appendektomie, V. a. Infekt.",
        "Elektrolyte (Na, K, Cl, Ca), Niere. Probeexzision: Glas 1: 55 cm ab ano, Polyp, Adenom, CA? \n",
        "Labor: Na 140, K 4,2, Cl 101, Ca 2,3 mmol/l, Hb 12,3 g/dl.",
        "Wundkontrollen beim Hausarzt. Duschen ab dem 3. Tag.",
        "Genitalprolaps bei der Frau\nZystozele",
    ],
)
def test_eponyms_grades_lab_values_and_sentence_starts_are_no_names(det: PHIDetector, text: str) -> None:
    assert found(det, text) == []


# -- surrogates ------------------------------------------------------------------------------------------------------
def _skeleton(s: str) -> str:
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "0", s))


@pytest.mark.parametrize(
    "typ, original, kept",
    [
        ("PHONE", "+43(0)333 775-8447", "+43(0)"),
        ("FAX", "+43 (453) 14-592-12098", "+43 ("),
        ("PHONE", "+41 44 123 45 67", "+41 "),
        ("PHONE", "0043 (0) 512 504-0", "0043 (0) "),
        ("PHONE", "(0461) 708 - 223", "(0"),
    ],
)
def test_phone_surrogates_keep_prefix_and_shape(sg: Surrogator, typ: str, original: str, kept: str) -> None:
    new = sg.surrogate(typ, original, "P1")
    assert new != original and new.startswith(kept) and _skeleton(new) == _skeleton(original)


def test_postcode_surrogates_keep_the_country_prefix_and_length(sg: Surrogator) -> None:
    at, ch, de = (sg.surrogate("POSTAL_CITY", v, "P1") for v in ("A-2236 Opfing", "CH-8001 Zürich", "D-12345 Neustadt"))
    assert re.fullmatch(r"A-\d{4} \S.*", at) and re.fullmatch(r"CH-\d{4} \S.*", ch) and re.fullmatch(r"D-\d{5} \S.*", de)
    assert at.split(" ", 1)[1] == sg.surrogate("POSTAL_CITY", "Opfing", "P1") != "Opfing"  # the town alone: the same surrogate
    assert "2236" not in at and "Zürich" not in ch
    assert re.fullmatch(r"\d{4} \S.*", sg.surrogate("POSTAL_CITY", "8010 Graz", "P1"))
    country = sg.surrogate("POSTAL_CITY", "Peru", "P1")
    assert country != "Peru" and country in COUNTRIES  # a country stays a country
    assert sg.surrogate("POSTAL_CITY", "A-3336 St. Johann am Bergle", "P1").startswith("A-")


@pytest.mark.parametrize(
    "original, pattern",
    [
        ("Diakonissenkrankenhaus Berlin", r"Krankenhaus \S.*"),
        ("Diakonissenkrankenhauses Bärental", r"Krankenhauses \S.*"),
        ("Universitätsklinik Jena", r"Universitätsklinik \S.*"),
        ("Krankenhaus der Samariter Holzhausen", r"Krankenhaus \S.*"),
        ("Spital der barmherzigen Schwestern St. Johann am Bergle", r"Spital \S.*"),
        ("ÖHK Mühlhausen", r"KH \S.*"),
        ("UNIKLINIK DEPPENDORF", r"UNIKLINIK [A-ZÄÖÜ \-]+"),
        ("Christian-Drosten-Klinik", r"\w+-\w+-Klinik"),
        ("Helios Klinikum Berlin-Buch", r"Klinikum \S.*"),
        ("Station O-11", r"Station [A-Z]-\d\d"),
        ("Station: A31", r"Station: [A-Z]\d\d"),
        ("KJPP-2", r"[A-Z]{4}-\d"),
        ("Intensiv II", r"Intensiv [IV]+"),
    ],
)
def test_organisation_surrogates_keep_kind_and_shape(sg: Surrogator, original: str, pattern: str) -> None:
    new = sg.surrogate("ORGANIZATION", original, "P1")
    assert re.fullmatch(pattern, new) and new != original
    gone = {"Diakonissen", "Drosten", "Christian", "Samariter", "Schwestern", "Helios", "Berlin", "Jena", "DEPPENDORF"}
    assert not gone & set(re.split(r"[ \-]", new))


def test_hospital_place_follows_the_town_surrogate(sg: Surrogator) -> None:
    berlin = sg.surrogate("POSTAL_CITY", "Berlin", "P1")
    assert sg.surrogate("ORGANIZATION", "Diakonissenkrankenhaus Berlin", "P1") == f"Krankenhaus {berlin}"
    assert sg.surrogate("ORGANIZATION", "Krankenhaus der Samariter Holzhausen", "P1").endswith(
        sg.surrogate("POSTAL_CITY", "Holzhausen", "P1")
    )


def test_an_initial_stays_an_initial(sg: Surrogator) -> None:
    new = sg.surrogate("PATIENT_NAME", "I.", "P1")
    assert re.fullmatch(r"[A-ZÄÖÜ]\.", new) and new != "I." and new == sg.surrogate("PATIENT_NAME", "I.", "P1")


def test_new_shapes_are_consistent_across_one_patients_documents(det: PHIDetector, sg: Surrogator) -> None:
    doc1 = (
        "Diakonissenkrankenhaus Berlin\nA-2236 Opfing, Heldenplatz 16, Tel.: +43(0)333 775-8447\n"
        "Herr Pierre JOUBERT, wohnhaft in Opfing, auf Station O-11."
    )
    doc2 = "Kontrolle im Diakonissenkrankenhaus Berlin. Tel. +43(0)333 775-8447, A-2236 Opfing, Station O-11."
    out1, reps1 = pseudonymize(doc1, det.detect(doc1, "P1"), "P1", sg)
    out2, reps2 = pseudonymize(doc2, det.detect(doc2, "P1"), "P1", sg)
    first = {r.original: r.surrogate for r in reps1}
    for r in reps2:
        if r.original in first:
            assert first[r.original] == r.surrogate
    assert {"Diakonissenkrankenhaus Berlin", "A-2236 Opfing", "+43(0)333 775-8447", "Station O-11"} <= {r.original for r in reps2} & set(
        first
    )
    for leaked in ("Diakonissen", "Opfing", "2236", "775-8447", "JOUBERT", "O-11"):
        assert leaked not in out1 + out2
    assert sg.surrogate("ORGANIZATION", "Diakonissenkrankenhaus Berlin", "P2") != first["Diakonissenkrankenhaus Berlin"]  # another patient
