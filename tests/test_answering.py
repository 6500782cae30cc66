"""The extractive answerer: concise cited sentences, context for pronouns, honest abstention."""

import pytest

from qa import Assistant
from qa.answering import (
    ABSTAIN_FEATURES, ExtractiveAnswerer, abstention_features, announced, asks_name, continued, has_opposite,
    missing_names, name_missing, names_apart, part_of_list, quoted, rate_missing, relative_years, withheld,
)
from qa.calibration import Calibration, load_calibration
from qa.chunking import Sentence
from qa.citations import is_faithful
from qa.question import analyse
from qa.retrieval import Passage

ARTICLE = """Regional airline orders six electric planes

NordAir, a regional airline based in Tromsø, has ordered six electric aircraft from the Swedish maker Heart Aerospace, the company said on Wednesday.
The planes will fly routes shorter than 200 kilometres from 2029.
Chief executive Kari Holm said the order was worth about 90 million dollars.
She said the airline chose electric planes because fuel prices had doubled since 2021.
Pilots' unions in Norway, Sweden and Finland welcomed the plan.
"""


def one_article_bot(tmp_path_factory: pytest.TempPathFactory, name: str, text: str) -> Assistant:
    """An assistant over a corpus holding one article (real model, real Chroma)."""
    base = tmp_path_factory.mktemp(name.split(".")[0])
    (base / "corpus").mkdir()
    (base / "corpus" / name).write_text(text, encoding="utf-8")
    return Assistant.open(index_dir=base / "index", corpus=base / "corpus")


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return one_article_bot(tmp_path_factory, "nordair.txt", ARTICLE)


def docs(bot: Assistant) -> dict:
    return {d: e.doc for d, e in bot.index.view().entries.items()}


def test_answer_is_the_sentence_that_says_it_with_a_mark(bot: Assistant):
    answer = bot.ask("How many aircraft did NordAir order?")
    assert not answer.abstained
    assert "six electric aircraft" in answer.text and "[1]" in answer.text
    assert all(is_faithful(c, docs(bot)) for c in answer.citations)


def test_every_mark_in_the_text_has_a_citation(bot: Assistant):
    answer = bot.ask("Why did the airline choose electric planes?")
    numbers = {c.n for c in answer.citations}
    assert numbers and all(f"[{n}]" in answer.text for n in numbers)


def test_a_sentence_opening_with_a_pronoun_brings_the_one_that_names_her(bot: Assistant):
    answer = bot.ask("Why did the airline choose electric planes?")
    first = answer.citations[0]
    assert "Kari Holm" in first.quote and "fuel prices had doubled" in first.quote  # one span, best first
    assert first.quote.startswith("Chief executive") and first.quote.endswith("since 2021.")
    assert is_faithful(first, docs(bot))


def test_a_caption_between_the_two_sentences_is_left_out_of_the_citations(tmp_path_factory: pytest.TempPathFactory):
    captioned = one_article_bot(tmp_path_factory, "captioned.txt", ARTICLE.replace(
        "dollars.\n", "dollars.\n\n[Photo caption: Kari Holm at the airline's hangar in Tromsø on Tuesday.]\n\n"
    ))
    answer = captioned.ask("Why did the airline choose electric planes?")
    quotes = [c.quote for c in answer.citations]
    assert any("fuel prices had doubled" in q for q in quotes) and any("Kari Holm said" in q for q in quotes)
    assert not any("Photo caption" in q for q in quotes)  # two citations, not one span over the caption
    assert all(is_faithful(c, docs(captioned)) for c in answer.citations)


def test_a_sentence_opening_with_there_is_needs_nothing_before_it(tmp_path_factory: pytest.TempPathFactory):
    lakes = one_article_bot(tmp_path_factory, "lakes.txt", (
        "Lakes of the city\n\nThe city has several oxbow lakes along its river, the largest of them near the old port.\n"
        "There are many small lakes in the parks, and most of them are emptied before winter to clean them of plants.\n"
    ))
    answer = lakes.ask("Why are the small lakes in the parks emptied before winter?")
    assert "emptied before winter" in answer.citations[0].quote
    assert "oxbow" not in answer.text


def test_a_date_that_points_back_brings_the_sentence_that_gives_it(tmp_path_factory: pytest.TempPathFactory):
    yard = one_article_bot(tmp_path_factory, "yard.txt", (
        "Shipyard wins order\n\nThe town's old yard was closed by its Norwegian owner in 2014, and 600 people lost their jobs.\n"
        "Northyard was set up the same year by local investors and the town, which still owns a fifth of it.\n"
        "The new yard employs 1,450 people and plans to hire 900 more.\n"
    ))
    answer = yard.ask("When was Northyard set up?")
    assert "2014" in answer.citations[0].quote and "set up the same year" in answer.citations[0].quote
    assert all(is_faithful(c, docs(yard)) for c in answer.citations)
    # a question that asks no date takes the sentence alone
    assert yard.ask("How much of Northyard does the town still own?").citations[0].quote.startswith("Northyard was")


def test_off_topic_question_abstains_without_citations(bot: Assistant):
    answer = bot.ask("What is the boiling point of mercury?")
    assert answer.abstained and answer.citations == []
    assert answer.text.startswith("The articles don't say")


def test_an_off_topic_question_is_refused_whatever_the_threshold(bot: Assistant):
    view = bot.index.view()
    lenient = ExtractiveAnswerer(Calibration(load_calibration().ranker, load_calibration().abstainer, 0.0))
    for question, refused in [("What is the boiling point of mercury?", True), ("How many aircraft did NordAir order?", False)]:
        assert lenient.answer(question, bot.retriever.run(question, view=view), view).abstained is refused, question


def test_question_about_an_absent_name_abstains(bot: Assistant):
    answer = bot.ask("What did Lufthansa order?")
    assert answer.abstained


