"""Scoring: one `Prediction` against one `Item` -> `Score`; many scores -> `Metrics`.

Gold evidence is a list of groups of alternative spans (`Evidence`): every group must be covered,
any span of a group covers it. Article-style: one group per `support` string (its occurrences,
found case-, accent- and whitespace-insensitively). Squad-style: one group, the sentences of the
question's own document that contain a gold answer.

A span (retrieved or cited) *holds* a gold span when they share at least half of the gold span, or
when it lies wholly inside the gold span.

Metrics (answerable questions unless said otherwise):
- accuracy: article: every `must` group has an alias in the answer (case/accent-insensitive
  substring); squad: a gold answer is contained in the answer (SQuAD normalisation).
- answer+citation: accurate AND a citation holds gold evidence (squad: a gold answer is inside the
  FIRST citation's quote).
- citation precision (ALCE): share of citations, over answered questions, that hold gold evidence;
  citation recall: share of answered questions whose citations cover every evidence group.
- quote fidelity: share of all quotes shown (citations and closest passages, every question) equal to
  the source text at their offsets.
- abstention precision/recall; SQuAD 2.0 HasAns (accuracy) / NoAns (abstained) / overall.
- recall@k, MRR@10 of gold evidence in the ranked list; words per answer; latency p50/p95.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np

from ..chunking import split_sentences
from ..citations import strip_marks
from .datasets import Item
from .matching import contains, find_all, overlap, squad_contains
from .systems import RETRIEVE_K, Cited, Prediction, Span

Evidence = tuple[tuple[Span, ...], ...]
RECALL_AT = (1, 5, 10)


# -- gold evidence --------------------------------------------------------------------------------

def article_evidence(item: Item, texts: Mapping[str, str]) -> tuple[Evidence, list[str]]:
    """One group per support string (its occurrences); also the support strings found nowhere."""
    docs = {item.doc_id: texts[item.doc_id]} if item.doc_id in texts else texts
    groups: list[tuple[Span, ...]] = []
    missing: list[str] = []
    for support in item.support:
        spans = tuple(Span(d, a, b) for d, text in docs.items() for a, b in find_all(support, text))
        if spans:
            groups.append(spans)
        else:
            missing.append(support)
    return tuple(groups), missing


def squad_evidence(doc_id: str, text: str, answers: Iterable[str]) -> Evidence:
    """One group: the sentences (from the project's segmenter) holding a gold answer."""
    sentences = split_sentences(doc_id, text)
    spans: dict[Span, None] = {}
    for answer in answers:
        for a, b in find_all(answer, text):
            first = next((s for s in sentences if s.start <= a < s.end), None)
            last = next((s for s in sentences if s.start < b <= s.end), None)
            if first and last:
                spans[Span(doc_id, first.start, last.end)] = None
            else:  # the answer sits between sentences (whitespace): keep the answer span itself
                spans[Span(doc_id, a, b)] = None
    return (tuple(spans),) if spans else ()


def holds(unit: Span, gold: Span) -> bool:
    """Does a retrieved or cited span hold (enough of) a gold evidence span?"""
    if unit.doc_id != gold.doc_id:
        return False
    shared = overlap((unit.start, unit.end), (gold.start, gold.end))
    if shared <= 0:
        return False
    return shared * 2 >= gold.end - gold.start or shared == unit.end - unit.start


def held_groups(units: Iterable[Span], evidence: Evidence) -> set[int]:
    """Indices of the evidence groups that some unit holds."""
    units = list(units)
    return {i for i, group in enumerate(evidence) if any(holds(u, g) for u in units for g in group)}


# -- one question ---------------------------------------------------------------------------------

def answer_correct(item: Item, text: str, schema_squad: bool) -> bool:
    """Is the answer text right? (Never for an empty text.)"""
    text = strip_marks(text)
    if not text.strip():
        return False
    if schema_squad:
        return any(squad_contains(text, a) for a in item.answers)
    if item.must:
        return all(any(contains(text, alias) for alias in group) for group in item.must)
    return bool(item.support) and any(contains(text, s) for s in item.support)


def quote_faithful(cited: Cited, texts: Mapping[str, str]) -> bool:
    text = texts.get(cited.doc_id)
    return text is not None and 0 <= cited.start < cited.end <= len(text) and text[cited.start : cited.end] == cited.quote


@dataclass(frozen=True)
class Score:
    """How one prediction did on one item. `None` means "does not apply"."""

    id: str
    kind: str
    answerable: bool
    abstained: bool
    correct: bool | None  # answerable only
    correct_cited: bool | None  # answerable only
    squad_correct: bool  # HasAns: correct; NoAns: abstained
    citations: int
    citations_holding: int | None  # answerable, answered, evidence known
    covered: bool | None  # citation recall: every evidence group held by a citation
    quotes: int
    quotes_faithful: int
    rank: int | None  # 1-based rank of the first retrieved unit holding evidence; 0 = not in list
    recall_at: dict[int, float] | None
    words: int | None  # answered questions only
    latency: float
    error: str = ""


def score(item: Item, pred: Prediction, evidence: Evidence, texts: Mapping[str, str], squad: bool) -> Score:
    """Score one prediction. `evidence` is the item's gold evidence (may be empty: unknown)."""
    answered = not pred.abstained and not pred.error
    correct = correct_cited = None
    holding = covered = None
    rank: int | None = None
    recall_at: dict[int, float] | None = None
    if item.answerable:
        correct = answered and answer_correct(item, pred.text, squad)
        if squad:
            first = pred.citations[0].quote if pred.citations else ""
            correct_cited = bool(correct) and any(squad_contains(first, a) for a in item.answers)
        elif evidence:
            correct_cited = bool(correct) and bool(held_groups((c.span for c in pred.citations), evidence))
        else:  # the support strings are not in the corpus: a cited quote must hold the answer itself
            correct_cited = bool(correct) and any(answer_correct(item, c.quote, False) for c in pred.citations)
        if evidence and answered:
            holding = sum(1 for c in pred.citations if held_groups([c.span], evidence))
            covered = len(held_groups((c.span for c in pred.citations), evidence)) == len(evidence)
        if evidence and not pred.error:
            ranks = [i for i, unit in enumerate(pred.retrieved[:RETRIEVE_K], 1) if held_groups([unit], evidence)]
            rank = ranks[0] if ranks else 0
            recall_at = {
                k: len(held_groups(pred.retrieved[:k], evidence)) / len(evidence) for k in RECALL_AT
            }
    shown = pred.citations + pred.closest
    return Score(
        id=item.id,
        kind=item.kind,
        answerable=item.answerable,
        abstained=not answered,
        correct=correct,
        correct_cited=correct_cited,
        squad_correct=bool(correct) if item.answerable else not answered,
        citations=len(pred.citations),
        citations_holding=holding,
        covered=covered,
        quotes=len(shown),
        quotes_faithful=sum(1 for c in shown if quote_faithful(c, texts)),
        rank=rank,
        recall_at=recall_at,
        words=len(strip_marks(pred.text).split()) if answered else None,
        latency=pred.latency,
        error=pred.error,
    )


# -- many questions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metrics:
    """Aggregates over a set of scores; a metric with nothing to measure is None."""

    n: int
    answerable: int
    unanswerable: int
    accuracy: float | None
    answer_citation: float | None
    citation_precision: float | None
    citation_recall: float | None
    quote_fidelity: float | None
    abstain_precision: float | None
    abstain_recall: float | None
    has_ans: float | None
    no_ans: float | None
    overall: float | None
    recall_at: dict[int, float | None] = field(default_factory=dict)
    mrr: float | None = None
    words_mean: float | None = None
    words_median: float | None = None
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    errors: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["recall_at"] = {str(k): v for k, v in self.recall_at.items()}
        return data


def _mean(values: list[float]) -> float | None:
    return float(sum(values) / len(values)) if values else None


def _ratio(hit: int, total: int) -> float | None:
    return hit / total if total else None


def summarize(scores: list[Score]) -> Metrics:
    """Aggregate metrics over `scores` (see the module docstring for each definition)."""
    has = [s for s in scores if s.answerable]
    no = [s for s in scores if not s.answerable]
    answered_has = [s for s in has if not s.abstained]
    with_holding = [s for s in answered_has if s.citations_holding is not None]
    abstained = [s for s in scores if s.abstained]
    ranked = [s for s in has if s.rank is not None]
    words = [s.words for s in scores if s.words is not None]
    latencies = np.array([s.latency for s in scores if not s.error], dtype=float) * 1000.0
    quotes = sum(s.quotes for s in scores)
    return Metrics(
        n=len(scores),
        answerable=len(has),
        unanswerable=len(no),
        accuracy=_mean([float(bool(s.correct)) for s in has]),
        answer_citation=_mean([float(bool(s.correct_cited)) for s in has]),
        citation_precision=_ratio(sum(s.citations_holding or 0 for s in with_holding), sum(s.citations for s in with_holding)),
        citation_recall=_mean([float(bool(s.covered)) for s in with_holding]),
        quote_fidelity=_ratio(sum(s.quotes_faithful for s in scores), quotes),
        abstain_precision=_ratio(sum(1 for s in abstained if not s.answerable), len(abstained)),
        abstain_recall=_ratio(sum(1 for s in no if s.abstained), len(no)),
        has_ans=_mean([float(s.squad_correct) for s in has]),
        no_ans=_mean([float(s.squad_correct) for s in no]),
        overall=_mean([float(s.squad_correct) for s in scores]),
        recall_at={k: _mean([s.recall_at[k] for s in ranked if s.recall_at]) for k in RECALL_AT},
        mrr=_mean([1.0 / s.rank if s.rank else 0.0 for s in ranked]),
        words_mean=_mean([float(w) for w in words]),
        words_median=float(np.median(words)) if words else None,
        latency_p50_ms=float(np.percentile(latencies, 50)) if latencies.size else None,
        latency_p95_ms=float(np.percentile(latencies, 95)) if latencies.size else None,
        errors=sum(1 for s in scores if s.error),
    )


def summarize_by_kind(scores: list[Score]) -> dict[str, Metrics]:
    kinds = sorted({s.kind for s in scores})
    return {kind: summarize([s for s in scores if s.kind == kind]) for kind in kinds}


def failure_reasons(score_: Score) -> list[str]:
    """Why a question counts as a failure (empty list: it passed)."""
    reasons: list[str] = []
    if score_.error:
        reasons.append(f"error: {score_.error}")
    if score_.answerable:
        if score_.abstained:
            reasons.append("abstained on an answerable question")
        elif not score_.correct:
            reasons.append("wrong answer")
        elif not score_.correct_cited:
            reasons.append("right answer, citation misses the evidence")
        if score_.rank == 0:
            reasons.append("evidence not retrieved in the top 10")
    elif not score_.abstained:
        reasons.append("answered an unanswerable question")
    if score_.quotes_faithful < score_.quotes:
        reasons.append(f"{score_.quotes - score_.quotes_faithful} quote(s) differ from the source")
    return reasons
