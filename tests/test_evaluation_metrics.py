"""Metrics of the evaluation suite on small hand-made cases, including ones that must score zero."""

from __future__ import annotations

import pytest

from qa.evaluation.datasets import Item
from qa.evaluation.matching import contains, find_all, squad_contains, squad_normalize
from qa.evaluation.metrics import (
    Score,
    answer_correct,
    article_evidence,
    failure_reasons,
    holds,
    quote_faithful,
    score,
    squad_evidence,
    summarize,
    summarize_by_kind,
)
from qa.evaluation.systems import Cited, Prediction, Span

DOC = "harbour.txt"
TEXT = (
    "The Harbour Board approved a new ferry terminal on Tuesday.\n"
    "It will cost 48\u00a0million euros and open in 2029.\n"
    "Board chair Renée Dubois said the old pier was unsafe.\n"
    "Fishermen opposed the plan because of lost mooring space."
)
TEXTS = {DOC: TEXT}


def _span(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


def _cite(sub: str, quote: str | None = None) -> Cited:
    a, b = _span(sub)
    return Cited(DOC, a, b, TEXT[a:b] if quote is None else quote)


def _sentence(n: int) -> str:
    return TEXT.split("\n")[n]


COST = Item(
    id="q-cost", question="How much will it cost and when will it open?", history=(), answerable=True,
    kind="number", must=(("48 million", "48m"), ("2029",)), support=("cost 48 million euros",),
)
WHY = Item(
    id="q-why", question="Who opposed it and who chairs the board?", history=(), answerable=True, kind="list",
    must=(("fishermen",),), support=("Fishermen opposed the plan", "Board chair Renée Dubois"),
)
NONE = Item(id="q-none", question="How many ferries will run?", history=(), answerable=False, kind="unanswerable")


def _answer(*cited: Cited, text: str | None = None, latency: float = 0.1, retrieved: tuple[Span, ...] = ()) -> Prediction:
    body = text if text is not None else " ".join(f"{c.quote} [{i}]" for i, c in enumerate(cited, 1))
    return Prediction(body, False, tuple(cited), retrieved=retrieved or tuple(c.span for c in cited), latency=latency)


ABSTAIN = Prediction("The articles don't say anything that answers this.", True, latency=0.05)


def _score(item: Item, pred: Prediction) -> Score:
    evidence, missing = article_evidence(item, TEXTS)
    assert not missing
    return score(item, pred, evidence, TEXTS, squad=False)


# -- matching -------------------------------------------------------------------------------------

def test_find_all_ignores_case_accents_and_no_break_spaces_and_returns_original_offsets():
    spans = find_all("board chair renee dubois", TEXT)
    assert [TEXT[a:b] for a, b in spans] == ["Board chair Renée Dubois"]
    assert [TEXT[a:b] for a, b in find_all("48 million euros", TEXT)] == ["48\u00a0million euros"]


def test_find_all_of_a_string_that_is_not_there_is_empty():
    assert find_all("55 million", TEXT) == []
    assert find_all("   ", TEXT) == []


def test_contains_is_a_substring_test_that_an_empty_needle_fails():
    assert contains("Stéphane SÉJOURNÉ said", "sejourne")
    assert not contains("Stéphane said", "sejourne")
    assert not contains("anything", "")


def test_squad_normalisation_drops_case_punctuation_and_articles():
    assert squad_normalize("The  Red-Army, (1944)!") == "redarmy 1944"
    assert squad_contains("In 1944 the Red Army arrived.", "the Red Army")
    assert not squad_contains("Redarmy units", "army")  # whole words only


# -- evidence -------------------------------------------------------------------------------------

def test_article_evidence_has_one_group_per_support_string_and_lists_missing_ones():
    item = Item(id="x", question="?", history=(), answerable=True, kind="other", support=("Fishermen opposed", "not in the text"))
    evidence, missing = article_evidence(item, TEXTS)
    assert len(evidence) == 1 and missing == ["not in the text"]


def test_squad_evidence_is_the_sentence_holding_the_answer():
    (group,) = squad_evidence(DOC, TEXT, ["Renée Dubois"])
    assert [TEXT[s.start : s.end] for s in group] == [_sentence(2)]
    assert squad_evidence(DOC, TEXT, ["not there"]) == ()


def test_a_span_holds_evidence_when_it_covers_half_of_it_or_lies_inside_it():
    gold = Span(DOC, 100, 140)
    assert holds(Span(DOC, 90, 200), gold)
    assert holds(Span(DOC, 120, 200), gold)  # exactly half
    assert holds(Span(DOC, 110, 115), gold)  # a piece inside the evidence
    assert not holds(Span(DOC, 125, 200), gold)  # less than half
    assert not holds(Span(DOC, 0, 100), gold)  # touching is not overlapping
    assert not holds(Span("other.txt", 90, 200), gold)


# -- answers --------------------------------------------------------------------------------------

def test_answer_needs_one_alias_of_every_must_group():
    assert answer_correct(COST, "It will cost 48 MILLION euros and open in 2029 [1].", False)
    assert not answer_correct(COST, "It will cost 48 million euros [1].", False)  # 2029 missing
    assert not answer_correct(COST, "", False)


def test_squad_answer_needs_a_gold_answer_contained():
    item = Item(id="s", question="?", history=(), answerable=True, kind="other", answers=("Renée Dubois", "Dubois"))
    assert answer_correct(item, "Board chair Renee Dubois said so [1]", True)
    assert not answer_correct(item, "The Harbour Board approved it [1]", True)


def test_right_answer_with_citation_on_evidence_scores_full_marks():
    s = _score(COST, _answer(_cite(_sentence(1))))
    assert s.correct and s.correct_cited and s.covered
    assert s.citations_holding == 1 and s.quotes_faithful == s.quotes == 1
    assert failure_reasons(s) == []


def test_wrong_answer_scores_zero():
    m = summarize([_score(COST, _answer(_cite(_sentence(0))))])
    assert m.accuracy == 0.0 and m.answer_citation == 0.0 and m.has_ans == 0.0
    assert m.citation_precision == 0.0 and m.citation_recall == 0.0


def test_right_answer_whose_citation_misses_the_evidence_gets_no_answer_citation_credit():
    ranked = (Span(DOC, *_span(_sentence(1))),)
    pred = _answer(_cite(_sentence(0)), text="It will cost 48 million euros and open in 2029 [1].", retrieved=ranked)
    s = _score(COST, pred)
    assert s.correct and not s.correct_cited and s.citations_holding == 0 and s.covered is False
    assert failure_reasons(s) == ["right answer, citation misses the evidence"]


def test_abstaining_on_an_answerable_question_scores_zero_and_is_not_in_citation_metrics():
    m = summarize([_score(COST, ABSTAIN)])
    assert m.accuracy == 0.0 and m.answer_citation == 0.0 and m.has_ans == 0.0 and m.overall == 0.0
    assert m.citation_precision is None and m.citation_recall is None
    assert m.abstain_precision == 0.0 and m.abstain_recall is None
    assert m.words_mean is None


def test_without_known_evidence_answer_citation_needs_the_answer_in_a_quote():
    item = Item(id="x", question="?", history=(), answerable=True, kind="other", must=(("2029",),), support=("not in the text",))
    evidence, _ = article_evidence(item, TEXTS)
    assert evidence == ()
    assert score(item, _answer(_cite(_sentence(1))), evidence, TEXTS, squad=False).correct_cited
    off = _answer(_cite(_sentence(0)), text="It opens in 2029 [1].")
    assert not score(item, off, evidence, TEXTS, squad=False).correct_cited


# -- citations ------------------------------------------------------------------------------------

def test_citation_precision_is_the_share_of_citations_on_evidence():
    pred = _answer(_cite(_sentence(3)), _cite(_sentence(1)), text="Fishermen did [1] [2].")
    m = summarize([_score(WHY, pred)])
    assert m.citation_precision == 0.5


def test_citation_recall_needs_every_evidence_group_covered():
    half = _score(WHY, _answer(_cite(_sentence(3))))
    full = _score(WHY, _answer(_cite(_sentence(3)), _cite(_sentence(2))))
    assert half.correct and half.covered is False
    assert full.covered is True
    assert summarize([half, full]).citation_recall == 0.5


def test_quote_fidelity_counts_quotes_that_differ_from_the_source():
    good = _cite(_sentence(1))
    bad = _cite(_sentence(1), quote=_sentence(1).replace("48", "84"))
    assert quote_faithful(good, TEXTS) and not quote_faithful(bad, TEXTS)
    assert not quote_faithful(Cited(DOC, 0, len(TEXT) + 5, TEXT), TEXTS)
    assert not quote_faithful(Cited("missing.txt", 0, 3, "The"), TEXTS)
    m = summarize([_score(COST, _answer(good)), _score(COST, _answer(bad))])
    assert m.quote_fidelity == 0.5


def test_quotes_shown_with_an_abstention_are_checked_too():
    pred = Prediction("no", True, closest=(_cite(_sentence(0), quote="made up"),))
    s = _score(NONE, pred)
    assert s.quotes == 1 and s.quotes_faithful == 0
    assert "1 quote(s) differ from the source" in failure_reasons(s)


def test_squad_answer_citation_needs_the_answer_in_the_first_citation():
    item = Item(id="s", question="Who chairs?", history=(), answerable=True, kind="other", answers=("Renée Dubois",))
    evidence = squad_evidence(DOC, TEXT, item.answers)
    first_wrong = _answer(_cite(_sentence(0)), _cite(_sentence(2)))
    first_right = _answer(_cite(_sentence(2)), _cite(_sentence(0)))
    assert not score(item, first_wrong, evidence, TEXTS, squad=True).correct_cited
    assert score(item, first_right, evidence, TEXTS, squad=True).correct_cited


# -- abstention -----------------------------------------------------------------------------------

def test_abstention_precision_and_recall_and_squad_split():
    scores = [
        _score(NONE, ABSTAIN),  # right abstention
        _score(NONE, _answer(_cite(_sentence(0)))),  # answered the unanswerable
        _score(COST, ABSTAIN),  # abstained on the answerable
        _score(COST, _answer(_cite(_sentence(1)))),  # right
    ]
    m = summarize(scores)
    assert m.abstain_precision == 0.5 and m.abstain_recall == 0.5
    assert m.has_ans == 0.5 and m.no_ans == 0.5 and m.overall == 0.5
    assert failure_reasons(scores[1]) == ["answered an unanswerable question"]


def test_never_abstaining_has_zero_abstention_recall_and_no_precision():
    m = summarize([_score(NONE, _answer(_cite(_sentence(0))))])
    assert m.abstain_recall == 0.0 and m.abstain_precision is None and m.no_ans == 0.0


# -- retrieval, length, latency -------------------------------------------------------------------

def test_recall_at_k_and_mrr_read_the_rank_of_the_evidence():
    ranked = tuple(Span(DOC, *_span(_sentence(i))) for i in (0, 2, 1, 3))
    s = _score(COST, _answer(_cite(_sentence(1)), retrieved=ranked))
    assert s.rank == 3 and s.recall_at == {1: 0.0, 5: 1.0, 10: 1.0}
    assert summarize([s]).mrr == pytest.approx(1 / 3)


def test_evidence_missing_from_the_ranked_list_scores_zero():
    ranked = (Span(DOC, *_span(_sentence(0))),)
    s = _score(COST, _answer(_cite(_sentence(0)), retrieved=ranked))
    m = summarize([s])
    assert s.rank == 0 and m.mrr == 0.0 and m.recall_at[10] == 0.0
    assert "evidence not retrieved in the top 10" in failure_reasons(s)


def test_recall_at_k_counts_the_share_of_evidence_groups_found():
    ranked = (Span(DOC, *_span(_sentence(3))), Span(DOC, *_span(_sentence(0))))
    s = _score(WHY, _answer(_cite(_sentence(3)), retrieved=ranked))
    assert s.recall_at == {1: 0.5, 5: 0.5, 10: 0.5} and s.rank == 1


def test_words_ignore_citation_marks_and_latency_percentiles_are_in_ms():
    scores = [_score(COST, _answer(_cite(_sentence(1)), text="one two three [1]", latency=t)) for t in (0.1, 0.2, 0.3, 0.4, 1.0)]
    m = summarize(scores)
    assert m.words_mean == 3.0
    assert m.latency_p50_ms == pytest.approx(300.0)
    assert m.latency_p95_ms == pytest.approx(880.0)


def test_metrics_split_by_kind():
    by_kind = summarize_by_kind([_score(COST, ABSTAIN), _score(NONE, ABSTAIN)])
    assert set(by_kind) == {"number", "unanswerable"}
    assert by_kind["number"].overall == 0.0 and by_kind["unanswerable"].overall == 1.0