def test_a_question_in_title_case_or_capitals_is_answered_as_in_lower_case(bot: Assistant):
    # "Motivated" is in no article: capitalised in an ordinary question it would be a name
    # the articles lack; in title case or capitals, capitals say nothing about names
    lower = bot.ask("what motivated the airline to pick electric planes?")
    assert not lower.abstained
    for question in ["What Motivated The Airline To Pick Electric Planes?", "WHAT MOTIVATED THE AIRLINE TO PICK ELECTRIC PLANES?"]:
        answer = bot.ask(question)
        assert not answer.abstained, question
        assert [c.quote for c in answer.citations] == [c.quote for c in lower.citations]


def test_only_names_absent_from_the_articles_force_abstention(tmp_path_factory: pytest.TempPathFactory):
    harbour = one_article_bot(tmp_path_factory, "harbour.txt", (
        "Harbour reopens to fishing boats\n\n"
        "The harbour of Kilrane reopened to fishing boats after the storm damage to its sea wall was repaired.\n"
        "The repairs were paid for by the county council.\n"
    ))
    view = harbour.index.view()
    when = "When did the harbour of Kilrane reopen to fishing boats?"
    signals = dict(zip(ABSTAIN_FEATURES, abstention_features(analyse(when), harbour.retriever.run(when, view=view), view)))
    assert signals["quantity_missing"] == 1.0 and signals["missing_names"] == 0.0
    # with a threshold that lets every answer through, only the absent-name rule can still refuse
    calibration = load_calibration()
    lenient = ExtractiveAnswerer(Calibration(calibration.ranker, calibration.abstainer, 0.0))
    for question, refused in [(when, False), ("When did the harbour of Dunmore reopen to fishing boats?", True)]:
        answer = lenient.answer(question, harbour.retriever.run(question, view=view), view)
        assert answer.abstained is refused, question
    assert "after the storm damage" in lenient.answer(when, harbour.retriever.run(when, view=view), view).citations[0].quote


def test_a_word_capitalised_by_mistake_is_found_by_its_stem(tmp_path_factory: pytest.TempPathFactory):
    wedding = one_article_bot(tmp_path_factory, "wedding.txt", (
        "Royal wedding recalled\n\nEmma, sister of Duke Richard of Normandy, married King Ethelred in 1002.\n"
    ))
    view = wedding.index.view()
    docs = list(view.entries)
    assert missing_names(analyse("Who did Emma Marry?"), view, docs) == []  # "married"
    assert missing_names(analyse("Who did Emma Divorce?"), view, docs) == ["divorce"]
    assert "Ethelred" in wedding.ask("Who did Emma Marry?").text


def _missing_names_in(tmp_path_factory: pytest.TempPathFactory, name: str, text: str):  # type: ignore[no-untyped-def]
    """`missing_names` of a question, over one article."""
    view = one_article_bot(tmp_path_factory, name, text).index.view()
    return lambda question: missing_names(analyse(question), view, list(view.entries))


def test_an_acronym_in_the_question_is_found_spelled_out(tmp_path_factory: pytest.TempPathFactory):
    missing = _missing_names_in(tmp_path_factory, "forest.txt", (
        "Kauri survey\n\nThe Department of Conservation found the disease under one tree in five.\n"
        "The National Telecommunications Commission was not involved.\n"
        "Its most valuable player award went to a ranger.\n"
    ))
    assert missing("Why won't DOC say where the trees are?") == []
    assert missing("What did the NTC order?") == []
    assert missing("What is the NTC's remit?") == []  # a possessive too
    assert missing("What did the NHS say?") == ["nhs"]
    assert missing("What did Doc Brown say?") == ["doc", "brown"]  # not in capitals
    assert missing("Who was the MVP?") == []  # in lower-case words too, for three letters or more
    assert missing("What did the FBI find?") == ["fbi"]


def test_a_short_name_is_found_by_what_it_stands_for(tmp_path_factory: pytest.TempPathFactory):
    missing = _missing_names_in(tmp_path_factory, "fund.txt", (
        "Glassworks seeks grant\n\nThe cooperative has applied to the European Union's Modernisation Fund.\n"
        "Sales to the United States fell by a fifth.\n"
    ))
    assert missing("Has Brussels approved the money?") == []  # a capital for its union
    assert missing("What share of sales went to the US?") == []  # an abbreviation
    assert missing("Has Beijing approved the money?") == ["beijing"]


def test_abstention_shows_closest_passages_as_such(bot: Assistant):
    answer = bot.ask("What did Lufthansa order?")
    assert answer.closest and all(is_faithful(c, docs(bot)) for c in answer.closest)
    assert "do not answer" in answer.text


def test_a_question_asking_two_things_gets_both_cited_in_order(bot: Assistant):
    answer = bot.ask("How many aircraft did NordAir order, and when will the planes start flying?")
    assert not answer.abstained
    assert "six electric aircraft" in answer.text and "2029" in answer.text
    assert answer.text.index("six electric aircraft") < answer.text.index("2029")
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert all(f"[{c.n}]" in answer.text and is_faithful(c, docs(bot)) for c in answer.citations)


def test_the_second_part_of_a_question_knows_who_the_first_part_named(bot: Assistant):
    answer = bot.ask("Who is the chief executive, and why did she say the airline chose electric planes?")
    assert "Kari Holm" in answer.text and "fuel prices had doubled" in answer.text


def test_a_part_the_article_does_not_answer_is_said_so_and_the_rest_answered(bot: Assistant):
    answer = bot.ask("How many aircraft did NordAir order, and what is the boiling point of mercury?")
    assert not answer.abstained and "six electric aircraft" in answer.text
    assert "don't say anything that answers: what is the boiling point of mercury?" in answer.text


def test_a_question_whose_parts_all_go_unanswered_abstains(bot: Assistant):
    answer = bot.ask("What is the boiling point of mercury, and who painted the Mona Lisa?")
    assert answer.abstained and answer.citations == []


def evidence_signals(bot: Assistant, question: str) -> dict[str, float]:
    view = bot.index.view()
    passages = bot.retriever.run(question, view=view)
    return dict(zip(ABSTAIN_FEATURES, abstention_features(analyse(question), passages, view)))


