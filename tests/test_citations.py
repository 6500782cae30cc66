"""Citations always quote the document's text at their offsets."""

import pytest

from qa.citations import Citation, is_faithful, make_citations, marks, strip_marks
from qa.documents import Document

DOC = Document("a.txt", "Title", "/x/a.txt", "Hello world. Second\u00a0sentence here.", "sha")


def test_citations_are_numbered_in_order_and_quote_exact_text():
    cites = make_citations([("a.txt", 13, 34), ("a.txt", 0, 12)], {"a.txt": DOC})
    assert [c.n for c in cites] == [1, 2]
    assert cites[0].quote == "Second\u00a0sentence here."
    assert all(is_faithful(c, {"a.txt": DOC}) for c in cites)


def test_duplicate_spans_are_cited_once():
    assert len(make_citations([("a.txt", 0, 5), ("a.txt", 0, 5)], {"a.txt": DOC})) == 1


def test_span_outside_the_document_is_refused():
    with pytest.raises(ValueError):
        make_citations([("a.txt", 10, 999)], {"a.txt": DOC})


def test_a_forged_quote_is_not_faithful():
    forged = Citation(1, "a.txt", "Title", "/x/a.txt", 0, 5, "Howdy")
    assert not is_faithful(forged, {"a.txt": DOC})


def test_marks_and_strip_marks():
    assert marks("A [2] b [1] c [2]") == [2, 1]
    assert strip_marks("Poland [1] and Canada [2].") == "Poland and Canada ."
