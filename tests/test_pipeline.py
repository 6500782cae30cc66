"""The Assistant end to end: the acceptance question, follow-ups, ingest and remove."""

from pathlib import Path

import pytest

from qa import Assistant, QuestionError
from qa.pipeline import clean_question, conversation_context, default_index_dir, follow_up


def test_rejecting_countries_are_named_and_cited_exactly(bundled_assistant: Assistant):
    answer = bundled_assistant.ask("Which countries rejected the idea of sending troops to Ukraine?")
    assert not answer.abstained
    for country in ("Poland", "United States", "Germany", "Czech Republic", "Canada", "United Kingdom"):
        assert country in answer.text
    citation = answer.citations[0]
    text = Path(citation.source).read_text(encoding="utf-8")
    assert text[citation.start : citation.end] == citation.quote
    assert "publicly rejected" in citation.quote


def test_follow_up_continues_the_previous_question(bundled_assistant: Assistant):
    first = "Which countries rejected the idea of sending troops to Ukraine?"
    previous = bundled_assistant.ask(first)
    answer = bundled_assistant.ask("And which ones are more open to it?", history=[(first, previous.text)])
    assert "Baltic" in answer.text


@pytest.mark.parametrize("question", ["Which countries said no to sending troops?", "Which countries don't want to send troops?"])
def test_a_negated_question_is_answered_by_evidence_that_says_no_in_other_words(bundled_assistant: Assistant, question: str):
    answer = bundled_assistant.ask(question)  # "...several NATO countries publicly rejected the idea..."
    assert not answer.abstained
    assert "publicly rejected" in answer.citations[0].quote


def test_follow_up_resolves_he_from_the_previous_answer(bundled_assistant: Assistant):
    history = [("Who is the French prime minister?", "Gabriel Attal is the French Prime Minister [1].")]
    answer = bundled_assistant.ask("What did he say on Feb. 29?", history=history)
    assert "air defense" in answer.text


def test_context_is_only_used_for_follow_ups():
    history = [("Who leads?", "The leader is Kaja Kallas [1].")]
    assert conversation_context("Who is the foreign minister of France?", history) == ""
    assert conversation_context("What did she say?", history) == "Kaja Kallas"


def test_a_follow_up_with_no_one_named_carries_the_previous_question():
    history = [("Which countries rejected troops?", "Poland and others rejected them [1].")]
    assert conversation_context("And which ones are more open to it?", history) == "Which countries rejected troops?"


def test_a_follow_up_of_question_words_alone_carries_the_previous_question_and_who_it_named():
    history = [("Who is leading the tour overall?", "Eritrea's Helen Tesfay [1].")]
    assert conversation_context("By how much?", history) == "Who is leading the tour overall? Helen Tesfay"
    assert conversation_context("What did she say?", history) == "Helen Tesfay"


def test_she_may_be_who_the_previous_question_named_but_never_a_day():
    history = [("Who is Fumiko Yasuda?", "An 84-year-old regular who has bathed at Hinode-yu since 1965 [1].")]
    assert conversation_context("How much did she chip in?", history) == "Hinode-yu Fumiko Yasuda"
    history = [("When did the outage begin?", "At 4:10 a.m. on Tuesday 24 February [1].")]
    assert conversation_context("Which areas were hit?", history) == "When did the outage begin?"
    history = [("What's the population of Carrach now?", "141 people [1].")]  # no one named: the whole question
    assert conversation_context("and what was it when the school closed", history) == "What's the population of Carrach now?"


def test_a_follow_up_carries_the_answer_before_it_without_its_marks():
    history = [("Who leads?", "The leader is Kaja Kallas [1].")]
    context, previous = follow_up("What did she say?", history)
    assert context == "Kaja Kallas"
    assert previous.startswith("The leader is Kaja Kallas") and "[1]" not in previous
    assert follow_up("Who is the foreign minister of France?", history) == ("", "")
    assert follow_up("What did she say?", []) == ("", "")


@pytest.mark.parametrize("bad", ["", "   ", "?!?", "x" * 100_000])
def test_bad_questions_raise_a_clear_error(bad: str):
    with pytest.raises(QuestionError):
        clean_question(bad)


def test_ingest_copies_into_the_corpus_and_remove_deletes(tmp_path: Path, corpus: Path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# Lighthouse restored\n\nThe lighthouse at Skarvik was repainted red in May.\n", encoding="utf-8")
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=corpus)
    report = bot.ingest([outside])
    assert report.added == ["elsewhere.md"] and (corpus / "elsewhere.md").is_file()
    assert [d.doc_id for d in bot.documents()] == ["elsewhere.md"]
    assert "red" in bot.ask("What colour was the lighthouse painted?").text
    bot.remove("elsewhere.md")
    assert bot.documents() == [] and not (corpus / "elsewhere.md").exists()


def test_remove_refuses_paths_outside_the_corpus(tmp_path: Path, corpus: Path):
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=corpus)
    with pytest.raises(FileNotFoundError):
        bot.remove("../index/catalog.sqlite")


def test_default_index_is_beside_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("QA_INDEX_DIR", raising=False)
    assert default_index_dir(tmp_path / "corpus") == tmp_path / ".qa-index" / "corpus"
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "elsewhere"))
    assert default_index_dir(tmp_path / "corpus") == tmp_path / "elsewhere"


def test_a_part_of_a_question_is_read_with_the_parts_before_it(tmp_path: Path):
    # "what is the price tag?" alone would take the stadium's; after the buses it is theirs
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "city.txt").write_text(
        "City budget approved\n\n"
        "The council approved the city's budget for next year on Tuesday.\n"
        "The city will buy 40 electric buses from a Polish maker, at a cost of $30 million.\n"
        "The mayor said the buses would arrive in 2027.\n\n"
        "Libraries will open on Sundays from March. Street lights will be switched to LED lamps.\n\n"
        "Separately, a new football stadium on the river will cost $500 million, paid for by the club.\n",
        encoding="utf-8",
    )
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=tmp_path / "corpus")
    answer = bot.ask("How many electric buses will the city buy, and what is the price tag?")
    assert [c.quote for c in answer.citations] == [
        "The city will buy 40 electric buses from a Polish maker, at a cost of $30 million."
    ]