def test_a_number_the_question_pins_but_the_evidence_lacks_counts_against_answering(bot: Assistant):
    assert evidence_signals(bot, "How many aircraft did NordAir order in 2019?")["missing_numbers"] == 1.0
    assert evidence_signals(bot, "Which routes will the planes fly from 2029?")["missing_numbers"] == 0.0
    assert evidence_signals(bot, "How many aircraft did NordAir order?")["missing_numbers"] == 0.0


def test_a_number_written_in_words_is_the_number_the_question_pins(bot: Assistant):
    assert evidence_signals(bot, "Why did NordAir order 6 electric aircraft?")["missing_numbers"] == 0.0
    assert evidence_signals(bot, "Why did NordAir order 7 electric aircraft?")["missing_numbers"] == 1.0


def test_a_number_in_a_compound_is_pinned_like_one_in_digits(tmp_path_factory: pytest.TempPathFactory):
    measles = one_article_bot(tmp_path_factory, "measles.txt", (
        "Measles cases rise in Saskatoon\n\n"
        "Two-dose measles coverage among seven-year-olds in Saskatoon stood at 79% last year.\n"
    ))
    assert evidence_signals(measles, "What is the measles coverage among two-year-olds?")["missing_numbers"] == 1.0
    assert evidence_signals(measles, "What is the measles coverage among seven-year-olds?")["missing_numbers"] == 0.0
    assert evidence_signals(measles, "What is the measles coverage among 7-year-olds?")["missing_numbers"] == 0.0
    # a decade as "the 80s" is the article's "1980s"
    runoff = one_article_bot(tmp_path_factory, "runoff.txt", (
        "Farm run-off falls\n\nNitrogen run-off from farms has fallen by a half since the 1980s.\n"
    ))
    assert evidence_signals(runoff, "How much has run-off fallen since the 80s?")["missing_numbers"] == 0.0
    assert evidence_signals(runoff, "How much has run-off fallen since the 70s?")["missing_numbers"] == 1.0
    # "one-off", "one-way", a span of time ("a seven-day stoppage" may be "a week-long" one): not pinned
    assert evidence_signals(measles, "Was the coverage a one-off low?")["missing_numbers"] == 0.0
    assert evidence_signals(measles, "What was the coverage in the seven-day count?")["missing_numbers"] == 0.0


def test_a_role_the_question_names_but_the_evidence_does_not_counts_against_answering(
    tmp_path_factory: pytest.TempPathFactory,
):
    porto = one_article_bot(tmp_path_factory, "porto.txt", (
        "Porto wins ruling on holiday flats\n\n"
        "Catarina Alves, the city councillor responsible for housing, called the ruling a victory for Porto.\n"
    ))
    assert evidence_signals(porto, "Who is the mayor of Porto?")["role_missing"] == 1.0
    assert evidence_signals(porto, "Who is the councillor responsible for housing in Porto?")["role_missing"] == 0.0
    assert evidence_signals(porto, "Who called the ruling a victory?")["role_missing"] == 0.0  # no role named


def test_an_ordinal_the_question_pins_counts_but_first_does_not(bot: Assistant):
    # "the third order" is not the one the article tells of; "first" is too often reworded to count
    assert evidence_signals(bot, "Why did NordAir place its third aircraft order?")["missing_numbers"] == 1.0
    assert evidence_signals(bot, "Why did NordAir place its first aircraft order?")["missing_numbers"] == 0.0


def test_a_people_or_place_adjective_is_found_as_its_place(tmp_path_factory: pytest.TempPathFactory):
    olives = one_article_bot(tmp_path_factory, "olives.txt", (
        "Olive growers ask for drought aid\n\n"
        "Growers have asked the regional government of Andalusia for 35 million euros in emergency aid.\n"
    ))
    # "Andalusian" is in the article as "Andalusia"; nothing Catalan is
    assert evidence_signals(olives, "How much aid did growers ask the Andalusian government for?")["missing_names"] == 0.0
    assert evidence_signals(olives, "How much aid did growers ask the Catalan government for?")["missing_names"] == 1.0


def test_a_year_the_question_names_as_next_year_must_be_near_the_evidence(tmp_path_factory: pytest.TempPathFactory):
    farms = one_article_bot(tmp_path_factory, "farms.txt", (
        "Seaweed farmers move to deeper water\n\n"
        "By Amina Said | Paje, Tanzania, Monday 16 March 2026\n\n"
        "About 1,500 farmers will join the deep-water scheme, the ministry said.\n\n"
        "The lagoon farms lost half their crop to heat last year.\n"
    ))
    # "next year" is 2027 by the article's date, "last year" 2025
    assert evidence_signals(farms, "How many farmers will join the scheme next year?")["missing_numbers"] == 1.0
    assert evidence_signals(farms, "How much of their crop did the farms lose last year?")["missing_numbers"] == 0.0
    assert evidence_signals(farms, "How much of their crop did the farms lose in 2025?")["missing_numbers"] == 0.0
    # "this year" is most often the year the article is about, said or not
    assert evidence_signals(farms, "How many farmers will join the scheme this year?")["missing_numbers"] == 0.0


def test_what_the_runner_up_withholds_counts_unless_the_best_sentence_says_it_plainly(
    tmp_path_factory: pytest.TempPathFactory,
):
    seoul = one_article_bot(tmp_path_factory, "seoul.txt", (
        "Scores changed at medical school\n\n"
        "The ministry said it had not established whether the donations were linked to the score changes. "
        "Police said no one had yet been charged over the score changes.\n\n"
        "The university said the dean of admissions, who oversaw the score changes, had resigned.\n"
    ))
    # a plain no ("no one had yet been charged") beside a sentence that leaves something open
    assert evidence_signals(seoul, "Has anybody been charged over the score changes yet?")["withheld"] == 0.0
    # ... but when the best sentence says nothing plainly, what the runner-up withholds counts
    assert evidence_signals(seoul, "Were the donations linked to the score changes?")["withheld"] > 0.0


