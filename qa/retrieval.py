"""Hybrid retrieval scored down to the sentence.

1. Candidates: the question's nearest sentences and chunks in Chroma (dense) and its best
   sentences and chunks in BM25 (keyword); chunks are fused by reciprocal rank fusion and the
   sentences of the best fused chunks join the pool.
2. Every candidate sentence gets features: cosine to the question (sentence and best enclosing
   chunk), IDF-weighted coverage of the question's terms (sentence, and sentence with its
   neighbours), and whether it holds the kind of answer asked for (a number for "how many"...).
3. A weighted sum of the features ranks them. Page furniture is never a candidate.

    >>> retriever = Retriever(Index.open(Path("corpus/.qa-index")))
    >>> best = retriever.run("Which countries rejected troops?", top_k=3)
    >>> best[0].doc_id, best[0].sentence.start
    ('france-troops-ukraine.txt', 1024)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import embeddings
from .chunking import Sentence
from .index import Index, IndexView
from .ingest import CHUNK_OVERLAP, CHUNK_SIZE
from .keyword import KeywordIndex, tokenize
from .question import Question, analyse, has_answer_type

RRF_K = 60


@dataclass(frozen=True)
class Weights:
    dense: float = 1.0
    chunk_dense: float = 0.3
    lexical: float = 0.5
    context_lexical: float = 0.3
    type_match: float = 0.15


@dataclass(frozen=True)
class Passage:
    """A candidate sentence with the evidence for it."""

    doc_id: str
    sentence: Sentence
    score: float
    dense: float
    chunk_dense: float
    lexical: float
    context_lexical: float
    type_match: bool
    text: str


def coverage(terms: list[str], tokens: set[str], keyword: KeywordIndex) -> float:
    """Share of the question's IDF mass whose terms occur in `tokens` (0..1)."""
    if not terms:
        return 0.0
    weights = [keyword.idf(t) for t in terms]
    total = sum(weights)
    hit = sum(w for t, w in zip(terms, weights) if t in tokens)
    return hit / total if total else 0.0


