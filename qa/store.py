"""Chroma behind a small interface: a collection of explicit sentence vectors.

Embedded (`chromadb.PersistentClient`, a folder on disk) by default, or a Chroma server
(`chroma run`) when a URL is given. Chroma never embeds anything itself here: every collection is
created with `embedding_function=None` and vectors come from `qa.embeddings`. Each collection
records the model name and dimension, and opening it with another model is refused.

The embedded store is read by one process while another may write it (`qa sync` in a terminal
beside the app): Chroma's embedded client then fails on items written since it opened
(`InternalError: Error finding id`) and keeps failing. On that error the store drops the process's
cached Chroma system for its folder, reopens its collections and retries the call once. It does so
only when nothing in the folder changed for `WRITER_QUIET_S` seconds: reopening loads Chroma's
HNSW files, and loading them while another process rewrites them crashed the reader (a segfault
inside chromadb, in a stress test). While a writer is busy the read fails with StoreBusyError.

    >>> store = VectorStore.open(Path("index/chroma"), model="m", dim=384, prefix="qa")
    >>> store.query(vector, k=5)
    [Hit(id='doc.txt::s3', score=0.71, meta={...}), ...]
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar
from urllib.parse import urlparse

import numpy as np

log = logging.getLogger(__name__)

COLLECTION = "sentences"  # the collection is named <prefix>_sentences
# Collections that older versions wrote beside it and nothing reads any more: `drop_unused` deletes them.
UNUSED_COLLECTIONS = ("chunks",)
_WRITE_BATCH = 1000
WRITER_QUIET_S = 3.0  # no file in the Chroma folder newer than this: no other process is writing
T = TypeVar("T")


class IndexMismatchError(RuntimeError):
    """The index was built with another embedding model or dimension."""


class StoreBusyError(RuntimeError):
    """Another process is writing the embedded store right now; ask again when it has finished."""


@dataclass(frozen=True)
class Hit:
    id: str
    score: float  # cosine similarity
    meta: dict[str, Any]


def _client(path: Path | None, url: str | None):  # type: ignore[no-untyped-def]
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        host, port = parsed.hostname or "127.0.0.1", parsed.port or 8000
        try:
            return chromadb.HttpClient(
                host=host, port=port, ssl=parsed.scheme == "https", settings=settings
            )
        except ValueError as error:  # chromadb's "Could not connect to a Chroma server"
            raise ConnectionError(
                f"cannot reach the Chroma server at {parsed.scheme or 'http'}://{host}:{port} "
                f"(start it with: chroma run --path DIR --host {host} --port {port})"
            ) from error
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def _forget_system(client: Any) -> None:
    """Drop the process-wide Chroma system behind an embedded client, so the next client made
    for the same folder starts a new one (chromadb caches one system per folder per process).
    Clients already made keep their old system; only this folder's cache entry goes."""
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = getattr(client, "_identifier", None)
    if identifier is None:  # not a SharedSystemClient: the public, process-wide reset
        SharedSystemClient.clear_system_cache()
        return
    SharedSystemClient._identifier_to_system.pop(identifier, None)
    SharedSystemClient._identifier_to_refcount.pop(identifier, None)


def _is_stale_read(error: Exception) -> bool:
    """Chroma's embedded client reading items another process wrote after it opened."""
    from chromadb.errors import InternalError

    return isinstance(error, InternalError) and "Error finding id" in str(error)


def _seconds_since_write(folder: Path) -> float:
    """Seconds since any file under `folder` last changed (inf for an empty folder)."""
    newest = max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=None)
    return float("inf") if newest is None else time.time() - newest


def _collection(client: Any, *, model: str, dim: int, prefix: str) -> Any:
    collection = client.get_or_create_collection(
        f"{prefix}_{COLLECTION}",
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"model": model, "dim": dim},
    )
    meta = collection.metadata or {}
    if meta.get("model") != model or int(meta.get("dim", -1)) != dim:
        raise IndexMismatchError(
            f"the index was built with {meta.get('model')} ({meta.get('dim')} dims), "
            f"not {model} ({dim} dims); use a new --index folder"
        )
    return collection


