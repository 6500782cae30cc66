"""Citations: numbered marks [n] that point at exact character spans of a document.

A `Citation` always satisfies `quote == Document.text[start:end]`; `make_citations` builds them
from spans and nothing else creates them, so no code path can quote what the source does not say.

    >>> cites = make_citations([("a.txt", 0, 5)], {"a.txt": doc})
    >>> cites[0].n, cites[0].quote
    (1, 'Hello')
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Mapping

from .documents import Document

MARK = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    start: int
    end: int
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def make_citations(
    spans: list[tuple[str, int, int]], documents: Mapping[str, Document]
) -> list[Citation]:
    """Number spans 1..n in the given order (duplicates keep their first number)."""
    citations: list[Citation] = []
    seen: set[tuple[str, int, int]] = set()
    for doc_id, start, end in spans:
        if (doc_id, start, end) in seen:
            continue
        doc = documents[doc_id]
        if not 0 <= start < end <= len(doc.text):
            raise ValueError(f"span {start}:{end} is outside {doc_id}")
        seen.add((doc_id, start, end))
        citations.append(
            Citation(len(citations) + 1, doc_id, doc.title, doc.source, start, end, doc.text[start:end])
        )
    return citations


def marks(text: str) -> list[int]:
    """The citation numbers used in `text`, in order of first use."""
    return list(dict.fromkeys(int(m) for m in MARK.findall(text)))


def strip_marks(text: str) -> str:
    return " ".join(MARK.sub("", text).split())


def is_faithful(citation: Citation, documents: Mapping[str, Document]) -> bool:
    """Does the quote equal the document's text at the cited offsets?"""
    doc = documents.get(citation.doc_id)
    return doc is not None and doc.text[citation.start : citation.end] == citation.quote
