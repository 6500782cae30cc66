"""A real Chroma server for the tests: `chroma run` on 127.0.0.1, a free port, a tmp folder.

Loaded as a pytest plugin from conftest.py. The `chroma_url` fixture starts the server (the
`chroma` command that the chromadb package installs, run with this interpreter) on first use,
waits for its heartbeat, yields its URL and stops it when the session ends. Nothing has to be
started by hand, in `make test` or in CI.

    def test_something(chroma_url):
        store = VectorStore.open(None, model="m", dim=3, prefix="t", url=chroma_url)
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

STARTUP_SECONDS = 60.0  # a loaded 2-core CI machine can take a while to start the server


@dataclass(frozen=True)
class ChromaServer:
    url: str
    path: Path
    process: subprocess.Popen  # type: ignore[type-arg]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def heartbeat(url: str, timeout: float = 2.0) -> bool:
    """True when a Chroma server answers its v2 heartbeat at `url`."""
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=timeout) as response:
            return "nanosecond heartbeat" in json.loads(response.read())
    except (OSError, ValueError):
        return False


def chroma_command(path: Path, port: int) -> list[str]:
    """`chroma run` with this interpreter (no reliance on PATH or on an activated venv)."""
    code = "import sys; from chromadb.cli.cli import app; sys.argv[0] = 'chroma'; sys.exit(app())"
    return [sys.executable, "-c", code, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]


def start_chroma(path: Path, log: Path) -> ChromaServer:
    """Start a server persisting to `path`; return once it answers, or raise RuntimeError."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            chroma_command(path, port), stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        if heartbeat(url):
            return ChromaServer(url, path, process)
        time.sleep(0.2)
    stop_chroma(ChromaServer(url, path, process))
    raise RuntimeError(f"chroma run did not answer within {STARTUP_SECONDS:.0f} s:\n{log.read_text()[-2000:]}")


def stop_chroma(server: ChromaServer) -> None:
    """Stop the server (SIGTERM, then SIGKILL if it lingers)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the whole session."""
    folder = tmp_path_factory.mktemp("chroma-server")
    server = start_chroma(folder / "data", folder / "server.log")
    try:
        yield server
    finally:
        stop_chroma(server)


@pytest.fixture(scope="session")
def chroma_url(chroma_server: ChromaServer) -> str:
    """The URL of the session's Chroma server, e.g. http://127.0.0.1:41234."""
    return chroma_server.url
