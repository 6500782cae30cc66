"""`qa eval` end to end on tiny datasets written here: real model, real Chroma, all four systems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.cli import main

ARTICLE = (
    "Glenmoor Library Reopens After Flood Repairs\n"
    "The Glenmoor public library reopened on Monday after eight months of repairs.\n"
    "A burst water main had flooded its basement archive in January.\n"
    "Head librarian Tomasz Wierzbicki said about 3,000 maps were saved by volunteers.\n"
    "The repairs cost the town 410,000 pounds, paid from its reserve fund.\n"
)
ARTICLE_ROWS = [
    {"id": "t1", "question": "Who is the head librarian in Glenmoor?", "history": [], "answerable": True,
     "must": [["Wierzbicki"]], "support": ["Head librarian Tomasz Wierzbicki"]},
    {"id": "t2", "question": "How much did the repairs of the library cost?", "history": [], "answerable": True,
     "must": [["410,000"]], "support": ["The repairs cost the town 410,000 pounds"]},
    {"id": "t3", "question": "Who won the 1954 football World Cup?", "history": [], "answerable": False},
]
SQUAD_ROWS = [
    {"id": "q1", "doc_id": "ctx-a", "context": "The Tarn bridge is painted ochre. It was built in 1911 by local masons.",
     "question": "What colour is the Tarn bridge painted?", "answers": ["ochre"], "answerable": True},
    {"id": "q2", "doc_id": "ctx-b", "context": "Saltmarsh geese winter on the Dee estuary. They leave in March.",
     "question": "Where do saltmarsh geese spend the winter?", "answers": ["the Dee estuary", "Dee estuary"], "answerable": True},
    {"id": "q3", "doc_id": "ctx-b", "context": "Saltmarsh geese winter on the Dee estuary. They leave in March.",
     "question": "How many geese were counted in 2020?", "answers": [], "answerable": False},
]


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.slow
def test_qa_eval_runs_both_schemas_and_writes_report_json_and_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    (data / "articles" / "glenmoor-library.txt").write_text(ARTICLE, encoding="utf-8")
    article = _jsonl(data / "tiny_article.jsonl", ARTICLE_ROWS)
    squad = _jsonl(data / "tiny_squad.jsonl", SQUAD_ROWS)
    out = tmp_path / "runs"

    code = main(["eval", "--dataset", str(article), "--dataset", str(squad), "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 0
    assert "tiny_article" in printed and "tiny_squad" in printed and "langchain" in printed
    (folder,) = [p for p in out.iterdir() if p.name != "cache"]
    for name in ("report.md", "results.json", "failures.md", "metrics.png", "latency.png"):
        assert (folder / name).stat().st_size > 0, name
    results = json.loads((folder / "results.json").read_text())
    by_name = {d["dataset"]: d for d in results["datasets"]}
    assert set(by_name) == {"tiny_article", "tiny_squad"}
    for dataset in by_name.values():
        assert dataset["systems"] == ["project", "langchain", "bm25", "dense"]
        for metrics in dataset["metrics"].values():
            assert metrics["quote_fidelity"] == 1.0
            assert metrics["n"] == 3
    assert by_name["tiny_article"]["corpus"] == str(data / "articles")
    # The top BM25 sentence for a question naming the librarian is the one that names him.
    assert by_name["tiny_article"]["items"][0]["results"]["bm25"]["score"]["correct"] is True
    # Squad contexts are pooled into one index: every system sees both documents.
    assert {d for it in by_name["tiny_squad"]["items"] for r in it["results"]["dense"]["retrieved"] for d in [r["doc_id"]]} == {
        "ctx-a.txt", "ctx-b.txt"
    }
    # Baselines that never abstain answer the unanswerable question.
    assert by_name["tiny_squad"]["metrics"]["langchain"]["abstain_recall"] == 0.0
    report = (folder / "report.md").read_text()
    assert "| **project** |" in report and "![latency](latency.png)" in report
    # Indexes live in the run cache, never beside the user's corpus.
    assert not (data / ".qa-index").exists()


def test_qa_eval_with_a_missing_dataset_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["eval", "--dataset", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("qa: error: no dataset file") and err.count("\n") == 1


def test_qa_eval_without_a_dataset_says_what_to_give(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["eval", "--out", str(tmp_path / "runs")])
    assert code == 1 and "--dataset PATH" in capsys.readouterr().err
