"""Ingest: files -> documents -> sentences -> vectors in Chroma and in the catalog -> catalog rows.

Each sentence's word-piece vectors (`embeddings.Encoding`) come from the same forward pass as its
vector and are kept in the catalog, for the retriever's second stage.

Chunks (CHUNK_SIZE sentences, CHUNK_OVERLAP shared) have no vectors of their own: the keyword
index searches them, and retrieval scores a chunk from its sentences' vectors.

Incremental and crash-safe. An unchanged file (same size and mtime, or same content hash) does no
work; a changed file replaces its vectors; a file gone from the corpus leaves the index. Documents
are written in batches of bounded size: each batch is first marked `pending` in the catalog, then
its vectors are upserted under deterministic ids, then it is marked `ready`. A kill at any point
leaves `pending` rows that the next sync deletes and redoes. One ingest at a time per index, held
by an exclusive file lock.

    >>> report = sync_corpus(index, Path("corpus"))
    >>> report.summary()
    'added 1, updated 0, unchanged 0, removed 0, failed 0'
"""

from __future__ import annotations

import fcntl
import logging
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np

from . import embeddings
from .catalog import Entry
from .chunking import sentence_id, split_sentences
from .documents import Document, DocumentError, discover, load_document, relative_id
from .furniture import furniture_flags

if TYPE_CHECKING:
    from .index import Index

log = logging.getLogger(__name__)

BATCH_SENTENCES = 512  # sentences encoded and written per batch: bounds memory at any corpus size
CHUNK_SIZE = 5  # sentences per chunk
CHUNK_OVERLAP = 2  # sentences shared by neighbouring chunks


class IngestBusyError(RuntimeError):
    """Another process is ingesting into the same index."""


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, note)
    sentences: int = 0
    chunks: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, unchanged "
            f"{len(self.unchanged)}, removed {len(self.removed)}, failed {len(self.failed)}"
        )


@contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's ingest lock; raise IngestBusyError at once if another process has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / "ingest.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestBusyError(
                "another ingest is running on this index; try again when it has finished"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refuse_if_busy(index_dir: Path) -> None:
    """Raise IngestBusyError at once if another process is ingesting into `index_dir`. Checked
    before an ingest opens the index's stores: opening them waits on that process's writes, for
    good if it is stopped mid-write (Ctrl-Z), and then fails with sqlite's "database is locked"."""
    with ingest_lock(index_dir):
        pass


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


class _CorpusPaths:
    """The resolved forms of the corpus's files, each folder resolved once.

    Same answers as `doc_id_for` and `Path.resolve`, but a sync of 10,000 unchanged files made
    ~9 `resolve` calls per file (each a chain of lstat calls): seconds of a cold start."""

    def __init__(self, corpus: Path) -> None:
        self.root = corpus.resolve()
        self._folders: dict[Path, Path] = {}

    def own(self, path: Path) -> Path:
        """The path with its folder resolved: a link keeps its own name (see `doc_id_for`)."""
        folder = path.absolute().parent
        resolved = self._folders.get(folder)
        if resolved is None:
            resolved = self._folders[folder] = folder.resolve()
        return resolved / path.name

    def real(self, path: Path) -> Path:
        own = self.own(path)
        return own.resolve() if own.is_symlink() else own

    def doc_id(self, own: Path) -> str:
        return relative_id(own, self.root)


def _unfit(own: Path, real: Path, paths: _CorpusPaths, targets: set[Path]) -> str:
    """Why a discovered file cannot be indexed under its name ("" when it can)."""
    try:
        real.relative_to(paths.root)
    except ValueError:
        return "a link that points outside the corpus"
    if real != own and real in targets:
        return f"a link to {paths.doc_id(real)}, which is indexed under its own name"
    try:
        paths.doc_id(own).encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not valid UTF-8; rename the file"
    return ""


def _progress(total: int, unit: str):  # type: ignore[no-untyped-def]
    from tqdm.auto import tqdm

    return tqdm(total=total, unit=unit, disable=not sys.stderr.isatty(), desc="ingest")


def _vectors_for(entries: list[Entry]) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, list[np.ndarray]]]:
    """Sentence vectors for a batch: all rows, and each document's rows; and each document's
    sentences' word-piece vectors (`embeddings.Encoding`), from the same forward pass."""
    texts = [e.doc.text[s.start : s.end] for e in entries for s in e.sentences]
    encoded = embeddings.encode_pieces(texts, progress=False)  # the ingest bar is enough
    per_document: dict[str, np.ndarray] = {}
    pieces: dict[str, list[np.ndarray]] = {}
    offset = 0
    for entry in entries:
        end = offset + len(entry.sentences)
        per_document[entry.doc.doc_id] = encoded.vectors[offset:end]
        pieces[entry.doc.doc_id] = encoded.pieces[offset:end]
        offset = end
    return encoded.vectors, per_document, pieces