class VectorStore:
    """Sentence vectors for one index, in Chroma."""

    def __init__(
        self,
        client: Any,
        collection: Any,
        *,
        path: Path | None = None,
        url: str | None = None,
        spec: tuple[str, int, str] | None = None,
    ) -> None:
        self._client = client
        self._collection = collection
        self._path, self._url, self._spec = path, url, spec
        self._reopen_lock = threading.Lock()

    @classmethod
    def open(
        cls, path: Path | None, *, model: str, dim: int, prefix: str, url: str | None = None
    ) -> "VectorStore":
        """Open (creating if needed) the collection `<prefix>_sentences`, embedded in `path` or on
        the server at `url`. Raises IndexMismatchError when it was built with another model or
        dimension, ConnectionError when the server cannot be reached."""
        if not path and not url:
            raise ValueError("a Chroma folder or a Chroma server URL is needed")
        client = _client(path, url)
        collection = _collection(client, model=model, dim=dim, prefix=prefix)
        return cls(client, collection, path=path, url=url, spec=(model, dim, prefix))

    def reopen(self) -> None:
        """Reopen the client and its collection. For the embedded store this also drops the
        process's cached Chroma system for the folder, so items written by other processes since
        the store was opened become visible (to `query` as well as to `vectors`)."""
        if self._spec is None:
            return
        model, dim, prefix = self._spec
        if self._url is None:
            _forget_system(self._client)
        client = _client(self._path, self._url)
        self._collection = _collection(client, model=model, dim=dim, prefix=prefix)
        self._client = client

    def _call(self, action: Callable[[Any], T]) -> T:
        """`action(collection)`; on a stale embedded read, reopen once and retry."""
        collection = self._collection
        try:
            return action(collection)
        except Exception as error:
            if self._url is not None or self._spec is None or not _is_stale_read(error):
                raise
            with self._reopen_lock:
                if self._collection is collection:  # another thread may have reopened
                    assert self._path is not None
                    if _seconds_since_write(self._path) < WRITER_QUIET_S:
                        raise StoreBusyError(
                            "another process is writing this index; ask again when it has "
                            "finished, or share the index through a Chroma server (--chroma-url)"
                        ) from error
                    log.info("Chroma read failed (%s); reopening the embedded store", error)
                    self.reopen()
            return action(self._collection)

    def count(self) -> int:
        return int(self._collection.count())

    def upsert(self, ids: list[str], vectors: np.ndarray, metas: list[dict[str, Any]]) -> None:
        collection = self._collection
        for i in range(0, len(ids), _WRITE_BATCH):
            collection.upsert(
                ids=ids[i : i + _WRITE_BATCH],
                embeddings=vectors[i : i + _WRITE_BATCH],
                metadatas=metas[i : i + _WRITE_BATCH],
            )

    def delete_documents(self, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        self._collection.delete(where={"doc_id": {"$in": list(doc_ids)}})

    def query(self, vector: np.ndarray, k: int, metadata: bool = True) -> list[Hit]:
        """The `k` nearest items by cosine, best first (fewer when the collection holds fewer).

        `metadata=False` leaves each hit's `meta` empty: Chroma then reads no metadata rows, about
        1 ms less per query at 170,000 sentences (the retriever needs only ids and scores)."""
        if k <= 0:
            return []
        # No count() first: Chroma returns what it has when k exceeds it, and a round trip saved
        # matters on the query path (and over HTTP to a server).
        query = vector.reshape(1, -1).astype(np.float32)
        include = ["metadatas", "distances"] if metadata else ["distances"]
        result = self._call(lambda c: c.query(query_embeddings=query, n_results=k, include=include))
        metas = result["metadatas"][0] if metadata else [None] * len(result["ids"][0])
        return [
            Hit(id_, 1.0 - float(dist), dict(meta or {}))
            for id_, dist, meta in zip(result["ids"][0], result["distances"][0], metas)
        ]

    def vectors(self, ids: list[str], where: dict[str, Any] | None = None) -> dict[str, np.ndarray]:
        """Stored vectors by id (ids that are missing, or whose metadata fails `where`, e.g.
        `{"sha256": ...}`, are left out)."""
        if not ids:
            return {}
        wanted = list(ids)
        got = self._call(lambda c: c.get(ids=wanted, where=where, include=["embeddings"]))
        return {
            id_: np.asarray(vec, dtype=np.float32)
            for id_, vec in zip(got["ids"], got["embeddings"])
        }

    def drop_unused(self) -> list[str]:
        """Delete the collections of `UNUSED_COLLECTIONS` that an older version wrote for this prefix
        (call it from the one writer: the sync does, under the ingest lock). Returns their names."""
        if self._spec is None:  # made from collections directly: nothing known to drop
            return []
        prefix = self._spec[2]
        present = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
        dropped = [f"{prefix}_{name}" for name in UNUSED_COLLECTIONS if f"{prefix}_{name}" in present]
        for name in dropped:
            self._client.delete_collection(name)
        return dropped
