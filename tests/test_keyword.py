"""The keyword index: folding, stemming, BM25 ranking, IDF and save/load."""

from pathlib import Path

from qa.keyword import KeywordIndex, content_words, fold, token_set, tokenize


def test_fold_strips_accents_and_case():
    assert fold("Séjourné ANUŠAUSKAS") == "sejourne anusauskas"


def test_fold_writes_letters_unicode_does_not_decompose_as_typed_without_accents():
    assert fold("Łódź Ørsted Straße Þór złoty") == "lodz orsted strasse thor zloty"


def test_tokenize_drops_stopwords_and_stems():
    assert tokenize("The ministers rejected the idea") == ["minist", "reject", "idea"]


def test_irregular_verbs_match_their_base_form_but_words_that_are_more_than_a_verb_stay():
    assert tokenize("Funding came from donors who paid and built it") == tokenize("funding come from donors who pay and build it")
    assert tokenize("left found rose might") == ["left", "found", "rose", "might"]  # a side, a verb, a flower, a modal


def test_per_cent_is_one_token_as_percent():
    assert tokenize("a rise of 14.3 per cent") == tokenize("a rise of 14.3 percent") == ["rise", "14", "3", "percent"]
    assert tokenize("Per  Cent") == ["percent"]


def test_unaccented_query_finds_accented_text():
    index = KeywordIndex.build(["a", "b"], [tokenize("Stéphane Séjourné spoke"), tokenize("Poland said no")])
    assert index.search(tokenize("sejourne"), k=2)[0][0] == "a"


def test_search_ranks_by_bm25_and_skips_zero_scores():
    texts = {"a": "Poland rejected troops", "b": "Baltic states open to troops", "c": "weather report"}
    index = KeywordIndex.build(list(texts), [tokenize(t) for t in texts.values()])
    hits = index.search(tokenize("Poland troops"), k=3)
    assert [h[0] for h in hits] == ["a", "b"]


def test_unknown_terms_score_zero_everywhere():
    index = KeywordIndex.build(["a"], [tokenize("Poland")])
    assert index.search(tokenize("Australia"), k=1) == []
    assert index.scores_for(tokenize("Australia"), ["a"]) == {"a": 0.0}


def test_rare_terms_weigh_more_than_common_ones():
    index = KeywordIndex.build(
        ["a", "b", "c"], [tokenize("troops Poland"), tokenize("troops"), tokenize("troops Kallas")]
    )
    assert index.idf("poland") > index.idf("troop")


def test_empty_corpus_and_empty_items_are_indexable():
    assert KeywordIndex.build([], []).search(["x"], 3) == []
    index = KeywordIndex.build(["a", "b"], [[], tokenize("Poland")])
    assert index.search(tokenize("Poland"), 2)[0][0] == "b"


def test_save_and_load_round_trip(tmp_path: Path):
    index = KeywordIndex.build(["a", "b"], [tokenize("Poland rejected"), tokenize("Kallas training")])
    index.save(tmp_path / "kw")
    index.save(tmp_path / "kw")  # saving over an existing index replaces it
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert loaded.ids == ["a", "b"]
    assert loaded.search(tokenize("training"), 1)[0][0] == "b"


def test_token_set_matches_tokenize():
    assert token_set("Rejected troops, rejected!") == frozenset(tokenize("Rejected troops, rejected!"))


def test_content_words_are_folded_once_each_without_stopwords_numbers_or_letters():
    assert content_words("The Séjourné loan: 2 loans, a loan of $62 million in 2024") == ("sejourne", "loan", "loans", "million")
