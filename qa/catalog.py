"""The catalog: which documents the index holds, their text and sentence spans (SQLite).

Each row also keeps the document's page-furniture flags and a copy of its sentence vectors, so a
fresh process does not recompute flags for the whole corpus and a question reads its candidates'
vectors in one query (Chroma remains the nearest-neighbour index). The `pieces` table keeps each
sentence's word-piece vectors (`embeddings.Encoding`), which the retriever's second stage reads
for its few best sentences: 4 bits a value with a scale per piece, ~6 KB a sentence (out of fold
the reranker puts the same evidence first as with float16 pieces; eval/calibrate.py).

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
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, NamedTuple, Sequence

import numpy as np

from .chunking import Sentence
from .documents import Document
from .embeddings import DIMENSION as VECTOR_DIM
from .furniture import decode_flags, encode_flags

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
    state TEXT NOT NULL,
    furniture TEXT NOT NULL DEFAULT '',
    vectors BLOB,
    pieces INTEGER
);
CREATE TABLE IF NOT EXISTS pieces (
    doc_id TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    vectors BLOB NOT NULL,
    PRIMARY KEY (doc_id, sentence)
);
"""
# Columns added after the first release: an older catalog gets them on open (empty / NULL). A
# document without vectors or word pieces here is ingested again by the next sync (see
# `Row.complete`).
_ADDED_COLUMNS = {"furniture": "TEXT NOT NULL DEFAULT ''", "vectors": "BLOB", "pieces": "INTEGER"}
_ROW = "doc_id, title, source, sha256, text, sentences, note, mtime_ns, size, furniture"


@dataclass(frozen=True)
class Entry:
    """A document as the index holds it, with its sentences."""

    doc: Document
    sentences: tuple[Sentence, ...]
    mtime_ns: int = 0
    size: int = 0
    # one flag per sentence, True for page furniture (qa/furniture.py), computed at ingest; empty
    # when the catalog holds none for the current rules (the reader computes them then)
    furniture: tuple[bool, ...] = ()


