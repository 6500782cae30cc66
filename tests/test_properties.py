"""Property-based tests (hypothesis): whatever the text, every span is valid and quotes exactly.

Loaders keep .txt/.md text byte-exact after decoding; segmentation gives ordered, non-overlapping,
stripped spans with quote == text[start:end]; chunking covers the sentences in order with the
configured overlap.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.chunking import MAX_SENTENCE_CHARS, make_chunks, split_sentences
from qa.documents import DocumentError, load_document

PIECES = st.sampled_from([
    ".", "?", "!", " ", "  ", "\n", "\r\n", "\r", "\n\n", "\u00a0", "\t", "\u2028", "\x0c",
    "Mr.", "U.S.", "Feb. 29", "e.g.", "...", "“", "”", "\"", "'", "(", ")", "1.5", "3.",
    "The minister spoke", "word", "北京市", "مرحبا", "Привет", "🙂", "\u0301", "é", "\ufeff",
    "...?!", "a" * 700, "longword " * 90,
])
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_every_sentence_span_is_valid_ordered_disjoint_and_quotes_the_text(text: str) -> None:
    sentences = split_sentences("doc", text)
    previous_end = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert previous_end <= s.start < s.end <= len(text)
        quote = text[s.start : s.end]
        assert quote == quote.strip() and quote
        assert s.end - s.start <= MAX_SENTENCE_CHARS
        previous_end = s.end


@SETTINGS
@given(TEXT)
def test_sentences_lose_no_visible_character(text: str) -> None:
    sentences = split_sentences("doc", text)
    covered = [False] * len(text)
    for s in sentences:
        covered[s.start : s.end] = [True] * (s.end - s.start)
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))


@SETTINGS
@given(TEXT, st.integers(1, 8), st.integers(0, 7))
def test_chunks_cover_the_sentences_in_order_with_the_overlap(text: str, size: int, overlap: int) -> None:
    overlap = overlap % size
    sentences = split_sentences("doc", text)
    chunks = make_chunks(sentences, size, overlap)
    if not sentences:
        assert chunks == []
        return
    assert chunks[0].sentences[0] == sentences[0] and chunks[-1].sentences[-1] == sentences[-1]
    seen = []
    for i, chunk in enumerate(chunks):
        assert chunk.index == i and 1 <= len(chunk.sentences) <= size
        assert [s.index for s in chunk.sentences] == list(range(chunk.sentences[0].index, chunk.sentences[-1].index + 1))
        assert text[chunk.start : chunk.end].startswith(text[chunk.sentences[0].start : chunk.sentences[0].end])
        if i:
            shared = [s for s in chunk.sentences if s in chunks[i - 1].sentences]
            assert len(shared) == overlap
        seen.extend(s for s in chunk.sentences if s not in seen)
    assert seen == sentences


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT, st.sampled_from([".txt", ".md"]))
def test_text_files_load_exactly_and_their_spans_index_the_file(tmp_path: Path, text: str, suffix: str) -> None:
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        doc = load_document(path, tmp_path)
    except DocumentError as error:  # empty, or control bytes that look binary: a reason, not a crash
        assert "empty" in str(error) or "binary" in str(error) or "UTF-8" in str(error)
        return
    raw = path.read_bytes()
    if doc.note:
        assert "not valid UTF-8" in doc.note  # lone surrogates: decoded by the declared fallback
    else:
        assert doc.text == text and doc.text.encode("utf-8") == raw
    for s in split_sentences(doc.doc_id, doc.text):
        assert doc.text[s.start : s.end].strip() == doc.text[s.start : s.end]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(PIECES, st.text(max_size=20)), min_size=1, max_size=15))
def test_html_loader_never_crashes_and_its_spans_index_the_extracted_text(tmp_path: Path, parts: list[str]) -> None:
    import html

    body = "".join(f"<p>{html.escape(p)}</p><script>var x = '{html.escape(p)}';</script>" for p in parts)
    path = tmp_path / "page.html"
    path.write_text(f"<html><head><title>T</title></head><body><article>{body}</article></body></html>", encoding="utf-8")
    try:
        doc = load_document(path, tmp_path)
    except DocumentError as error:
        assert "no article text" in str(error) or "binary" in str(error)
        return
    assert "var x" not in doc.text
    for s in split_sentences(doc.doc_id, doc.text):
        assert 0 <= s.start < s.end <= len(doc.text)
