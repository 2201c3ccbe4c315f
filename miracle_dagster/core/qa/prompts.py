"""Versioned prompts per language and document type; a JSON file can replace or extend them.

The version is a hash of everything that shapes the output (templates, number of questions), so a
prompt edit invalidates exactly the cached completions it affects and shows up in asset metadata.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PROMPTS: dict[str, dict] = {
    "de": {
        "system": (
            "Du bist eine erfahrene Klinikerin. Du liest einen Abschnitt aus einem klinischen Dokument und "
            "schreibst Fragen, die Ärztinnen und Ärzte bei der Suche in Patientenakten stellen würden, mit den "
            "Antworten aus dem Text. Du antwortest ausschließlich auf Deutsch und ausschließlich mit JSON."
        ),
        "user": (
            'Dokumenttyp: {document_type}\nAbschnitt: {section_name}\n\nText:\n"""\n{text}\n"""\n\n'
            "{focus}\nSchreibe {n} verschiedene Fragen zu konkreten Inhalten dieses Abschnitts (Befund, Diagnose, "
            "Messwert, Medikament, Lokalisation, Eingriff, Zeitpunkt) und jeweils die Antwort, die im Text steht. "
            "Keine allgemeinen Fragen, die zu jedem Dokument passen. Nenne keine Namen von Personen.\n"
            'Format: {{"pairs": [{{"question": "...", "answer": "..."}}]}}'
        ),
        "repair": 'Das war kein gültiges JSON. Gib nur das JSON-Objekt {{"pairs": [...]}} mit {n} Einträgen zurück.',
        "focus": {
            "radiology_report": "Achte auf Befunde, Lokalisation, Größenangaben, Vergleich mit Voruntersuchungen und die Beurteilung.",
            "discharge_letter": "Achte auf Diagnosen, Verlauf, Therapie, Medikation, Laborwerte und das weitere Procedere.",
            "pathology_report": "Achte auf Histologie, Tumorklassifikation, Grading, Resektionsränder und Immunhistochemie.",
            "operation_note": "Achte auf Indikation, Eingriff, Zugang, intraoperative Befunde und Komplikationen.",
        },
        "document_types": {
            "radiology_report": "Radiologischer Befund",
            "discharge_letter": "Entlassbrief",
            "pathology_report": "Pathologischer Befund",
            "operation_note": "OP-Bericht",
        },
    },
    "en": {
        "system": (
            "You are an experienced clinician. You read a section of a clinical document and write questions that "
            "physicians would ask when searching patient records, with the answers found in the text. You answer "
            "in English and only with JSON."
        ),
        "user": (
            'Document type: {document_type}\nSection: {section_name}\n\nText:\n"""\n{text}\n"""\n\n'
            "{focus}\nWrite {n} different questions about specific content of this section (finding, diagnosis, "
            "measurement, drug, location, procedure, date) and the answer found in the text for each. No generic "
            "questions that fit any document. Do not name people.\n"
            'Format: {{"pairs": [{{"question": "...", "answer": "..."}}]}}'
        ),
        "repair": 'That was not valid JSON. Return only the JSON object {{"pairs": [...]}} with {n} entries.',
        "focus": {
            "radiology_report": "Focus on findings, location, sizes, comparison with prior studies and the impression.",
            "discharge_letter": "Focus on diagnoses, course, therapy, medication, lab values and follow-up.",
            "pathology_report": "Focus on histology, tumour classification, grading, margins and immunohistochemistry.",
            "operation_note": "Focus on indication, procedure, approach, intraoperative findings and complications.",
        },
        "document_types": {
            "radiology_report": "Radiology report",
            "discharge_letter": "Discharge letter",
            "pathology_report": "Pathology report",
            "operation_note": "Operation note",
        },
    },
}
REQUIRED_KEYS = ("system", "user", "repair", "focus", "document_types")


@dataclass(frozen=True)
class PromptSet:
    language: str
    templates: dict
    n_questions: int

    @property
    def version(self) -> str:
        payload = json.dumps({"t": self.templates, "n": self.n_questions}, sort_keys=True, ensure_ascii=False)
        return f"qa-{self.language}-{hashlib.sha256(payload.encode()).hexdigest()[:8]}"

    def json_schema(self) -> dict:
        pair = {
            "type": "object",
            "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
            "required": ["question", "answer"],
        }
        return {
            "type": "object",
            "properties": {"pairs": {"type": "array", "items": pair, "minItems": 1, "maxItems": self.n_questions}},
            "required": ["pairs"],
        }

    def messages(self, text: str, document_type: str = "", section_name: str = "") -> tuple[tuple[str, str], ...]:
        t = self.templates
        user = t["user"].format(
            document_type=t["document_types"].get(document_type, document_type or "-"),
            section_name=section_name or "-",
            text=text.strip(),
            focus=t["focus"].get(document_type, ""),
            n=self.n_questions,
        )
        return (("system", t["system"]), ("user", user))

    def repair_messages(self, original: tuple[tuple[str, str], ...], bad_output: str) -> tuple[tuple[str, str], ...]:
        return (*original, ("assistant", bad_output[:2000]), ("user", self.templates["repair"].format(n=self.n_questions)))


def load_prompts(language: str = "de", n_questions: int = 3, prompts_file: str = "") -> PromptSet:
    """Built-in prompts for `language`, overridden per key by a JSON file {language: {key: template}}."""
    if n_questions < 1:
        raise ValueError("questions per section must be at least 1")
    catalogue = json.loads(json.dumps(DEFAULT_PROMPTS))
    if prompts_file:
        try:
            custom = json.loads(Path(prompts_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"cannot read prompts file {prompts_file}: {error}") from error
        for lang, entries in custom.items():
            catalogue[lang] = {**catalogue.get(lang, {}), **entries}
    if language not in catalogue:
        raise ValueError(f"no prompts for language {language!r}; have {', '.join(sorted(catalogue))} (add a prompts file)")
    templates = catalogue[language]
    missing = [k for k in REQUIRED_KEYS if k not in templates]
    if missing:
        raise ValueError(f"prompts for {language!r} lack {missing}")
    return PromptSet(language=language, templates=templates, n_questions=n_questions)
