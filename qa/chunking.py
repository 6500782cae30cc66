"""Sentences with exact character spans, grouped into overlapping chunks.

Text is first cut at line breaks (news text puts headlines, captions and paragraphs on lines of
their own, without final punctuation), then each line is segmented by pysbd, a rule-based
segmenter that knows abbreviations such as "Feb." and "U.S.". Spans are found in the original
text, so `text[s.start:s.end]` is always the sentence, whatever pysbd normalises.

    >>> sents = split_sentences("d", "Hello there. On Feb. 29 he left.\\nNew line")
    >>> [(s.start, s.end) for s in sents]
    [(0, 12), (13, 32), (33, 41)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_SENTENCE_CHARS = 600  # longer runs without punctuation are cut at spaces
BLOCK_CHARS = 4000  # pysbd is quadratic on long inputs: longer lines are segmented in blocks
_LINE = re.compile(r"[^\n\r]+")
_BLOCK_END = re.compile(r"[.!?][\"'”’)\]]*\s+")


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int
    start: int
    end: int
    line: int  # index of the line (paragraph) it stands in


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    index: int
    sentences: tuple[Sentence, ...]

    @property
    def chunk_id(self) -> str:
        return chunk_id(self.doc_id, self.index)

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end


def sentence_id(doc_id: str, index: int) -> str:
    """The id of a sentence in the index: 'article.txt::s3'."""
    return f"{doc_id}::s{index}"


def chunk_id(doc_id: str, index: int) -> str:
    """The id of a chunk in the index: 'article.txt::c1'."""
    return f"{doc_id}::c{index}"


def split_id(id_: str) -> tuple[str, int]:
    """'article.txt::s3' -> ('article.txt', 3); the same for chunk ids."""
    doc_id, _, tail = id_.rpartition("::")
    return doc_id, int(tail[1:])


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _cut_long(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """Cut a span longer than MAX_SENTENCE_CHARS at whitespace."""
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a long line into blocks of at most BLOCK_CHARS, after a sentence end if there is one.

    pysbd takes seconds on a line of a few thousand sentences (it is quadratic), so a long line
    is segmented a block at a time; a block ends after ". " (else at a space, else anywhere).
    """
    blocks: list[tuple[int, int]] = []
    while end - start > BLOCK_CHARS:
        limit = start + BLOCK_CHARS
        cut = -1
        for match in _BLOCK_END.finditer(text, start + BLOCK_CHARS // 2, limit):
            cut = match.end()
        if cut <= start:
            cut = text.rfind(" ", start + BLOCK_CHARS // 2, limit) + 1
        if cut <= start:
            cut = limit
        blocks.append((start, cut))
        start = cut
    blocks.append((start, end))
    return blocks


def _line_spans(text: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one line (or block of a line), located exactly in `text`."""
    line = text[line_start:line_end]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter().segment(line):
        piece = piece.strip()
        if not piece:
            continue
        at = line.find(piece, cursor)
        if at < 0:  # the segmenter changed the text: keep the rest of the line whole
            spans.append((line_start + cursor, line_end))
            cursor = len(line)
            break
        spans.append((line_start + at, line_start + at + len(piece)))
        cursor = at + len(piece)
    if cursor < len(line) and line[cursor:].strip():
        spans.append((line_start + cursor, line_end))
    return spans


def split_sentences(doc_id: str, text: str) -> list[Sentence]:
    """All sentences of `text`, in order, with spans that index `text` exactly."""
    sentences: list[Sentence] = []
    for line_no, match in enumerate(_LINE.finditer(text)):
        spans = [
            span
            for block_start, block_end in _blocks(text, match.start(), match.end())
            for span in _line_spans(text, block_start, block_end)
        ]
        for raw_start, raw_end in spans:
            start, end = _strip(text, raw_start, raw_end)
            if start >= end:
                continue
            for a, b in _cut_long(start, end, text):
                a, b = _strip(text, a, b)
                if a < b:
                    sentences.append(Sentence(doc_id, len(sentences), a, b, line_no))
    return sentences


def make_chunks(sentences: list[Sentence], size: int = 5, overlap: int = 2) -> list[Chunk]:
    """Windows of `size` sentences, each sharing `overlap` sentences with the previous one."""
    if size < 1:
        raise ValueError("size must be >= 1")
    if not 0 <= overlap < size:
        raise ValueError("overlap must be >= 0 and < size")
    if not sentences:
        return []
    step = size - overlap
    chunks: list[Chunk] = []
    for start in range(0, len(sentences), step):
        window = tuple(sentences[start : start + size])
        chunks.append(Chunk(sentences[0].doc_id, len(chunks), window))
        if start + size >= len(sentences):
            break
    return chunks


def chunk_window(chunk_index: int, size: int, overlap: int) -> slice:
    """The sentences (by index) of chunk `chunk_index`, as `make_chunks` cuts them."""
    step = size - overlap
    return slice(chunk_index * step, chunk_index * step + size)


def chunks_containing(sentence_index: int, n_sentences: int, size: int, overlap: int) -> range:
    """Indices of the chunks, as `make_chunks` cuts them, that contain a sentence."""
    step = size - overlap
    last_chunk = max(0, -(-(n_sentences - size) // step))
    first = max(0, -(-(sentence_index - size + 1) // step))
    return range(first, min(sentence_index // step, last_chunk) + 1)