def test_a_negated_question_whose_evidence_has_no_negation_counts_against_answering(bot: Assistant):
    assert evidence_signals(bot, "Which unions did not welcome the plan?")["negation_unmatched"] == 1.0
    assert evidence_signals(bot, "Which unions welcomed the plan?")["negation_unmatched"] == 0.0
    # nor does one inside a condition
    assert evidence_signals(bot, "What happens if the unions don't welcome the plan?")["negation_unmatched"] == 0.0
    # "no" in a compound negates nothing
    assert evidence_signals(bot, "Which unions welcomed the no-strike plan?")["negation_unmatched"] == 0.0
    # ... nor "without" in a question: it describes what is asked about
    assert evidence_signals(bot, "Which unions welcomed the plan without a vote?")["negation_unmatched"] == 0.0


def test_a_why_question_is_answered_by_a_reason_without_negation(bot: Assistant):
    assert evidence_signals(bot, "Why did no pilots welcome the plan?")["negation_unmatched"] == 0.0


def test_a_measure_the_question_asks_for_but_the_evidence_lacks_counts_against_answering(bot: Assistant):
    # the order's worth is a price; nothing counts the pilots or says how old the chief is
    assert evidence_signals(bot, "How much is the order worth?")["measure_missing"] == 0.0
    assert evidence_signals(bot, "How many pilots welcomed the plan?")["measure_missing"] == 1.0
    assert evidence_signals(bot, "How old is the chief executive?")["measure_missing"] == 1.0
    assert evidence_signals(bot, "Who is the chief executive?")["measure_missing"] == 0.0


def test_the_opposite_of_an_asked_word_in_the_evidence_counts_against_answering():
    assert has_opposite("What is the men's course record?", "She broke the women's course record.")
    assert has_opposite("Which region has the lowest rents?", "Rents are highest in the capital region.")
    # the asked word itself is there too, or the opposite is only in the question
    assert not has_opposite("Who won the men's race?", "Men and women ran; he won the men's race.")
    assert not has_opposite("Did rents rise or fall?", "Rents rose by 4 percent.")
    # "before" and "after" often stand together in the evidence of either: not opposites here
    assert not has_opposite("Why walk after a meal?", "Walking before a meal did less than walking after it.")
    assert not has_opposite("Why walk after a meal?", "Walking before a meal did little.")
    # one side's defeat is the other's win
    assert not has_opposite("What was the score when his side lost to Italy?", "Italy had won the fixture 34-16.")
    # being against something is the opposite of supporting it
    assert has_opposite("What share of residents were against the renovation?", "A poll found 58 per cent supported it.")


def test_a_yes_no_question_is_answered_by_the_opposite_too(tmp_path_factory: pytest.TempPathFactory):
    vote = one_article_bot(tmp_path_factory, "vote.txt", (
        "Council vote on the bypass\n\nThe town council rejected the bypass plan on Monday by nine votes to four.\n"
    ))
    assert evidence_signals(vote, "When was the bypass plan approved?")["opposite"] == 1.0
    # "Was the bypass plan approved?" is answered by "rejected": the signal is for other questions
    assert evidence_signals(vote, "Was the bypass plan approved?")["opposite"] == 0.0


def test_a_thing_asked_for_by_name_that_the_evidence_leaves_unnamed_counts_against_answering(
    tmp_path_factory: pytest.TempPathFactory,
):
    loan = one_article_bot(tmp_path_factory, "loan.txt", (
        "Brewery expands\n\nThe brewery will pay for its new hall with a bank loan of 4 million pounds.\n"
        "Its beer is brewed by Anna Price, a former chemist.\n"
    ))
    assert evidence_signals(loan, "Which bank is lending the brewery the money?")["name_missing"] == 1.0
    assert evidence_signals(loan, "What is the name of the brewery's brewer?")["name_missing"] == 0.0
    assert evidence_signals(loan, "What is the title of the brewery's new hall?")["name_missing"] == 1.0
    # a question that asks for no name: the signal stays off
    assert evidence_signals(loan, "How big is the brewery's loan?")["name_missing"] == 0.0
    assert evidence_signals(loan, "What is the bank lending the brewery?")["name_missing"] == 0.0


def test_a_thing_asked_for_by_name_is_not_named_by_a_country():
    bank = analyse("Which bank suspended the firm's credit line?")
    assert name_missing(bank, "Its bank suspended its credit line, so it cannot pay suppliers in Germany and Brazil.")
    assert name_missing(bank, "A German bank suspended its credit line.")
    assert not name_missing(bank, "Banco Atlas suspended its credit line in Germany.")
    # a country may be a team
    assert not name_missing(analyse("Which team won the final?"), "The final was won by Germany, 2-1.")



def test_a_thing_asked_for_by_name_is_not_named_by_a_person():
    walls = analyse("Which companies built the retaining walls?")
    assert name_missing(walls, "Ministry spokesperson Nuwan Jayasekara said the walls were built at 14 sites.")
    assert not name_missing(walls, "Nuwan Jayasekara said Lanka Builders had built the walls.")
    # people are what "which councillors" and "the name of" may ask for
    assert not name_missing(analyse("Which councillors abstained?"), "Councillor Ann Lee said she abstained.")
    assert not name_missing(analyse("What is the name of the mayor?"), "Mayor Ana Ruiz said the plan was sound.")


def test_last_year_is_the_year_before_the_articles_date():
    article = "Births to end at Kemi\n\nBy Elina Vaara | Kemi, Finland, Wednesday 18 February 2026\n\nText."
    assert relative_years("612 babies were born last year; more are due next year.", article) == {"2025", "2027"}
    assert relative_years("612 babies were born last year.", "Births to end\n\nNo date here.") == set()


