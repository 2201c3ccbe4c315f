"""DeepL through its official client: glossary reused by name, protected spans in ignored tags, billed characters.

Retries with backoff on 429 and 5xx (and timeouts) are the client's own (`deepl.http_client`); what is still
failing after them stops the run through StopTranslation, as does quota exhaustion (HTTP 456).
"""

from __future__ import annotations

import deepl

from miracle_dagster.core.translate.batching import MAX_REQUEST_BYTES, MAX_TEXTS
from miracle_dagster.core.translate.engine import Sent, StopTranslation
from miracle_dagster.core.translate.glossary import Glossary
from miracle_dagster.core.translate.protect import KEEP_TAG, protect, unprotect


def configure_retries(max_retries: int, timeout_s: float) -> None:
    """The client keeps these process-wide: retries per request, and the floor of its per-try timeout."""
    deepl.http_client.max_network_retries = max_retries
    deepl.http_client.min_connection_timeout = timeout_s


class DeepLBackend:
    name = "deepl"

    def __init__(
        self,
        auth_key: str,
        glossary: Glossary,
        target_lang: str = "EN-GB",
        server_url: str = "",
        max_texts: int = MAX_TEXTS,
        max_bytes: int = MAX_REQUEST_BYTES,
    ):
        self.client = deepl.Translator(auth_key, server_url=server_url or None, send_platform_info=False)
        self.glossary = glossary
        self.target_lang = target_lang
        self.max_texts, self.max_bytes = max_texts, max_bytes
        self._glossary_id = ""
        self.glossary_created = False

    def glossary_id(self) -> str:
        """The glossary of this version, created once and found again by its name (which carries the version)."""
        if not self._glossary_id:
            g = self.glossary
            found = [x for x in self._call(self.client.list_glossaries) if x.name == g.name and x.ready]
            if found:
                self._glossary_id = found[0].glossary_id
            else:
                created = self._call(self.client.create_glossary, g.name, g.source_lang, g.target_lang, g.entries)
                self._glossary_id, self.glossary_created = created.glossary_id, True
        return self._glossary_id

    def translate(self, texts: list[str]) -> list[Sent]:
        try:
            results = self._call(
                self.client.translate_text,
                [protect(t) for t in texts],
                source_lang=self.glossary.source_lang,
                target_lang=self.target_lang,
                glossary=self.glossary_id(),
                tag_handling="xml",
                ignore_tags=[KEEP_TAG],
            )
        except deepl.DeepLException as error:  # a request DeepL rejects (400): this batch fails, the run goes on
            return [Sent(error=f"DeepL rejected the request: {error}") for _ in texts]
        return [Sent(text=unprotect(r.text), billed=r.billed_characters or 0) for r in results]

    def usage_metadata(self) -> dict[str, int]:
        """Characters used and allowed in this billing period, as the account reports them (none once stopped)."""
        try:
            character = self._call(self.client.get_usage).character
        except StopTranslation:
            return {}
        return {
            "deepl_account_characters": character.count or 0,
            "deepl_account_limit": character.limit or 0,
            "deepl_glossary": self.glossary.name,
            "deepl_glossary_created": self.glossary_created,
        }

    @staticmethod
    def _call(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except deepl.QuotaExceededException as error:
            raise StopTranslation("quota_exceeded", f"DeepL quota exhausted for this billing period ({error})") from error
        except deepl.AuthorizationException as error:
            raise StopTranslation("authorization_failed", f"DeepL refused the auth key ({error})") from error
        except (deepl.ConnectionException, deepl.TooManyRequestsException) as error:
            raise StopTranslation("service_unavailable", f"DeepL unreachable after retries ({error})") from error
        except deepl.DeepLException as error:
            if error.http_status_code and error.http_status_code >= 500:
                raise StopTranslation("service_unavailable", f"DeepL failing after retries ({error})") from error
            raise
