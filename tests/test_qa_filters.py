"""QA parsing, prompts and quality filters on crafted cases (no model needed)."""

import json

import numpy as np
import pytest

from miracle_dagster.core.qa import filters, load_prompts
from miracle_dagster.core.qa.parse import parse_pairs

SECTION = (
    "CT Thorax vom 12.03.2021: Im rechten Oberlappen ein 14 mm großer Rundherd, neu im Vergleich zur "
    "Voruntersuchung. Kein Pleuraerguss. Keine Lungenembolie."
)


# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    "text",
    [
        '{"pairs": [{"question": "Wie groß ist der Rundherd?", "answer": "14 mm"}]}',
        '```json\n{"pairs": [{"question": "Wie groß ist der Rundherd?", "answer": "14 mm"}]}\n```',
        'Hier sind die Fragen: {"pairs": [{"question": "Wie groß ist der Rundherd?", "answer": "14 mm"},]}',
        '[{"frage": "Wie groß ist der Rundherd?", "antwort": "14 mm"}]',
        '{"pairs": [{"question": "Wie groß ist der Rundherd?", "answer": "14 mm"}, {"question": "Gibt es ei',
        '{"question": "Wie groß ist der Rundherd?", "answer": "14 mm"}',
    ],
    ids=["strict", "fenced", "prose-and-trailing-comma", "german-keys-list", "truncated", "single-object"],
)
def test_parse_repairs_common_mistakes(text):
    pairs, error = parse_pairs(text)
    assert error == ""
    assert pairs[0] == {"question": "Wie groß ist der Rundherd?", "answer": "14 mm"}


def test_parse_truncated_keeps_only_complete_pairs():
    text = '{"pairs": [{"question": "A b c?", "answer": "x"}, {"question": "D e f?", "answer": "y"}, {"question": "G'
    pairs, _ = parse_pairs(text)
    assert [p["question"] for p in pairs] == ["A b c?", "D e f?"]


def test_parse_escaped_quotes_inside_strings():
    text = '{"pairs": [{"question": "Was bedeutet \\"o.B.\\"?", "answer": "ohne Befund"}'
    assert parse_pairs(text)[0][0]["question"] == 'Was bedeutet "o.B."?'


@pytest.mark.parametrize(
    "text,error",
    [
        ("", "invalid_json"),
        ("Ich kann das nicht beantworten.", "invalid_json"),
        ('{"pairs": []}', "no_pairs"),
        ('{"pairs": [{"question": "", "answer": "x"}]}', "no_pairs"),
        ('"just a string"', "invalid_json"),
    ],
)
def test_parse_reports_why_nothing_came_out(text, error):
    assert parse_pairs(text) == ([], error)


# ------------------------------------------------------------------ prompts


def test_prompt_version_changes_with_templates_and_question_count(tmp_path):
    base = load_prompts("de", 3)
    assert base.version == load_prompts("de", 3).version
    assert base.version != load_prompts("de", 4).version
    custom = tmp_path / "prompts.json"
    custom.write_text(json.dumps({"de": {"system": "Anderer Systemprompt."}}))
    changed = load_prompts("de", 3, str(custom))
    assert changed.version != base.version and changed.templates["user"] == base.templates["user"]


def test_prompt_is_german_and_document_type_specific():
    prompts = load_prompts("de", 2)
    system, user = prompts.messages(SECTION, "radiology_report", "Befund")
    assert system[0] == "system" and "Deutsch" in system[1]
    assert "Radiologischer Befund" in user[1] and "Größenangaben" in user[1] and SECTION in user[1]
    assert "2 verschiedene Fragen" in user[1]
    assert prompts.json_schema()["properties"]["pairs"]["maxItems"] == 2


def test_unknown_language_and_broken_prompt_file_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="no prompts for language 'sv'"):
        load_prompts("sv")
    broken = tmp_path / "p.json"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="cannot read prompts file"):
        load_prompts("de", 3, str(broken))
    partial = tmp_path / "sv.json"
    partial.write_text(json.dumps({"sv": {"system": "x"}}))
    with pytest.raises(ValueError, match="lack"):
        load_prompts("sv", 3, str(partial))


# ------------------------------------------------------------------ filters


@pytest.mark.parametrize(
    "question,expected",
    [
        ("Wie groß ist der Rundherd im rechten Oberlappen?", "de"),
        ("How large is the nodule in the right upper lobe?", "en"),
        ("¿Cuál es el tamaño del nódulo?", "es"),
    ],
)
def test_detect_language(question, expected):
    assert filters.detect_language(question)[0] == expected


def test_wrong_language_flags_english_drift_but_not_german():
    assert filters.wrong_language("How large is the nodule?", "14 mm", "de", 0.6).startswith("en")
    assert filters.wrong_language("Wie groß ist der Rundherd?", "14 mm", "de", 0.6) == ""


