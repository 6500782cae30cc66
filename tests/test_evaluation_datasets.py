"""Evaluation datasets: schema detection, kinds, bad files, squad corpora, finding an article corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluation.suite import committed_datasets
from qa.keyword import fold
from qa.evaluation.datasets import (
    ARTICLE,
    SQUAD,
    DatasetError,
    find_corpus,
    load_dataset,
    load_texts,
    squad_doc_id,
    write_squad_corpus,
)


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


ARTICLE_ROWS = [
    {"id": "a1", "question": "Who runs the mill?", "history": [], "answerable": True, "must": [["Okoro"]], "support": ["Ada Okoro runs the mill"]},
    {"id": "a2", "question": "And since when?", "history": [["Who runs the mill?", "Ada Okoro [1]"]], "answerable": True, "must": [["1998"]], "support": ["since 1998"]},
    {"id": "a3", "question": "What is the capital of Peru?", "history": [], "answerable": False},
    {"id": "a4", "question": "Is it busy?", "answerable": True, "must": [["yes"]], "support": ["busy"], "kind": "yesno"},
]
SQUAD_ROWS = [
    {"id": "s1", "doc_id": "ctx-1", "context": "The mill opened in 1998.", "question": "When did it open?", "answers": ["1998"], "answerable": True},
    {"id": "s2", "doc_id": "ctx-1", "context": "The mill opened in 1998.", "question": "Who closed it?", "answers": [], "answerable": False},
    {"id": "s3", "doc_id": "ctx/2", "context": "Rivers flood in spring.", "question": "When do rivers flood?", "answers": ["spring"], "answerable": True},
]


def test_article_schema_and_derived_kinds(tmp_path: Path):
    ds = load_dataset(_write(tmp_path / "mine.jsonl", ARTICLE_ROWS))
    assert ds.schema == ARTICLE and ds.name == "mine"
    assert [i.kind for i in ds.items] == ["other", "followup", "unanswerable", "yesno"]
    assert ds.items[1].history == (("Who runs the mill?", "Ada Okoro [1]"),)
    assert ds.items[0].must == (("Okoro",),)


def test_squad_schema_is_detected_by_its_context_key(tmp_path: Path):
    ds = load_dataset(_write(tmp_path / "sq.jsonl", SQUAD_ROWS))
    assert ds.schema == SQUAD
    assert [i.kind for i in ds.items] == ["other", "unanswerable", "other"]
    assert ds.items[0].answers == ("1998",)


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "has no questions"),
        ("{not json\n", "line 1: not JSON"),
        ("[1, 2]\n", "line 1: each line must be a JSON object"),
        ('{"id": "x"}\n', "line 1: missing 'question'"),
        ('{"question": "q", "history": "oops"}\n', "history must be a list"),
        ('{"question": "q", "context": "c", "answers": []}\n', "missing 'doc_id'"),
    ],
)
def test_bad_dataset_files_give_one_line_errors(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message) as info:
        load_dataset(path)
    assert "\n" not in str(info.value)


def test_missing_dataset_file_is_a_dataset_error(tmp_path: Path):
    with pytest.raises(DatasetError, match="no dataset file"):
        load_dataset(tmp_path / "nope.jsonl")


def test_squad_corpus_has_one_file_per_distinct_context_and_drops_stale_files(tmp_path: Path):
    ds = load_dataset(_write(tmp_path / "sq.jsonl", SQUAD_ROWS))
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "stale.txt").write_text("old")
    write_squad_corpus(ds, folder)
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted({squad_doc_id(i) for i in ds.items}) and len(files) == 2
    assert (folder / squad_doc_id(ds.items[2])).read_text() == "Rivers flood in spring."


def test_squad_doc_id_with_two_contexts_is_refused(tmp_path: Path):
    rows = [dict(SQUAD_ROWS[0]), dict(SQUAD_ROWS[0], id="s9", context="Another text.")]
    ds = load_dataset(_write(tmp_path / "sq.jsonl", rows))
    with pytest.raises(DatasetError, match="two different contexts"):
        write_squad_corpus(ds, tmp_path / "corpus")


def test_find_corpus_picks_the_folder_that_holds_the_support_strings(tmp_path: Path):
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    (data / "articles" / "other.txt").write_text("Nothing about mills here.")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "mill.txt").write_text("Ada Okoro runs the mill. She has done so since 1998; it is busy.")
    ds = load_dataset(_write(data / "mine.jsonl", ARTICLE_ROWS))
    assert find_corpus(ds, cwd=tmp_path) == tmp_path / "corpus"


def test_find_corpus_needs_every_named_doc_id(tmp_path: Path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "mill.txt").write_text("Ada Okoro runs the mill.")
    rows = [dict(ARTICLE_ROWS[0], doc_id="mill.txt")]
    ds = load_dataset(_write(tmp_path / "mine.jsonl", rows))
    assert find_corpus(ds, cwd=tmp_path / "elsewhere") == tmp_path / "articles"
    ds = load_dataset(_write(tmp_path / "mine.jsonl", [dict(ARTICLE_ROWS[0], doc_id="missing.txt")]))
    with pytest.raises(DatasetError, match="pass --corpus"):
        find_corpus(ds, cwd=tmp_path / "elsewhere")


@pytest.mark.parametrize("path", [p for p in committed_datasets() if p.stem != "squad2_public"], ids=lambda p: p.stem)
def test_every_committed_article_question_points_at_text_its_article_holds(path: Path):
    """Gold evidence is copied from the article (each `support` string is in the named article,
    or in some article when none is named) and each group of `must` aliases has one there."""
    ds = load_dataset(path)
    texts = {name: fold(text) for name, text in load_texts(find_corpus(ds)).items()}
    assert len({item.id for item in ds.items}) == len(ds.items)
    for item in ds.items:
        if not item.answerable:
            assert not item.support, item.id
            continue
        pool = [texts[item.doc_id]] if item.doc_id else list(texts.values())
        assert item.support and item.must, item.id
        for support in item.support:
            assert any(fold(support) in text for text in pool), (item.id, support)
        for group in item.must:
            assert any(fold(alias) in text for alias in group for text in pool), (item.id, group)
