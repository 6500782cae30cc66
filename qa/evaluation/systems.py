"""What a system under evaluation returns, and the project itself as one such system.

Every system (the project, each baseline) answers an `Item` with a `Prediction`: its answer text,
whether it abstained, the spans it cites (with their quotes, to be checked against the source),
the spans it retrieved, best first (for recall@k and MRR), and how long the answer took.

    >>> system = ProjectSystem(Assistant.open(index_dir=tmp, corpus=corpus))
    >>> pred = system.predict(item)
    >>> pred.abstained, pred.citations[0].quote
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from .datasets import Item

RETRIEVE_K = 10  # depth of the ranked list that recall@k and MRR read


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Cited:
    """A cited span with the quote the system showed for it."""

    doc_id: str
    start: int
    end: int
    quote: str

    @property
    def span(self) -> Span:
        return Span(self.doc_id, self.start, self.end)


@dataclass(frozen=True)
class Prediction:
    text: str
    abstained: bool
    citations: tuple[Cited, ...] = ()
    closest: tuple[Cited, ...] = ()  # passages shown with an abstention (their quotes are checked too)
    retrieved: tuple[Span, ...] = ()  # best first
    latency: float = 0.0  # seconds to produce the answer
    error: str = ""


class System(Protocol):
    name: str

    def predict(self, item: Item) -> Prediction:
        """Answer one question (with its history) over the whole corpus."""
        ...


def _cited(citations: list) -> tuple[Cited, ...]:  # type: ignore[type-arg]
    return tuple(Cited(c.doc_id, c.start, c.end, c.quote) for c in citations)


@dataclass
class ProjectSystem:
    """The real pipeline: `Assistant.ask` for the answer, `Retriever.run` for the ranked list."""

    assistant: object  # qa.Assistant (kept loose so importing this module stays light)
    name: str = "project"
    top_k: int = RETRIEVE_K

    def predict(self, item: Item) -> Prediction:
        from ..pipeline import QuestionError, clean_question, conversation_context

        bot = self.assistant
        history = list(item.history)
        try:
            started = time.perf_counter()
            answer = bot.ask(item.question, history=history)  # type: ignore[attr-defined]
            latency = time.perf_counter() - started
            question = clean_question(item.question)
        except QuestionError as error:
            return Prediction("", True, error=str(error))
        context = conversation_context(question, history)
        passages = bot.retriever.run(question, top_k=self.top_k, context=context)  # type: ignore[attr-defined]
        return Prediction(
            text=answer.text,
            abstained=answer.abstained,
            citations=_cited(answer.citations),
            closest=_cited(answer.closest),
            retrieved=tuple(Span(p.doc_id, p.sentence.start, p.sentence.end) for p in passages),
            latency=latency,
        )
