"""`dagster dev` (webserver + daemon) on a free localhost port, for the tests that drive the real UI."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

PROJECT = Path(__file__).resolve().parents[1]
DAGSTER = Path(sys.executable).parent / "dagster"
ASSET_GRAPH = "{ assetNodes { assetKey { path } groupName isPartitioned } }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dagster_dev(home: Path, dagster_home: Path, **env: str) -> Iterator[str]:
    """Start it with MIRACLE_HOME=home, wait until GraphQL serves the asset graph, yield the base URL, stop it.
    The nightly schedule and the new-documents sensor stay off (MIRACLE_AUTOMATION): the tests start their own runs."""
    port = _free_port()
    log = home / "dagster-dev.log"
    process = subprocess.Popen(
        [str(DAGSTER), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT,
        env={**os.environ, "MIRACLE_HOME": str(home), "DAGSTER_HOME": str(dagster_home), "MIRACLE_AUTOMATION": "off", **env},
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                if requests.post(f"{base}/graphql", json={"query": ASSET_GRAPH}, timeout=5).json().get("data", {}).get("assetNodes"):
                    break
            except (requests.ConnectionError, requests.Timeout, ValueError):
                pass
            time.sleep(0.25)
        else:
            pytest.fail("dagster dev did not answer in time:\n" + log.read_text()[-3000:])
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:  # a clean stop takes 2-10 s; on a loaded machine it took over 30 s, and no test needs it
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:  # what is left, e.g. the code server, which otherwise waits out its 45 s heartbeat timeout
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
