"""The embedding model: shape, unit length, meaning, and the two engines agreeing on every text.

The numpy engine (few texts, no torch) and the sentence-transformers engine (bulk) run the same
weights; the index is written by one and queried by the other, so they must give the same
vectors. The texts below cover the tokenizer's edge cases (accents, CJK, symbols, an empty
string, a text past the 256-token limit).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from qa import embeddings

TEXTS = [
    "The council approved the budget on Tuesday.",
    "Séjourné visited Vilnius — with Baltic counterparts — on 8 March!",
    "数字 123 ½ naïve café ﬁnance",
    "",
    "   ",
    "How many people attended?",
    " ".join(f"word{i}" for i in range(400)),  # far past 256 tokens: truncated by both
]


def test_encode_gives_unit_float32_rows() -> None:
    vectors = embeddings.encode(TEXTS[:3])
    assert vectors.shape == (3, embeddings.DIMENSION) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_encode_of_nothing_is_an_empty_matrix() -> None:
    assert embeddings.encode([]).shape == (0, embeddings.DIMENSION)
    assert embeddings.encode_bulk([]).shape == (0, embeddings.DIMENSION)


def test_numpy_engine_matches_sentence_transformers_on_every_text() -> None:
    few = embeddings.small_model().encode(TEXTS)
    bulk = embeddings.encode_bulk(TEXTS)
    np.testing.assert_allclose(few, bulk, atol=2e-5)


def test_encode_routes_small_and_large_requests_to_the_same_vectors() -> None:
    texts = [f"Report number {i} says the river rose {i} centimetres." for i in range(embeddings.SMALL + 3)]
    large = embeddings.encode(texts)  # more than SMALL: the torch engine
    small = np.concatenate([embeddings.encode(texts[i : i + 2]) for i in range(0, len(texts), 2)])
    np.testing.assert_allclose(small, large, atol=2e-5)


def test_similar_meanings_are_closer_than_unrelated_ones() -> None:
    a, b, c = embeddings.encode(
        ["The city council passed the budget.", "Local officials approved the spending plan.",
         "The striker scored twice in the final."]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_word_vectors_are_unit_rows_that_put_related_words_closer() -> None:
    vectors = embeddings.word_vectors(["loan", "borrow", "giraffe", "loan"])
    assert vectors.shape == (4, embeddings.DIMENSION) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vectors[0], vectors[3])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert embeddings.word_vectors([]).shape == (0, embeddings.DIMENSION)


def test_word_pieces_are_the_tokenizer_s_for_every_kind_of_word() -> None:
    tokenizer = embeddings.small_model().tokenizer
    words = [
        "loan", "borrowing", "2024", "1,349", "séjourné", "Sejourne", "naïve", "CAFÉ", "x1", "unaffordability",
        "[unk]", "[UNK]", "hello-world", "a_b", "数字", "½", "", "##ing", "don't", "u.s.",
    ]
    for word in words:
        assert embeddings.word_pieces(word) == tokenizer.encode(word, add_special_tokens=False).ids, word
    assert len(embeddings.word_pieces("loan")) == 1  # a word the vocabulary holds whole: one piece


def test_both_engines_give_the_same_word_pieces_with_the_same_vectors() -> None:
    texts = TEXTS + ["The club's owner, Ann Brandt, pledged the rest."] * (embeddings.SMALL + 1)
    bulk = embeddings.encode_pieces(texts)  # more than SMALL texts: torch, padded batches
    few = embeddings.encode_pieces(texts[:3])  # numpy, one text at a time
    np.testing.assert_allclose(bulk.vectors, embeddings.encode(texts), atol=1e-5)
    np.testing.assert_allclose(few.vectors, bulk.vectors[:3], atol=1e-5)
    tokenizer = embeddings.small_model().tokenizer
    for text, pieces in zip(texts, bulk.pieces):  # a text's own pieces, not the batch's padding
        n = len(tokenizer.encode(text).ids)
        assert pieces.shape == (n - 2 if n > 2 else n, embeddings.DIMENSION)  # [CLS] and [SEP] left out
        np.testing.assert_allclose(np.linalg.norm(pieces, axis=1), 1.0, atol=1e-5)
    for a, b in zip(few.pieces, bulk.pieces):
        np.testing.assert_allclose(a, b, atol=1e-4)
    owner = embeddings.piece_vectors(texts[-1])
    np.testing.assert_allclose(owner, bulk.pieces[-1], atol=1e-4)
    assert embeddings.piece_vectors(texts[-1]) is owner  # cached
    assert embeddings.encode_pieces([]).pieces == []


def test_long_texts_are_truncated_not_rejected() -> None:
    long = TEXTS[-1]
    longer = long + " and many more words at the end that the model never sees"
    np.testing.assert_allclose(embeddings.encode([long]), embeddings.encode([longer]), atol=1e-6)


@pytest.mark.slow
def test_a_few_texts_are_encoded_without_importing_torch() -> None:
    code = (
        "import sys; from qa import embeddings; embeddings.encode(['a question?']); "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
