"""The Assistant: ingest -> index -> retrieve -> answer -> cite, in one object.

    >>> bot = Assistant.open(corpus=Path("corpus"))      # builds or refreshes the index
    >>> answer = bot.ask("Which countries rejected the idea of sending troops?")
    >>> answer.text, answer.citations[0].quote
    >>> bot.ask("And which ones are more open to it?", history=[(q1, answer.text)])
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from .answering import Answer, ExtractiveAnswerer, join_answers
from .citations import strip_marks
from .index import Index, IndexView
from .ingest import SyncReport, copy_into_corpus, refuse_if_busy, sync_corpus
from .llm import LLMAnswerer, LLMError, load_config
from .question import DAYS, MONTHS, analyse, is_bare, names_in, parts
from .retrieval import Passage, Retriever

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
History = Sequence[tuple[str, str]]
FOLLOW_UP_NAMES = 3  # names of the previous answer that a follow-up's pronoun may mean
MODES = ("extractive", "llm")


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long)."""


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    source: str
    sentences: int
    characters: int


def default_index_dir(corpus: Path) -> Path:
    """`QA_INDEX_DIR`, else a hidden folder beside the corpus: corpus/ -> .qa-index/corpus."""
    env = os.environ.get("QA_INDEX_DIR")
    if env:
        return Path(env)
    corpus = corpus.resolve()
    return corpus.parent / ".qa-index" / corpus.name


def resolve_paths(index_dir: Path | str | None, corpus: Path | str | None) -> tuple[Path, Path]:
    """The index folder and the corpus folder: as given, else `QA_CORPUS_DIR` or ./corpus, and
    `default_index_dir` of that corpus."""
    corpus_path = Path(corpus or os.environ.get("QA_CORPUS_DIR") or "corpus")
    return (Path(index_dir) if index_dir else default_index_dir(corpus_path)), corpus_path


def _drop_invisible(text: str) -> str:
    """Control characters become spaces; lone surrogates and bidi/format controls go.

    Zero-width joiners (U+200C, U+200D) stay: some scripts and emoji need them.
    """
    out = []
    for ch in _CONTROL.sub(" ", text):
        category = unicodedata.category(ch)
        if category == "Cc":
            out.append(" ")
        elif category == "Cs" or (category == "Cf" and ch not in "\u200c\u200d"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def clean_question(question: str) -> str:
    """The question with control characters removed; QuestionError when empty or too long."""
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    if len(question) > 50 * MAX_QUESTION_CHARS:  # do not even scan a pasted book
        raise QuestionError(
            f"the question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}"
        )
    cleaned = " ".join(_drop_invisible(question).split())
    if not cleaned:
        raise QuestionError("the question is empty; type a question about the articles")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(cleaned):,} characters long; the limit is {MAX_QUESTION_CHARS:,}"
        )
    if not any(ch.isalnum() for ch in cleaned):
        raise QuestionError("the question has no words in it; type a question about the articles")
    return cleaned


_DAY_AND_MONTH_NAMES = frozenset(MONTHS[:12]) | frozenset(DAYS)  # not "Jan" (a name too)


def follow_up(question: str, history: History) -> tuple[str, str]:
    """What a follow-up needs from the conversation, else nothing: (context, previous answer).

    The context: "What did she say?" needs who "she" is, the first names the previous answer
    gave. "And which ones are more open to it?" (no one named) needs the previous question, and
    "By how much?" (question words alone) needs both. Only the reference travels, not the old
    topic, so the follow-up is not answered with the previous answer again. The previous answer
    (its marks removed): the retriever favours the paragraphs it came from."""
    asked = analyse(question)
    if not history or not asked.refers_back:
        return "", ""
    last_question, last_answer = history[-1]
    previous = strip_marks(last_answer)
    # who "she" is: named in the previous answer, or in the previous question when the answer names
    # someone else ("How much did she chip in?" after "Who is Fumiko Yasuda?" and an answer naming
    # only a place); never a day or a month ("At 4:10 a.m. on Tuesday")
    names = [n for n in dict.fromkeys(names_in(previous, folded=False)) if n.lower() not in _DAY_AND_MONTH_NAMES]
    if is_bare(asked):
        return " ".join([last_question, *names[:FOLLOW_UP_NAMES]]), previous
    if not names:  # "and what was it when the school closed?" after "what's the population now?"
        return last_question, previous
    names = list(dict.fromkeys(names + names_in(last_question, folded=False)))
    return " ".join(names[:FOLLOW_UP_NAMES]), previous


def conversation_context(question: str, history: History) -> str:
    """The context of `follow_up` alone (for systems that do not read the previous answer)."""
    return follow_up(question, history)[0]


