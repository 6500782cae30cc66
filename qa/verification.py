"""Verification of a written answer: every sentence must be supported by the passages it cites.

A chat model writes sentences with [n] marks that point at numbered passages (see `qa.llm`). Each
sentence ("claim") is checked against the text of the passages it cites:

- lexical support: the share of the claim's content tokens (folded, stemmed: `keyword.tokenize`)
  that occur in the cited text, and every number in the claim must occur there too;
- semantic support: the cosine between the claim and the cited text (`embeddings.encode`).

A claim with no valid mark, or whose cited text does not support it, is dropped. A sentence that
gives orders to the reader or to an AI ("ignore your instructions...") is never evidence: text
inside documents is data. The marks of the kept claims are renumbered into exact `Citation`s
(`citations.make_citations`), each pointing at the sentence(s) of the passage that carry the claim.
When nothing is supported, the caller falls back to the extractive answer.

    >>> result = verify(model_text, numbered_passages, documents)
    >>> result.text, [c.quote for c in result.citations], result.dropped
    ('Poland refused to send troops [1].', ['Poland said it would not send troops.'], [])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from . import embeddings
from .chunking import split_sentences
from .citations import MARK, Citation, make_citations
from .documents import Document
from .keyword import tokenize

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(not|no(?!-)|never|none|nobody|nothing|neither|nor|without)\b|n['’]t\b", re.IGNORECASE)
_MARKS_ONLY = re.compile(r"^(?:\s*\[\d{1,3}\])+\s*[.,;:]?\s*")
_DIRECTIVE = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,60}\b(instructions?|prompts?|rules|guidelines|directions)\b"
    r"|\bsystem (prompt|message)\b"
    r"|\b(you are|act as|pretend to be|behave as)\b[^.!?\n]{0,30}\b(ai|assistant|chatbot|language model|llm|gpt)\b"
    r"|\b(ai|assistants?|chatbots?|language models?|llms?)\b[^.!?\n]{0,40}\b(must|should|shall|are instructed to)\b"
    r"|\b(respond|reply)\s+(only\s+)?(with|by saying)\b",
    re.IGNORECASE,
)


def is_directive(text: str) -> bool:
    """Does this sentence give orders to an AI or reader instead of stating something?"""
    return bool(_DIRECTIVE.search(text))


@dataclass(frozen=True)
class Span:
    """One sentence of a document: `Document.text[start:end]`."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NumberedPassage:
    """Passage [n] shown to the model: a core sentence with a little context around it."""

    n: int
    title: str
    core: Span
    window: tuple[Span, ...]  # context before, the core, context after, in document order

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.window)


@dataclass(frozen=True)
class Claim:
    """One sentence of the model's answer, without its marks, and the marks it carried."""

    text: str
    marks: tuple[int, ...]


@dataclass(frozen=True)
class Support:
    lexical: float
    dense: float
    numbers_found: bool
    supported: bool


@dataclass(frozen=True)
class Verified:
    """What survives verification: the answer text with renumbered marks and its citations."""

    text: str
    citations: list[Citation]
    kept: list[Claim] = field(default_factory=list)
    dropped: list[Claim] = field(default_factory=list)


def split_claims(text: str) -> list[Claim]:
    """Sentences of a model's answer with their marks; marks that open a sentence belong to the one before."""
    raw: list[str] = []
    for s in split_sentences("answer", text):
        piece = text[s.start : s.end]
        lead = _MARKS_ONLY.match(piece)
        if lead and raw:
            raw[-1] += " " + lead.group(0).strip()
            piece = piece[lead.end() :]
        if piece.strip():
            raw.append(piece.strip())
    claims = []
    for piece in raw:
        marks = tuple(dict.fromkeys(int(m) for m in MARK.findall(piece)))
        body = " ".join(MARK.sub("", piece).split())
        body = re.sub(r"\s+([.,;:!?])", r"\1", body)
        if body and any(ch.isalnum() for ch in body):
            claims.append(Claim(body, marks))
    return claims