def _write_batch(index: "Index", batch: list[Entry], replaced: list[str]) -> None:
    index.catalog.mark_pending([e.doc for e in batch])
    index.store.delete_documents(replaced)
    sentence_vectors, per_document, pieces = _vectors_for(batch)
    s_ids, s_metas = [], []
    for entry in batch:
        doc = entry.doc
        for s in entry.sentences:
            s_ids.append(sentence_id(doc.doc_id, s.index))
            s_metas.append(
                {"doc_id": doc.doc_id, "sha256": doc.sha256, "index": s.index, "start": s.start, "end": s.end}
            )
    index.store.upsert(s_ids, sentence_vectors, s_metas)
    index.catalog.mark_ready(batch, per_document, pieces)


def _skip(report: SyncReport, path: Path, reason: str) -> None:
    report.failed.append((str(path), reason))
    log.warning("skipped %s: %s", path, reason)


def _load(path: Path, root: Path, report: SyncReport) -> Document | None:
    try:
        doc = load_document(path, root)
    except (DocumentError, OSError) as error:
        _skip(report, path, str(error))
        return None
    if doc.note:
        report.notes.append((doc.doc_id, doc.note))
        log.warning("%s: %s", doc.doc_id, doc.note)
    return doc


def sync_corpus(index: "Index", corpus: Path) -> SyncReport:
    """Make the index hold exactly the supported files under `corpus`.

    A corpus folder that is missing (moved, a typo, an unmounted disk) is refused before the
    index is touched: read as empty, it would remove every document. An empty folder does empty
    the index, since the folder is the source of truth."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"no corpus folder at {corpus}; the index was left as it was")
    report = SyncReport()
    with ingest_lock(index.directory):
        for name in index.store.drop_unused():  # e.g. chunk vectors that older versions wrote
            log.info("deleted the unused Chroma collection %s", name)
        states = index.catalog.states()
        stale = [d for d, (state, *_rest) in states.items() if state != "ready"]
        if stale:  # left by a killed ingest: drop what it half wrote, then redo it below
            log.info("cleaning %d document(s) from an interrupted ingest", len(stale))
            index.store.delete_documents(stale)
            index.catalog.remove(stale)
            states = {d: v for d, v in states.items() if d not in stale}
        files = discover([corpus])
        seen: set[str] = set()
        batch: list[Entry] = []
        replaced: list[str] = []
        pending = 0
        bar = _progress(len(files), "file")
        paths = _CorpusPaths(corpus)
        located = [(path, paths.own(path), paths.real(path)) for path in files]
        targets = {real for _, _, real in located}
        for path, own, real in located:
            bar.update(1)
            problem = _unfit(own, real, paths, targets)
            if problem:
                _skip(report, path, problem)
                continue
            doc_id = paths.doc_id(own)
            seen.add(doc_id)
            try:
                stat = path.stat()
            except OSError as error:
                _skip(report, path, str(error))
                continue
            previous = states.get(doc_id)
            # a row written before the catalog kept vectors is ingested again, once
            current = previous if previous is not None and previous.complete else None
            if current and (current.mtime_ns, current.size) == (stat.st_mtime_ns, stat.st_size):
                report.unchanged.append(doc_id)
                continue
            doc = _load(path, corpus, report)
            if doc is None:
                continue
            if current and current.sha256 == doc.sha256:
                index.catalog.touch(doc_id, doc.source, stat.st_mtime_ns, stat.st_size)
                report.unchanged.append(doc_id)
                continue
            sentences = tuple(split_sentences(doc.doc_id, doc.text))
            if not sentences:
                _skip(report, path, "no sentences found")
                continue
            (report.updated if previous else report.added).append(doc_id)
            if previous:
                replaced.append(doc_id)
            flags = tuple(furniture_flags(doc.text, sentences))
            batch.append(Entry(doc, sentences, stat.st_mtime_ns, stat.st_size, flags))
            report.sentences += len(sentences)
            pending += len(sentences)
            if pending >= BATCH_SENTENCES:
                _write_batch(index, batch, replaced)
                batch, replaced, pending = [], [], 0
        if batch:
            _write_batch(index, batch, replaced)
        bar.close()
        report.removed = sorted(d for d in states if d not in seen)
        if report.removed:  # out of the ready set first, so a kill never leaves half of one
            index.catalog.mark_removing(report.removed)
            index.store.delete_documents(report.removed)
            index.catalog.remove(report.removed)
        index.refresh_keyword(force=report.changed)
    for doc_id in report.added:
        log.info("added %s", doc_id)
    for doc_id in report.updated:
        log.info("updated %s", doc_id)
    for doc_id in report.removed:
        log.info("removed %s", doc_id)
    log.info("%s", report.summary())
    return report


def copy_into_corpus(paths: list[Path], corpus: Path) -> list[Path]:
    """Copy files that are outside the corpus into it (the corpus folder is the source of truth)."""
    import shutil

    corpus.mkdir(parents=True, exist_ok=True)
    placed = []
    for path in paths:
        if _inside(path, corpus):
            placed.append(path)
            continue
        if not path.is_file():
            raise DocumentError(f"{path}: no such file")
        target = corpus / path.name
        if target.exists() and target.read_bytes() != path.read_bytes():
            target = corpus / f"{path.stem}-{os.urandom(3).hex()}{path.suffix}"
        shutil.copyfile(path, target)
        placed.append(target)
    return placed
