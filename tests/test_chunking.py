"""Sentences with exact spans, and overlapping chunks of them."""

from __future__ import annotations

import pytest

from qa import chunking
from qa.chunking import MAX_SENTENCE_CHARS, Sentence, make_chunks, split_sentences


def _quotes(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences("d", text)]


def test_every_span_indexes_its_sentence_in_the_original_text() -> None:
    text = "Mr. Smith went to Washington. On Feb. 29 the U.S. Senate voted 52-48!\r\nWas it close? Yes."
    sentences = split_sentences("d", text)
    assert _quotes(text) == [
        "Mr. Smith went to Washington.",
        "On Feb. 29 the U.S. Senate voted 52-48!",
        "Was it close?",
        "Yes.",
    ]
    assert [s.index for s in sentences] == list(range(len(sentences)))
    assert all(s.doc_id == "d" for s in sentences)


def test_line_breaks_end_sentences_and_number_lines() -> None:
    text = "HEADLINE IN CAPS\n\nPhoto: agency\nBody text starts here. It goes on."
    sentences = split_sentences("d", text)
    assert _quotes(text) == ["HEADLINE IN CAPS", "Photo: agency", "Body text starts here.", "It goes on."]
    assert [s.line for s in sentences] == [0, 1, 2, 2]


def test_nbsp_and_surrounding_whitespace_are_not_part_of_a_sentence() -> None:
    text = "\u00a0\u00a0 The price\u00a0rose. \u00a0 Then it fell.\u00a0"
    assert _quotes(text) == ["The price\u00a0rose.", "Then it fell."]


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert split_sentences("d", "") == []
    assert split_sentences("d", " \n\r\n\t\u00a0 ") == []


def test_long_run_without_punctuation_is_cut_at_spaces_within_the_limit() -> None:
    text = " ".join(f"word{i}" for i in range(2000))
    sentences = split_sentences("d", text)
    assert len(sentences) > 1
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in sentences)
    assert " ".join(text[s.start : s.end] for s in sentences) == text


def test_long_run_without_any_space_is_cut_hard() -> None:
    text = "x" * (MAX_SENTENCE_CHARS * 3 + 7)
    assert [s.end - s.start for s in split_sentences("d", text)] == [600, 600, 600, 7]


def test_a_very_long_line_of_sentences_is_segmented_in_blocks_without_losing_any(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chunking, "BLOCK_CHARS", 200)  # many blocks from a short text
    text = " ".join(f"Sentence number {i} is here." for i in range(60))
    assert _quotes(text) == [f"Sentence number {i} is here." for i in range(60)]


def _sentences(n: int) -> list[Sentence]:
    return [Sentence("d", i, i * 10, i * 10 + 5, 0) for i in range(n)]


@pytest.mark.parametrize("n, size, overlap, expected", [
    (1, 5, 2, [[0]]),
    (5, 5, 2, [[0, 1, 2, 3, 4]]),
    (6, 5, 2, [[0, 1, 2, 3, 4], [3, 4, 5]]),
    (10, 5, 2, [[0, 1, 2, 3, 4], [3, 4, 5, 6, 7], [6, 7, 8, 9]]),
    (4, 2, 0, [[0, 1], [2, 3]]),
    (3, 1, 0, [[0], [1], [2]]),
])
def test_chunks_have_the_size_and_overlap_asked_for(n: int, size: int, overlap: int, expected: list[list[int]]) -> None:
    chunks = make_chunks(_sentences(n), size, overlap)
    assert [[s.index for s in c.sentences] for c in chunks] == expected
    assert [c.index for c in chunks] == list(range(len(expected)))
    assert chunks[0].chunk_id == "d::c0"
    assert (chunks[-1].start, chunks[-1].end) == (chunks[-1].sentences[0].start, chunks[-1].sentences[-1].end)


def test_no_sentences_make_no_chunks() -> None:
    assert make_chunks([], 5, 2) == []


@pytest.mark.parametrize("size, overlap, message", [
    (0, 0, "size must be >= 1"),
    (-3, 0, "size must be >= 1"),
    (5, 5, "overlap must be"),
    (5, -1, "overlap must be"),
])
def test_bad_chunk_settings_are_refused(size: int, overlap: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_chunks(_sentences(3), size, overlap)


def test_window_helpers_agree_with_make_chunks():
    from qa.chunking import Sentence, chunk_window, chunks_containing, make_chunks

    for n in (1, 2, 5, 6, 13):
        sentences = [Sentence("d", i, i * 10, i * 10 + 5, i) for i in range(n)]
        chunks = make_chunks(sentences, 5, 2)
        for chunk in chunks:
            assert [s.index for s in sentences[chunk_window(chunk.index, 5, 2)]] == [s.index for s in chunk.sentences]
        for i in range(n):
            expected = [c.index for c in chunks if any(s.index == i for s in c.sentences)]
            assert list(chunks_containing(i, n, 5, 2)) == expected


def test_ids_round_trip():
    from qa.chunking import chunk_id, sentence_id, split_id

    assert split_id(sentence_id("a::b.txt", 12)) == ("a::b.txt", 12)
    assert split_id(chunk_id("news/x.md", 3)) == ("news/x.md", 3)
