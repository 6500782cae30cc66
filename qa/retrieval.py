"""Hybrid retrieval scored down to the sentence.

1. Candidates: the question's nearest sentences in Chroma (dense) and its best sentences and
   chunks in BM25 (keyword); chunks ranked by their best dense sentence and the BM25 chunks are
   fused by reciprocal rank fusion, and the sentences of the best fused chunks join the pool (so
   a hit's neighbours are candidates too). One Chroma query per question.
2. Every candidate sentence gets the features in `FEATURES`: cosines to the question (the
   sentence, the sentence with the one before it, its best chunk), IDF-weighted coverage of the
   question's terms (the sentence, with its neighbours, and its whole document), BM25, ranks,
   whether it holds the kind of answer asked for (a number for "how many"...), its position.
3. A linear ranker fitted by eval/calibrate.py (qa/calibration.json) turns them into log-odds
   that the sentence holds the answer. Page furniture is never a candidate.
4. A linear reranker reads the ranker's best `RERANK` again with the late interaction of the
   question's and the sentence's contextual word-piece vectors (`late_interaction`; the
   sentences' are stored at ingest, ~6 KB each, so only the best few are read).

    >>> retriever = Retriever(Index.open(Path(".qa-index/corpus")))
    >>> best = retriever.run("Which countries rejected troops?", top_k=3)
    >>> best[0].doc_id, best[0].text[:30]
    ('france-troops-ukraine.txt', "In response to Macron's statem")
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import embeddings
from .chunking import Sentence, chunk_id, chunk_window, chunks_containing, sentence_id, split_id
from .catalog import Entry
from .index import Index, IndexView
from .ingest import CHUNK_OVERLAP, CHUNK_SIZE
from .calibration import LinearModel, load_calibration
from .keyword import KeywordIndex, content_words, fold, token_set, token_tuple, tokenize
from .question import (
    Question, analyse, has_answer_type, has_measure, has_role, has_strong_type, mentions_name, names_in, topic_terms,
)

RRF_K = 60


FEATURES = (
    "dense",  # cosine(question, sentence)
    "chunk_dense",  # best cosine(question, enclosing chunk)
    "dense_gap",  # dense minus the best dense among candidates (<= 0)
    "lexical",  # IDF-weighted share of question terms in the sentence
    "context_lexical",  # ... in the sentence, its neighbours and the title
    "bm25",  # sentence BM25 / best candidate BM25
    "bigrams",  # share of the question's adjacent term pairs found in the sentence
    "names",  # share of the question's names found near the sentence
    "novelty",  # share of the sentence's terms that the question does not have
    "type_match",  # the question expects a type (number, date, name) and the sentence has one
    "type_missing",  # ... and the sentence has none
    "length",  # log of the sentence's term count
    "dense_rank",  # 1 / (1 + rank by dense among candidates)
    "bm25_rank",  # 1 / (1 + rank by BM25 among candidates)
    "position",  # 1 / (1 + the sentence's index in its document): news leads carry key facts
    "headline",  # the sentence is the document's first line (a headline, not evidence itself)
    "dense_window",  # cosine(question, the sentence together with the one before it)
    "soft_lexical",  # IDF-weighted mean over the question's words of the best word-vector cosine
    # with a word of the sentence: "borrow" finds "loan" (embeddings.word_vectors)
    "soft_coverage",  # share of the question's words with a near word (cosine >= SOFT_MATCH) in the sentence
    "measure_missing",  # the question measures something (money, a share, a period, an age, an area, a
    # count of things: question.MEASURES) and the sentence holds no quantity of that kind
    "type_strong",  # a "who" question and a person marked as news writing marks one, a "when"
    # question and a calendar date, a "why" question and "because", "due to"... (question.has_strong_type)
    "role",  # a question about who leads, runs or owns something and a sentence naming such a
    # role: "chief executive", "led by", "owner"; or about the holder of a role it names ("Who is
    # the mayor of...?") and a sentence naming that role (question.has_role)
    "document_lexical",  # IDF-weighted share of the question's terms in the sentence's whole
    # document: in a pooled corpus the evidence sits in the document about what is asked, which
    # holds the question's words somewhere; within one document every sentence has the same value
    "quoted",  # share of the sentence's characters inside quotation marks: a quote says what someone
    # said, seldom the fact a question asks for ("How long is the tunnel?" is not answered by
    # '"But a tunnel is not automatically harmless," she said.')
    "previous_paragraph",  # for a follow-up, IDF-weighted share of the previous answer's terms in
    # the sentence's paragraph: what is asked next often sits beside what was said ("so when is he
    # allowed back in?" after an answer about a farmer who will not leave his cows); 0 otherwise
)
SOFT_MATCH = 0.6
# A paragraph, for `previous_paragraph`: the sentences on the sentence's line up to this many
# before and after it (news paragraphs hold 1-5; a text pasted as one line is not one paragraph)
PARAGRAPH_REACH = 10
# Stage two: the ranker's best RERANK sentences are read again with one more feature, the late
# interaction of the question's and the sentence's word-piece vectors (embeddings.Encoding; the
# sentences' are stored at ingest, the question's come from the pass that encodes it). 12: out of
# fold (eval/calibrate.py --dry-run), the mean overall score over 18 sets (session 16) was 73.79
# with 5, 74.16 with 8, 74.52 with 10, 74.50 with 12, 74.21 with 16 and 74.13 with 24; over 20
# sets (session 17, heldout14 and heldout15 added) 73.91 with 8, 74.20 with 10, 74.44 with 12,
# 74.25 with 14 and 73.93 with 16. 12 is at the top of both plateaus.
RERANK = 12
# The first LEAD sentences of a document the search finds (its headline and lead), among its first
# LEAD_REACH (past a byline or dateline), are candidates whatever their words
LEAD = 2
LEAD_REACH = 5
RERANK_FEATURES = FEATURES + ("late_interaction",)


def encode_question(question: str, context: str = "") -> tuple[np.ndarray, np.ndarray]:
    """The search vector of the question, with the conversation's `context` after it when there
    is one, and the question's word pieces for the late interaction, read alone. (Read in the
    conversation's context, which would save a follow-up its second forward pass, they put the
    evidence first one question less often on three sets out of fold.)"""
    encoded = embeddings.encode_pieces([question])
    vector = embeddings.encode([f"{question} {context}".strip()])[0] if context else encoded.vectors[0]
    return vector, encoded.pieces[0]


def late_interaction(question: np.ndarray, sentence: np.ndarray) -> float:
    """For each word piece of the question, its best cosine with a piece of the sentence, in
    the model's contextual vectors (`embeddings.Encoding.pieces`); the mean (ColBERT's MaxSim).
    Unlike one vector per sentence it keeps each asked word's own match ("owns" and "owner", "in
    charge" and "chief executive"), and unlike word vectors it reads each word in its sentence."""
    return float((question @ sentence.T).max(axis=1).mean()) if len(question) and len(sentence) else 0.0