def test_a_name_the_question_holds_does_not_name_the_thing_it_asks_for():
    mayor = analyse("which party does mayor haslinger belong to")  # the question's name, in any case
    assert name_missing(mayor, "Mayor Ingrid Haslinger said the plan was sound.")  # her first name is hers
    assert not name_missing(mayor, "Haslinger, of the Green Party, said the plan was sound.")
    survey = analyse("What was the name of the Warsaw consultancy that did the survey?")
    assert name_missing(survey, "The survey was carried out by a Warsaw-based consultancy.")  # an adjective
    assert not name_missing(survey, "The survey was carried out by Geoteka, a Warsaw consultancy.")
    assert name_missing(analyse("Which vendor supplied the update?"), "An outside vendor supplied the update.")


def test_a_category_is_not_asked_for_by_name():
    assert asks_name(analyse("Which ship sank?"))
    assert not asks_name(analyse("What sort of ship sank?"))
    assert not asks_name(analyse("What kind of vessel is the wreck?"))
    # people asked for as "which councillors" want names; "who" may be answered by a role
    assert asks_name(analyse("Which councillors abstained in the vote?"))
    assert not asks_name(analyse("Who abstained in the vote?"))
    # a share or a count of them asks for a number, not a name
    assert not asks_name(analyse("What proportion of union members voted to strike?"))
    assert not asks_name(analyse("How many banks lent money?"))


def test_a_count_for_one_of_several_listed_names_counts_against_answering():
    sentence = "Pryce sold 214 bottles to 37 buyers in Australia, Hong Kong and Singapore."
    assert part_of_list(analyse("How many bottles went to buyers in Hong Kong?"), sentence)
    # the total, or a question that counts nothing, is answered by the sentence
    assert not part_of_list(analyse("How many bottles did Pryce sell?"), sentence)
    assert not part_of_list(analyse("Where were the buyers of Pryce's bottles?"), sentence)
    assert not part_of_list(analyse("How many bottles went to Singapore?"), "Pryce sold 90 bottles in Singapore.")
    # or names it only in a clause set against the one holding the figure
    points = analyse("How many points did Cheikh Diouf score?")
    assert part_of_list(points, "Babacar Sarr had 19 points, while centre Cheikh Diouf blocked four shots.")
    assert not part_of_list(points, "Cheikh Diouf had 19 points, while Babacar Sarr blocked four shots.")
    assert not part_of_list(points, "Cheikh Diouf and Babacar Sarr had 19 points each.")


def test_a_figure_is_of_what_its_sentence_names():
    sentence = "Photonyx said on Tuesday it would cut 1,150 jobs and close its factory in Nijmegen."
    assert names_apart(analyse("How many jobs will Photonyx cut in Malaysia?"), sentence) == 0.5
    assert names_apart(analyse("How many jobs will Photonyx cut?"), sentence) == 0.0
    # only for a question asking a number or a date
    assert names_apart(analyse("Why is Photonyx leaving Malaysia?"), sentence) == 0.0
    # typed without capitals: its names are the words the article only writes capitalised
    document = f"{sentence} It also employs 900 people in Malaysia, where jobs are safe."
    lower = analyse("how many jobs will photonyx cut in malaysia")
    assert names_apart(lower, sentence, document) == 0.5  # "jobs" is no name: the article writes "jobs"
    assert names_apart(lower, sentence) == 0.0  # no article, no names
    # a sentence that names nothing of its own goes on about what the sentence before it names
    when = analyse("When did the river at Manaus hit its record low?")
    before = "The river gauge at Manaus read 14.2 metres on Saturday."
    assert names_apart(when, "The record low was set in October 2024.", before=before) == 0.0
    assert names_apart(when, "The record low was set in October 2024.") == 1.0
    assert names_apart(when, "The record at Belém was set in October 2024.", before=before) == 1.0
    # a capital for its government, by what it stands for
    berlin = analyse("How much of the budget is coming from Berlin?")
    assert names_apart(berlin, "It includes a €21 million grant from the federal government.") == 0.0
    assert names_apart(berlin, "It includes a €21 million grant from the city.") == 1.0


def test_a_quantity_asked_in_a_span_of_time_needs_one_given_in_a_span_of_time():
    yearly = analyse("What does it cost per year to run the observatory?")
    assert rate_missing(yearly, "The €23.4 million system links 14 instruments to the shore.")
    assert not rate_missing(yearly, "Running it will cost about €1.2 million a year.")
    assert not rate_missing(yearly, "Its annual running cost is €1.2 million.")
    assert not rate_missing(analyse("How many visitors came each day last summer?"), "It drew 4,000 visitors a day.")
    # no span of time asked ("a year ago" is when), or no quantity asked
    assert not rate_missing(analyse("How much did it cost a year ago?"), "It cost €23.4 million.")
    assert not rate_missing(analyse("Why is the annual meeting held in May?"), "It was moved to avoid the holidays.")


