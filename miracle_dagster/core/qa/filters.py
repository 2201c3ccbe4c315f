"""Quality filters for generated pairs: each one names a way a small generator produces bad training data.

- language: small models drift into English when asked in German;
- near-duplicates: the same question three times teaches nothing and skews the loss;
- generic questions ("Was ist die Hauptdiagnose?") fit every document, so in training every other
  document is a false negative;
- unsupported answers: the answer must come from the section, not the model's imagination;
- invented numbers: a dose, size, count or date in the answer that the section does not hold ("100 Fraktur");
- answers the question already holds ("Wie viele Tage sind Sie seit 3 Tagen?" -> "3 Tagen") teach nothing;
- a question that repeats a content word three times is the generator looping, not a clinician asking;
- a yes or no to an open question ("Wie alt ist die Fraktur?" -> "nein") answers nothing that was asked;
- round trip (Promptagator): the question must retrieve its own passage with the baseline embedder.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = {
    "de": set(
        "aber alle als also am an auch auf aus bei beim bis da damit hat haben habe sein gibt dann das dass dem den denen der des die dies diese "
        "diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es etwa für gab gibt hat "
        "hatte hatten hier ich ihr im in ist ja kann kein keine konnte man mit nach nein nicht noch nun nur ob oder "
        "ohne seit sich sie sind so sowie um und uns unter vom von vor war waren warum was weiter welche welchem "
        "welchen welcher welches wenn wer werden wie wieso wird wo wodurch womit worauf woran worin wurde wurden zu "
        "zum zur über bzw ca sowie beim seine seiner ihre ihrer laut gemäß".split()
    ),
    "en": set(
        "a about after all also an and any are as at be been before being but by can could did do does for from had "
        "has have how if in into is it its may more no not of on or other she he than that the their them there these "
        "they this those to was were what when where which who whom why will with would yes according".split()
    ),
}
# Words that name a kind of information rather than a piece of it: a question made only of these is generic.
GENERIC_TERMS = {
    "de": set(
        "patient patientin patienten pat hauptdiagnose diagnose diagnosen nebendiagnose nebendiagnosen befund befunde "
        "befundes ergebnis ergebnisse untersuchung untersuchungen bericht dokument text abschnitt beurteilung "
        "empfehlung empfehlungen procedere therapie behandlung verlauf anamnese zusammenfassung fazit grund ursache "
        "art wichtigste wichtigsten genannt genannten erwähnt erwähnten beschrieben beschriebenen angegeben "
        "angegebenen aktuell aktuelle aktuellen zeigt zeigen liegt vor vorliegend wesentlichen gestellt erfolgt "
        "durchgeführt durchgeführte stellt groß größe große großer klein hoch höhe wert werte lage ausdehnung".split()
    ),
    "en": set(
        "patient patients main diagnosis diagnoses finding findings result results examination report document text "
        "section impression recommendation recommendations therapy treatment course history summary reason cause "
        "kind type important mentioned described stated current shown show given performed primary principal large size small high value values location".split()
    ),
}
SUPPORTED_LANGUAGES = ("de", "en", "fr", "es", "it", "pt", "nl", "pl", "tr")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


_SUFFIXES = ("en", "er", "es", "em", "e", "n", "s")


def _stem(word: str) -> str:
    """Crude stem: German inflection ("Lungenembolie/-n", "rechten/rechts") mostly changes the ending."""
    if len(word) > 4 and not word.isdigit():
        word = next((word[: -len(x)] for x in _SUFFIXES if word.endswith(x)), word)
    return word[:6]


def content_stems(text: str, language: str) -> set[str]:
    stop = STOPWORDS.get(language, set())
    return {_stem(w) for w in words(text) if w not in stop and (len(w) >= 3 or w.isdigit())}


def specific_stems(question: str, language: str) -> set[str]:
    """Content stems of a question that name something concrete (not 'Befund', 'Patient', ...)."""
    generic = {_stem(w) for w in GENERIC_TERMS.get(language, set())}
    return content_stems(question, language) - generic


@lru_cache(maxsize=1)
def _identifier():
    import py3langid.langid as langid

    identifier = langid.LanguageIdentifier.from_modelpath(langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED_LANGUAGES))
    return identifier


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) among the languages clinical corpora here come in."""
    lang, prob = _identifier().classify(text)
    return lang, float(prob)


def wrong_language(question: str, answer: str, expected: str, min_probability: float) -> str:
    """'' when the question reads as `expected`; otherwise the detected language for the reject reason."""
    lang, prob = detect_language(question)
    if lang == expected:
        return ""
    if prob < min_probability:  # short or mixed text: ask again with the answer for more evidence
        lang, prob = detect_language(f"{question} {answer}")
        if lang == expected or prob < min_probability:
            return ""
    return f"{lang} ({prob:.2f})"