class Row(NamedTuple):
    """What a sync needs to know of a document row without loading it."""

    state: str
    sha256: str
    mtime_ns: int
    size: int
    complete: bool  # its sentence vectors and word-piece vectors are stored here too


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()  # one reading connection per thread
        with self._connect() as db:
            db.executescript(_SCHEMA)
            have = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
            for column, kind in _ADDED_COLUMNS.items():
                if column not in have:
                    db.execute(f"ALTER TABLE documents ADD COLUMN {column} {kind}")
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

    def _reader(self) -> sqlite3.Connection:
        """This thread's connection for single reads (asked on every question: opening a
        connection and setting WAL each time cost ~0.4 ms). Autocommit: each read sees the
        latest committed state."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._local.db = db
        return db

    def meta(self, key: str) -> str | None:
        row = self._reader().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        """A number that grows with every change to the set of ready documents."""
        return int(self.meta("generation") or 0)

    def states(self) -> dict[str, Row]:
        """doc_id -> its Row for every row."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT doc_id, state, sha256, mtime_ns, size, "
                "vectors IS NOT NULL AND pieces IS NOT NULL FROM documents"
            )
            return {r[0]: Row(r[1], r[2], r[3], r[4], bool(r[5])) for r in rows}

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

    def mark_ready(
        self,
        entries: list[Entry],
        vectors: Mapping[str, np.ndarray] | None = None,
        pieces: Mapping[str, Sequence[np.ndarray]] | None = None,
    ) -> None:
        """Commit documents whose vectors are all written; bumps the generation.

        `vectors` (doc_id -> one float32 row per sentence) are kept here as well as in Chroma:
        re-scoring a question's candidates reads them from here in one query (Chroma stays the
        nearest-neighbour index). `pieces` (doc_id -> one (word pieces, 384) matrix per sentence)
        are kept only here, quantised (`_pieces_blob`)."""
        vectors = vectors or {}
        pieces = pieces or {}
        with self._connect() as db:
            db.executemany("DELETE FROM pieces WHERE doc_id = ?", [(e.doc.doc_id,) for e in entries])
            for e in entries:
                matrices = pieces.get(e.doc.doc_id)
                if matrices is None:
                    continue
                if len(matrices) != len(e.sentences):
                    raise ValueError(f"expected {len(e.sentences)} word-piece matrices, got {len(matrices)}")
                db.executemany(
                    "INSERT INTO pieces VALUES (?, ?, ?, ?)",
                    [(e.doc.doc_id, i, e.doc.sha256, _pieces_blob(m)) for i, m in enumerate(matrices)],
                )
            db.executemany(
                "INSERT OR REPLACE INTO documents "
                f"({_ROW}, vectors, pieces, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready')",
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
                        encode_flags(e.furniture) if e.furniture else "",
                        _blob(vectors.get(e.doc.doc_id), len(e.sentences)),
                        1 if e.doc.doc_id in pieces else None,
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
            db.executemany("DELETE FROM pieces WHERE doc_id = ?", [(d,) for d in doc_ids])
            self._bump(db)

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def entries(self) -> list[Entry]:
        """Every ready document with its sentences, ordered by id."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_ROW} FROM documents WHERE state = 'ready' ORDER BY doc_id"
            ).fetchall()
        return [_entry(row) for row in rows]

    def entry(self, doc_id: str) -> Entry | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_ROW} FROM documents WHERE state = 'ready' AND doc_id = ?", (doc_id,)
            ).fetchone()
        return _entry(row) if row else None

    def sentence_vectors(self, docs: Mapping[str, str]) -> dict[str, np.ndarray]:
        """doc_id -> (sentences, dim) float32 vectors, for documents {doc_id: sha256} that are
        ready with that content and have vectors stored; others are left out."""
        found: dict[str, np.ndarray] = {}
        ids = list(docs)
        for i in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            part = ids[i : i + 500]
            rows = self._reader().execute(
                "SELECT doc_id, sha256, vectors FROM documents WHERE state = 'ready' "
                f"AND vectors IS NOT NULL AND doc_id IN ({','.join('?' * len(part))})",
                part,
            )
            for doc_id, sha, blob in rows:
                if docs[doc_id] == sha:
                    found[doc_id] = np.frombuffer(blob, dtype=np.float32).reshape(-1, VECTOR_DIM)
        return found

    def sentence_pieces(self, sentences: Mapping[tuple[str, int], str]) -> dict[tuple[str, int], np.ndarray]:
        """(doc_id, sentence index) -> its word-piece vectors (float32, unit rows to 4-bit
        rounding), for sentences {(doc_id, index): sha256} stored with that content; others are
        left out."""
        found: dict[tuple[str, int], np.ndarray] = {}
        db = self._reader()
        for (doc_id, index), sha in sentences.items():
            row = db.execute(
                "SELECT vectors FROM pieces WHERE doc_id = ? AND sentence = ? AND sha256 = ?", (doc_id, index, sha)
            ).fetchone()
            if row is not None:
                found[(doc_id, index)] = _pieces_matrix(row[0])
        return found


_PIECE_ROW = 2 + VECTOR_DIM // 2  # bytes a word piece takes: a float16 scale, then 384 values in 4 bits


def _pieces_blob(matrix: np.ndarray) -> bytes:
    """One sentence's word-piece vectors as bytes: each row scaled so its largest value is 7,
    rounded to an integer in -7..7 and stored in 4 bits, two to a byte; the scales (float16)
    first. 194 bytes a piece instead of 1,536 in float32."""
    rows = np.asarray(matrix, dtype=np.float32).reshape(-1, VECTOR_DIM)
    scale = np.maximum(np.abs(rows).max(axis=1), 1e-12) / 7
    nibbles = (np.round(rows / scale[:, None]) + 8).astype(np.uint8)  # 1..15
    packed = nibbles[:, 0::2] << 4 | nibbles[:, 1::2]
    return scale.astype(np.float16).tobytes() + packed.tobytes()


def _pieces_matrix(blob: bytes) -> np.ndarray:
    n = len(blob) // _PIECE_ROW
    scale = np.frombuffer(blob, dtype=np.float16, count=n).astype(np.float32)
    packed = np.frombuffer(blob, dtype=np.uint8, offset=2 * n).reshape(n, VECTOR_DIM // 2)
    values = np.empty((n, VECTOR_DIM), dtype=np.float32)
    values[:, 0::2] = packed >> 4
    values[:, 1::2] = packed & 15
    return (values - 8) * scale[:, None]


def _blob(vectors: np.ndarray | None, n_sentences: int) -> bytes | None:
    if vectors is None:
        return None
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.shape != (n_sentences, VECTOR_DIM):
        raise ValueError(f"expected {n_sentences} x {VECTOR_DIM} vectors, got {matrix.shape}")
    return matrix.tobytes()


def _entry(row: tuple) -> Entry:  # type: ignore[type-arg]
    doc_id, title, source, sha, text, spans, note, mtime_ns, size, furniture = row
    doc = Document(doc_id, title, source, text, sha, note)
    sentences = tuple(
        Sentence(doc_id, i, start, end, line) for i, (start, end, line) in enumerate(json.loads(spans))
    )
    return Entry(doc, sentences, mtime_ns, size, decode_flags(furniture, len(sentences)))