def with_late(passages: list[Passage], values: list[float]) -> list[Passage]:
    """The passages with their `late_interaction` values added as the last feature
    (RERANK_FEATURES order); scores unchanged."""
    return [Passage(p.doc_id, p.sentence, p.score, p.features + (v,), p.text) for p, v in zip(passages, values)]


def rerank(
    passages: list[Passage], reranker: LinearModel, late: Callable[[list[Passage]], list[float]]
) -> list[Passage]:
    """Stage two over `passages` (best first): the first RERANK, with their `late_interaction`
    (`late` gives it for a list of passages) added to their features, in the reranker's order and
    with its log-odds; then the rest, in their order, their scores capped at the lowest of those."""
    head = passages[:RERANK]
    if not head:
        return passages
    head = with_late(head, late(head))
    scores = reranker.log_odds(np.asarray([p.features for p in head], dtype=np.float64))
    head = sorted(
        (Passage(p.doc_id, p.sentence, float(s), p.features, p.text) for p, s in zip(head, scores)),
        key=lambda p: -p.score,
    )
    floor = head[-1].score
    rest = [Passage(p.doc_id, p.sentence, min(p.score, floor), p.features, p.text) for p in passages[RERANK:]]
    return head + rest


@dataclass(frozen=True)
class Passage:
    """A candidate sentence with the evidence for it."""

    doc_id: str
    sentence: Sentence
    score: float  # the ranker's (or the reranker's) log-odds that this sentence holds the answer
    features: tuple[float, ...]  # in FEATURES order (RERANK_FEATURES for the reranked)
    text: str

    def feature(self, name: str) -> float:
        return self.features[RERANK_FEATURES.index(name)]