@pytest.mark.parametrize(
    "question,generic",
    [
        ("Was ist die Hauptdiagnose?", True),
        ("Welche Befunde zeigt die Untersuchung?", True),
        ("Was wird in dem Bericht beschrieben?", True),
        ("Wie groß ist der Rundherd?", False),
        ("Wurde eine Lungenembolie ausgeschlossen?", False),
        ("Wie groß ist das Aneurysma?", True),
    ],
)
def test_generic_questions_name_nothing_from_the_section(question, generic):
    """The last one is concrete but about something the section does not contain: it fits no document here."""
    assert filters.is_generic(question, SECTION, "de") is generic


def test_near_duplicates_within_a_section():
    questions = [
        "Wie groß ist der Rundherd im rechten Oberlappen?",
        "Wie groß ist der Rundherd im Oberlappen rechts?",
        "Liegt ein Pleuraerguss vor?",
        "Welche Größe hat der Rundherd im rechten Oberlappen?",
    ]
    assert filters.near_duplicate_of(questions, "de", 0.7) == {1: 0}  # same words, other order and inflection
    vectors = np.array([[1, 0], [0.99, 0.141], [0, 1], [0.97, 0.243]])
    assert filters.near_duplicate_of(questions, "de", 0.7, vectors, min_cosine=0.95) == {1: 0, 3: 0}


def test_answer_support_from_the_section():
    assert filters.answer_support("14 mm großer Rundherd im rechten Oberlappen", SECTION, "de") == 1.0
    assert filters.answer_support("Metastase eines Mammakarzinoms", SECTION, "de") == 0.0
    assert filters.answer_support("Nein", SECTION, "de") == 1.0  # yes/no answers are judged by the question


def test_round_trip_rank_of_own_passage():
    passages = np.eye(4)
    questions = np.array([[0.9, 0.1, 0, 0], [0.8, 0.6, 0, 0], [0, 0, 0.2, 0.98]])
    questions /= np.linalg.norm(questions, axis=1, keepdims=True)
    assert filters.round_trip_ranks(questions, passages, [0, 1, 2]) == [1, 2, 2]
    assert filters.round_trip_ranks(np.zeros((0, 4)), passages, []) == []


# ------------------------------------------------------------------ pairs a clinician would laugh at


@pytest.mark.parametrize(
    ("question", "answer", "contained"),
    [
        ("Wie viele Tage sind Sie seit 3 Tagen?", "3 Tagen", True),  # a demo pair of the bundled 0.5B model
        ("Wie groß ist der Rundherd im rechten Oberlappen?", "Rundherd rechts", True),
        ("Wie groß ist der Rundherd im rechten Oberlappen?", "14 mm", False),
        ("Liegt eine Lungenembolie vor?", "Nein", False),  # no content word to compare: a yes/no answer stays
    ],
)
def test_an_answer_the_question_already_holds_is_caught(question, answer, contained):
    assert filters.answer_in_question(question, answer, "de") is contained


@pytest.mark.parametrize(
    ("question", "answer", "language", "caught"),
    [
        ("Wie alt ist die Deckplattenimpressionsfraktur LWK 2?", "nein", "de", True),  # kept by the filters before
        ("Wo liegt der Rundherd?", "Ja.", "de", True),
        ("What size is the nodule?", "No", "en", True),
        ("Liegt eine Lungenembolie vor?", "Nein", "de", False),  # a yes/no question: the answer fits
        ("Wie groß ist der Rundherd?", "14 mm, nein", "de", False),  # more than yes or no
        ("Quelle est la taille du nodule ?", "non", "fr", False),  # no open-question words for French: not judged
    ],
)
def test_a_bare_yes_or_no_to_an_open_question_is_caught(question, answer, language, caught):
    assert filters.yes_no_to_open_question(question, answer, language) is caught


def test_a_question_repeating_a_content_word_three_times_is_caught():
    assert filters.repeated_word("Was zeigt die Technik der technischen Technik der Techniken?", "de") == "techni"
    assert filters.repeated_word("Was ist die technische Technik der SAGITTale T1, T2 und STIR?", "de") == ""  # twice: allowed
    assert filters.repeated_word("Wie groß ist der Rundherd im rechten Oberlappen?", "de") == ""


def test_best_first_prefers_the_round_trip_then_the_supported_answer():
    import pandas as pd

    pairs = pd.DataFrame(
        {
            "question": ["Q lang und breit?", "Q kurz?", "Q mittel?", "Q ohne Rang?"],
            "answer": ["a", "b", "c", "d"],
            "round_trip_rank": [1, 1, 2, None],
            "answer_support": [1.0, 1.0, 1.0, 1.0],
        }
    )
    assert list(filters.best_first(pairs, 3)["answer"]) == ["b", "a", "c"]
    pairs.loc[0, "answer_support"] = 0.4
    assert list(filters.best_first(pairs, 1)["answer"]) == ["b"] and list(filters.best_first(pairs, 4)["answer"])[-1] == "d"
