"""Incremental, crash-safe sync of a corpus folder into a real index (real model, real Chroma)."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa import embeddings
from qa.chunking import sentence_id
from qa.furniture import furniture_flags
from qa.index import Index
from qa.ingest import IngestBusyError, ingest_lock, sync_corpus
from qa.keyword import TOKENS_VERSION, tokenize
from qa.store import IndexMismatchError

ARTICLES = {
    "rivers.txt": "Rivers flooded the valley on Monday. Farmers moved their cattle to higher ground.",
    "budget.md": "# Budget\n\nThe council approved the budget. It funds two new schools.\nTaxes stay the same.",
    "sub/space.txt": "The probe reached orbit after six months. Engineers cheered in the control room.",
}


def stored(index: Index) -> dict[str, dict[str, Any]]:
    """Every id in the Chroma collection with its metadata (reads the store's collection directly)."""
    got = index.store._collection.get(include=["metadatas"])  # no public "list all" in VectorStore
    return dict(zip(got["ids"], got["metadatas"]))


def assert_consistent(index: Index) -> None:
    """Chroma holds exactly the vectors of the ready documents: all of them, once, current."""
    entries = {e.doc.doc_id: e for e in index.catalog.entries()}
    expected_s = {f"{d}::s{s.index}": e.doc.sha256 for d, e in entries.items() for s in e.sentences}
    got = stored(index)
    assert {i: m["sha256"] for i, m in got.items()} == expected_s
    assert index.store.count() == len(expected_s)
    # the catalog's copy of the sentence vectors is Chroma's, row for row; flags are stored too
    copies = index.catalog.sentence_vectors({d: e.doc.sha256 for d, e in entries.items()})
    assert set(copies) == set(entries)
    in_chroma = index.store.vectors(list(expected_s))
    for doc_id, entry in entries.items():
        rows = np.asarray([in_chroma[sentence_id(doc_id, s.index)] for s in entry.sentences])
        np.testing.assert_allclose(copies[doc_id], rows, atol=1e-6)
        assert entry.furniture == tuple(furniture_flags(entry.doc.text, entry.sentences))
    # and the word pieces of every sentence, as the numpy engine reads them (to 4-bit rounding)
    keys = {(d, s.index): e.doc.sha256 for d, e in entries.items() for s in e.sentences}
    pieces = index.catalog.sentence_pieces(keys)
    assert set(pieces) == set(keys)
    for (doc_id, i), matrix in pieces.items():
        s = entries[doc_id].sentences[i]
        own = embeddings.piece_vectors(entries[doc_id].doc.text[s.start : s.end])
        assert matrix.shape == own.shape
        assert np.einsum("ij,ij->i", matrix, own).min() > 0.97
    with sqlite3.connect(index.catalog.path) as db:  # none left of documents gone or replaced
        assert db.execute("SELECT COUNT(*) FROM pieces").fetchone()[0] == len(keys)


def write(corpus: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")


@pytest.fixture
def encode_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the texts sent to the real embedding model by every `embeddings.encode` and
    `embeddings.encode_pieces` call."""
    calls: list[int] = []

    def counted(real: Any) -> Any:
        def counting(texts: list[str], *args: Any, **kwargs: Any) -> Any:
            calls.append(len(texts))
            return real(texts, *args, **kwargs)

        return counting

    monkeypatch.setattr(embeddings, "encode", counted(embeddings.encode))
    monkeypatch.setattr(embeddings, "encode_pieces", counted(embeddings.encode_pieces))
    return calls


@pytest.fixture
def index(tmp_path: Path) -> Index:
    return Index.open(tmp_path / "index")


def test_first_sync_adds_every_file_with_all_its_vectors(corpus: Path, index: Index) -> None:
    write(corpus, ARTICLES)
    report = sync_corpus(index, corpus)
    assert sorted(report.added) == sorted(ARTICLES)
    assert report.failed == [] and report.updated == [] and report.removed == []
    assert report.sentences == sum(len(e.sentences) for e in index.catalog.entries()) == 8
    assert_consistent(index)
    assert set(index.view().entries) == set(ARTICLES)


def test_unchanged_files_cost_no_embedding_work(corpus: Path, index: Index, encode_calls: list[int]) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    assert sum(encode_calls) == 8
    encode_calls.clear()
    report = sync_corpus(index, corpus)
    assert encode_calls == []
    assert sorted(report.unchanged) == sorted(ARTICLES) and not report.changed


# what older versions left in a document's row: no vectors (and no flags), or no word pieces
OLDER_ROWS = {
    "before vectors": ["UPDATE documents SET vectors = NULL, furniture = '' WHERE doc_id = 'rivers.txt'"],
    "before word pieces": [
        "UPDATE documents SET pieces = NULL WHERE doc_id = 'rivers.txt'",
        "DELETE FROM pieces WHERE doc_id = 'rivers.txt'",
    ],
}


@pytest.mark.parametrize("older", sorted(OLDER_ROWS))
def test_a_document_indexed_by_an_older_version_is_redone_once(
    corpus: Path, index: Index, encode_calls: list[int], older: str
) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    with sqlite3.connect(index.catalog.path) as db:
        for statement in OLDER_ROWS[older]:
            db.execute(statement)
    encode_calls.clear()
    report = sync_corpus(index, corpus)
    assert report.updated == ["rivers.txt"] and sum(encode_calls) == 2
    assert_consistent(index)
    encode_calls.clear()
    assert not sync_corpus(index, corpus).changed and encode_calls == []


def test_a_sync_deletes_the_chunk_vectors_that_older_versions_wrote(corpus: Path, index: Index) -> None:
    """Nothing reads chunk vectors any more (a chunk is scored from its sentences' vectors)."""
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    prefix = index.catalog.meta("prefix") or "qa"
    old = index.store._client.create_collection(f"{prefix}_chunks", embedding_function=None)
    old.add(ids=["rivers.txt::c0"], embeddings=[[0.1] * 384])
    assert not sync_corpus(index, corpus).changed
    assert f"{prefix}_chunks" not in {c.name for c in index.store._client.list_collections()}
    assert_consistent(index)


def test_touched_file_with_same_content_is_hashed_not_embedded(
    corpus: Path, index: Index, encode_calls: list[int]
) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    encode_calls.clear()
    path = corpus / "rivers.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    report = sync_corpus(index, corpus)
    assert encode_calls == []
    assert "rivers.txt" in report.unchanged
    assert index.catalog.states()["rivers.txt"].mtime_ns == path.stat().st_mtime_ns


def test_changed_file_replaces_its_vectors_and_only_its_own(
    corpus: Path, index: Index, encode_calls: list[int]
) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    before = stored(index)
    encode_calls.clear()
    (corpus / "budget.md").write_text("# Budget\n\nThe council rejected the budget.", encoding="utf-8")
    report = sync_corpus(index, corpus)
    assert report.updated == ["budget.md"] and sorted(report.unchanged) == ["rivers.txt", "sub/space.txt"]
    assert encode_calls == [2]  # the two sentences of the new version, nothing else
    after = stored(index)
    assert sorted(i for i in after if i.startswith("budget.md")) == ["budget.md::s0", "budget.md::s1"]
    assert {i: m for i, m in after.items() if not i.startswith("budget.md")} == {
        i: m for i, m in before.items() if not i.startswith("budget.md")
    }
    assert_consistent(index)
    entry = index.view().entries["budget.md"]
    assert entry.doc.text[entry.sentences[1].start : entry.sentences[1].end] == "The council rejected the budget."


def test_a_keyword_index_tokenized_by_another_version_is_rebuilt(corpus: Path, index: Index) -> None:
    """A saved keyword index records the tokenizer's version (keyword.TOKENS_VERSION); one saved by
    another version ("łodz" where "lodz" is now written) is not read, and the next sync rebuilds it."""
    write(corpus, {"city.txt": "The strike closed the port of Gdańsk and halted trams in Łódź."})
    sync_corpus(index, corpus)
    saved = index.directory / "keyword" / "generation"
    generation = saved.read_text().split()[0]
    saved.write_text(f"{generation} 1")
    assert index._saved_generation() == -1
    assert not sync_corpus(index, corpus).changed
    assert saved.read_text() == f"{generation} {TOKENS_VERSION}"
    assert [i for i, _ in index.view().sentences.search(tokenize("Lodz"), 1)] == ["city.txt::s0"]


def test_removed_file_leaves_catalog_vectors_and_keyword_index(corpus: Path, index: Index) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    (corpus / "rivers.txt").unlink()
    report = sync_corpus(index, corpus)
    assert report.removed == ["rivers.txt"]
    assert "rivers.txt" not in index.catalog.states()
    assert not any(m["doc_id"] == "rivers.txt" for m in stored(index).values())
    assert not any(i.startswith("rivers.txt") for i, _ in index.view().sentences.search(["flood"], 10))
    assert_consistent(index)


def test_a_missing_corpus_folder_is_refused_and_the_index_kept(corpus: Path, index: Index) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    corpus.rename(corpus.with_name("moved"))
    with pytest.raises(FileNotFoundError, match="no corpus folder"):
        sync_corpus(index, corpus)
    assert sorted(index.catalog.states()) == sorted(ARTICLES)
    assert_consistent(index)


def test_log_says_what_was_added_updated_skipped_and_removed(
    corpus: Path, index: Index, caplog: pytest.LogCaptureFixture
) -> None:
    write(corpus, {"a.txt": "First text here.", "b.txt": "Second text here."})
    sync_corpus(index, corpus)
    write(corpus, {"a.txt": "First text, changed.", "c.txt": "Third text here."})
    (corpus / "b.txt").unlink()
    (corpus / "bad.txt").write_bytes(b"\x00\x01binary")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="qa.ingest"):
        sync_corpus(index, corpus)
    messages = [r.getMessage() for r in caplog.records]
    assert "added c.txt" in messages
    assert "updated a.txt" in messages
    assert "removed b.txt" in messages
    assert any(m.startswith("skipped ") and "bad.txt" in m and "binary" in m for m in messages)
    assert "added 1, updated 1, unchanged 0, removed 1, failed 1" in messages


def test_bad_files_are_skipped_with_a_reason_and_the_rest_ingested(
    corpus: Path, tmp_path: Path, index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa import documents

    monkeypatch.setattr(documents, "MAX_FILE_BYTES", 10_000)
    write(corpus, {"good one.txt": "A good article. It has two sentences.",
                   "unicodé «名».md": "Another good article here."})
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "huge.txt").write_text("word " * 5000, encoding="utf-8")
    (corpus / "script.html").write_text("<html><script>alert(1)</script></html>", encoding="utf-8")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")  # unknown extension: not even looked at
    (corpus / "latin.txt").write_bytes("Caf\u00e9 na\u00efve r\u00e9sum\u00e9.".encode("cp1252"))
    (tmp_path / "secret.txt").write_text("Secret outside the corpus.", encoding="utf-8")
    (corpus / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (corpus / "alias.txt").symlink_to("good one.txt")
    (corpus / os.fsdecode(b"bad\xffname.txt")).write_text("Name is not UTF-8.", encoding="utf-8")

    report = sync_corpus(index, corpus)

    failed = {Path(p).name: reason for p, reason in report.failed}
    assert set(failed) == {"empty.txt", "binary.txt", "huge.txt", "script.html", "outside.txt",
                           "alias.txt", os.fsdecode(b"bad\xffname.txt")}
    assert "empty" in failed["empty.txt"]
    assert "binary" in failed["binary.txt"]
    assert "limit" in failed["huge.txt"]
    assert "no article text" in failed["script.html"]
    assert "outside the corpus" in failed["outside.txt"]
    assert "good one.txt" in failed["alias.txt"]
    assert "UTF-8" in failed[os.fsdecode(b"bad\xffname.txt")]
    assert sorted(report.added) == ["good one.txt", "latin.txt", "unicodé «名».md"]
    assert report.notes == [("latin.txt", "not valid UTF-8; decoded as cp1252")]
    assert index.view().entries["latin.txt"].doc.text == "Caf\u00e9 na\u00efve r\u00e9sum\u00e9."
    assert all("Secret" not in e.doc.text for e in index.catalog.entries())
    assert_consistent(index)


def test_second_ingest_at_once_is_refused_with_a_clear_message(corpus: Path, index: Index) -> None:
    write(corpus, ARTICLES)
    with ingest_lock(index.directory):
        with pytest.raises(IngestBusyError, match="another ingest is running"):
            sync_corpus(index, corpus)
    assert sorted(sync_corpus(index, corpus).added) == sorted(ARTICLES)  # the lock was released


def test_a_write_that_fails_midway_is_cleaned_and_redone_by_the_next_sync(
    corpus: Path, index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    (corpus / "rivers.txt").write_text("Rivers fell again. The valley dried out. Fish died.", encoding="utf-8")
    write(corpus, {"new.txt": "A brand new article."})
    real_upsert = index.store.upsert

    def upsert_sentences_then_fail(*args: Any) -> None:
        real_upsert(*args)
        raise RuntimeError("simulated crash after the vectors were written")

    monkeypatch.setattr(index.store, "upsert", upsert_sentences_then_fail)
    with pytest.raises(RuntimeError, match="simulated crash"):
        sync_corpus(index, corpus)
    assert {d for d, (state, *_r) in index.catalog.states().items() if state != "ready"} == {"new.txt", "rivers.txt"}
    assert set(index.view().entries) == {"budget.md", "sub/space.txt"}  # no half document visible
    monkeypatch.undo()

    report = sync_corpus(Index.open(index.directory), corpus)
    assert sorted(report.added) == ["new.txt", "rivers.txt"]  # the interrupted ones are redone
    assert_consistent(index)


def test_index_built_with_another_model_is_refused(
    corpus: Path, index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    monkeypatch.setattr(embeddings, "MODEL_NAME", "some/other-model")
    with pytest.raises(IndexMismatchError, match="use a new --index folder"):
        Index.open(index.directory)


def test_index_built_with_another_dimension_is_refused(
    corpus: Path, index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(corpus, ARTICLES)
    sync_corpus(index, corpus)
    monkeypatch.setattr(embeddings, "DIMENSION", 768)
    with pytest.raises(IndexMismatchError, match="768"):
        Index.open(index.directory)
