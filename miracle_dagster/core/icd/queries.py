"""Clinical phrasings of ICD-10 codes written by the LLM, and the filters that keep the usable ones.

Per code and language the model is asked for short phrasings a physician would write (abbreviations, ward jargon,
lay words). Each phrasing is dropped with a counted reason when it is malformed, in another language, a duplicate,
a copy of one of the prompt's style examples that does not rank its own code first, or when the round trip fails: the base bi-encoder ranks a different code first and scores it clearly better
(`round_trip_margin`) than the phrasing's own code, i.e. the phrasing names another code rather than this one.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from miracle_dagster.core.llm import ChatRequest, Sampling
from miracle_dagster.core.qa.filters import detect_language
from miracle_dagster.core.qa.parse import _load_lenient
from miracle_dagster.core.text import normalized

# language -> (name in the prompt, examples of the style wanted)
LANGUAGES = {
    "de": ("German", "V.a. Lungenembolie; Z.n. Myokardinfarkt; Zucker (for Diabetes mellitus); Blinddarmentzündung"),
    "en": ("English", "r/o PE; h/o MI; sugar diabetes; high blood pressure"),
    "es": ("Spanish", "sospecha de TEP; antecedente de IAM; azúcar alta; tensión alta"),
    "fr": ("French", "susp. EP; ATCD d'IDM; du diabète; tension trop haute"),
    "pt": ("Portuguese", "susp. de TEP; história de EAM; açúcar no sangue; pressão alta"),
    "it": ("Italian", "sosp. EP; pregresso IMA; zucchero alto; pressione alta"),
}
SYSTEM = "You are an experienced physician who writes clinical notes. You answer with JSON only."
USER = (
    "Write {n} different short phrasings in {language} that a physician would write in a clinical note or discharge "
    "letter for the diagnosis below: at least one with common clinical abbreviations, one colloquial (ward jargon) and "
    "one in lay words a patient would use; at most 12 words each. Write {language} only, never the code. "
    "Style examples: {examples}\n\nDiagnosis: {title}{terms}\n\n"
    'Answer as JSON: {{"phrasings": ["...", "..."]}}'
)
SCHEMA = {"type": "object", "properties": {"phrasings": {"type": "array", "items": {"type": "string"}}}, "required": ["phrasings"]}
PROMPT_VERSION = "icd-phrasings-" + hashlib.sha256(repr((SYSTEM, USER, LANGUAGES)).encode()).hexdigest()[:10]
KEPT_COLUMNS = ("code", "title", "language", "phrasing", "own_score", "top_code", "top_score", "generator", "prompt_version")
REJECTED_COLUMNS = ("code", "language", "phrasing", "reason", "detail")
_CODE = re.compile(r"\b[A-Z]\d{2}(\.\d{0,2})?\b")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


def build_request(title: str, terms: list[str], language: str, n: int, sampling: Sampling) -> ChatRequest:
    name, examples = LANGUAGES[language]
    extra = f" (also called: {'; '.join(terms[:3])})" if len(terms) else ""
    user = USER.format(n=n, language=name, examples=examples, title=title, terms=extra)
    return ChatRequest(messages=(("system", SYSTEM), ("user", user)), sampling=sampling)


def parse_phrasings(text: str) -> tuple[list[str], str]:
    """(phrasings, error): error is '' on success, `invalid_json` or `no_phrasings`."""
    data = _load_lenient(text or "")
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        return [], "invalid_json"
    items = [_BULLET.sub("", str(item)).strip().strip("\"'") for item in data if isinstance(item, (str, int, float))]
    items = [" ".join(item.split()) for item in items if item.strip()]
    return (items, "") if items else ([], "no_phrasings")


# Small models copy the prompt's style examples verbatim ("Z.n. Myokardinfarkt" for a pulmonary embolism): a copy
# is kept only when its own code ranks first in the round trip.
_EXAMPLES = {normalized(re.sub(r"\(.*?\)", "", item)) for _, examples in LANGUAGES.values() for item in examples.split(";")}


@dataclass
class QueryConfig:
    languages: tuple[str, ...] = ("de", "en", "es", "fr", "pt", "it")
    phrasings_per_code: int = 4
    temperature: float = 0.7
    max_tokens: int = 160
    seed: int = 0
    min_language_probability: float = 0.9  # a phrasing is in the wrong language only when py3langid is this sure
    max_words: int = 16
    round_trip_margin: float = 0.02  # reject when another code scores this much better than the own code; <0: off

    def __post_init__(self):
        unknown = [lang for lang in self.languages if lang not in LANGUAGES]
        if unknown:
            raise ValueError(f"unsupported languages {unknown}; one of {', '.join(LANGUAGES)}")


@dataclass
class QueryResult:
    kept: pd.DataFrame
    rejected: pd.DataFrame
    reasons: Counter = field(default_factory=Counter)
    requests: int = 0


def generate_queries(catalogue: pd.DataFrame, client, index, config: QueryConfig) -> QueryResult:
    """Ask the LLM per (code, language), then filter. `index` is a CodeIndex of the base model over the catalogue."""
    sampling = Sampling(temperature=config.temperature, max_tokens=config.max_tokens, seed=config.seed, json_schema=SCHEMA)
    jobs = [(code, title, lang) for code, title in zip(catalogue["code"], catalogue["title"]) for lang in config.languages]
    terms = dict(zip(catalogue["code"], catalogue["inclusion_terms"]))
    requests = [build_request(title, list(terms[code]), lang, config.phrasings_per_code, sampling) for code, title, lang in jobs]
    completions = client.complete(requests) if requests else []
    candidates, rejected = [], []
    for (code, title, lang), completion in zip(jobs, completions):
        if not completion.ok:
            rejected.append((code, lang, "", "llm_error", completion.error[:200]))
            continue
        phrasings, error = parse_phrasings(completion.text)
        if error:
            rejected.append((code, lang, "", error, ""))
        seen: set[str] = set()  # per (code, language)
        for phrasing in phrasings:
            reason, detail = _reject_reason(phrasing, code, lang, seen, config)
            if reason:
                rejected.append((code, lang, phrasing, reason, detail))
            else:
                seen.add(normalized(phrasing))
                candidates.append(
                    {"code": code, "title": title, "language": lang, "phrasing": phrasing, "example": normalized(phrasing) in _EXAMPLES}
                )
    kept = _round_trip(candidates, index, config, rejected)
    kept = kept.assign(generator=client.model_id, prompt_version=PROMPT_VERSION)[list(KEPT_COLUMNS)]
    frame = pd.DataFrame(rejected, columns=list(REJECTED_COLUMNS))
    return QueryResult(kept, frame, Counter(frame["reason"]), len(requests))


def _reject_reason(phrasing: str, code: str, language: str, seen: set[str], config: QueryConfig) -> tuple[str, str]:
    if len(phrasing.split()) > config.max_words or not normalized(phrasing) or _CODE.search(phrasing):
        return "malformed", ""
    if normalized(phrasing) in seen:
        return "duplicate", ""
    detected, probability = detect_language(phrasing)
    if detected != language and probability >= config.min_language_probability:
        return "wrong_language", f"{detected} ({probability:.2f})"
    return "", ""


def _round_trip(candidates: list[dict], index, config: QueryConfig, rejected: list) -> pd.DataFrame:
    """Score each phrasing against every catalogue code with the base model; drop those naming another code."""
    frame = pd.DataFrame(candidates, columns=["code", "title", "language", "phrasing", "example"])
    if frame.empty:
        return frame.assign(own_score=[], top_code=[], top_score=[])
    scores = index.scores(frame["phrasing"].tolist())
    position = {code: i for i, code in enumerate(index.codes)}
    own = scores[np.arange(len(frame)), frame["code"].map(position).to_numpy()]
    top = scores.argmax(axis=1)
    frame = frame.assign(own_score=own, top_code=[index.codes[j] for j in top], top_score=scores.max(axis=1))
    bad = (frame["top_code"] != frame["code"]) & (frame["top_score"] - frame["own_score"] > config.round_trip_margin)
    if config.round_trip_margin < 0:
        bad[:] = False
    copied = frame["example"].astype(bool) & (frame["top_code"] != frame["code"]) & ~bad
    for row, reason in [
        *((r, "names_other_code") for r in frame[bad].itertuples()),
        *((r, "copied_example") for r in frame[copied].itertuples()),
    ]:
        rejected.append((row.code, row.language, row.phrasing, reason, f"{row.top_code} {row.top_score:.3f} > {row.own_score:.3f}"))
    return frame[~bad & ~copied].reset_index(drop=True)