def test_a_sentence_saying_what_is_asked_was_not_given_counts_against_answering():
    sentence = "The ministry did not say when the bridge would reopen, pending an engineers' report."
    assert withheld(analyse("When will the bridge reopen?"), sentence) == 1.0
    # the share of the question's words in what is withheld
    assert withheld(analyse("When will the bridge be open to lorries again?"), sentence) == pytest.approx(1 / 3)
    inquiry = "Police have opened an inquiry to establish how the fire started in the warehouse."
    assert withheld(analyse("How did the warehouse fire start?"), inquiry) > 0.5
    refused = "The club declined to say whether the coach would be dismissed."
    assert withheld(analyse("Will the coach be sacked?"), refused) > 0.0
    early = "Ferraro said it was too early to say whether the animal belonged to a new species."
    assert withheld(analyse("Is it a new species of dinosaur?"), early) > 0.5
    # what is withheld ends where the sentence goes on to what it says
    pause = "He declined to say how much the pause was costing the company, which is investing $260 million in the project."
    assert withheld(analyse("How much is the pause costing them?"), pause) > 0.5
    assert withheld(analyse("How much are they putting into the project?"), pause) == 0.0
    # what is withheld points back to what the sentence said first ("who would prepare it")
    study = "A new impact study would be carried out, but the ministry did not say who would prepare it."
    assert withheld(analyse("Who is going to do the new impact study?"), study) > 0.5
    # the same said of a noun: the noun names the kind of thing withheld
    assert withheld(analyse("How much did the club pay for the striker?"), "The fee was not disclosed.") == 0.0
    assert withheld(analyse("How much did the club pay for the striker?"),
                    "The club paid Porto for the striker, but the fee was not disclosed.") == 1.0  # club, paid, striker
    assert withheld(analyse("How much did the club pay for the striker?"),
                    "The club signed the striker, but the fee was not disclosed.") == pytest.approx(2 / 3)  # club, striker
    assert withheld(analyse("When will the ferry service resume?"),
                    "The ferry service will resume, though no date has been set.") == 1.0
    assert withheld(analyse("Who will run the ferry service?"),
                    "The ferry service will resume, though no date has been set.") == 0.0
    assert withheld(analyse("What price did the buyer offer?"),
                    "The buyer made an offer, but its price was blacked out of the filing.") == 1.0
    assert withheld(analyse("When will the ferry service resume?"),
                    "The date has been set: the ferry service will resume on 3 June.") == 0.0
    # the same said of a question put to someone
    asked = "Asked whether companies that lose licences would be compensated, she declined to comment."
    assert withheld(analyse("Will operators who lose their licences be compensated?"), asked) > 0.5
    assert withheld(analyse("How much will the repairs cost?"),
                    "Asked about the cost of the repairs, the mayor declined to comment.") > 0.5
    assert withheld(analyse("How much will the repairs cost?"),
                    "Asked about the repairs, the mayor said they would cost 4 million pesos.") == 0.0
    # ... and what is not decided, said with the question first
    assert withheld(analyse("Will the boardwalk be closed for good?"),
                    "Whether the short boardwalk should also close has not been decided.") > 0.5
    assert withheld(analyse("Will the boardwalk be closed for good?"),
                    "Whether the boardwalk would close was the question; it has now been decided.") == 0.0
    # a name kept back, said of the noun after it or before it
    unnamed = "The order was cancelled by an unnamed US cloud computing company, its biggest customer."
    assert withheld(analyse("Which US cloud company cancelled the order?"), unnamed) > 0.5
    assert withheld(analyse("How much was the cancelled order worth?"), unnamed) == 0.0  # asks no name
    collector = "The sisters turned down an offer from a private collector, whom she declined to name."
    assert withheld(analyse("Who is the private collector?"), collector) > 0.5
    assert withheld(analyse("Which contractors built the walls?"),
                    "The ministry declined to name the contractors who built the walls.") == 1.0
    # whether it is so is withheld: then which it is, too
    backing = "He declined to say whether Georgia had the backing of any of the six member unions."
    assert withheld(analyse("Which of the six unions are backing Georgia?"), backing) > 0.5
    # another kind of thing withheld, or nothing withheld
    assert withheld(analyse("Who will reopen the bridge?"), sentence) == 0.0
    assert withheld(analyse("When will the bridge reopen?"), "The bridge will reopen on 4 May.") == 0.0


def test_a_runner_up_saying_what_is_asked_was_not_given_counts_against_answering(
    tmp_path_factory: pytest.TempPathFactory,
):
    repairs = one_article_bot(tmp_path_factory, "repairs.txt", (
        "Hill railway reopens\n\nThe repairs to the line cost 4.6 billion rupees, of which Japan paid 1.5 billion.\n"
        "The minister did not say how the rest of the repair bill had been paid.\n"
    ))
    view = repairs.index.view()
    question = "How was the rest of the repair bill paid for, apart from Japan's grant?"
    # the sentence that says what is not known second, behind one that does not answer
    passages = repairs.retriever.run(question, view=view)
    says_not = [p for p in passages if "did not say" in p.text]
    others = [p for p in passages if p not in says_not]
    ranked = others[:1] + says_not + others[1:]
    signals = dict(zip(ABSTAIN_FEATURES, abstention_features(analyse(question), ranked, view)))
    assert "Japan paid" in ranked[0].text and signals["withheld"] > 0.5
    assert evidence_signals(repairs, "How much did Japan pay for the repairs?")["withheld"] == 0.0


def test_to_dict_has_the_json_contract(bot: Assistant):
    data = bot.ask("Who is the chief executive?").to_dict()
    assert {"question", "answer", "abstained", "citations"} <= set(data)
    assert {"n", "doc_id", "title", "source", "start", "end", "quote"} == set(data["citations"][0])


LIST_ARTICLE = """Hospital trial of a new sleep routine

A hospital in Lund tested a new evening routine on 300 patients over the winter.
The trial had limitations. It ran for only six weeks in a single hospital. Nurses also knew which patients followed the routine.
Doctors said a larger trial would start next year.
"""


@pytest.fixture(scope="module")
def list_bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return one_article_bot(tmp_path_factory, "trial.txt", LIST_ARTICLE)


def test_a_sentence_that_announces_a_list_brings_the_items_after_it(list_bot: Assistant):
    answer = list_bot.ask("What were the weaknesses of the trial?")
    quotes = [c.quote for c in answer.citations]
    assert not answer.abstained
    assert quotes[:3] == [
        "The trial had limitations.",
        "It ran for only six weeks in a single hospital.",
        "Nurses also knew which patients followed the routine.",
    ]
    assert "Doctors said" not in answer.text  # the next paragraph is not part of the list


def test_a_sentence_that_counts_the_things_a_list_question_asks_for_brings_them(tmp_path_factory: pytest.TempPathFactory):
    groups = one_article_bot(tmp_path_factory, "groups.txt", (
        "Walking study in Bergen\n\n"
        "Researchers in Bergen followed 120 adults through the winter.\n"
        "The adults were split into three groups for twelve weeks. The first group walked after every meal. "
        "The second group walked once each morning.\n"
        "The study was paid for by a local foundation.\n"
    ))
    answer = groups.ask("What were the three groups the adults were split into?")
    assert "walked after every meal" in answer.text and "walked once each morning" in answer.text
    assert "local foundation" not in answer.text


