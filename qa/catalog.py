"""The catalog: which documents the index holds, their text and sentence spans (SQLite).

The catalog is the index's source of truth. A document's vectors in Chroma count only once its
row here is `ready` with the same content hash, so a process killed mid-ingest leaves a `pending`
row that the next sync cleans up and redoes: never half a document, never duplicates.

    >>> cat = Catalog(Path("index/catalog.sqlite"))
    >>> [entry.doc.doc_id for entry in cat.entries()]
    ['france-troops-ukraine.txt']
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .chunking import Sentence
from .documents import Document

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    sentences TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    mtime_ns INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Entry:
    """A document as the index holds it, with its sentences."""

    doc: Document
    sentences: tuple[Sentence, ...]
    mtime_ns: int = 0
    size: int = 0


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.executescript(_SCHEMA)
            db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('prefix', ?)", ("qa" + uuid.uuid4().hex[:12],)
            )
            db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=60)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:  # one transaction: committed on success, rolled back on error
                yield db
        finally:
            db.close()

    def meta(self, key: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        """A number that grows with every change to the set of ready documents."""
        return int(self.meta("generation") or 0)

    def states(self) -> dict[str, tuple[str, str, int, int]]:
        """doc_id -> (state, sha256, mtime_ns, size) for every row."""
        with self._connect() as db:
            rows = db.execute("SELECT doc_id, state, sha256, mtime_ns, size FROM documents")
            return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def mark_pending(self, docs: list[Document]) -> None:
        """Record that these documents' vectors are about to be (re)written.

        A ready document marked pending leaves the set of ready documents at once (the generation
        moves), so no reader sees it while its old vectors are deleted and new ones written.
        """
        with self._connect() as db:
            ready = sum(
                db.execute(
                    "SELECT COUNT(*) FROM documents WHERE state = 'ready' AND doc_id = ?", (d.doc_id,)
                ).fetchone()[0]
                for d in docs
            )
            db.executemany(
                "INSERT OR REPLACE INTO documents "
                "(doc_id, title, source, sha256, text, sentences, note, state) "
                "VALUES (?, ?, ?, ?, '', '[]', '', 'pending')",
                [(d.doc_id, d.title, d.source, d.sha256) for d in docs],
            )
            if ready:
                self._bump(db)

    def mark_removing(self, doc_ids: list[str]) -> None:
        """Take documents out of the ready set before their vectors are deleted.

        A kill between this and `remove` leaves rows that are not ready: the next sync deletes
        their vectors and rows, as for any interrupted write.
        """
        with self._connect() as db:
            db.executemany(
                "UPDATE documents SET state = 'removing' WHERE doc_id = ?", [(d,) for d in doc_ids]
            )
            self._bump(db)

    def mark_ready(self, entries: list[Entry]) -> None:
        """Commit documents whose vectors are all written; bumps the generation."""
        with self._connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready')",
                [
                    (
                        e.doc.doc_id,
                        e.doc.title,
                        e.doc.source,
                        e.doc.sha256,
                        e.doc.text,
                        json.dumps([[s.start, s.end, s.line] for s in e.sentences]),
                        e.doc.note,
                        e.mtime_ns,
                        e.size,
                    )
                    for e in entries
                ],
            )
            self._bump(db)

    def touch(self, doc_id: str, source: str, mtime_ns: int, size: int) -> None:
        """Remember a new mtime/size for an unchanged file (so it is not hashed again)."""
        with self._connect() as db:
            db.execute(
                "UPDATE documents SET source = ?, mtime_ns = ?, size = ? WHERE doc_id = ?",
                (source, mtime_ns, size, doc_id),
            )

    def remove(self, doc_ids: list[str]) -> None:
        with self._connect() as db:
            db.executemany("DELETE FROM documents WHERE doc_id = ?", [(d,) for d in doc_ids])
            self._bump(db)

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def entries(self) -> list[Entry]:
        """Every ready document with its sentences, ordered by id."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT doc_id, title, source, sha256, text, sentences, note, mtime_ns, size "
                "FROM documents WHERE state = 'ready' ORDER BY doc_id"
            ).fetchall()
        return [_entry(row) for row in rows]

    def entry(self, doc_id: str) -> Entry | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT doc_id, title, source, sha256, text, sentences, note, mtime_ns, size "
                "FROM documents WHERE state = 'ready' AND doc_id = ?",
                (doc_id,),
            ).fetchone()
        return _entry(row) if row else None


def _entry(row: tuple) -> Entry:  # type: ignore[type-arg]
    doc_id, title, source, sha, text, spans, note, mtime_ns, size = row
    doc = Document(doc_id, title, source, text, sha, note)
    sentences = tuple(
        Sentence(doc_id, i, start, end, line) for i, (start, end, line) in enumerate(json.loads(spans))
    )
    return Entry(doc, sentences, mtime_ns, size)
