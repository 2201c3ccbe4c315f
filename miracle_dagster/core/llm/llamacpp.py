"""llama.cpp's server engine from xllamacpp's prebuilt wheel: in-process for the local backend, over HTTP for
`miracle serve-llm` (an OpenAI-compatible endpoint for the openai backend, ragas and the tests).

Both build their parameters here, so the in-process engine and the served one run a model alike. xllamacpp's
engine always listens on a TCP port, also in-process: there it is 127.0.0.1 on a free port with a throwaway API
key nobody learns, which closes it (an empty host list would crash the process instead).
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import time
from pathlib import Path

ENGINE = "xllamacpp"  # part of the local backend's model id: another engine samples other tokens for the same seed


def _xllamacpp():
    # OpenMP threads that spin-wait for work starve on a busy CPU (0.5-0.9 tokens/s instead of 6-10 on the shared
    # 2-core VM); passive waiting fixes that. libgomp reads the variable once, when it is loaded: it is set here in case
    # nothing loaded it yet, and in backends.py at import, before torch (which loads the same libgomp.so.1).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import xllamacpp

    return xllamacpp


def engine_params(
    path: str | Path,
    n_ctx: int,
    n_threads: int = 0,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    alias: str = "",
    api_key: str | None = None,
):
    """CommonParams for one model with one slot (the whole n_ctx per request, requests one after another).

    n_threads 0: all cores. api_key None: a random key nobody is told (the in-process engine's port stays
    closed); "": no key (a served endpoint anyone who reaches the port may use).
    """
    xlc = _xllamacpp()
    threads = n_threads or os.cpu_count() or 1
    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.warmup = False
    params.verbosity = 0  # errors only
    params.cache_ram_mib = 0  # no prompt cache in RAM beside the model (see cache_prompt)
    # Requests do not reuse the previous one's KV cache (a client may still ask with "cache_prompt"): a shared prefix
    # taken from the cache is computed in other batch shapes, which changes the logits slightly, and with them the
    # sampled text; without it, one request and seed give one completion whatever ran before (as llama-cpp-python did).
    params.cache_prompt = False
    params.endpoint_slots = False
    params.ui = False
    params.hostnames = [host]  # never []: that segfaults
    params.port = port
    if alias:
        params.model_alias = {alias}
    key = secrets.token_urlsafe(24) if api_key is None else api_key
    params.api_keys = [key] if key else []
    return params


def start(params):
    """The running engine; a file llama.cpp cannot load (or a port already taken) is a RuntimeError that says which."""
    xlc = _xllamacpp()
    try:
        return xlc.Server(params)
    except RuntimeError as error:  # xllamacpp only says "Failed to init server, please check the input params."
        where = f"{params.hostnames[0]}:{params.port}" if params.port else "a free local port"
        raise RuntimeError(f"llama.cpp could not load {params.model.path} or listen on {where}: {error}") from error


def serve(
    model: str,
    models_dir: Path,
    *,
    alias: str,
    host: str,
    port: int,
    n_ctx: int,
    n_threads: int = 0,
    api_key: str = "",
) -> None:
    """Serve a bundled model name or a .gguf file at http://host:port/v1 until SIGTERM or SIGINT, then exit 0."""
    from miracle_dagster.core.llm import local_models

    # The handler only sets a flag that the main thread polls. Signals may land on any thread (the engine's, or ones
    # libraries started at import): Python then runs the handler only when the main thread next runs bytecode, so the
    # main thread must not sleep long (time.sleep(3600) slept through SIGTERM under load), and the handler must not
    # raise into the engine's start-up (a half-built engine's destructor never returns) or take a lock.
    stop = {"requested": False}

    def request_stop(*_):
        stop["requested"] = True

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, request_stop)
    path, _ = local_models.resolve(model, models_dir)
    server = start(engine_params(path, n_ctx, n_threads, host=host, port=port, alias=alias, api_key=api_key))
    print(f"serving {path} as {alias!r} at {server.listening_address}/v1 (SIGTERM or Ctrl-C stops)", flush=True)
    while not stop["requested"]:
        time.sleep(0.2)
    # The engine's destructor joins its HTTP thread and at times never returns (xllamacpp 2026.10.11549):
    # nothing is left to save, so leave without running it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