def test_a_count_opening_its_sentence_announces_what_it_counts(tmp_path_factory: pytest.TempPathFactory):
    scheme = one_article_bot(tmp_path_factory, "scheme.txt", (
        "Farm payments\n\nThe province will pay farmers to sow seed directly.\n"
        "Six districts will be eligible in the first year. The programme covers Sialkot, Narowal and Kasur.\n"
        "Farmers welcomed the plan.\n"
    ))
    six, view = _passage(scheme, "Six districts")
    text = view.entries[six.doc_id].doc.text
    after = announced(six, view, analyse("Which districts are eligible for the payments?"))
    assert [text[s.start : s.end] for s in after] == ["The programme covers Sialkot, Narowal and Kasur."]


def test_a_sentence_counting_what_a_question_asks_about_brings_them_though_not_worded_as_a_list(
    tmp_path_factory: pytest.TempPathFactory,
):
    probe = one_article_bot(tmp_path_factory, "probe.txt", (
        "Probe lands on Mars\n\n"
        "The Ares probe landed on Mars on Tuesday after a seven-month flight, the agency said.\n"
        "Ares carries five scientific instruments from three countries. A seismometer from Zurich will "
        "listen for quakes, and a drill from Turin will bore two metres into the rock.\n"
        "Engineers said the landing site was flat and free of boulders.\n"
        "The mission cost about 400 million euros.\n"
    ))
    answer = probe.ask("Which science instruments is the probe carrying?")  # "is": not a list cue
    assert "seismometer" in answer.text and "400 million" not in answer.text
    counted = probe.ask("How many instruments does the probe carry?")  # the count answers it
    assert counted.citations[0].quote == "Ares carries five scientific instruments from three countries."
    assert "seismometer" not in counted.text


def test_a_colon_ending_its_paragraph_brings_the_list_items_on_the_lines_after_it(
    tmp_path_factory: pytest.TempPathFactory,
):
    deal = one_article_bot(tmp_path_factory, "deal.txt", (
        "Dock workers win new contract\n\n"
        "Dock workers in Gdynia accepted a three-year contract on Friday, ending a two-week strike.\n\n"
        "Beyond the pay rise, the union secured a series of other commitments. The deal includes:\n\n"
        "- safety boots and helmets for all staff, replaced every year;\n"
        "- a night-shift allowance of 40 zloty;\n"
        "- two extra days of paid leave.\n\n"
        "The port authority said the deal would cost about 30 million zloty a year.\n"
    ))
    answer = deal.ask("Besides the pay rise, what other things did the union secure?")
    assert "safety boots" in answer.text and "night-shift allowance" in answer.text
    assert "extra days of paid leave" in answer.text
    assert "30 million zloty" not in answer.text  # the list ends where the items end
    items = [c for c in answer.citations if c.quote.startswith("- ")]
    assert len(items) == 3


def test_a_short_sentence_brings_nothing_for_a_question_asking_for_one_thing(list_bot: Assistant):
    answer = list_bot.ask("How many patients tested the new evening routine?")
    assert answer.citations[0].quote.startswith("A hospital in Lund tested")
    assert "Nurses also knew" not in answer.text


def _passage(bot: Assistant, starts: str) -> tuple[Passage, object]:
    """The passage of the sentence of `bot`'s one article that starts with `starts`, and the view."""
    view = bot.index.view()
    (doc_id, entry), = view.entries.items()
    sentence = next(s for s in entry.sentences if entry.doc.text[s.start : s.end].startswith(starts))
    return Passage(doc_id, sentence, 1.0, (), entry.doc.text[sentence.start : sentence.end]), view


def test_a_sentence_going_on_with_the_reason_the_best_one_lacks_joins_it(tmp_path_factory: pytest.TempPathFactory):
    firm = one_article_bot(tmp_path_factory, "supplier.txt", (
        "Supplier halts deliveries\n\nThe supplier halted deliveries to hospitals on Monday.\n"
        "Its manager, Ana Ruiz, said the firm had no choice. She said its bank had suspended a credit line "
        "because of unpaid invoices.\n"
        'Ruiz rejected the idea that the firm wanted a better price. "We stopped because we have not been paid '
        'since August," she said.\n'
        "Hospitals said their stocks would last two weeks. They said the main reason was a lack of spare filters.\n"
        'The minister denied that the ministry was to blame. "The invoices arrived late because the firm '
        'changed its address," she said.\n'
    ))
    lead, view = _passage(firm, "Its manager")
    why = analyse("Why did the supplier stop deliveries?")
    following = continued(lead, view, why)
    text = view.entries[lead.doc_id].doc.text
    assert following is not None and "because of unpaid invoices" in text[following.start : following.end]
    # not when the best sentence gives a reason itself, nor for a question asking no reason
    reason, _ = _passage(firm, "She said")
    assert continued(reason, view, why) is None
    assert continued(lead, view, analyse("What did the manager say?")) is None
    # the sentence after must go on from it: it opens with a pronoun, or is a quote its speaker is
    # named after by one
    rejected, _ = _passage(firm, "Ruiz rejected")
    quote = continued(rejected, view, analyse("Why, according to Ruiz, did the firm stop deliveries?"))
    assert quote is not None and text[quote.start : quote.end].startswith('"We stopped because')
    assert continued(reason, view, analyse("When was the firm last paid?")) is None  # "Ruiz rejected..." does not
    # for a "why", a weak sign of a reason ("would") is joined by a plain one
    stocks, _ = _passage(firm, "Hospitals said")
    plain = continued(stocks, view, analyse("Why are hospitals running short?"))
    assert plain is not None and text[plain.start : plain.end].startswith("They said the main reason")
    # what someone denies is no reason given: "denied that the ministry was to blame"
    denied, _ = _passage(firm, "The minister denied")
    given = continued(denied, view, analyse("Why was the firm not paid, according to the minister?"))
    assert given is not None and text[given.start : given.end].startswith('"The invoices arrived late')