class Assistant:
    """Question answering with citations over a folder of articles."""

    def __init__(
        self,
        index: Index,
        corpus: Path,
        retriever: Retriever,
        answerer: ExtractiveAnswerer,
        llm: LLMAnswerer | None = None,
    ) -> None:
        self.index = index
        self.corpus = corpus
        self.retriever = retriever
        self.answerer = answerer
        self.llm = llm  # optional: answers written by a chat model, verified (see qa.llm)

    @classmethod
    def open(
        cls,
        index_dir: Path | str | None = None,
        corpus: Path | str | None = None,
        *,
        chroma_url: str | None = None,
        sync: bool = True,
    ) -> "Assistant":
        """Open the index (creating it if needed); with `sync`, bring it in line with the corpus."""
        index_path, corpus_path = resolve_paths(index_dir, corpus)
        url = chroma_url or os.environ.get("QA_CHROMA_URL") or None
        if sync and corpus_path.is_dir():
            refuse_if_busy(index_path)  # before the stores open (see `refuse_if_busy`)
        index = Index.open(index_path, chroma_url=url)
        config = load_config()
        llm = LLMAnswerer(config=config) if config else None
        assistant = cls(index, corpus_path, Retriever(index), ExtractiveAnswerer(), llm)
        if sync and corpus_path.is_dir():
            assistant.sync()
        return assistant

    def sync(self) -> SyncReport:
        """Add, update and remove documents so the index matches the corpus folder."""
        return sync_corpus(self.index, self.corpus)

    def ingest(self, paths: Sequence[Path | str]) -> SyncReport:
        """Copy files into the corpus folder (if they are elsewhere) and index them."""
        copy_into_corpus([Path(p) for p in paths], self.corpus)
        return self.sync()

    def remove(self, doc_id: str) -> SyncReport:
        """Delete a document's file from the corpus and from the index."""
        path = (self.corpus / doc_id).resolve()
        if not path.is_relative_to(self.corpus.resolve()) or not path.is_file():
            raise FileNotFoundError(f"no document {doc_id!r} in the corpus")
        path.unlink()
        return self.sync()

    def documents(self) -> list[DocumentInfo]:
        return [
            DocumentInfo(e.doc.doc_id, e.doc.title, e.doc.source, len(e.sentences), len(e.doc.text))
            for e in self.index.view().entries.values()
        ]

    @property
    def llm_available(self) -> bool:
        """Is a chat model configured (see qa.llm)? Says nothing about whether it is reachable."""
        return self.llm is not None

    def ask(self, question: str, history: History = (), top_k: int = 8, mode: str = "extractive") -> Answer:
        """Answer from the articles only, citing exact spans; abstain when they do not say.

        `mode="llm"` has the configured chat model write the answer (verified; see `stream`).
        """
        if mode == "extractive":
            view = self.index.view()  # one snapshot for retrieval and answer: an ingest may move on
            return self._extractive(question, history, top_k, view)[1]
        final: Answer | None = None
        for item in self.stream(question, history, mode, top_k):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def _retrieve(
        self, question: str, history: History, top_k: int, view: IndexView, before: str = ""
    ) -> list[Passage]:
        """The ranked passages in `view`, using the conversation for follow-ups. `before`: the
        parts of the question before `question`, which say what it is about ("what's the price
        tag?" after "how many trucks are going driverless"); a part may be answered by the
        sentence that answered one before it. (Not for a part the articles are not about: read
        with the others, "what is the boiling point of mercury?" would look related.)"""
        context, previous = follow_up(question, history)
        if before:
            return self.retriever.run(question, top_k=top_k, context=context or before, view=view, previous=previous)
        passages = self.retriever.run(question, top_k=top_k, context=context, view=view, previous=previous)
        if context:  # a follow-up wants something new: not the sentences just quoted
            passages = [p for p in passages if p.text not in history[-1][1]] or passages
        return passages

    def _extractive(
        self, question: str, history: History, top_k: int, view: IndexView
    ) -> tuple[list[Passage], Answer]:
        """The extractive answer and the passages it drew on. A question that asks several things
        ("How did she vote, and what did she propose?") is answered part by part, each part a
        follow-up of the one before (so "When was she elected?" after "Who is the mayor?" knows
        who), and the parts' answers are joined with their citations renumbered."""
        question = clean_question(question)
        asked = parts(question)
        if len(asked) == 1:
            passages = self._retrieve(question, history, top_k, view)
            return passages, self.answerer.answer(question, passages, view)
        turns, answers, pooled = list(history), [], []
        for i, part in enumerate(asked):
            passages = self._retrieve(part, turns, top_k, view)
            if i and not self.answerer.unrelated(part, passages, view):  # read with the parts before
                passages = self._retrieve(part, turns, top_k, view, before=" ".join(asked[:i]))
            answer = self.answerer.answer(part, passages, view)
            answers.append(answer)
            pooled += [p for p in passages if p not in pooled]
            turns.append((part, answer.text))
        return sorted(pooled, key=lambda p: -p.score)[:top_k], join_answers(question, asked, answers, view)

    def stream(
        self, question: str, history: History = (), mode: str = "llm", top_k: int = 8
    ) -> Iterator[str | Answer]:
        """Yield the model's text as it is written, then the final `Answer` (always last).

        The final answer keeps only the sentences that the cited passages support, with exact
        citations; when none is supported, the model is unreachable or the extractive answerer
        abstains, it is the extractive answer. `mode="extractive"` yields that answer alone.
        """
        if mode not in MODES:
            raise ValueError(f"answer mode must be one of {', '.join(MODES)}, not {mode!r}")
        if mode == "llm" and self.llm is None:
            raise ValueError("no LLM is configured: set QA_LLM_PROVIDER and QA_LLM_MODEL (see qa/llm.py)")
        view = self.index.view()
        passages, extractive = self._extractive(question, history, top_k, view)
        question = extractive.question  # cleaned
        if mode == "extractive" or extractive.abstained or self.llm is None:
            yield extractive
            return
        try:
            yield from self.llm.stream(question, passages, view, extractive, history)
        except LLMError as error:
            log.warning("%s; showing the extractive answer", error)
            yield extractive
