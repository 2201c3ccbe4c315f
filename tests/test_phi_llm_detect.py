"""The LLM PHI detector: scripted answers for validation, accounting and the merge with the rules. Its request to a
real OpenAI-compatible server with the bundled model (the plumbing, not what a 0.5B model finds) is in
tests/test_llm_openai.py, on that module's server."""

from __future__ import annotations

import json

import pytest

from miracle_dagster.core import llm
from miracle_dagster.core.pseudonymize import PHIDetector
from miracle_dagster.core.pseudonymize.llm_detect import ITEM_REASONS, PROMPT_VERSION, LLMPHIDetector, chunks
from miracle_dagster.core.pseudonymize.surrogates import Surrogator, pseudonymize

VISIT = "Visite mit Wolkenstein am 03.05.2022, Beschwerden rückläufig. Wolkenstein wünscht Entlassung."


class Scripted:
    """Answers each chunk (the last user turn) with ``answer(chunk)``: a dict is sent as JSON, a str as it is."""

    model_id = "scripted:phi"

    def __init__(self, answer):
        self.answer, self.chunks = answer, []

    def complete(self, requests):
        out = []
        for r in requests:
            chunk = r.messages[-1][1].split('"""\n', 1)[1].rsplit('\n"""', 1)[0]
            self.chunks.append(chunk)
            answer = self.answer(chunk)
            if isinstance(answer, llm.Completion):
                out.append(answer)
            else:
                out.append(llm.Completion(text=answer if isinstance(answer, str) else json.dumps(answer), tokens_in=9, tokens_out=9))
        return out


def _detector(answer, **kwargs) -> tuple[LLMPHIDetector, Scripted]:
    backend = Scripted(answer)
    return LLMPHIDetector(llm.LLMClient(backend), **kwargs), backend


def _phi(*items) -> dict:
    return {"phi": [dict(zip(("text", "type", "start", "end"), item)) for item in items]}


def test_every_occurrence_is_found_and_offsets_match_the_text():
    det, _ = _detector(lambda chunk: _phi(("Wolkenstein", "PATIENT_NAME"), ("03.05.2022", "DATE")))
    [found] = det.find([VISIT])
    assert [(f.text, f.type) for f in found] == [("Wolkenstein", "PATIENT_NAME"), ("03.05.2022", "DATE"), ("Wolkenstein", "PATIENT_NAME")]
    assert all(VISIT[f.start : f.end] == f.text for f in found)
    assert det.spans([VISIT]) == [[(f.start, f.end, f.type) for f in found]]
    assert (det.stats["returned"], det.stats["accepted"], det.rejected, det.stats["spans"]) == (4, 4, 0, 6)


def test_hallucinations_unknown_types_and_fragments_are_rejected_and_counted():
    answer = _phi(
        ("Erna Vogt", "PATIENT_NAME"),  # from the prompt's example, not in this text
        ("Wolkenstien", "PATIENT_NAME"),  # not verbatim
        ("Wolken", "PATIENT_NAME"),  # only a piece of a word
        ("Wolkenstein", "DIAGNOSE"),  # a type the project does not know
        ("Wolkenstein", "name"),  # an alias: mapped to PATIENT_NAME
        ("Wolkenstein", "PATIENT_NAME"),  # the same string again
        ("Entlassung", "CASE_ID"),
        ("wünscht", "STAFF_NAME"),  # an ID without a digit, a name without a capital
        (" ", "DATE"),
        ("W", "PATIENT_NAME"),
        ("Visite mit Wolkenstein am 03.05.2022, Beschwerden rückläufig.", "DATE"),
    )
    answer["phi"].append("Wolkenstein")  # not an object
    det, _ = _detector(lambda chunk: answer, max_item_chars=40)
    [found] = det.find([VISIT])
    assert {(f.text, f.type) for f in found} == {("Wolkenstein", "PATIENT_NAME")} and len(found) == 2
    assert {k: det.stats[k] for k in ITEM_REASONS} == {
        "not_in_text": 3,
        "unknown_type": 1,
        "too_short": 2,
        "too_long": 1,
        "implausible": 2,
        "duplicate": 1,
        "malformed_item": 1,
    }
    assert det.stats["returned"] == 12 == det.stats["accepted"] + det.rejected