def test_a_reason_the_paragraph_gives_after_what_it_explains_joins_it(tmp_path_factory: pytest.TempPathFactory):
    lake = one_article_bot(tmp_path_factory, "lake.txt", (
        "Blooms shrink\n\nThe blooms on the lake shrank by a third.\n"
        "The study warned that climate change could erase some of the gains. Warmer water favours the algae, "
        "and blooms in the hottest summers were larger than would have been expected.\n"
        "Farm groups said the findings showed that voluntary measures were working.\n"
    ))
    warned, view = _passage(lake, "The study warned")
    text = view.entries[warned.doc_id].doc.text
    why = analyse("Why could climate change cancel out some of the gains?")
    following = continued(warned, view, why)
    assert following is not None and text[following.start : following.end].startswith("Warmer water")
    # only within the paragraph, and only for a "why"
    last, _ = _passage(lake, "Warmer water")
    assert continued(last, view, why) is None
    assert continued(warned, view, analyse("What did the study warn about?")) is None


def test_the_words_of_whom_the_best_sentence_reports_join_it(tmp_path_factory: pytest.TempPathFactory):
    trial = one_article_bot(tmp_path_factory, "trial.txt", (
        "Vaccine trial\n\nBen Fraser, who was not involved, called the results encouraging but urged caution. "
        '"Two years is a short time, and the group was small," he said.\n'
        '"It works," said Rhiannon Pryor, who led the trial. "We are delighted," she said.\n'
    ))
    urged, view = _passage(trial, "Ben Fraser")
    text = view.entries[urged.doc_id].doc.text
    following = continued(urged, view, analyse("What reservations did he have about the results?"))
    assert following is not None and text[following.start : following.end].startswith('"Two years')
    # not for a yes/no question, nor after a sentence that is a quote itself
    assert continued(urged, view, analyse("Did Fraser welcome the results?")) is None
    quote, _ = _passage(trial, '"It works')
    assert continued(quote, view, analyse("What did Pryor think of the results?")) is None


def test_a_sentence_going_on_from_a_speaker_the_best_one_names_joins_it(tmp_path_factory: pytest.TempPathFactory):
    stadium = one_article_bot(tmp_path_factory, "stadium.txt", (
        "A new stadium\n\nThe association's president, Binod Shah, said on Friday that it had chosen a site "
        "at Mulpani. Shah said construction would begin in the first half of 2027. Fans cheered.\n"
    ))
    chosen, view = _passage(stadium, "The association's")
    text = view.entries[chosen.doc_id].doc.text
    # the day he spoke is not when building begins: the next sentence, by the speaker named, holds that
    following = continued(chosen, view, analyse("When will building at Mulpani begin?"))
    assert following is not None and text[following.start : following.end].startswith("Shah said construction")
    assert continued(chosen, view, analyse("When did Shah say the site was chosen?")) is None


def test_a_sentence_promising_steps_of_some_kind_brings_the_next_ones(tmp_path_factory: pytest.TempPathFactory):
    county = one_article_bot(tmp_path_factory, "county.txt", (
        "Maternity ward to close\n\nThe ward will close in September.\n"
        "The county has promised a series of measures to reduce the risk. Women can stay in a hotel near the "
        "hospital. Two ambulances will carry delivery kits.\n"
        "Midwives said the plan was not enough.\n"
    ))
    promise, view = _passage(county, "The county has promised")
    following = announced(promise, view, analyse("What is the county doing to cut the risks for women?"))
    assert [view.entries[promise.doc_id].doc.text[s.start : s.end] for s in following] == [
        "Women can stay in a hotel near the hospital.", "Two ambulances will carry delivery kits.",
    ]
    assert announced(promise, view, analyse("How many ambulances will carry kits?")) == []


def test_a_short_sentence_brings_the_next_ones_for_a_how_question(list_bot: Assistant):
    short, view = _passage(list_bot, "The trial had limitations.")
    following = announced(short, view, analyse("How was the trial limited?"))
    assert [view.entries[short.doc_id].doc.text[s.start : s.end] for s in following] == [
        "It ran for only six weeks in a single hospital.",
        "Nurses also knew which patients followed the routine.",
    ]
    assert announced(short, view, analyse("How many weeks did the trial run?")) == []


def _ranked(*scores: float) -> list[Passage]:
    return [Passage("d.txt", Sentence("d.txt", i, 10 * i, 10 * i + 9, i), s, (), f"s{i}") for i, s in enumerate(scores)]


def test_an_answer_quotes_the_runners_up_close_behind_the_best():
    assert [p.text for p in quoted(_ranked(2.0, 1.0, 0.9), is_list=False, margin=1.2)] == ["s0", "s1"]  # two at most
    assert [p.text for p in quoted(_ranked(2.0, 0.5), is_list=False, margin=1.2)] == ["s0"]  # too far behind
    assert [p.text for p in quoted(_ranked(2.0, 1.5, 1.2, 1.1), is_list=True, list_margin=1.2)] == ["s0", "s1", "s2"]
    assert quoted([], is_list=False) == []


def test_no_sentence_is_quoted_twice_when_spans_share_one():
    from qa.answering import _add_span

    spans = [("a", 100, 200)]  # "He called it ... He gave a talk ..." (a pronoun and its context)
    _add_span(spans, ("a", 40, 150))  # a runner-up: "Starting in 1965, Davies ... He called it ..."
    _add_span(spans, ("a", 120, 180))  # a sentence inside a span cited already
    _add_span(spans, ("a", 200, 260))  # the next sentence: its own citation
    _add_span(spans, ("b", 40, 150))  # another document
    assert spans == [("a", 40, 200), ("a", 200, 260), ("b", 40, 150)]
