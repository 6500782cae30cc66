"""Chroma behind a small interface: two collections (sentences and chunks) of explicit vectors.

Embedded (`chromadb.PersistentClient`, a folder on disk) by default, or a Chroma server
(`chroma run`) when a URL is given. Chroma never embeds anything itself here: every collection is
created with `embedding_function=None` and vectors come from `qa.embeddings`. Each collection
records the model name and dimension, and opening it with another model is refused.

    >>> store = VectorStore.open(Path("index/chroma"), model="m", dim=384, prefix="qa")
    >>> store.query("sentences", vector, k=5)
    [Hit(id='doc.txt::s3', score=0.71, meta={...}), ...]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

log = logging.getLogger(__name__)

KINDS = ("sentences", "chunks")
_WRITE_BATCH = 1000


class IndexMismatchError(RuntimeError):
    """The index was built with another embedding model or dimension."""


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


class VectorStore:
    """Sentence and chunk vectors for one index, in Chroma."""

    def __init__(self, client: Any, collections: dict[str, Any]) -> None:
        self._client = client
        self._collections = collections

    @classmethod
    def open(
        cls, path: Path | None, *, model: str, dim: int, prefix: str, url: str | None = None
    ) -> "VectorStore":
        if not path and not url:
            raise ValueError("a Chroma folder or a Chroma server URL is needed")
        client = _client(path, url)
        collections = {}
        for kind in KINDS:
            collection = client.get_or_create_collection(
                f"{prefix}_{kind}",
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
            collections[kind] = collection
        return cls(client, collections)

    def count(self, kind: str) -> int:
        return int(self._collections[kind].count())

    def upsert(
        self, kind: str, ids: list[str], vectors: np.ndarray, metas: list[dict[str, Any]]
    ) -> None:
        collection = self._collections[kind]
        for i in range(0, len(ids), _WRITE_BATCH):
            collection.upsert(
                ids=ids[i : i + _WRITE_BATCH],
                embeddings=vectors[i : i + _WRITE_BATCH],
                metadatas=metas[i : i + _WRITE_BATCH],
            )

    def delete_documents(self, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        for collection in self._collections.values():
            collection.delete(where={"doc_id": {"$in": list(doc_ids)}})

    def query(self, kind: str, vector: np.ndarray, k: int) -> list[Hit]:
        """The `k` nearest items by cosine, best first (fewer when the collection holds fewer)."""
        if k <= 0:
            return []
        # No count() first: Chroma returns what it has when k exceeds it, and a round trip saved
        # matters on the query path (and over HTTP to a server).
        result = self._collections[kind].query(
            query_embeddings=vector.reshape(1, -1).astype(np.float32),
            n_results=k,
            include=["metadatas", "distances"],
        )
        return [
            Hit(id_, 1.0 - float(dist), dict(meta or {}))
            for id_, dist, meta in zip(
                result["ids"][0], result["distances"][0], result["metadatas"][0]
            )
        ]

    def vectors(self, kind: str, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors by id (ids that are missing are left out)."""
        if not ids:
            return {}
        got = self._collections[kind].get(ids=list(ids), include=["embeddings"])
        return {
            id_: np.asarray(vec, dtype=np.float32)
            for id_, vec in zip(got["ids"], got["embeddings"])
        }