def test_titles_and_context_words_are_trimmed_and_date_ranges_split():
    """What the bundled 0.5B model answered for this letter: salutation in the name, words around the dates."""
    letter = "Sehr geehrter Herr Kollege Brandt,\nwir berichten über Frau Ilse Wendt, 82-jährige Patientin, stationär vom 02.03.2023 bis 09.03.2023."
    det, _ = _detector(
        lambda chunk: _phi(
            ("Sehr geehrter Herr Kollege Brandt", "STAFF_NAME"),
            ("Frau Ilse Wendt", "PATIENT_NAME"),
            ("82-jährige", "AGE"),
            ("stationär vom 02.03.2023 bis 09.03.2023", "DATE"),
        )
    )
    [found] = det.find([letter])
    assert [(f.text, f.type) for f in found] == [
        ("Brandt", "STAFF_NAME"),
        ("Ilse Wendt", "PATIENT_NAME"),
        ("82", "AGE"),
        ("02.03.2023", "DATE"),
        ("09.03.2023", "DATE"),
    ]
    assert all(letter[f.start : f.end] == f.text for f in found) and det.stats["trimmed"] == 4
    out, _ = pseudonymize(letter, PHIDetector(sources=[det]).detect(letter), "P1", Surrogator(b"k" * 32))
    assert "Sehr geehrter Herr Kollege" in out and "-jährige Patientin, stationär vom " in out and " bis " in out
    assert not any(phi in out for phi in ("Brandt", "Ilse", "Wendt", "02.03.2023", "09.03.2023"))


def test_model_offsets_are_checked_never_trusted():
    at = VISIT.index("Wolkenstein")
    det, _ = _detector(lambda chunk: _phi(("Wolkenstein", "PATIENT_NAME", at, at + 11), ("03.05.2022", "DATE", 0, 10)))
    [found] = det.find([VISIT])
    assert [VISIT[f.start : f.end] for f in found] == ["Wolkenstein", "03.05.2022", "Wolkenstein"]
    assert det.stats["offsets_wrong"] == 1 and det.stats["accepted"] == 2


def test_invalid_json_and_failed_requests_yield_no_spans_and_are_counted():
    answers = {
        "eins": "Gerne! Hier sind die Namen: Wolkenstein.",
        "zwei": llm.Completion(error="HTTP 400: too long"),
        "drei": '```json\n{"phi": [{"text": "Koch", "type": "STAFF_NAME"},]}\n```',
    }  # fenced, trailing comma: repaired
    det, _ = _detector(lambda chunk: answers[chunk.split()[0]])
    out = det.spans(["eins Wolkenstein", "zwei Wolkenstein", "drei Dr. Koch", "   \n"])
    assert out == [[], [], [(9, 13, "STAFF_NAME")], []]
    assert (det.stats["invalid_json"], det.stats["failed_request"], det.stats["chunks"], det.stats["texts"]) == (1, 1, 3, 4)
    meta = det.metadata()
    assert meta["llm_phi_invalid_json"] == 1 and meta["llm_phi_failed_request"] == 1 and meta["llm_phi_too_long"] == 0
    assert meta["llm_phi_prompt_version"] == PROMPT_VERSION and meta["llm_phi_model"] == "scripted:phi"


def test_unreachable_service_raises():
    det, _ = _detector(lambda chunk: llm.Completion(error="connection refused", retryable=True))
    with pytest.raises(llm.LLMUnavailableError, match="connection refused"):
        det.spans([VISIT])


def test_long_texts_are_chunked_at_line_breaks_and_offsets_map_back():
    text = "\n".join(f"Zeile {i}: Befund unauffällig, Kontrolle empfohlen." for i in range(80)) + "\nRückruf Frau Wolkenstein."
    assert "".join(c for _, c in chunks(text, 1500)) == text
    det, backend = _detector(lambda chunk: _phi(("Wolkenstein", "PATIENT_NAME")) if "Wolkenstein" in chunk else _phi(), chunk_chars=1500)
    [[span]] = det.spans([text])
    assert len(backend.chunks) == 3 and all(len(c) <= 1500 and c.endswith("\n") for c in backend.chunks[:-1])
    assert text[span[0] : span[1]] == "Wolkenstein"


def test_request_is_greedy_seeded_schema_constrained_with_few_shot_turns():
    det, _ = _detector(lambda chunk: _phi())
    request = det.request("Text")
    assert request.sampling.temperature == 0 and request.sampling.seed == 0
    assert request.sampling.json_schema["properties"]["phi"]["items"]["properties"]["type"]["enum"][0] == "PATIENT_NAME"
    assert [role for role, _ in request.messages] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert all(json.loads(c)["phi"] is not None for role, c in request.messages if role == "assistant")


def test_merged_with_the_rules_a_name_they_miss_is_replaced():
    rules = PHIDetector()
    assert [s.text for s in rules.detect(VISIT)] == ["03.05.2022"]  # the rules see the date, not the name
    det, _ = _detector(lambda chunk: _phi(("Wolkenstein", "PATIENT_NAME"), ("03.05.2022", "BIRTH_DATE")))
    spans = PHIDetector(sources=[det]).detect(VISIT)
    assert [(s.type, s.text, s.source) for s in spans] == [
        ("PATIENT_NAME", "Wolkenstein", "model:llm"),
        ("DATE", "03.05.2022", "rule:date_dmy"),
        ("PATIENT_NAME", "Wolkenstein", "model:llm"),
    ]  # the rule keeps its type on overlap
    out, _ = pseudonymize(VISIT, spans, "P1", Surrogator(b"k" * 32))
    assert "Wolkenstein" not in out and "03.05.2022" not in out