def neighbourhood(view: IndexView, doc_id: str, i: int) -> list[str]:
    """The document's title and its sentences from two before sentence `i` to one after (page
    furniture left out): the context a sentence's terms and names are looked up in."""
    entry = view.entries[doc_id]
    flags = view.furniture[doc_id]
    return [entry.doc.title] + [
        entry.doc.text[s.start : s.end] for s in entry.sentences[max(0, i - 2) : i + 2] if not flags[s.index]
    ]


def idf_weights(terms: list[str], keyword: KeywordIndex) -> list[tuple[str, float]]:
    """Each term with its IDF in `keyword` (computed once per question, used per candidate)."""
    return [(t, keyword.idf(t)) for t in terms]


def _word_idf(word: str, keyword: KeywordIndex) -> float:
    """A question word's weight in `soft_lexical`: the IDF of its stem (at least 0.1)."""
    stems = tokenize(word)
    return max(keyword.idf(stems[0]) if stems else 1.0, 0.1)


def coverage(weighted: list[tuple[str, float]], tokens: set[str]) -> float:
    """Share of the question's IDF mass whose terms occur in `tokens` (0..1)."""
    total = sum(w for _, w in weighted)
    hit = sum(w for t, w in weighted if t in tokens)
    return hit / total if total else 0.0


