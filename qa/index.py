"""An index on disk: the catalog (SQLite), the vectors (Chroma) and the keyword index (BM25).

    index_dir/
      catalog.sqlite   documents, their text, sentence spans, vectors and word-piece vectors;
                       the source of truth
      chroma/          sentence vectors (absent when a Chroma server is used)
      keyword/         BM25 over sentences and over chunks, tagged with the catalog generation

`Index.view()` returns an immutable snapshot for reading (documents, furniture flags, keyword
indexes); it is rebuilt only when the catalog's generation moves, so a query never sees half an
ingest, and asking while another process ingests works.

    >>> index = Index.open(Path("corpus/.qa-index"))
    >>> len(index.view().entries)
    1
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import embeddings
from .catalog import Catalog, Entry
from .chunking import make_chunks, sentence_id
from .furniture import furniture_flags
from .keyword import TOKENS_VERSION, KeywordIndex, tokenize
from .store import VectorStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexView:
    """What a query reads, frozen at one catalog generation."""

    generation: int
    entries: dict[str, Entry]
    furniture: dict[str, tuple[bool, ...]]  # doc_id -> one flag per sentence
    sentences: KeywordIndex
    chunks: KeywordIndex


def _keyword_indexes(entries: list[Entry]) -> tuple[KeywordIndex, KeywordIndex]:
    from .ingest import CHUNK_OVERLAP, CHUNK_SIZE

    s_ids, s_tokens, c_ids, c_tokens = [], [], [], []
    for entry in entries:
        text = entry.doc.text
        for s in entry.sentences:
            s_ids.append(sentence_id(entry.doc.doc_id, s.index))
            s_tokens.append(tokenize(text[s.start : s.end]))
        for chunk in make_chunks(list(entry.sentences), CHUNK_SIZE, CHUNK_OVERLAP):
            c_ids.append(chunk.chunk_id)
            c_tokens.append(tokenize(text[chunk.start : chunk.end]))
    return KeywordIndex.build(s_ids, s_tokens), KeywordIndex.build(c_ids, c_tokens)


class _VectorCache:
    """Recently read sentence vectors per (doc_id, sha256), bounded by a number of sentences."""

    def __init__(self, max_sentences: int) -> None:
        self.max_sentences = max_sentences
        self._items: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> np.ndarray | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], vectors: np.ndarray) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = vectors
            self._size += len(vectors)
            while self._size > self.max_sentences and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


class Index:
    # sentence vectors kept in memory between questions: 50,000 sentences are 77 MB
    VECTOR_CACHE_SENTENCES = 50_000

    def __init__(self, directory: Path, catalog: Catalog, store: VectorStore) -> None:
        self.directory = directory
        self.catalog = catalog
        self.store = store
        self._view: IndexView | None = None
        self._lock = threading.Lock()
        self._vectors = _VectorCache(self.VECTOR_CACHE_SENTENCES)

    @classmethod
    def open(cls, directory: Path, chroma_url: str | None = None) -> "Index":
        """Open (or create) the index in `directory`; vectors in a Chroma server if a URL is given."""
        catalog = Catalog(directory / "catalog.sqlite")
        prefix = catalog.meta("prefix") or "qa"
        store = VectorStore.open(
            None if chroma_url else directory / "chroma",
            model=embeddings.MODEL_NAME,
            dim=embeddings.DIMENSION,
            prefix=prefix,
            url=chroma_url,
        )
        return cls(directory, catalog, store)

    def sentence_vectors(self, view: IndexView, doc_ids: set[str] | list[str]) -> dict[str, np.ndarray]:
        """doc_id -> its sentence vectors (one row per sentence), as of `view`.

        From memory, else from the catalog in one query; a document whose vectors the catalog
        does not hold (ingested by an older version, until the next sync) is read from Chroma.
        """
        found: dict[str, np.ndarray] = {}
        wanted: dict[str, str] = {}
        for doc_id in doc_ids:
            entry = view.entries.get(doc_id)
            if entry is None:
                continue
            cached = self._vectors.get((doc_id, entry.doc.sha256))
            if cached is not None:
                found[doc_id] = cached
            else:
                wanted[doc_id] = entry.doc.sha256
        if not wanted:
            return found
        loaded = self.catalog.sentence_vectors(wanted)
        for doc_id in set(wanted) - set(loaded):
            entry = view.entries[doc_id]
            ids = [sentence_id(doc_id, s.index) for s in entry.sentences]
            stored = self.store.vectors(ids, where={"sha256": entry.doc.sha256})
            if len(stored) == len(ids):
                loaded[doc_id] = np.asarray([stored[i] for i in ids], dtype=np.float32)
        for doc_id, vectors in loaded.items():
            self._vectors.put((doc_id, wanted[doc_id]), vectors)
            found[doc_id] = vectors
        return found

    def sentence_pieces(self, view: IndexView, sentences: list[tuple[str, int]]) -> list[np.ndarray]:
        """The word-piece vectors (`embeddings.Encoding`) of each (doc_id, sentence index), as of
        `view`: stored at ingest, read in one lookup each; a sentence the catalog holds none for
        (a document ingested by an older version, until the next sync) is encoded now."""
        shas = {key: view.entries[key[0]].doc.sha256 for key in sentences}
        stored = self.catalog.sentence_pieces(shas)
        found = []
        for doc_id, i in sentences:
            matrix = stored.get((doc_id, i))
            if matrix is None:
                entry = view.entries[doc_id]
                s = entry.sentences[i]
                matrix = embeddings.piece_vectors(entry.doc.text[s.start : s.end])
            found.append(matrix)
        return found

    @property
    def _keyword_dir(self) -> Path:
        return self.directory / "keyword"

    def _saved_generation(self) -> int:
        """The catalog generation the saved keyword index was built for; -1 when there is none,
        or when it was tokenized by another version (`keyword.TOKENS_VERSION`)."""
        try:
            generation, version = (self._keyword_dir / "generation").read_text().split()
            return int(generation) if int(version) == TOKENS_VERSION else -1
        except (OSError, ValueError):
            return -1

    def refresh_keyword(self, force: bool = False) -> None:
        """Rebuild and save the keyword indexes if the catalog moved on (called under the lock)."""
        generation = self.catalog.generation
        if not force and self._saved_generation() == generation:
            return
        sentences, chunks = _keyword_indexes(self.catalog.entries())
        sentences.save(self._keyword_dir / "sentences")
        chunks.save(self._keyword_dir / "chunks")
        (self._keyword_dir / "generation").write_text(f"{generation} {TOKENS_VERSION}")

    def view(self) -> IndexView:
        """The current snapshot, rebuilt when the catalog has changed since the last call."""
        generation = self.catalog.generation
        view = self._view
        if view is not None and view.generation == generation:
            return view
        with self._lock:
            if self._view is not None and self._view.generation == generation:
                return self._view
            entries = self.catalog.entries()
            if self._saved_generation() == generation:
                try:
                    sentences = KeywordIndex.load(self._keyword_dir / "sentences")
                    chunks = KeywordIndex.load(self._keyword_dir / "chunks")
                except (OSError, ValueError, KeyError):
                    sentences, chunks = _keyword_indexes(entries)
            else:  # an ingest is under way or was killed: build in memory, leave disk to it
                sentences, chunks = _keyword_indexes(entries)
            self._view = IndexView(
                generation=generation,
                entries={e.doc.doc_id: e for e in entries},
                furniture={
                    e.doc.doc_id: e.furniture or tuple(furniture_flags(e.doc.text, e.sentences))
                    for e in entries
                },
                sentences=sentences,
                chunks=chunks,
            )
            return self._view