def _rrf(rankings: list[list[str]]) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, id_ in enumerate(ranking):
            fused[id_] = fused.get(id_, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def _split_id(id_: str, marker: str) -> tuple[str, int]:
    doc_id, _, number = id_.rpartition(f"::{marker}")
    return doc_id, int(number)


def _chunks_of(sentence_index: int, n_sentences: int) -> range:
    """Indices of the chunks that contain a sentence (see chunking.make_chunks)."""
    step = CHUNK_SIZE - CHUNK_OVERLAP
    last_chunk = max(0, -(-(n_sentences - CHUNK_SIZE) // step))
    first = max(0, -(-(sentence_index - CHUNK_SIZE + 1) // step))
    return range(first, min(sentence_index // step, last_chunk) + 1)


class Retriever:
    """Hybrid retriever: `run(question, top_k) -> list[Passage]`, best first."""

    def __init__(
        self, index: Index, pool: int = 40, chunk_pool: int = 8, weights: Weights = Weights()
    ) -> None:
        if pool < 1 or chunk_pool < 1:
            raise ValueError("pool and chunk_pool must be >= 1")
        self.index = index
        self.pool = pool
        self.chunk_pool = chunk_pool
        self.weights = weights

    def run(self, question: str, top_k: int = 8, context: str = "") -> list[Passage]:
        """Rank sentences for `question`; `context` (earlier turns) widens the search."""
        view = self.index.view()
        if not view.entries:
            return []
        q = analyse(question)
        query = f"{question} {context}".strip() if context else question
        vector = embeddings.encode([query])[0]
        terms = list(q.terms)
        extra = [t for t in tokenize(context) if t not in terms] if context else []

        dense_s = self._dense(view, "sentences", vector, self.pool)
        dense_c = self._dense(view, "chunks", vector, self.chunk_pool)
        lex_s = [id_ for id_, _ in view.sentences.search(terms + extra, self.pool)]
        lex_c = [id_ for id_, _ in view.chunks.search(terms + extra, self.chunk_pool)]
        fused_chunks = sorted(_rrf([list(dense_c), lex_c]).items(), key=lambda kv: -kv[1])

        candidates: dict[str, None] = dict.fromkeys(list(dense_s) + lex_s)
        for chunk_id, _ in fused_chunks[: self.chunk_pool]:
            doc_id, c = _split_id(chunk_id, "c")
            entry = view.entries.get(doc_id)
            if entry is None:
                continue
            step = CHUNK_SIZE - CHUNK_OVERLAP
            for s in entry.sentences[c * step : c * step + CHUNK_SIZE]:
                candidates[f"{doc_id}::s{s.index}"] = None
        candidates = {
            id_: None for id_ in candidates if self._visible(view, id_)
        }
        if not candidates:
            return []
        s_vectors = self._vectors(view, "sentences", list(candidates), dense_s, vector)
        needed_chunks = {
            f"{doc_id}::c{c}"
            for doc_id, i in (_split_id(id_, "s") for id_ in candidates)
            for c in _chunks_of(i, len(view.entries[doc_id].sentences))
        }
        c_scores = self._vectors(view, "chunks", sorted(needed_chunks), dense_c, vector)
        passages = [
            self._score(view, q, terms, extra, id_, s_vectors.get(id_, 0.0), c_scores)
            for id_ in candidates
        ]
        passages.sort(key=lambda p: -p.score)
        return passages[:top_k]

    # -- pieces -------------------------------------------------------------------------------

    def _dense(self, view: IndexView, kind: str, vector: np.ndarray, k: int) -> dict[str, float]:
        hits = self.index.store.query(kind, vector, k)
        return {
            h.id: h.score
            for h in hits
            if view.is_current(str(h.meta.get("doc_id")), str(h.meta.get("sha256")))
        }

    def _vectors(
        self, view: IndexView, kind: str, ids: list[str], known: dict[str, float], vector: np.ndarray
    ) -> dict[str, float]:
        """Cosine to the query for every id: from the dense hits, else from stored vectors."""
        scores = {id_: known[id_] for id_ in ids if id_ in known}
        missing = [id_ for id_ in ids if id_ not in known]
        for id_, stored in self.index.store.vectors(kind, missing).items():
            scores[id_] = float(stored @ vector)
        return scores

    @staticmethod
    def _visible(view: IndexView, id_: str) -> bool:
        doc_id, i = _split_id(id_, "s")
        flags = view.furniture.get(doc_id)
        return flags is not None and i < len(flags) and not flags[i]

    def _score(
        self,
        view: IndexView,
        q: Question,
        terms: list[str],
        extra: list[str],
        id_: str,
        dense: float,
        chunk_scores: dict[str, float],
    ) -> Passage:
        doc_id, i = _split_id(id_, "s")
        entry = view.entries[doc_id]
        sentence = entry.sentences[i]
        text = entry.doc.text[sentence.start : sentence.end]
        tokens = set(tokenize(text))
        flags = view.furniture[doc_id]
        window = [
            s
            for s in entry.sentences[max(0, i - 2) : i + 2]
            if not flags[s.index]
        ]
        window_tokens = set(tokenize(" ".join(entry.doc.text[s.start : s.end] for s in window)))
        window_tokens |= set(tokenize(entry.doc.title))
        lexical = coverage(terms, tokens, view.sentences)
        context_lexical = coverage(terms + extra, window_tokens, view.sentences)
        chunk_dense = max(
            (chunk_scores.get(f"{doc_id}::c{c}", 0.0) for c in _chunks_of(i, len(entry.sentences))),
            default=0.0,
        )
        type_match = has_answer_type(q.answer_type, text, q)
        w = self.weights
        score = (
            w.dense * dense
            + w.chunk_dense * chunk_dense
            + w.lexical * lexical
            + w.context_lexical * context_lexical
            + (w.type_match if type_match else -w.type_match if q.answer_type else 0.0)
        )
        return Passage(
            doc_id, sentence, score, dense, chunk_dense, lexical, context_lexical, type_match, text
        )
