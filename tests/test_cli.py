"""The `qa` command as a user runs it: a real subprocess, JSON on stdout, errors on stderr."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLED

pytestmark = pytest.mark.slow


def qa(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("QA_INDEX_DIR", None)
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("cli")
    (base / "corpus").mkdir()
    shutil.copy(BUNDLED, base / "corpus" / BUNDLED.name)
    return base


def test_ask_json_names_the_countries_and_cites_exact_text(workdir: Path):
    run = qa("ask", "Which countries rejected the idea of sending troops to Ukraine?", "--json", cwd=workdir)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)  # stdout holds the JSON and nothing else
    assert not data["abstained"]
    for country in ("Poland", "United States", "Germany", "Czech Republic", "Canada", "United Kingdom"):
        assert country in data["answer"]
    cite = data["citations"][0]
    text = Path(cite["source"]).read_text(encoding="utf-8")
    assert text[cite["start"] : cite["end"]] == cite["quote"]
    assert (workdir / ".qa-index" / "corpus" / "catalog.sqlite").is_file()  # default index beside the corpus
    # no terminal: what stderr holds is the ingest's own summary, no library chatter (bm25s logs
    # "Building index from tokens" at DEBUG once imported)
    assert run.stderr.strip().splitlines() == ["added france-troops-ukraine.txt", "added 1, updated 0, unchanged 0, removed 0, failed 0"]


def test_human_readable_answer_lists_sources(workdir: Path):
    run = qa("ask", "Who chaired the meeting in Lithuania?", cwd=workdir)
    assert run.returncode == 0, run.stderr
    assert "[1]" in run.stdout and "Sources:" in run.stdout


def test_batch_mode_answers_each_line_in_order(workdir: Path):
    questions = workdir / "q.jsonl"
    lines = [
        {"id": "a", "question": "Who is the French foreign minister?"},
        {"id": "b", "question": "What did he say on Feb. 29?",
         "history": [["Who is the French prime minister?", "Gabriel Attal is the French Prime Minister [1]."]]},
        {"id": "c", "question": "What is the capital of Australia?"},
    ]
    questions.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    run = qa("ask", "--questions", str(questions), cwd=workdir)
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert set(out[0]) == {"id", "question", "answer", "abstained", "citations"}
    assert "Séjourné" in out[0]["answer"] and out[2]["abstained"] is True


def test_a_broken_batch_line_is_reported_and_the_rest_answered(workdir: Path):
    questions = workdir / "bad.jsonl"
    questions.write_text('not json\n{"question": "Who is the French foreign minister?"}\n', encoding="utf-8")
    run = qa("ask", "--questions", str(questions), cwd=workdir)
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 1 and "error" in out[0] and not out[1]["abstained"]


def test_empty_question_is_a_one_line_error(workdir: Path):
    run = qa("ask", "   ", cwd=workdir)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("qa: error:") and "Traceback" not in run.stderr


def test_docs_lists_the_article(workdir: Path):
    run = qa("docs", "--json", cwd=workdir)
    assert run.returncode == 0
    assert [d["doc_id"] for d in json.loads(run.stdout)] == [BUNDLED.name]


def test_sync_of_a_missing_corpus_folder_is_an_error_and_removes_nothing(workdir: Path):
    qa("docs", cwd=workdir)  # the index exists
    run = qa("sync", "--corpus", "corpus-typo", "--index", ".qa-index/corpus", cwd=workdir)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == ["qa: error: no corpus folder at corpus-typo; the index was left as it was"]
    assert [d["doc_id"] for d in json.loads(qa("docs", "--json", cwd=workdir).stdout)] == [BUNDLED.name]


def test_help_explains_each_command(workdir: Path):
    run = qa("--help", cwd=workdir)
    for command in ("ingest", "docs", "ask", "chat"):
        assert command in run.stdout
