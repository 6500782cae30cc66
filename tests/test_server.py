"""Chroma server mode end to end: separate processes share one `chroma run` server.

The server is real (tests/chroma_server.py starts it on 127.0.0.1). The index folder still holds
the catalog and the keyword index; the vectors live only on the server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import chromadb
import pytest

from qa.catalog import Catalog

pytestmark = [pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]

HARBOUR = (
    "Harbour works delayed\n\n"
    "The port authority of Kelmsby postponed the harbour dredging until October. "
    "Engineers found an unexploded mine near the northern pier during a survey. "
    "The navy removed it on Thursday, and ferries will run as usual from Monday."
)
ORCHARD = (
    "Orchard harvest\n\n"
    "Apple growers in the Tarn valley picked a record 41,000 tonnes this autumn. "
    "A mild spring and late rain helped the fruit, the growers' union said."
)

# A long-lived app process: opens the Assistant before anything is indexed, then answers the
# questions it reads from stdin, one JSON answer per line.
ANSWERER = """
import json, sys
from qa import Assistant
bot = Assistant.open(index_dir=sys.argv[1], corpus=sys.argv[2], chroma_url=sys.argv[3], sync=False)
print("ready", flush=True)
for line in sys.stdin:
    print(json.dumps(bot.ask(line.strip()).to_dict()), flush=True)
"""


def qa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qa", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def server_counts(url: str) -> dict[str, int]:
    client = chromadb.HttpClient(host=url.split("//")[1].split(":")[0], port=int(url.rsplit(":", 1)[1]))
    return {c.name: c.count() for c in client.list_collections()}


def test_one_process_ingests_and_another_already_running_answers(chroma_url: str, tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    source = tmp_path / "harbour.txt"
    source.write_text(HARBOUR, encoding="utf-8")
    answerer = subprocess.Popen(
        [sys.executable, "-c", ANSWERER, str(index), str(corpus), chroma_url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert answerer.stdout is not None and answerer.stdin is not None
        assert answerer.stdout.readline().strip() == "ready"

        ingest = qa("ingest", str(source), "--corpus", str(corpus), "--index", str(index), "--chroma-url", chroma_url)
        assert ingest.returncode == 0, ingest.stderr

        answerer.stdin.write("What did engineers find near the northern pier?\n")
        answerer.stdin.flush()
        answer = json.loads(answerer.stdout.readline())
    finally:
        answerer.kill()
        answerer.wait(timeout=30)
    best = (answer["citations"] or answer["closest"])[0]  # whether it answers is the answerer's call
    assert best["doc_id"] == "harbour.txt" and "unexploded mine" in best["quote"]


def test_vectors_live_on_the_server_not_in_the_index_folder(chroma_url: str, tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "orchard.txt").write_text(ORCHARD, encoding="utf-8")
    before = server_counts(chroma_url)
    result = qa("sync", "--corpus", str(corpus), "--index", str(index), "--chroma-url", chroma_url)
    assert result.returncode == 0, result.stderr
    assert not (index / "chroma").exists()
    added = {name: n for name, n in server_counts(chroma_url).items() if name not in before}
    entry = Catalog(index / "catalog.sqlite").entries()[0]
    assert list(added.values()) == [len(entry.sentences)]  # one collection: the sentence vectors

    asked = qa("ask", "How many tonnes of apples did growers in the Tarn valley pick?", "--json",
               "--corpus", str(corpus), "--index", str(index), "--chroma-url", chroma_url)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert "41,000 tonnes" in (answer["citations"] or answer["closest"])[0]["quote"]


def test_a_wrong_server_url_is_a_one_line_error(tmp_path: Path) -> None:
    from chroma_server import free_port

    result = qa("ask", "Anything?", "--corpus", str(tmp_path), "--index", str(tmp_path / "i"),
                "--chroma-url", f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("qa: error: cannot reach the Chroma server")
    assert "Traceback" not in result.stderr
