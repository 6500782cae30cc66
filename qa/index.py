"""An index on disk: the catalog (SQLite), the vectors (Chroma) and the keyword index (BM25).

    index_dir/
      catalog.sqlite   documents, their text and sentence spans; the source of truth
      chroma/          sentence and chunk vectors (absent when a Chroma server is used)
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
from dataclasses import dataclass
from pathlib import Path

from . import embeddings
from .catalog import Catalog, Entry
from .chunking import make_chunks, sentence_id
from .furniture import furniture_flags
from .keyword import KeywordIndex, tokenize
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

    def is_current(self, doc_id: str, sha256: str) -> bool:
        entry = self.entries.get(doc_id)
        return entry is not None and entry.doc.sha256 == sha256


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


class Index:
    def __init__(self, directory: Path, catalog: Catalog, store: VectorStore) -> None:
        self.directory = directory
        self.catalog = catalog
        self.store = store
        self._view: IndexView | None = None
        self._lock = threading.Lock()

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

    @property
    def _keyword_dir(self) -> Path:
        return self.directory / "keyword"

    def _saved_generation(self) -> int:
        try:
            return int((self._keyword_dir / "generation").read_text())
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
        (self._keyword_dir / "generation").write_text(str(generation))

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
                furniture={e.doc.doc_id: tuple(furniture_flags(e.doc.text, e.sentences)) for e in entries},
                sentences=sentences,
                chunks=chunks,
            )
            return self._view