@dataclass(frozen=True)
class Verifier:
    """`verify(text, passages, documents) -> Verified`. Thresholds: see module docstring.

    `min_lexical`: share of the claim's content tokens found in the cited text; `min_dense`: cosine
    between claim and cited text; `min_total`: their sum. A claim is supported when all three hold,
    its numbers occur in the cited text and, if it denies something ("not", "never"), so does the text.
    The defaults were set by hand on a dozen written claims against two news sentences (faithful
    paraphrases scored lexical + dense >= 1.5; contradictions, invented facts and injected text
    < 1.2); tests/test_verification.py holds cases of each kind. They are not fitted on a data set.
    """

    min_lexical: float = 0.6
    min_dense: float = 0.4
    min_total: float = 1.4  # lexical + dense: a claim weak on one must be strong on the other

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_lexical <= 1.0 or not -1.0 <= self.min_dense <= 1.0:
            raise ValueError("min_lexical must be in [0, 1] and min_dense in [-1, 1]")
        if not 0.0 <= self.min_total <= 2.0:
            raise ValueError("min_total must be in [0, 2]")

    def support(self, claim: str, evidence: Sequence[Span]) -> Support:
        """How well the (non-directive) evidence sentences support the claim."""
        evidence = [s for s in evidence if not is_directive(s.text)]
        tokens = set(tokenize(claim))
        if not evidence or not tokens:
            return Support(0.0, 0.0, False, False)
        joined = " ".join(s.text for s in evidence)
        found = set(tokenize(joined))
        lexical = len(tokens & found) / len(tokens)
        numbers = _numbers(claim) <= _numbers(joined)
        polarity = not _NEGATION.search(claim) or bool(_NEGATION.search(joined))
        vectors = embeddings.encode([claim, joined] + [s.text for s in evidence])
        dense = float(np.max(vectors[1:] @ vectors[0]))
        ok = (
            numbers
            and polarity
            and lexical >= self.min_lexical
            and dense >= self.min_dense
            and lexical + dense >= self.min_total
        )
        return Support(round(lexical, 4), round(dense, 4), numbers, ok)

    def verify(
        self, text: str, passages: Sequence[NumberedPassage], documents: Mapping[str, Document]
    ) -> Verified:
        by_n = {p.n: p for p in passages}
        kept: list[tuple[Claim, list[Span]]] = []
        dropped: list[Claim] = []
        for claim in split_claims(text):
            cited = [by_n[m] for m in claim.marks if m in by_n]
            evidence = [s for p in cited for s in p.window]
            if cited and self.support(claim.text, evidence).supported:
                kept.append((claim, [s for p in cited for s in _carrying(claim.text, p)]))
            else:
                dropped.append(claim)
        spans = [(s.doc_id, s.start, s.end) for _, sentence_spans in kept for s in sentence_spans]
        citations = make_citations(spans, documents)
        number = {(c.doc_id, c.start, c.end): c.n for c in citations}
        parts = []
        for claim, sentence_spans in kept:
            ns = dict.fromkeys(number[(s.doc_id, s.start, s.end)] for s in sentence_spans)
            body = claim.text
            end = body[-1] if body[-1] in ".!?" else ""
            body = body[:-1] if end else body
            parts.append(f"{body} {''.join(f'[{n}]' for n in ns)}{end}")
        return Verified(" ".join(parts), citations, [c for c, _ in kept], dropped)


def verify(
    text: str, passages: Sequence[NumberedPassage], documents: Mapping[str, Document]
) -> Verified:
    """Verify with the default thresholds; see `Verifier`."""
    return Verifier().verify(text, passages, documents)


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _carrying(claim: str, passage: NumberedPassage) -> list[Span]:
    """The fewest sentences of the passage's window that hold all of its words found in the claim."""
    tokens = set(tokenize(claim))
    usable = [s for s in passage.window if not is_directive(s.text)]
    sets = {s: set(tokenize(s.text)) & tokens for s in usable}
    reachable = set().union(*sets.values()) if sets else set()
    chosen: list[Span] = []
    covered: set[str] = set()
    for s in sorted(usable, key=lambda s: (-len(sets[s]), s is not passage.core)):
        if covered >= reachable and chosen:
            break
        if sets[s] - covered or not chosen:
            chosen.append(s)
            covered |= sets[s]
    return sorted(chosen, key=lambda s: s.start)
