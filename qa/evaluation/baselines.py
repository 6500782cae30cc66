"""Baselines, scored by the same metrics as the project.

- `LangChainBaseline`: the LangChain RAG tutorial recipe. RecursiveCharacterTextSplitter
  (chunk_size=500, chunk_overlap=50, add_start_index=True) over the same documents, the same
  embedding model (an `Embeddings` adapter over `qa.embeddings.encode`), langchain_chroma.Chroma in
  a folder of its own, top-k similarity search; the answer is the top chunk, cited as that chunk's
  span. It never abstains.
- `BM25Baseline`: the project's BM25 sentence index alone; the answer is the top sentence (it
  abstains only when no sentence shares a term with the question).
- `DenseBaseline`: the project's Chroma sentence collection alone (cosine); the answer is the top
  sentence. It never abstains.

Baselines see the question only, not the conversation history (the recipes have none).

    >>> lc = LangChainBaseline.build(texts, folder=tmp / "langchain")
    >>> lc.predict(item).citations[0].quote
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .. import embeddings
from ..chunking import split_id
from ..keyword import tokenize
from .datasets import Item
from .systems import RETRIEVE_K, Cited, Prediction

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50


def _sentence_spans(view: Any, ids: list[str]) -> list[Cited]:
    """Sentence ids 'doc::sN' -> cited spans with their text from the index."""
    out: list[Cited] = []
    for id_ in ids:
        doc_id, number = split_id(id_)
        entry = view.entries.get(doc_id)
        if entry is None or number >= len(entry.sentences):
            continue
        s = entry.sentences[number]
        out.append(Cited(doc_id, s.start, s.end, entry.doc.text[s.start : s.end]))
    return out


def _top_answer(ranked: list[Cited], latency: float) -> Prediction:
    if not ranked:
        return Prediction("", True, latency=latency)
    top = ranked[0]
    return Prediction(
        text=f"{top.quote} [1]",
        abstained=False,
        citations=(top,),
        retrieved=tuple(c.span for c in ranked),
        latency=latency,
    )


@dataclass
class BM25Baseline:
    """Top BM25 sentence from the project's keyword index (`qa.keyword`)."""

    index: Any  # qa.index.Index
    name: str = "bm25"

    def predict(self, item: Item) -> Prediction:
        started = time.perf_counter()
        view = self.index.view()
        hits = view.sentences.search(tokenize(item.question), RETRIEVE_K)
        ranked = _sentence_spans(view, [id_ for id_, _ in hits])
        return _top_answer(ranked, time.perf_counter() - started)


@dataclass
class DenseBaseline:
    """Top sentence by cosine from the project's Chroma sentence collection."""

    index: Any  # qa.index.Index
    name: str = "dense"

    def predict(self, item: Item) -> Prediction:
        started = time.perf_counter()
        vector = embeddings.encode([item.question])[0]
        hits = self.index.store.query(vector, RETRIEVE_K)
        ranked = _sentence_spans(self.index.view(), [h.id for h in hits])
        return _top_answer(ranked, time.perf_counter() - started)


class EncodeEmbeddings:
    """A LangChain `Embeddings` over `qa.embeddings.encode` (the same model, loaded once)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return embeddings.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return embeddings.encode([text])[0].tolist()


def _as_langchain_embeddings() -> Any:
    from langchain_core.embeddings import Embeddings

    class _Adapter(EncodeEmbeddings, Embeddings):
        pass

    return _Adapter()


@dataclass
class LangChainBaseline:
    """The LangChain tutorial recipe: split 500/50, embed, Chroma, answer with the top chunk."""

    store: Any  # langchain_chroma.Chroma
    name: str = "langchain"

    @classmethod
    def build(cls, texts: Mapping[str, str], folder: Path) -> "LangChainBaseline":
        """Split and index `texts` (doc_id -> text) into a new Chroma folder."""
        import chromadb
        from chromadb.config import Settings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        docs = [Document(page_content=text, metadata={"doc_id": d}) for d, text in texts.items()]
        chunks = splitter.split_documents(docs)
        folder.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(folder), settings=Settings(anonymized_telemetry=False))
        store = Chroma(
            collection_name="langchain_baseline",
            embedding_function=_as_langchain_embeddings(),
            client=client,
        )
        if chunks:
            store.add_documents(chunks, ids=[f"chunk-{i}" for i in range(len(chunks))])
        return cls(store)

    def predict(self, item: Item) -> Prediction:
        started = time.perf_counter()
        found = self.store.similarity_search(item.question, k=RETRIEVE_K)
        ranked = [
            Cited(
                str(d.metadata["doc_id"]),
                int(d.metadata["start_index"]),
                int(d.metadata["start_index"]) + len(d.page_content),
                d.page_content,
            )
            for d in found
        ]
        return _top_answer(ranked, time.perf_counter() - started)
