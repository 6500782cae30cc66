"""qa.suggest: starter questions come from the corpus and are kept only when answered."""

from __future__ import annotations

from pathlib import Path

from qa import suggest

PORT_STORY = (
    "Harbour authority expands container terminal\n\n"
    "The harbour authority of Valmora approved a new container terminal on Tuesday. "
    "Harbour Director Ines Carvalho said the terminal would double capacity by 2027. "
    "Local fishermen opposed the plan, fearing the loss of mooring space.\n\n"
    '"We will keep a berth for every boat," Carvalho said.\n\n'
    "Mayor Tomas Eriksen welcomed the decision. The Green Party of Valmora called for a review. "
    "The Green Party of Valmora will hold a meeting next week."
)


def test_quoted_people_become_what_did_they_say_questions_with_their_topic():
    assert "What did Ines Carvalho say about the terminal?" in suggest.candidate_questions([("t", PORT_STORY)])
    assert "What did Ann Lee say?" in suggest.candidate_questions([("t", '"No," Ann Lee said.')])


def test_actions_become_who_did_it_questions():
    assert suggest.actions("Mayor Tomas Eriksen welcomed the decision on Monday.") == ["Who welcomed the decision?"]
    assert suggest.actions("the mayor welcomed the decision.") == []


def test_a_lone_surname_is_resolved_to_the_full_name():
    questions = suggest.candidate_questions([("t", PORT_STORY)])
    assert not any(q.startswith("What did Carvalho say") for q in questions)
    assert sum(q.startswith("What did Ines Carvalho say") for q in questions) == 1


def test_people_with_job_titles_become_who_is_questions():
    assert "Who is Tomas Eriksen?" in suggest.candidate_questions([("t", PORT_STORY)])


def test_other_frequent_names_become_about_questions():
    assert "What do the articles say about Green Party?" in suggest.candidate_questions([("t", PORT_STORY)])


def test_kinds_are_interleaved_so_starters_vary():
    questions = suggest.candidate_questions([("t", PORT_STORY)], limit=4)
    assert questions[0].startswith("What did") and questions[1].startswith("Who ")
    assert questions[2].startswith("Who is") and questions[3].startswith("What do the articles say about")


def test_no_markup_from_a_document_reaches_a_question():
    hostile = 'Minister <b onclick="x">Ann Lee</b> said <script>alert(1)</script> Ann Lee said no. Ann <img src=x> said.'
    for question in suggest.candidate_questions([("t", hostile)]):
        assert not set(question) & set("<>\"=&")


def test_text_without_names_gives_no_questions():
    assert suggest.candidate_questions([("t", "it rained all day and nobody came.")]) == []


def test_starters_keep_only_answered_questions_and_stop_at_count():
    asked: list[str] = []

    def answers(question: str) -> bool:
        asked.append(question)
        return "Eriksen" not in question

    starters = suggest.starter_questions([("t", PORT_STORY)], answers, count=2)
    assert len(starters) == 2 and all("Eriksen" not in q for q in starters)
    assert len(asked) <= 3


def test_a_failing_candidate_is_skipped_not_raised():
    def answers(question: str) -> bool:
        if "Carvalho" in question:
            raise RuntimeError("boom")
        return True

    assert all("Carvalho" not in q for q in suggest.starter_questions([("t", PORT_STORY)], answers))


def test_starters_from_a_real_index_are_answered(corpus: Path, tmp_path: Path):
    """Real model and Chroma: every starter the assistant offers gets an answer, not an abstention."""
    from qa import Assistant

    (corpus / "harbour.txt").write_text(PORT_STORY, encoding="utf-8")
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=corpus)
    docs = [(e.doc.title, e.doc.text) for e in bot.index.view().entries.values()]
    starters = suggest.starter_questions(docs, lambda q: not bot.ask(q).abstained)
    assert starters
    for question in starters:
        answer = bot.ask(question)
        assert not answer.abstained and answer.citations
