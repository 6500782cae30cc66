"""The catalog: only `ready` documents are visible, and every change to them moves the generation."""

from __future__ import annotations

from pathlib import Path

from qa.catalog import Catalog, Entry
from qa.chunking import split_sentences
from qa.documents import Document


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
    assert catalog.states() == {"a.txt": ("ready", "h1", 7, len(entry.doc.text))}


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
    state, sha, mtime, size = catalog.states()["a.txt"]
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