def normalize_question(question: str) -> str:
    return " ".join(words(question))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def near_duplicate_of(
    questions: list[str], language: str, threshold: float, vectors: np.ndarray | None = None, min_cosine: float = 0.95
) -> dict[int, int]:
    """Index -> the earlier index it nearly repeats: same content words (reordered, inflected), or, given
    unit vectors, the same meaning in other words."""
    stems = [content_stems(q, language) for q in questions]
    similar = vectors @ vectors.T if vectors is not None and len(questions) else None
    duplicates: dict[int, int] = {}
    for i in range(len(questions)):
        for j in range(i):
            if j in duplicates:
                continue
            if jaccard(stems[i], stems[j]) >= threshold or (similar is not None and similar[i, j] >= min_cosine):
                duplicates[i] = j
                break
    return duplicates


def is_generic(question: str, section_text: str, language: str) -> bool:
    """Nothing in the question is both concrete and found in the section: it could be asked of any document."""
    specific = specific_stems(question, language)
    return not (specific & content_stems(section_text, language))


def answer_support(answer: str, section_text: str, language: str) -> float:
    """Share of the answer's content words that occur in the section (1.0 for a bare yes/no)."""
    answer_stems = content_stems(answer, language)
    if not answer_stems:
        return 1.0
    return len(answer_stems & content_stems(section_text, language)) / len(answer_stems)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> list[str]:
    return [n.replace(",", ".") for n in _NUMBER.findall(text)]


def invented_numbers(answer: str, section_text: str) -> list[str]:
    """Numbers of the answer that the section does not hold (decimal comma or point alike): a made-up value passes
    word overlap when the unit is in the section, and in a clinical answer it is the worst kind of wrong."""
    held = set(_numbers(section_text))
    return [n for n in _numbers(answer) if n not in held]


def answer_in_question(question: str, answer: str, language: str) -> bool:
    """Every content word of the answer is already in the question: the answer is contained in it or rephrases it."""
    answer_stems = content_stems(answer, language)
    return bool(answer_stems) and answer_stems <= content_stems(question, language)


# Open questions (what, where, how ...) whose answer cannot be a bare yes or no; languages without an entry skip the check.
OPEN_QUESTION_WORDS = {
    "de": set(
        "was wer wem wen wessen wie wieviel wieviele wo woher wohin wann warum weshalb wieso welche welcher welches "
        "welchem welchen womit wodurch woran worauf worin wofür wogegen".split()
    ),
    "en": set("what who whom whose how where when why which".split()),
}
YES_NO = {"de": {"ja", "nein"}, "en": {"yes", "no"}}


def yes_no_to_open_question(question: str, answer: str, language: str) -> bool:
    """The question opens with an open-question word (as a clinician writes it) and the answer is only yes or no."""
    question_words, answer_words = words(question), words(answer)
    return (
        bool(question_words)
        and question_words[0] in OPEN_QUESTION_WORDS.get(language, ())
        and bool(answer_words)
        and set(answer_words) <= YES_NO.get(language, set())
    )


def repeated_word(question: str, language: str, times: int = 3) -> str:
    """The content word (as its stem) the question uses `times` times or more, else ''."""
    stop = STOPWORDS.get(language, set())
    counts = Counter(_stem(w) for w in words(question) if w not in stop and len(w) >= 3)
    stem, n = counts.most_common(1)[0] if counts else ("", 0)
    return stem if n >= times else ""


def best_first(pairs, n: int):
    """The `n` pairs most worth showing: the question finds its own passage first (round-trip rank), then the answer
    is best supported by the passage, then the shorter question; a pandas frame in, the same columns out."""
    ranked = pairs.assign(_rank=pairs["round_trip_rank"].fillna(float("inf")), _len=pairs["question"].str.len())
    ranked = ranked.sort_values(["_rank", "answer_support", "_len"], ascending=[True, False, True], kind="stable")
    return ranked.drop(columns=["_rank", "_len"]).head(n)


def round_trip_ranks(question_vectors: np.ndarray, passage_vectors: np.ndarray, own: list[int]) -> list[int]:
    """1-based rank of each question's own passage among all passages (unit vectors, cosine)."""
    if len(question_vectors) == 0:
        return []
    scores = question_vectors @ passage_vectors.T
    own_scores = scores[np.arange(len(own)), own]
    return [int(r) + 1 for r in (scores > own_scores[:, None]).sum(axis=1)]
