"""Translation on the project's LLM resource, for hospitals that may not send text out: same cache and checks."""

from __future__ import annotations

import hashlib

from miracle_dagster.core.llm import ChatRequest, LLMClient, LLMUnavailableError, Sampling
from miracle_dagster.core.translate.engine import Sent, StopTranslation
from miracle_dagster.core.translate.glossary import Glossary

SYSTEM = (
    "You are a medical translator. Translate the German clinical text from the user into {variety} English for "
    "physicians. Be faithful and complete: keep every number, unit, date, dose, dosing scheme (such as 1-0-1), "
    "ICD code, name and identifier exactly as written; translate abbreviations into the English clinical term; "
    "add, omit and explain nothing. Reply with the English translation only."
)
USER = "{terms}German text:\n{text}"
TERMS = "Use these renderings:\n{lines}\n\n"
PROMPT_VERSION = "translate-" + hashlib.sha256((SYSTEM + USER + TERMS).encode()).hexdigest()[:8]
VARIETY = {"EN-GB": "British", "EN-US": "American"}


class LLMBackend:
    max_bytes = 1 << 30  # no request-size limit beyond the model's context: one text per prompt

    def __init__(self, client: LLMClient, glossary: Glossary, target_lang: str = "EN-GB", batch_size: int = 16):
        self.client, self.glossary, self.target_lang = client, glossary, target_lang
        self.max_texts = batch_size
        self.name = f"llm:{client.model_id}:{PROMPT_VERSION}"

    def request(self, text: str) -> ChatRequest:
        found = self.glossary.found_in(text)
        terms = TERMS.format(lines="\n".join(f"- {k} = {v}" for k, v in found.items())) if found else ""
        system = SYSTEM.format(variety=VARIETY.get(self.target_lang.upper(), "British"))
        # Greedy decoding; room for English at ~4 characters per token plus the model's habits.
        sampling = Sampling(temperature=0.0, max_tokens=min(1024, 48 + len(text) // 2))
        return ChatRequest(messages=(("system", system), ("user", USER.format(terms=terms, text=text))), sampling=sampling)

    def translate(self, texts: list[str]) -> list[Sent]:
        try:
            completions = self.client.complete([self.request(t) for t in texts])
        except LLMUnavailableError as error:
            raise StopTranslation("service_unavailable", str(error)) from error
        return [Sent(text=c.text.strip(), error=c.error) for c in completions]

    def usage_metadata(self) -> dict[str, float | int]:
        return self.client.usage.as_metadata()
