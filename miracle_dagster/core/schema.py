"""Shared vocabulary of the pipeline: document types, section headings, record columns, PHI types.

The sample generator writes these headings (with real-world variation) and the sectioner detects them,
so both import them from here.
"""

from __future__ import annotations

DEFAULT_SPECIALTIES = (
    "radiology",
    "pathology",
    "internal_medicine",
    "surgery",
    "cardiology",
    "oncology",
    "neurology",
)
DEFAULT_FIRST_YEAR = 2018  # the year partitions start here and grow by one every 1 January (settings.years())
# The sample corpus's default years: fixed, so that a seed gives the same bytes in every year. They lie inside the
# year partitions (from DEFAULT_FIRST_YEAR to the current year) from 2026 on.
DEFAULT_YEARS = tuple(str(y) for y in range(DEFAULT_FIRST_YEAR, 2027))

RADIOLOGY_REPORT = "radiology_report"
DISCHARGE_LETTER = "discharge_letter"
PATHOLOGY_REPORT = "pathology_report"
OPERATION_NOTE = "operation_note"
DOCUMENT_TYPES = (RADIOLOGY_REPORT, DISCHARGE_LETTER, PATHOLOGY_REPORT, OPERATION_NOTE)

# Canonical section name -> heading spellings seen in German clinical documents (first is canonical).
SECTION_HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    RADIOLOGY_REPORT: {
        "Klinische Angaben": ("Klinische Angaben", "Klinische Fragestellung", "Anamnese/Fragestellung"),
        "Fragestellung": ("Fragestellung", "Rechtfertigende Indikation", "Indikation"),
        "Technik": ("Technik", "Untersuchungstechnik", "Methode"),
        "Voruntersuchungen": ("Voruntersuchungen", "Vergleich", "Voraufnahmen"),
        "Befund": ("Befund", "Befunde", "Befundbeschreibung"),
        "Beurteilung": ("Beurteilung", "Zusammenfassende Beurteilung", "Impression"),
        "Empfehlung": ("Empfehlung", "Procedere", "Prozedere"),
    },
    DISCHARGE_LETTER: {
        "Diagnosen": ("Diagnosen", "Diagnose", "Entlassdiagnosen", "Hauptdiagnose"),
        "Nebendiagnosen": ("Nebendiagnosen", "Begleiterkrankungen", "Vorerkrankungen"),
        "Anamnese": ("Anamnese", "Aktuelle Anamnese", "Jetzige Anamnese"),
        "Aufnahmebefund": ("Aufnahmebefund", "Körperlicher Untersuchungsbefund", "Klinischer Befund"),
        "Labor": ("Labor", "Laborwerte", "Labordiagnostik"),
        "Diagnostik": ("Diagnostik", "Apparative Diagnostik", "Bildgebung"),
        "Verlauf": ("Verlauf", "Klinischer Verlauf", "Therapie und Verlauf"),
        "Therapie": ("Therapie", "Durchgeführte Therapie", "Behandlung"),
        "Medikation": ("Medikation", "Entlassmedikation", "Medikation bei Entlassung", "Medikationsplan"),
        "Procedere": ("Procedere", "Prozedere", "Empfehlungen", "Weiteres Procedere"),
    },
    PATHOLOGY_REPORT: {
        "Klinische Angaben": ("Klinische Angaben", "Klinische Information", "Angaben des Einsenders"),
        "Material": ("Material", "Eingesandtes Material", "Untersuchungsmaterial"),
        "Makroskopie": ("Makroskopie", "Makroskopischer Befund", "Makro"),
        "Mikroskopie": ("Mikroskopie", "Mikroskopischer Befund", "Histologie"),
        "Immunhistochemie": ("Immunhistochemie", "Immunhistologie", "IHC"),
        "Diagnose": ("Diagnose", "Histologische Diagnose", "Kritischer Bericht", "Beurteilung"),
        "Kommentar": ("Kommentar", "Bemerkung", "Anmerkung"),
    },
    OPERATION_NOTE: {
        "Diagnose": ("Diagnose", "Präoperative Diagnose", "Diagnosen"),
        "Indikation": ("Indikation", "OP-Indikation", "Indikationsstellung"),
        "Eingriff": ("Eingriff", "Operation", "Durchgeführter Eingriff", "OPS"),
        "Anästhesie": ("Anästhesie", "Narkose", "Narkoseform"),
        "OP-Verlauf": ("OP-Verlauf", "Operationsverlauf", "Operationsbericht", "Vorgehen"),
        "Befund intraoperativ": ("Befund intraoperativ", "Intraoperativer Befund", "Situs"),
        "Procedere": ("Procedere", "Postoperatives Procedere", "Prozedere", "Weiteres Vorgehen"),
    },
}

# Raw report record, as read from any source.
REQUIRED_REPORT_COLUMNS = (
    "document_id",
    "patient_id",
    "case_id",
    "specialty",
    "document_type",
    "date",
    "text",
)
OPTIONAL_REPORT_COLUMNS = ("metadata",)  # JSON string with source-specific extras
# What says where a passage comes from: its ids and its document's metadata (every table of passages carries them).
PASSAGE_KEYS = ("passage_id", "section_id", *(c for c in REQUIRED_REPORT_COLUMNS if c != "text"), "section_name")

# PHI categories the sample generator annotates (ground truth) and pseudonymization detects.
PHI_TYPES = (
    "PATIENT_NAME",
    "RELATIVE_NAME",
    "STAFF_NAME",
    "BIRTH_DATE",
    "DATE",
    "AGE",
    "STREET",
    "POSTAL_CITY",
    "PHONE",
    "FAX",
    "EMAIL",
    "PATIENT_ID",
    "CASE_ID",
    "ORDER_ID",
    "INSURANCE_ID",
    "ORGANIZATION",
)
NAME_TYPES = frozenset({"PATIENT_NAME", "RELATIVE_NAME", "STAFF_NAME"})
