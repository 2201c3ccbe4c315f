"""A local stand-in for the DeepL API v2, speaking the wire protocol the official `deepl` 1.32 client uses.

Endpoints: POST /v2/translate (JSON), GET|POST /v2/glossaries, GET|DELETE /v2/glossaries/{id},
GET /v2/glossaries/{id}/entries (TSV), GET /v2/usage; auth header `DeepL-Auth-Key <key>`.
Fault injection for /v2/translate: queue "429", "500", "503" or "slow" in `faults` (one per request), and a
`character_limit` after which it answers 456 like an exhausted quota. Every request lands in `log`.

"Translation" is deterministic word substitution: glossary entries (only with a glossary_id), a small
dictionary, and for any other word a stand-in English word chosen by its hash, so the output reads as English
while numbers, punctuation and `ignore_tags` content stay exactly as sent.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = {
    "der": "the",
    "die": "the",
    "das": "the",
    "und": "and",
    "mit": "with",
    "ohne": "without",
    "kein": "no",
    "keine": "no",
    "bei": "with",
    "leber": "liver",
    "niere": "kidney",
    "lunge": "lung",
    "links": "left",
    "rechts": "right",
    "pneumonie": "pneumonia",
    "fieber": "fever",
    "tage": "days",
    "tagen": "days",
    "seit": "since",
    "ist": "is",
    "patient": "patient",
    "befund": "finding",
    "herz": "heart",
    "wie": "how",
    "viele": "many",
}
KEPT = {"mg", "ml", "l", "g", "kg", "cm", "mm", "mmHg", "mmol", "dl", "min", "h"}  # units and all-caps abbreviations stay, as at DeepL
FILLER = "the of and to in is was for on with as at by from this that which were are be has".split()
_TOKEN = re.compile(r"&\w+;|[A-Za-zÄÖÜäöüß]+|[^A-Za-zÄÖÜäöüß&]+|&")  # XML entities stay entities


def _word(word: str) -> str:
    if word in KEPT or word.isupper():
        return word
    if word.lower() in WORDS:
        return WORDS[word.lower()]
    return FILLER[int(hashlib.sha256(word.encode()).hexdigest(), 16) % len(FILLER)]


def fake_translate(text: str, glossary: dict[str, str], ignore_tags: list[str]) -> str:
    keep = "|".join(re.escape(t) for t in ignore_tags) or "(?!)"
    out = []
    for part in re.split(rf"(<(?:{keep})>.*?</(?:{keep})>)", text):
        if re.fullmatch(rf"<(?:{keep})>.*</(?:{keep})>", part or "x"):
            out.append(part)
            continue
        for source, target in sorted(glossary.items(), key=lambda kv: -len(kv[0])):
            part = re.sub(rf"(?<!\w){re.escape(source)}(?!\w)", f"\x00{target}\x01", part)
        chunks = re.split(r"(\x00[^\x01]*\x01)", part)
        out += [c[1:-1] if c.startswith("\x00") else "".join(_word(t) if t[0].isalpha() else t for t in _TOKEN.findall(c)) for c in chunks]
    return "".join(out)


class DeepLStub:
    def __init__(self, auth_key: str = "stub-key:fx", character_limit: int | None = None, slow_s: float = 2.0):
        self.auth_key, self.character_limit, self.slow_s = auth_key, character_limit, slow_s
        self.character_count = 0
        self.faults: list[str] = []
        self.log: list[dict] = []
        self.glossaries: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def translated_texts(self) -> list[str]:
        """Every text of a translate request the stub answered with a translation (what a real account pays for)."""
        return [t for entry in self.log if entry["path"] == "/v2/translate" and entry["status"] == 200 for t in entry["body"]["text"]]

    # -- endpoints: (status, JSON or text body) --
    def translate(self, body: dict) -> tuple[int, object]:
        with self._lock:
            fault = self.faults.pop(0) if self.faults else ""
        if fault == "slow":
            time.sleep(self.slow_s)  # the client has given up and retried by now; nothing is translated or billed
            return 504, {"message": "too slow"}
        if fault:
            return int(fault), {"message": "injected fault"}
        texts = body.get("text") or []
        billed = sum(len(t) for t in texts)
        with self._lock:
            if self.character_limit is not None and self.character_count + billed > self.character_limit:
                return 456, {"message": "Quota exceeded"}
            self.character_count += billed
        glossary = self.glossaries.get(body.get("glossary_id") or "", {}).get("entries", {})
        if body.get("glossary_id") and body["glossary_id"] not in self.glossaries:
            return 404, {"message": "Glossary not found"}
        ignore = body.get("ignore_tags", []) if body.get("tag_handling") == "xml" else []
        return 200, {
            "translations": [
                {"detected_source_language": "DE", "text": fake_translate(t, glossary, ignore), "billed_characters": len(t)} for t in texts
            ]
        }

    def create_glossary(self, body: dict) -> tuple[int, object]:
        entries = dict(line.split("\t", 1) for line in body["entries"].splitlines() if line.strip())
        gid = str(uuid.uuid4())
        info = {
            "glossary_id": gid,
            "name": body["name"],
            "ready": True,
            "source_lang": body["source_lang"].lower(),
            "target_lang": body["target_lang"].lower(),
            "entry_count": len(entries),
            "creation_time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
        }
        self.glossaries[gid] = {"info": info, "entries": entries}
        return 201, info


def _handler(stub: DeepLStub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet test output
            pass

        def _reply(self, status: int, payload) -> None:
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(payload, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out on a slow answer
                pass

        def _route(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            path = self.path.split("?")[0]
            entry = {"method": method, "path": path, "body": body, "status": 0}
            stub.log.append(entry)
            if self.headers.get("Authorization") != f"DeepL-Auth-Key {stub.auth_key}":
                status, payload = 403, {"message": "Wrong key"}
            elif (method, path) == ("POST", "/v2/translate"):
                status, payload = stub.translate(body)
            elif (method, path) == ("POST", "/v2/glossaries"):
                status, payload = stub.create_glossary(body)
            elif (method, path) == ("GET", "/v2/glossaries"):
                status, payload = 200, {"glossaries": [g["info"] for g in stub.glossaries.values()]}
            elif (method, path) == ("GET", "/v2/usage"):
                status, payload = 200, {"character_count": stub.character_count, "character_limit": stub.character_limit or 10**12}
            elif path.startswith("/v2/glossaries/"):
                status, payload = self._glossary(method, path.split("/")[3:])
            else:
                status, payload = 404, {"message": "Not found"}
            entry["status"] = status
            self._reply(status, payload)

        def _glossary(self, method: str, parts: list[str]) -> tuple[int, object]:
            glossary = stub.glossaries.get(parts[0])
            if glossary is None:
                return 404, {"message": "Glossary not found"}
            if method == "DELETE":
                del stub.glossaries[parts[0]]
                return 204, ""
            if parts[1:] == ["entries"]:
                return 200, "\n".join(f"{k}\t{v}" for k, v in glossary["entries"].items())
            return 200, glossary["info"]

        def do_GET(self):
            self._route("GET")

        def do_POST(self):
            self._route("POST")

        def do_DELETE(self):
            self._route("DELETE")

    return Handler