def _rrf(rankings: list[list[str]]) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, id_ in enumerate(ranking):
            fused[id_] = fused.get(id_, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def _ranks(values: list[float]) -> list[int]:
    """Rank of each value, 0 for the largest."""
    order = np.argsort(-np.asarray(values), kind="stable")
    ranks = [0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def _chunks_of(sentence_index: int, n_sentences: int) -> range:
    return chunks_containing(sentence_index, n_sentences, CHUNK_SIZE, CHUNK_OVERLAP)


@dataclass(frozen=True)
class _Asked:
    """What every candidate of one question is scored against (computed once per question)."""

    question: Question
    terms: list[str]
    weighted: list[tuple[str, float]]  # the question's terms with their IDF
    weighted_all: list[tuple[str, float]]  # ... and the conversation's
    names: tuple[str, ...]
    pairs: list[tuple[str, str]]  # adjacent term pairs
    best_dense: float  # among the candidates
    best_bm25: float  # ... (1.0 when none has a BM25 score)
    document_terms: dict[str, float]  # IDF-weighted share of the question's terms in each of the
    # candidates' documents
    previous: list[tuple[str, float]]  # the previous answer's terms with their IDF (follow-ups)


def soft_matches(question_words: tuple[str, ...], weights: np.ndarray, sentences: list[tuple[str, ...]]) -> list[tuple[float, float]]:
    """For each sentence (its content words): the `soft_lexical` and `soft_coverage` features.
    One matrix product for all sentences (question words x every word they hold), then each
    sentence's best match per question word by one `maximum.reduceat` over its columns."""
    found = [(0.0, 0.0)] * len(sentences)
    filled = [k for k, words in enumerate(sentences) if words]
    if not question_words or not filled:
        return found
    vocabulary = list(dict.fromkeys(w for k in filled for w in sentences[k]))
    column = {w: j for j, w in enumerate(vocabulary)}
    sims = embeddings.word_vectors(list(question_words)) @ embeddings.word_vectors(vocabulary).T
    columns = [column[w] for k in filled for w in sentences[k]]
    starts = np.cumsum([0] + [len(sentences[k]) for k in filled[:-1]])
    best = np.maximum.reduceat(sims[:, columns], starts, axis=1)  # question words x sentences
    lexical, near = weights @ best, (best >= SOFT_MATCH).mean(axis=0)
    for n, k in enumerate(filled):
        found[k] = (float(lexical[n]), float(near[n]))
    return found


_QUOTE_MARKS = "\"“”"


def quoted_share(text: str) -> float:
    """The share of the text's characters inside quotation marks. A quote may run over several
    sentences: one opened and not closed runs to the sentence's end, and a sentence whose first
    mark closes a quote was inside it from its start."""
    text = text.strip()
    inside, opened, first = 0, None, True
    for i, c in enumerate(text):
        if c not in _QUOTE_MARKS:
            continue
        # a straight mark opens after a space (or at the start) and closes after a word
        closes = c == "”" or (c == '"' and i > 0 and not text[i - 1].isspace() and text[i - 1] not in "([")
        if closes and opened is not None:
            inside += i - opened
            opened = None
        elif closes and first:
            inside += i  # the sentence goes on a quote opened before it
        elif not closes and opened is None:
            opened = i + 1
        first = False
    if opened is not None:
        inside += len(text) - opened
    return min(1.0, inside / len(text)) if text else 0.0


@dataclass(frozen=True)
class _SentenceFacts:
    """What a sentence brings to its features whatever the question: computed once, cached."""

    text: str
    tokens: frozenset[str]
    window_tokens: frozenset[str]  # of the title and the sentences from 2 before to 1 after
    near_text: str  # ... folded, to look names up in
    paragraph_tokens: frozenset[str]  # of the sentences on the sentence's line, up to PARAGRAPH_REACH away
    pairs: frozenset[tuple[str, str]]  # adjacent terms
    length: float  # log of the term count
    words: tuple[str, ...]  # content words (content_words), for the word-vector features
    chunks: tuple[str, ...]  # ids of the chunks holding the sentence
    headline: bool  # on the document's first line
    quoted: float  # share of its characters inside quotation marks

    @classmethod
    def of(cls, view: IndexView, doc_id: str, i: int) -> "_SentenceFacts":
        entry = view.entries[doc_id]
        sentence = entry.sentences[i]
        text = entry.doc.text[sentence.start : sentence.end]
        near = neighbourhood(view, doc_id, i)
        terms = token_tuple(text)
        return cls(
            text=text,
            tokens=token_set(text),
            window_tokens=frozenset().union(*(token_set(piece) for piece in near)),
            near_text=" ".join(fold(piece) for piece in near),
            paragraph_tokens=frozenset().union(*(
                token_set(entry.doc.text[s.start : s.end])
                for s in entry.sentences[max(0, i - PARAGRAPH_REACH) : i + PARAGRAPH_REACH + 1]
                if s.line == sentence.line
            )),
            pairs=frozenset(zip(terms, terms[1:])),
            length=math.log1p(len(terms)),
            words=content_words(text),
            chunks=tuple(chunk_id(doc_id, c) for c in _chunks_of(i, len(entry.sentences))),
            headline=sentence.line == entry.sentences[0].line,
            quoted=quoted_share(text),
        )


class Retriever:
    """Hybrid retriever: `run(question, top_k) -> list[Passage]`, best first.

    The question-independent facts of recently scored sentences are kept (`FACTS_CACHE` of them).

    `pool`: dense and BM25 sentence hits taken each; `chunk_pool`: fused chunks whose sentences
    join the candidates. 15 / 6 give the same answers, recall@5 and MRR on all three evaluation
    sets as 40 / 8 (`qa eval --all`), with ~45 instead of ~80 candidates to score: answer p50 at
    10,000 documents 19 -> 14 ms (docs/PERFORMANCE.md).
    """

    FACTS_CACHE = 10_000  # sentences; ~5.6 KB each (median at N = 1,000), ~56 MB when full

    def __init__(
        self,
        index: Index,
        pool: int = 15,
        chunk_pool: int = 6,
        ranker: LinearModel | None = None,
        reranker: LinearModel | None = None,
    ) -> None:
        if pool < 1 or chunk_pool < 1:
            raise ValueError("pool and chunk_pool must be >= 1")
        self.index = index
        self.pool = pool
        self.chunk_pool = chunk_pool
        self.ranker = ranker or load_calibration().ranker
        self.reranker = reranker or load_calibration().reranker  # None: one stage
        self._facts_cache: OrderedDict[tuple[str, str, int], _SentenceFacts] = OrderedDict()
        self._facts_lock = threading.Lock()

    def run(
        self, question: str, top_k: int = 8, context: str = "", view: IndexView | None = None, previous: str = ""
    ) -> list[Passage]:
        """Rank sentences for `question`; `context` (earlier turns) widens the search; `previous`
        (the answer before a follow-up) favours the paragraphs it came from.

        `view` pins the index snapshot (the answerer must read the same one); default: the current.
        """
        view = view if view is not None else self.index.view()
        if not view.entries:
            return []
        q = analyse(question)
        vector, pieces = encode_question(question, context)
        terms = list(topic_terms(q))
        extra = [t for t in tokenize(context) if t not in terms] if context else []
        names = q.names or tuple(dict.fromkeys(names_in(context)))  # who a follow-up's "she" is

        dense_s = self._dense(view, vector, self.pool)
        dense_c = self._dense_chunks(view, dense_s)
        sentence_bm25 = view.sentences.score(terms + extra)  # once: for the search and the features
        lex_s = dict(sentence_bm25.top(self.pool))
        lex_c = [id_ for id_, _ in view.chunks.search(terms + extra, self.chunk_pool)]
        fused_chunks = sorted(_rrf([list(dense_c), lex_c]).items(), key=lambda kv: -kv[1])

        candidates: dict[str, None] = dict.fromkeys(list(dense_s) + list(lex_s))
        found: dict[str, Entry] = {}  # the documents of the fused chunks
        for fused_id, _ in fused_chunks[: self.chunk_pool]:
            doc_id, c = split_id(fused_id)
            entry = view.entries.get(doc_id)
            if entry is not None:
                found[doc_id] = entry
                for s in entry.sentences[chunk_window(c, CHUNK_SIZE, CHUNK_OVERLAP)]:
                    candidates[sentence_id(doc_id, s.index)] = None
        for doc_id, entry in found.items():  # each one's headline and lead: news writing puts the
            # story's key facts there, in words of its own ("...crowned champions ... to win 88-81"
            # for "What was the final score in the championship game?")
            flags = view.furniture[doc_id]
            lead = [s for s in entry.sentences[:LEAD_REACH] if not flags[s.index]][:LEAD]
            candidates.update((sentence_id(doc_id, s.index), None) for s in lead)
        if q.asks_role:  # "Who heads the firm?" by "..., the company's chief executive": a role the
            # search may not reach from the question's words; looked for in the documents found
            self._add_roles(q, found, candidates)
        ids = [id_ for id_ in candidates if self._visible(view, id_)]
        if not ids:
            return []
        dense, window, chunk_scores = self._cosines(view, ids, dense_s, dense_c, vector)
        bm25 = sentence_bm25.of(ids)
        weighted = idf_weights(terms, view.sentences)
        doc_terms = {
            doc_id: coverage(weighted, token_set(view.entries[doc_id].doc.text))
            for doc_id in {split_id(id_)[0] for id_ in ids}
        }
        asked = _Asked(
            q, terms, weighted, weighted + idf_weights(extra, view.sentences), names,
            list(zip(terms, terms[1:])), max(dense.values(), default=0.0),
            max(bm25.values(), default=0.0) or 1.0, doc_terms,
            idf_weights(list(dict.fromkeys(tokenize(previous))), view.sentences) if previous else [],
        )
        dense_rank = dict(zip(ids, _ranks([dense.get(id_, 0.0) for id_ in ids])))
        bm25_rank = dict(zip(ids, _ranks([bm25.get(id_, 0.0) for id_ in ids])))
        facts = [self._facts(view, *split_id(id_)) for id_ in ids]
        q_words = content_words(question)
        q_weights = np.asarray([_word_idf(w, view.sentences) for w in q_words])
        soft = soft_matches(q_words, q_weights / q_weights.sum() if q_words else q_weights, [f.words for f in facts])
        features = [
            self._features(
                view, asked, id_, fact, dense.get(id_, 0.0), bm25.get(id_, 0.0), chunk_scores,
                dense_rank[id_], bm25_rank[id_], window.get(id_, 0.0), soft_values,
            )
            for id_, fact, soft_values in zip(ids, facts, soft)
        ]
        scores = self.ranker.log_odds(np.asarray([f for _, f in features], dtype=np.float64))
        passages = [
            Passage(doc_id, sentence, float(score), tuple(values), text)
            for ((doc_id, sentence, text), values), score in zip(features, scores)
        ]
        passages.sort(key=lambda p: -p.score)
        if self.reranker is not None:
            passages = rerank(passages, self.reranker, lambda head: self._late(view, pieces, head))
        return passages[:top_k]

    # -- steps --------------------------------------------------------------------------------

    @staticmethod
    def _add_roles(q: Question, documents: dict[str, Entry], candidates: dict[str, None]) -> None:
        """Add the sentences of `documents` that name a role of the kind `q` asks about."""
        for doc_id, entry in documents.items():
            for s in entry.sentences:
                if has_role(q, entry.doc.text[s.start : s.end]):
                    candidates[sentence_id(doc_id, s.index)] = None

    def _late(self, view: IndexView, question: np.ndarray, head: list[Passage]) -> list[float]:
        """`late_interaction` of the question's word pieces with each passage's stored ones."""
        stored = self.index.sentence_pieces(view, [(p.doc_id, p.sentence.index) for p in head])
        return [late_interaction(question, sentence) for sentence in stored]

    def _dense(self, view: IndexView, vector: np.ndarray, k: int) -> dict[str, float]:
        """The `k` nearest sentences in Chroma, those of documents the view holds.

        Hits only nominate candidates: the cosines that reach the ranker are recomputed from the
        view's own copy of the vectors (`_cosines`), so a hit on a document being re-ingested at
        this moment cannot mis-score it. Chroma's metadata is not read: ~1 ms less per query at
        170,000 sentences."""
        found: dict[str, float] = {}
        for hit in self.index.store.query(vector, k, metadata=False):
            doc_id, i = split_id(hit.id)
            entry = view.entries.get(doc_id)
            if entry is not None and i < len(entry.sentences):
                found[hit.id] = hit.score
        return found

    def _dense_chunks(self, view: IndexView, dense_s: dict[str, float]) -> dict[str, float]:
        """Chunks ranked by their best sentence among the dense sentence hits."""
        ranked: dict[str, float] = {}
        for id_, score in sorted(dense_s.items(), key=lambda kv: -kv[1]):
            doc_id, i = split_id(id_)
            for c in _chunks_of(i, len(view.entries[doc_id].sentences)):
                ranked.setdefault(chunk_id(doc_id, c), score)
            if len(ranked) >= self.chunk_pool:
                break
        return ranked

    def _cosines(
        self,
        view: IndexView,
        ids: list[str],
        known: dict[str, float],
        known_chunks: dict[str, float],
        vector: np.ndarray,
    ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """Cosines to the query from the candidates' stored sentence vectors (one catalog read):
        - of each sentence;
        - of each sentence joined with the one before it ("He said..." borrows its subject);
        - of every chunk holding a candidate: a chunk's vector is the normalised mean of its
          sentences' vectors, so its cosine is sum(cosines) / |sum(vectors)|.
        Where a document's vectors cannot be read, the nearest-neighbour scores stand in."""
        by_doc: dict[str, list[int]] = {}
        for id_ in ids:
            doc_id, i = split_id(id_)
            by_doc.setdefault(doc_id, []).append(i)
        stored = self.index.sentence_vectors(view, list(by_doc))
        dense: dict[str, float] = {}
        window: dict[str, float] = {}
        chunks: dict[str, float] = {}
        for doc_id, indexes in by_doc.items():
            vectors = stored.get(doc_id)
            n = len(view.entries[doc_id].sentences)
            if vectors is None or len(vectors) != n:
                for i in indexes:
                    id_ = sentence_id(doc_id, i)
                    dense[id_] = window[id_] = known.get(id_, 0.0)
                    for c in _chunks_of(i, n):
                        chunks.setdefault(chunk_id(doc_id, c), known_chunks.get(chunk_id(doc_id, c), 0.0))
                continue
            sims = vectors @ vector
            flags = view.furniture[doc_id]
            for i in indexes:
                id_ = sentence_id(doc_id, i)
                dense[id_] = window[id_] = float(sims[i])
                if i > 0 and not flags[i - 1]:
                    joined = vectors[i - 1] + vectors[i]
                    window[id_] = float(sims[i - 1] + sims[i]) / max(math.sqrt(float(joined @ joined)), 1e-12)
                for c in _chunks_of(i, n):
                    key = chunk_id(doc_id, c)
                    if key not in chunks:
                        span = chunk_window(c, CHUNK_SIZE, CHUNK_OVERLAP)
                        total = vectors[span].sum(axis=0)
                        chunks[key] = float(sims[span].sum()) / max(math.sqrt(float(total @ total)), 1e-12)
        return dense, window, chunks

    @staticmethod
    def _visible(view: IndexView, id_: str) -> bool:
        doc_id, i = split_id(id_)
        flags = view.furniture.get(doc_id)
        return flags is not None and i < len(flags) and not flags[i]

    def _facts(self, view: IndexView, doc_id: str, i: int) -> _SentenceFacts:
        entry = view.entries[doc_id]
        key = (doc_id, entry.doc.sha256, i)
        with self._facts_lock:
            found = self._facts_cache.get(key)
            if found is not None:
                self._facts_cache.move_to_end(key)
                return found
        found = _SentenceFacts.of(view, doc_id, i)
        with self._facts_lock:
            self._facts_cache[key] = found
            if len(self._facts_cache) > self.FACTS_CACHE:
                self._facts_cache.popitem(last=False)
        return found

    def _features(
        self,
        view: IndexView,
        asked: _Asked,
        id_: str,
        facts: _SentenceFacts,
        dense: float,
        bm25: float,
        chunk_scores: dict[str, float],
        dense_rank: int,
        bm25_rank: int,
        dense_window: float,
        soft: tuple[float, float],
    ) -> tuple[tuple[str, Sentence, str], list[float]]:
        doc_id, i = split_id(id_)
        q, pairs, names = asked.question, asked.pairs, asked.names
        tokens = facts.tokens
        has_type = has_answer_type(q.answer_type, facts.text, q) if q.answer_type else False
        values = [
            dense,
            max((chunk_scores.get(c, 0.0) for c in facts.chunks), default=0.0),
            dense - asked.best_dense,
            coverage(asked.weighted, tokens),
            coverage(asked.weighted_all, facts.window_tokens),
            bm25 / asked.best_bm25,
            sum(p in facts.pairs for p in pairs) / len(pairs) if pairs else 0.0,
            sum(mentions_name(facts.near_text, n) for n in names) / len(names)
            if names else 0.0,
            len(tokens.difference(asked.terms)) / len(tokens) if tokens else 0.0,
            1.0 if q.answer_type and has_type else 0.0,
            1.0 if q.answer_type and not has_type else 0.0,
            facts.length,
            1.0 / (1 + dense_rank),
            1.0 / (1 + bm25_rank),
            1.0 / (1 + i),
            1.0 if facts.headline else 0.0,
            dense_window,
            *soft,
            0.0 if has_measure(q, facts.text) else 1.0,
            1.0 if has_strong_type(q, facts.text) else 0.0,
            1.0 if has_role(q, facts.text) else 0.0,
            asked.document_terms[doc_id],
            facts.quoted,
            coverage(asked.previous, facts.paragraph_tokens) if asked.previous else 0.0,
        ]
        return (doc_id, view.entries[doc_id].sentences[i], facts.text), values
