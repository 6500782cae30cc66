"""The catalog: only `ready` documents are visible, and every change to them moves the generation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from qa import embeddings
from qa.catalog import VECTOR_DIM, Catalog, Entry, Row
from qa.chunking import split_sentences
from qa.documents import Document
from qa.furniture import RULES


def _entry(doc_id: str, text: str = "One sentence. Two sentences.", sha: str = "h1") -> Entry:
    doc = Document(doc_id, "Title", f"/src/{doc_id}", text, sha, "")
    return Entry(doc, tuple(split_sentences(doc_id, text)), mtime_ns=7, size=len(text))


def test_ready_entry_round_trips_with_text_and_spans(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    entry = _entry("a.txt", "Caf\u00e9\u00a0one.\r\nTwo \u2014 three.")
    catalog.mark_pending([entry.doc])
    catalog.mark_ready([entry])
    assert catalog.entries() == [entry]
    assert catalog.entry("a.txt") == entry
    assert catalog.states() == {"a.txt": Row("ready", "h1", 7, len(entry.doc.text), complete=False)}


def test_pending_documents_are_not_entries(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    catalog.mark_pending([_entry("a.txt").doc])
    assert catalog.entries() == []
    assert catalog.entry("a.txt") is None
    assert catalog.states()["a.txt"][0] == "pending"


def test_generation_moves_when_the_ready_set_changes(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    g0 = catalog.generation
    catalog.mark_pending([_entry("a.txt").doc])
    assert catalog.generation == g0  # a new pending document changes nothing a reader sees
    catalog.mark_ready([_entry("a.txt")])
    g1 = catalog.generation
    assert g1 > g0
    catalog.mark_pending([_entry("a.txt", sha="h2").doc])  # an update takes it out of the ready set
    assert catalog.generation > g1 and catalog.entries() == []


def test_mark_removing_hides_the_document_before_it_is_removed(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    catalog.mark_ready([_entry("a.txt"), _entry("b.txt")])
    g = catalog.generation
    catalog.mark_removing(["a.txt"])
    assert [e.doc.doc_id for e in catalog.entries()] == ["b.txt"]
    assert catalog.states()["a.txt"][0] == "removing"
    assert catalog.generation > g
    catalog.remove(["a.txt"])
    assert set(catalog.states()) == {"b.txt"}


def test_touch_updates_mtime_and_size_only(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    catalog.mark_ready([_entry("a.txt")])
    catalog.touch("a.txt", "/new/a.txt", 99, 5)
    state, sha, mtime, size, _ = catalog.states()["a.txt"]
    assert (state, sha, mtime, size) == ("ready", "h1", 99, 5)
    assert catalog.entry("a.txt").doc.source == "/new/a.txt"


def test_reopening_keeps_prefix_and_generation(tmp_path: Path) -> None:
    first = Catalog(tmp_path / "c.sqlite")
    first.mark_ready([_entry("a.txt")])
    second = Catalog(tmp_path / "c.sqlite")
    assert second.meta("prefix") == first.meta("prefix")
    assert second.meta("prefix").startswith("qa")
    assert second.generation == first.generation
    assert [e.doc.doc_id for e in second.entries()] == ["a.txt"]


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, VECTOR_DIM)).astype(np.float32)


def test_sentence_vectors_round_trip_for_the_current_content_only(tmp_path: Path) -> None:
    assert VECTOR_DIM == embeddings.DIMENSION
    catalog = Catalog(tmp_path / "c.sqlite")
    a, b = _entry("a.txt"), _entry("b.txt", "Only one.")
    va = _vectors(len(a.sentences))
    catalog.mark_ready([a, b], {"a.txt": va})  # b.txt without vectors
    assert not catalog.states()["b.txt"].complete  # (nor a.txt: no word pieces, see below)
    found = catalog.sentence_vectors({"a.txt": "h1", "b.txt": "h1", "gone.txt": "h1"})
    assert set(found) == {"a.txt"}
    np.testing.assert_array_equal(found["a.txt"], va)
    assert catalog.sentence_vectors({"a.txt": "another-hash"}) == {}  # a stale reader gets nothing
    catalog.mark_pending([a.doc])
    assert catalog.sentence_vectors({"a.txt": "h1"}) == {}  # not ready: not served


def test_word_pieces_round_trip_in_four_bits_for_the_current_content_only(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    a, b = _entry("a.txt"), _entry("b.txt", "Only one.")
    pieces = [embeddings.piece_vectors(a.doc.text[s.start : s.end]) for s in a.sentences]
    catalog.mark_ready([a, b], {"a.txt": _vectors(2), "b.txt": _vectors(1)}, {"a.txt": pieces})
    assert catalog.states()["a.txt"].complete and not catalog.states()["b.txt"].complete  # b: no pieces
    found = catalog.sentence_pieces({("a.txt", 0): "h1", ("a.txt", 1): "h1", ("b.txt", 0): "h1"})
    assert set(found) == {("a.txt", 0), ("a.txt", 1)}
    for i, own in enumerate(pieces):
        got = found[("a.txt", i)]
        assert got.shape == own.shape and got.dtype == np.float32
        np.testing.assert_allclose(got @ own.T, own @ own.T, atol=0.05)  # cosines, to 4-bit rounding
        assert np.abs(got - own).max() < np.abs(own).max(axis=1).max() / 14 + 1e-3  # half a step
    assert catalog.sentence_pieces({("a.txt", 0): "another-hash"}) == {}  # a stale reader gets nothing
    catalog.mark_ready([a], {"a.txt": _vectors(2)})  # written again without: none left behind
    assert catalog.sentence_pieces({("a.txt", 0): "h1"}) == {}
    catalog.mark_ready([a], {"a.txt": _vectors(2)}, {"a.txt": pieces})
    catalog.remove(["a.txt"])
    assert catalog.sentence_pieces({("a.txt", 0): "h1"}) == {}
    with pytest.raises(ValueError, match="word-piece"):
        catalog.mark_ready([a], {"a.txt": _vectors(2)}, {"a.txt": pieces[:1]})


def test_vectors_of_the_wrong_shape_are_refused(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    a = _entry("a.txt")
    with pytest.raises(ValueError, match="vectors"):
        catalog.mark_ready([a], {"a.txt": _vectors(len(a.sentences) + 1)})
    assert catalog.entries() == []


def test_furniture_flags_are_stored_and_ignored_under_other_rules(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    entry = _entry("a.txt")
    flags = (False, True)
    catalog.mark_ready([Entry(entry.doc, entry.sentences, 7, 5, flags)])
    assert catalog.entry("a.txt").furniture == flags
    with sqlite3.connect(tmp_path / "c.sqlite") as db:  # flags written under older rules
        db.execute("UPDATE documents SET furniture = ?", (f"{RULES - 1}:01",))
    assert catalog.entry("a.txt").furniture == ()  # the reader computes them afresh


def test_a_catalog_from_before_stored_vectors_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with sqlite3.connect(path) as db:  # the first release's schema, with one ready row
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('prefix', 'qaold'), ('generation', '3');"
            "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL,"
            " sha256 TEXT NOT NULL, text TEXT NOT NULL, sentences TEXT NOT NULL,"
            " note TEXT NOT NULL DEFAULT '', mtime_ns INTEGER NOT NULL DEFAULT 0,"
            " size INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL);"
            "INSERT INTO documents VALUES ('a.txt', 'T', '/a.txt', 'h1', 'One. Two.', '[[0,4,0],[5,9,0]]',"
            " '', 7, 9, 'ready');"
        )
    catalog = Catalog(path)
    assert catalog.meta("prefix") == "qaold" and catalog.generation == 3
    assert catalog.states()["a.txt"] == Row("ready", "h1", 7, 9, complete=False)  # the next sync redoes it
    entry = catalog.entry("a.txt")
    assert entry is not None and entry.furniture == () and len(entry.sentences) == 2
