"""The openai backend against a real OpenAI-compatible server (`miracle serve-llm`: llama.cpp's, with the bundled
model), one that goes away mid-run, and one that answers with garbage; the same engine in-process (local backend).

The real-server tests share one server: each start costs ~7 CPU-s on the 2-core VM (most of it the CLI's imports).
The going-away test kills and restarts it; the SIGTERM test, the last to use it, stops it."""

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from miracle_dagster.core import llm, qa
from miracle_dagster.core.llm import local_models
from miracle_dagster.core.pseudonymize.llm_detect import LLMPHIDetector

SECTIONS = [
    {
        "passage_id": "p1",
        "document_type": "radiology_report",
        "section_name": "Befund",
        "text": "CT Thorax: Im rechten Oberlappen ein 14 mm großer Rundherd, neu im Vergleich zur Voruntersuchung. "
        "Kein Pleuraerguss. Keine Lungenembolie.",
    },
    {
        "passage_id": "p2",
        "document_type": "discharge_letter",
        "section_name": "Medikation",
        "text": "Entlassmedikation: Ramipril 5 mg 1-0-0, Bisoprolol 2,5 mg 1-0-0, ASS 100 mg 1-0-0, Atorvastatin 40 mg 0-0-1.",
    },
    {
        "passage_id": "p3",
        "document_type": "pathology_report",
        "section_name": "Diagnose",
        "text": "Tubuläres Adenokarzinom des Kolon ascendens, pT3 pN1a (1/23) L1 V0 Pn0, G2, R0. Resektionsränder tumorfrei.",
    },
    {
        "passage_id": "p4",
        "document_type": "operation_note",
        "section_name": "Eingriff",
        "text": "Laparoskopische Cholezystektomie ohne Komplikationen, Blutverlust 50 ml, Drainage entfernt am ersten Tag.",
    },
]
# The bundled model answers p1, p3 and p4 in 37-54 tokens; on p2 it loops until max_tokens, and again in the repair
# round. 64 keeps that cheap: a prompt token costs ~16 ms of CPU on the 2-core VM, a generated one ~45 ms.
CONFIG = qa.QAConfig(questions_per_section=1, max_tokens=64, min_section_tokens=0, round_trip_top_k=0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(model_path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "miracle_dagster.cli",
            "serve-llm",
            "--model",
            str(model_path),
            "--alias",
            "bundled",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n-ctx",
            "2048",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).ok:  # 503 while the model loads
                return proc
        except requests.ConnectionError:
            time.sleep(0.5)
        if proc.poll() is not None:
            raise RuntimeError("miracle serve-llm exited during start-up")
    proc.kill()
    raise RuntimeError("miracle serve-llm did not come up")


class _Server:
    """The module's server on one port: a test may kill it (the host going away) or stop it; `up()` starts it again."""

    def __init__(self, model_path):
        self.model_path, self.port, self.process = model_path, _free_port(), None

    def up(self) -> "_Server":
        if self.process is None or self.process.poll() is not None:
            self.process = _start_server(self.model_path, self.port)
        return self

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def gguf(models_dir):
    return local_models.resolve("qwen2.5-coder-0.5b-instruct", models_dir)[0]


@pytest.fixture(scope="module")
def module_server(gguf):
    server = _Server(gguf)
    yield server
    server.kill()


@pytest.fixture
def server(module_server) -> _Server:
    """The module's server, running (started again if a test before stopped it)."""
    return module_server.up()


def _settings(port: int, **kwargs) -> llm.LLMSettings:
    options = dict(model="bundled", response_format="json_object", max_retries=1, timeout_s=60, concurrency=2)
    return llm.LLMSettings(backend="openai", base_url=f"http://127.0.0.1:{port}/v1", **{**options, **kwargs})


def test_generation_through_a_real_server_with_usage_and_cache(server, tmp_path):
    """p2's repair round must come from the cache too: its prompt holds the first answer, itself cached."""
    cache = llm.CompletionCache(tmp_path / "cache.sqlite")
    client = llm.LLMClient(llm.make_backend(_settings(server.port)), cache)
    result = qa.generate_qa(SECTIONS[:2], client, CONFIG)
    assert result.sections["with_pairs"] + result.sections["failed"] == 2
    assert len(result.kept) + len(result.rejected) >= 2
    assert client.usage.generated >= 2 and client.usage.tokens_in > 100 and client.usage.tokens_out > 10
    assert set(result.kept["generator_model"]) <= {"openai:bundled"}
    again = llm.LLMClient(llm.make_backend(_settings(server.port)), cache)
    rerun = qa.generate_qa(SECTIONS[:2], again, CONFIG)
    assert again.usage.generated == 0 and again.usage.cached == again.usage.requests
    assert rerun.kept["pair_id"].tolist() == result.kept["pair_id"].tolist()


def test_llm_phi_detector_through_a_real_server(server):
    """The plumbing of tests/test_phi_llm_detect.py with the bundled model (not what a 0.5B model finds)."""
    client = llm.LLMClient(llm.make_backend(_settings(server.port, timeout_s=300, max_retries=0)))
    det = LLMPHIDetector(client, max_tokens=200)
    text = (
        "Sehr geehrter Herr Kollege Brandt,\nwir berichten über Frau Ilse Wendt, geb. 14.02.1938, stationär vom 02.03.2023 bis 09.03.2023."
    )
    started = time.perf_counter()
    [found] = det.find([text])
    seconds = time.perf_counter() - started
    assert client.usage.requests == 1 and det.stats["chunks"] == 1
    assert all(text[f.start : f.end] == f.text for f in found)
    assert det.stats["returned"] == det.stats["accepted"] + det.rejected
    assert det.stats["invalid_json"] + det.stats["failed_request"] <= 1
    print(f"real server: {seconds:.1f} s, {dict(det.stats)}, {[(f.text, f.type) for f in found]}")


def test_server_going_away_mid_run_keeps_work_and_resumes(server, tmp_path):
    """Only the resuming counts here: the three sections the model answers without looping (not p2)."""
    sections = [s for s in SECTIONS if s["passage_id"] != "p2"]
    cache = llm.CompletionCache(tmp_path / "cache.sqlite")
    backend = llm.make_backend(_settings(server.port, concurrency=1))
    real_complete = backend.complete

    def complete_then_crash(requests_):
        out = real_complete(requests_)
        server.kill()  # the GPU host reboots after the first batch
        return out

    backend.complete = complete_then_crash
    with pytest.raises(llm.LLMUnavailableError, match=r"1/3 completions are done and cached, 2 left: re-run"):
        qa.generate_qa(sections, llm.LLMClient(backend, cache, batch_size=1), CONFIG)
    assert len(cache) == 1

    server.up()  # back, on the same port
    client = llm.LLMClient(llm.make_backend(_settings(server.port)), cache)
    result = qa.generate_qa(sections, client, CONFIG)
    assert client.usage.cached >= 1 and client.usage.generated >= 2
    assert result.sections["with_pairs"] + result.sections["failed"] == 3


def test_server_stops_cleanly_on_sigterm(server):
    """After serving the tests before: the last in this module to use the server."""
    server.process.terminate()
    assert server.process.wait(timeout=30) == 0


def test_local_backend_runs_the_same_engine_in_process(gguf, tmp_path):
    settings = llm.LLMSettings(backend="local", model=str(gguf), n_ctx=2048)
    backend = llm.make_backend(settings)
    assert backend.model_id.startswith(f"local:{gguf.name}@") and backend.model_id.endswith("+xllamacpp")
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    question = llm.ChatRequest(
        (("user", "Antworte als JSON: Wie heißt die Hauptstadt von Frankreich?"),),
        llm.Sampling(temperature=0.8, max_tokens=24, json_schema=schema),
    )
    other = llm.ChatRequest((("user", "Antworte als JSON: Wie heißt die Hauptstadt von Spanien?"),), llm.Sampling(max_tokens=4))
    too_long = llm.ChatRequest((("user", "Wort " * 3000),), llm.Sampling(max_tokens=4))
    ok, _, failed = backend.complete([question, other, too_long])
    assert ok.ok and ok.tokens_in > 5 and 0 < ok.tokens_out <= 24
    assert ok.text.lstrip().startswith("{") and '"answer"' in ok.text  # the schema, even if max_tokens cuts it
    assert not failed.ok and "local model:" in failed.error and not failed.retryable
    [again] = backend.complete([question])  # after another prompt with the same prefix: the same completion
    assert again.text == ok.text
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(RuntimeError, match="broken.gguf"):
        llm.make_backend(llm.LLMSettings(backend="local", model=str(bad), n_ctx=512)).complete([too_long])


class _BadServer(BaseHTTPRequestHandler):
    """Speaks the chat-completions route but answers with what `mode` says."""

    mode = "prose"
    calls = 0

    def do_POST(self):
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.mode == "broken_body":
            body, status = b'{"id": "x", "choices": [', 200
        elif self.mode == "overloaded":
            body, status = b'{"error": {"message": "overloaded"}}', 503
        else:
            message = {"role": "assistant", "content": "Gerne! Hier sind Fragen: Wie groß ist der Rundherd? 14 mm."}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            usage = {"prompt_tokens": 50, "completion_tokens": 12, "total_tokens": 62}
            body = json.dumps(
                {"id": "c1", "object": "chat.completion", "created": 0, "model": "bad", "choices": [choice], "usage": usage}
            ).encode()
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def bad_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BadServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _BadServer.calls = 0
    yield server
    server.shutdown()


def _bad_client(server, mode: str) -> llm.LLMClient:
    _BadServer.mode = mode
    port = server.server_address[1]
    return llm.LLMClient(llm.make_backend(_settings(port, model="bad", max_retries=1)))


def test_prose_instead_of_json_is_repaired_once_then_recorded(bad_server):
    client = _bad_client(bad_server, "prose")
    result = qa.generate_qa(SECTIONS[:1], client, CONFIG)
    assert result.kept.empty and result.sections["failed"] == 1
    [row] = result.rejected.to_dict("records")
    assert row["reason"] == "invalid_json" and "Gerne!" in row["detail"] and row["passage_id"] == "p1"
    assert _BadServer.calls == 2  # the request and one repair round, no more


def test_malformed_response_body_is_a_recorded_failure(bad_server):
    result = qa.generate_qa(SECTIONS[:1], _bad_client(bad_server, "broken_body"), CONFIG)
    [row] = result.rejected.to_dict("records")
    assert row["reason"] == "llm_error" and "malformed" in row["detail"]


def test_overloaded_server_is_retried_then_unavailable(bad_server):
    with pytest.raises(llm.LLMUnavailableError, match="InternalServerError"):
        qa.generate_qa(SECTIONS[:1], _bad_client(bad_server, "overloaded"), CONFIG)
    assert _BadServer.calls == 2  # one try plus max_retries=1
