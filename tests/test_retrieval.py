"""Hybrid retrieval on a small corpus written here (real model, real Chroma)."""

from pathlib import Path

import numpy as np
import pytest

from qa import Assistant, embeddings
from qa.calibration import LinearModel
from qa.chunking import Sentence, chunk_window, sentence_id
from qa.ingest import CHUNK_OVERLAP, CHUNK_SIZE
from qa.retrieval import (
    FEATURES, PARAGRAPH_REACH, RERANK, RERANK_FEATURES, SOFT_MATCH, Passage, Retriever, _chunks_of, encode_question,
    late_interaction, quoted_share, rerank, soft_matches,
)

HARBOUR = """Port of Valmora to build a new ferry terminal

The port authority of Valmora said on Monday it will build a ferry terminal on the north pier.
The terminal will cost 48 million euros and open in 2028.
Harbour master Ilse Brandt said the old terminal floods every winter.
She added that the new building will stand two metres higher.

Subscribe to our newsletter for more harbour news.
"""

BAKERY = """Bakery wins regional bread prize

A family bakery in the village of Oskarsund won the regional sourdough prize on Saturday.
The judges praised its rye loaf, which is baked in a wood-fired oven.
Owner Mats Lind said the recipe came from his grandmother.
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    base = tmp_path_factory.mktemp("retrieval")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (corpus / "bakery.md").write_text(BAKERY, encoding="utf-8")
    return Assistant.open(index_dir=base / "index", corpus=corpus)


def sentence_text(bot: Assistant, passage) -> str:
    doc = bot.index.view().entries[passage.doc_id].doc
    return doc.text[passage.sentence.start : passage.sentence.end]


def test_best_sentence_answers_a_paraphrased_question(bot: Assistant):
    best = bot.retriever.run("How much will the new ferry building cost?", top_k=3)[0]
    assert "48 million euros" in best.text
    assert sentence_text(bot, best) == best.text


def test_results_come_from_the_right_document(bot: Assistant):
    best = bot.retriever.run("Which bread did the judges like?", top_k=3)[0]
    assert best.doc_id == "bakery.md" and "rye loaf" in best.text


def test_a_sentence_s_document_is_scored_by_the_question_words_it_holds_anywhere(bot: Assistant):
    # "pier", "terminal" and "winter" are all in the harbour story, none in the bakery's (whose
    # sentences are candidates too in so small a corpus)
    passages = bot.retriever.run("Which pier will get the terminal this winter?", top_k=50)
    shares = {p.doc_id: p.feature("document_lexical") for p in passages}
    assert shares["harbour.txt"] > 0.5  # all but "get"
    assert shares["bakery.md"] == 0.0


def test_unaccented_keyword_search_reaches_the_sentence(bot: Assistant):
    best = bot.retriever.run("oskarsund", top_k=1)[0]
    assert "Oskarsund" in best.text


def test_furniture_is_never_returned(bot: Assistant):
    passages = bot.retriever.run("newsletter subscribe harbour news", top_k=50)
    assert passages and all("newsletter" not in p.text for p in passages)


def test_passages_are_sorted_and_carry_every_feature(bot: Assistant):
    passages = bot.retriever.run("Who is the harbour master?", top_k=5)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert all(len(p.features) == len(RERANK_FEATURES) for p in passages[:RERANK])  # see below


def test_context_from_the_conversation_changes_the_ranking(bot: Assistant):
    alone = bot.retriever.run("What did she say?", top_k=1)[0]
    with_context = bot.retriever.run("What did she say?", top_k=1, context="Who is harbour master Ilse Brandt")[0]
    assert with_context.doc_id == "harbour.txt"
    assert "Brandt" in with_context.text or with_context.text.startswith("She")
    assert alone.score != with_context.score


def test_a_follow_up_favours_the_paragraph_of_the_answer_before_it(tmp_path: Path):
    text = (
        "Goat farmers stay near the flooded river\n\n"
        "Police ordered 900 people to leave the valley on Monday. Buses took them to schools in the city.\n\n"
        "A goat farmer, Ana Pereira, refused to leave her 60 goats. "
        "Farmers will be let back in between 7 a.m. and noon to feed them.\n\n"
        "Tourists were let back into the city museum on Sunday after a week.\n"
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "volcano.txt").write_text(text, encoding="utf-8")
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=corpus)
    index = FEATURES.index("previous_paragraph")
    question = "So when is she let back in?"
    previous = "Ana Pereira refused to leave her 60 goats."
    by_text = {p.text: p.features[index] for p in bot.retriever.run(question, top_k=50, previous=previous)}
    assert by_text["Farmers will be let back in between 7 a.m. and noon to feed them."] > 0.5
    assert by_text["Tourists were let back into the city museum on Sunday after a week."] == 0.0
    # not a follow-up: no paragraph is favoured
    assert all(p.features[index] == 0.0 for p in bot.retriever.run(question, top_k=50))


def test_a_text_pasted_as_one_line_is_not_one_paragraph(tmp_path: Path):
    fillers = [f"The committee met for session number {i} in the town hall." for i in range(1, 30)]
    text = "Long minutes\n\nThe mayor praised the lighthouse keeper. " + " ".join(fillers) + "\n"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "minutes.txt").write_text(text, encoding="utf-8")
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=corpus)
    index = FEATURES.index("previous_paragraph")
    passages = bot.retriever.run("And what did the committee do then?", top_k=50, previous="the lighthouse keeper")
    first = next(p.sentence.index for p in passages if "lighthouse" in p.text)
    near = {p.sentence.index: p.features[index] for p in passages if p.sentence.index >= first}
    assert all(value > 0 for i, value in near.items() if i - first <= PARAGRAPH_REACH)
    assert all(value == 0.0 for i, value in near.items() if i - first > PARAGRAPH_REACH)
    assert any(i - first > PARAGRAPH_REACH for i in near)


def test_chunks_of_matches_the_chunk_windows():
    # chunks of 5 sentences overlapping by 2 start at 0, 3, 6...: sentence 4 is in chunks 0 and 1
    assert list(_chunks_of(4, 20)) == [0, 1]
    assert list(_chunks_of(0, 20)) == [0]
    assert list(_chunks_of(2, 3)) == [0]


def test_empty_index_returns_nothing(tmp_path: Path):
    empty = tmp_path / "corpus"
    empty.mkdir()
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=empty)
    assert bot.retriever.run("anything?") == []


def test_cosines_read_from_the_catalog_equal_those_from_chroma(bot: Assistant):
    """Candidates are re-scored from the catalog's copy of the sentence vectors. Sentence cosines
    must equal those of the vectors Chroma holds, and chunk cosines those of the normalised mean
    of a chunk's sentence vectors in Chroma (the definition of a chunk's vector)."""
    question = "Who said the old terminal floods?"
    passages = bot.retriever.run(question, top_k=50)
    vector = embeddings.encode([question])[0]
    store = bot.index.store
    view = bot.index.view()
    for p in passages:
        own = store.vectors([sentence_id(p.doc_id, p.sentence.index)])
        assert p.feature("dense") == pytest.approx(float(next(iter(own.values())) @ vector), abs=1e-5)
        n = len(view.entries[p.doc_id].sentences)
        chunk_cosines = []
        for c in _chunks_of(p.sentence.index, n):
            members = [sentence_id(p.doc_id, i) for i in range(n)][chunk_window(c, CHUNK_SIZE, CHUNK_OVERLAP)]
            mean = np.mean(list(store.vectors(members).values()), axis=0)
            chunk_cosines.append(float(mean @ vector) / float(np.linalg.norm(mean)))
        assert p.feature("chunk_dense") == pytest.approx(max(chunk_cosines), abs=1e-5)


def test_documents_without_stored_vectors_are_scored_from_chroma(bot: Assistant, monkeypatch):
    question = "How much will the new ferry building cost?"
    expected = [(p.doc_id, p.sentence.index, round(p.score, 4)) for p in bot.retriever.run(question)]
    monkeypatch.setattr(bot.index.catalog, "sentence_vectors", lambda docs: {})
    monkeypatch.setattr(bot.index, "_vectors", type(bot.index._vectors)(10))  # nothing cached
    got = [(p.doc_id, p.sentence.index, round(p.score, 4)) for p in bot.retriever.run(question)]
    assert got == expected


def test_cached_sentence_facts_stay_within_their_bound_and_change_no_score(bot: Assistant, monkeypatch):
    question = "Who said the old terminal floods?"
    expected = [(p.doc_id, p.sentence.index, p.features) for p in bot.retriever.run(question, top_k=50)]
    monkeypatch.setattr(bot.retriever, "FACTS_CACHE", 3)
    bot.retriever._facts_cache.clear()
    for q in (question, "How much will the new ferry building cost?", question):
        got = bot.retriever.run(q, top_k=50)
        assert len(bot.retriever._facts_cache) <= 3
    assert [(p.doc_id, p.sentence.index, p.features) for p in got] == expected


def test_word_vector_features_credit_a_reworded_sentence_over_an_unrelated_one():
    question = ("cooperative", "borrow")
    weights = np.asarray([0.5, 0.5])
    same, reworded, unrelated, empty = soft_matches(question, weights, [
        ("cooperative", "borrow", "money"),
        ("cooperative", "took", "loan", "bank"),
        ("giraffes", "eat", "leaves"),
        (),
    ])
    assert same == pytest.approx((1.0, 1.0))
    assert unrelated[0] < reworded[0] < same[0]
    assert reworded[1] == 0.5 and unrelated[1] == 0.0  # only "cooperative" clears SOFT_MATCH
    assert empty == (0.0, 0.0)
    assert soft_matches((), np.zeros(0), [("loan",)]) == [(0.0, 0.0)]
    assert 0 < SOFT_MATCH < 1


def test_late_interaction_matches_a_question_s_words_read_in_context():
    question = "Who owns the bakery?"
    owner = "Owner Mats Lind said the recipe came from his grandmother."
    judges = "The judges praised its rye loaf, which is baked in a wood-fired oven."
    q, o, j = (embeddings.piece_vectors(t) for t in (question, owner, judges))
    assert late_interaction(q, o) > late_interaction(q, j) + 0.05
    assert late_interaction(q, q) > 0.99  # every piece finds itself
    assert late_interaction(q, np.zeros((0, embeddings.DIMENSION))) == 0.0


def test_a_follow_up_searches_with_the_conversation_and_matches_pieces_of_the_question_alone():
    alone_vector, alone_pieces = encode_question("Who owns it?")
    vector, pieces = encode_question("Who owns it?", "the bakery on Mill Street")
    np.testing.assert_allclose(alone_vector, embeddings.encode(["Who owns it?"])[0], atol=1e-5)
    np.testing.assert_allclose(vector, embeddings.encode(["Who owns it? the bakery on Mill Street"])[0], atol=1e-5)
    np.testing.assert_allclose(pieces, alone_pieces, atol=1e-6)
    np.testing.assert_allclose(pieces, embeddings.piece_vectors("Who owns it?"), atol=1e-5)


def _candidates(n: int) -> list[Passage]:
    """n candidates best first by the ranker, whose last feature says which one is right."""
    return [
        Passage("d.txt", Sentence("d.txt", i, 10 * i, 10 * i + 9, i), 5.0 - i, (0.0,) * (len(FEATURES) - 1) + (float(i == 3),), f"s{i}")
        for i in range(n)
    ]


def test_the_reranker_reorders_the_ranker_s_best_and_keeps_them_ahead_of_the_rest():
    # a reranker that only reads the late interaction, which here favours the fourth candidate
    weights = (0.0,) * len(FEATURES) + (1.0,)
    reranker = LinearModel(RERANK_FEATURES, weights, 0.0, (0.0,) * len(RERANK_FEATURES), (1.0,) * len(RERANK_FEATURES))
    late = {"s3": 0.9}
    ranked = rerank(_candidates(RERANK + 3), reranker, lambda head: [late.get(p.text, 0.1) for p in head])
    assert [p.text for p in ranked][:1] == ["s3"] and ranked[0].score == 0.9
    assert {p.text for p in ranked[:RERANK]} == {f"s{i}" for i in range(RERANK)}  # the ranker's best RERANK
    assert all(len(p.features) == len(RERANK_FEATURES) for p in ranked[:RERANK])
    assert all(len(p.features) == len(FEATURES) for p in ranked[RERANK:])
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)
    assert rerank([], reranker, lambda head: []) == []


def test_retrieval_reads_the_ranker_s_best_again_with_the_late_interaction(tmp_path: Path):
    # more candidates than RERANK + 2: the two fixture articles and a third (their 9 sentences alone
    # are all reranked)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (corpus / "bakery.md").write_text(BAKERY, encoding="utf-8")
    (corpus / "market.txt").write_text("Saturday market moves to the old station\n\n" + " ".join(
        f"Stall {i} sells {thing} from the farms around the town." for i, thing in enumerate(
            ["apples", "cheese", "honey", "bread rolls", "eggs", "flowers", "jam", "cider"], start=1)
    ), encoding="utf-8")
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=corpus)
    passages = bot.retriever.run("Who owns the bakery?", top_k=RERANK + 2)
    assert "Mats Lind" in passages[0].text
    assert [len(p.features) for p in passages] == [len(RERANK_FEATURES)] * RERANK + [len(FEATURES)] * 2
    # from the sentences' word pieces stored at ingest (4 bits a value) and the question's own
    question = embeddings.piece_vectors("Who owns the bakery?")
    for p in passages[:RERANK]:
        exact = late_interaction(question, embeddings.piece_vectors(p.text))
        assert p.feature("late_interaction") == pytest.approx(exact, abs=0.02)
    followup = bot.retriever.run("And who owns it?", top_k=RERANK, context="Who owns the bakery?")
    assert [len(p.features) for p in followup] == [len(RERANK_FEATURES)] * RERANK


def test_a_question_about_who_runs_something_reaches_the_sentence_naming_the_role(tmp_path: Path):
    # a sentence that neither the search's words nor its vectors reach: the role is looked for in
    # the documents found (with the smallest pools, nothing else would bring it)
    lines = [f"The lander's camera took picture number {i} of the crater rim on day {i}." for i in range(1, 13)]
    lines.insert(6, "“It is a real landing,” said Lukas Brenner, the company's co-founder and chief executive.")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "lander.txt").write_text("Lander touches down\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=corpus)
    narrow = Retriever(bot.index, pool=1, chunk_pool=1)
    found = [p.text for p in narrow.run("Who heads the firm that built the lander?", top_k=50)]
    assert any("chief executive" in text for text in found)
    other = [p.text for p in narrow.run("What did the lander's camera photograph?", top_k=50)]
    assert not any("chief executive" in text for text in other)  # only for questions about a role


def test_the_lead_of_a_document_found_is_a_candidate_whatever_its_words(tmp_path: Path):
    # news writing puts the key facts in the lead, in words of its own: "crowned champions ... to
    # win 88-81" for a question about the final score (with the smallest pools nothing else brings it)
    lines = [f"In round {i} the visitors scored {i} goals in the second half of the game." for i in range(1, 13)]
    lead = "The Lions were crowned champions on Saturday, winning 88-81 in front of a full house."
    text = "Lions take the title\n\nBy Ana Ruiz | Kigali, Rwanda, Sunday 31 May 2026\n\n" + lead + "\n" + "\n".join(lines)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "final.txt").write_text(text + "\n", encoding="utf-8")
    bot = Assistant.open(index_dir=tmp_path / "index", corpus=corpus)
    narrow = Retriever(bot.index, pool=1, chunk_pool=1)
    found = [p.text for p in narrow.run("What was the score in round 11 of the game?", top_k=50)]
    assert lead in found
    assert not any(t.startswith("By Ana Ruiz") for t in found)  # a byline is no lead


def test_the_share_of_a_sentence_inside_quotation_marks():
    assert quoted_share("The plant opened in 2019.") == 0.0
    assert quoted_share("“We are asking for apprenticeships, not only a ceremony.”") > 0.9
    assert 0.3 < quoted_share('He called it "the hardest decision I have had to make", and left.') < 0.7
    # a quote running over sentences: opened and not closed, or closed without opening here
    assert quoted_share('"But a tunnel is not automatically harmless.') > 0.9
    assert quoted_share('We want a full study before a single metre is dug," she said.') > 0.7
