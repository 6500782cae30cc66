"""Load test: many `gradio_client` users asking the running app at once, for a fixed time.

Starts `app.py` on 127.0.0.1 (a free port, a fresh index in a temporary folder) over a corpus,
asks every question once alone (the reference answers), then runs N users in threads, each with
its own `gradio_client.Client`, asking questions in turn until the time is up. Every answer must
be identical to the reference (answer text, citations with offsets, closest passages, abstention,
confidence) and no request may fail. Prints requests, errors, mismatches, latency p50/p95/max and
throughput; exits 1 if anything failed.

    .venv/bin/python eval/load_test.py                         # 20 users, 60 seconds
    .venv/bin/python eval/load_test.py --users 5 --seconds 10 --json

Not part of the test suite (it takes minutes); tests/test_reliability.py runs a short variant.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "eval" / "datasets"


@dataclass
class LoadResult:
    users: int
    seconds: float
    questions: int
    requests: int = 0
    errors: int = 0
    mismatches: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    alone_p50_ms: float = 0.0
    throughput_rps: float = 0.0
    problems: list[str] = field(default_factory=list)  # the first few, verbatim

    @property
    def ok(self) -> bool:
        return self.requests > 0 and self.errors == 0 and self.mismatches == 0


def default_questions(limit: int) -> list[str]:
    """Questions of the own-articles set (they match the default corpus, eval/datasets/articles)."""
    lines = (DATASETS / "own_articles.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    return questions[:limit]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(corpus: Path, index: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env.pop("QA_LLM_PROVIDER", None)  # extractive answers: deterministic, nothing leaves the machine
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port),
             "--corpus", str(corpus), "--index", str(index)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )


def wait_until_up(url: str, app: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise RuntimeError(f"the app exited with code {app.returncode} before it was up")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the app was not up after {timeout:.0f} s")


def stop_app(app: subprocess.Popen[bytes]) -> None:
    if app.poll() is None:
        os.killpg(app.pid, signal.SIGTERM)  # its own session: the app and only its children
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()


def _client(url: str):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(url, verbose=False)


def _ask(client: Any, question: str) -> dict[str, Any]:
    return client.predict(question, api_name="/ask")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_load(url: str, questions: list[str], users: int, seconds: float) -> LoadResult:
    """Reference answers asked alone, then `users` threads asking until `seconds` have passed."""
    result = LoadResult(users=users, seconds=seconds, questions=len(questions))
    alone = _client(url)
    reference: dict[str, str] = {}
    alone_ms = []
    for question in questions:
        start = time.perf_counter()
        reference[question] = json.dumps(_ask(alone, question), sort_keys=True)
        alone_ms.append((time.perf_counter() - start) * 1000)
    result.alone_p50_ms = round(statistics.median(alone_ms), 1)

    lock = threading.Lock()
    latencies: list[float] = []
    barrier = threading.Barrier(users)

    def user(number: int) -> None:
        try:
            client = _client(url)
        except Exception as error:  # noqa: BLE001 - counted and reported, the run goes on
            with lock:
                result.errors += 1
                result.problems.append(f"user {number}: cannot connect: {error}")
            barrier.abort()
            return
        try:
            barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            pass
        deadline = time.monotonic() + seconds
        turn = number
        while time.monotonic() < deadline:
            question = questions[turn % len(questions)]
            turn += 1
            start = time.perf_counter()
            try:
                got = json.dumps(_ask(client, question), sort_keys=True)
                error = None
            except Exception as exc:  # noqa: BLE001
                got, error = "", f"{type(exc).__name__}: {exc}"
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                result.requests += 1
                latencies.append(elapsed)
                if error:
                    result.errors += 1
                    if len(result.problems) < 5:
                        result.problems.append(f"user {number}: {question!r}: {error}")
                elif got != reference[question]:
                    result.mismatches += 1
                    if len(result.problems) < 5:
                        result.problems.append(f"user {number}: {question!r}: answer differs from the one asked alone")

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    result.p50_ms = round(percentile(latencies, 0.50), 1)
    result.p95_ms = round(percentile(latencies, 0.95), 1)
    result.max_ms = round(max(latencies, default=0.0), 1)
    result.throughput_rps = round(result.requests / wall, 2) if wall else 0.0
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--questions", type=int, default=12, help="how many questions of the own set to cycle through")
    parser.add_argument("--corpus", type=Path, default=DATASETS / "articles")
    parser.add_argument("--url", help="an app that is already running (then no app is started)")
    parser.add_argument("--startup-timeout", type=float, default=600.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0:
        parser.error("--users must be >= 1 and --seconds > 0")
    questions = default_questions(args.questions)

    app = None
    work = Path(tempfile.mkdtemp(prefix="qa-load-"))
    try:
        url = args.url
        if not url:
            port = free_port()
            url = f"http://127.0.0.1:{port}/"
            app = start_app(args.corpus, work / "index", port, work / "app.log")
            wait_until_up(url, app, args.startup_timeout)
        result = run_load(url, questions, args.users, args.seconds)
    except RuntimeError as error:
        print(f"load_test: error: {error}", file=sys.stderr)
        if app is not None:
            print((work / "app.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        return 1
    finally:
        if app is not None:
            stop_app(app)
        shutil.rmtree(work, ignore_errors=True)

    if args.json:
        print(json.dumps({**asdict(result), "ok": result.ok}, indent=2))
    else:
        print(
            f"{result.users} users for {result.seconds:.0f} s over {result.questions} questions: "
            f"{result.requests} requests, {result.errors} errors, {result.mismatches} answers unlike "
            f"the one asked alone\nlatency p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, "
            f"max {result.max_ms:.0f} ms (alone: p50 {result.alone_p50_ms:.0f} ms); "
            f"throughput {result.throughput_rps:.2f} requests/s"
        )
        for problem in result.problems:
            print(f"  {problem}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
