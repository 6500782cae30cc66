"""qa.render: escaping, clickable marks, highlighted spans, the source panel."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from qa import render
from qa.render import SourceItem, Span

HOSTILE = "<img src=x onerror=alert(1)> <script>alert(2)</script> \" ' & <b>bold</b>"


class _Tags(HTMLParser):
    """Collects start tags and the text as a browser would show it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser


def test_answer_html_escapes_markup_and_shows_it_as_text():
    page = parse(render.answer_html(f"{HOSTILE} [1]", [1], turn=0))
    assert {tag for tag, _ in page.tags} <= {"div", "a"}
    assert HOSTILE in "".join(page.text)


def test_answer_html_links_only_known_marks():
    page = parse(render.answer_html("A [1] and B [7].", [1], turn=3))
    links = [attrs for tag, attrs in page.tags if tag == "a"]
    assert len(links) == 1
    assert "qa-t-3" in links[0]["class"] and "qa-n-1" in links[0]["class"]
    assert "[7]" in "".join(page.text)


def test_abstention_is_styled_apart_and_links_closest_passages():
    markup = render.answer_html("The articles don't say.", [], turn=1, abstained=True, closest=[1, 2])
    page = parse(markup)
    assert ("div", {"class": "qa-abstain"}) in page.tags
    assert [a["data-n"] for t, a in page.tags if t == "a"] == ["1", "2"]


def test_user_and_partial_text_are_escaped():
    for markup in (render.user_html(HOSTILE), render.partial_answer_html(HOSTILE), render.error_html(HOSTILE)):
        page = parse(markup)
        assert {tag for tag, _ in page.tags} <= {"div", "span"}
        assert HOSTILE in "".join(page.text)


def test_highlighted_text_marks_exactly_the_span():
    text = "First sentence. Second one here. Third."
    start = text.index("Second")
    end = text.index(" Third")
    markup = render.highlighted_text(text, [Span(1, start, end)], active=1)
    m = re.search(r'<mark class="qa-hl qa-hl-active" data-n="1" id="qa-active">(.*?)</mark>', markup)
    assert m and m.group(1) == text[start:end]
    assert "".join(parse(markup).text) == text


def test_highlighted_text_splits_overlapping_spans():
    text = "abcdefghij"
    markup = render.highlighted_text(text, [Span(1, 2, 6), Span(2, 4, 8)], active=2)
    marks = re.findall(r'<mark class="([^"]+)" data-n="([^"]+)"[^>]*>([^<]*)</mark>', markup)
    assert [(n, piece) for _cls, n, piece in marks] == [("1", "cd"), ("1 2", "ef"), ("2", "gh")]
    assert markup.count('id="qa-active"') == 1
    assert "".join(parse(markup).text) == text


def test_highlighted_text_windows_a_long_document_around_the_active_span():
    text = "x" * (render.PANEL_WINDOW * 3) + "NEEDLE" + "y" * (render.PANEL_WINDOW * 3)
    start = text.index("NEEDLE")
    markup = render.highlighted_text(text, [Span(1, start, start + 6)], active=1)
    assert ">NEEDLE</mark>" in markup
    assert len(markup) < render.PANEL_WINDOW + 1000
    assert "characters before" in markup and "characters after" in markup


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(min_size=1, max_size=200),
    raw_spans=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=4),
)
def test_highlighted_text_shows_any_text_exactly_and_never_makes_tags_from_it(text, raw_spans):
    spans = [Span(i + 1, min(a, b), max(a, b)) for i, (a, b) in enumerate(raw_spans) if min(a, b) < max(a, b) <= len(text)]
    markup = render.highlighted_text(text, spans, active=1 if spans else None)
    page = parse(markup)
    assert {tag for tag, _ in page.tags} <= {"mark"}
    assert "".join(page.text) == text


def test_source_panel_escapes_title_id_and_quotes():
    panel = render.source_panel(
        title=HOSTILE,
        doc_id="<x>.txt",
        text=HOSTILE,
        spans=[Span(1, 0, 5)],
        active=1,
        items=[SourceItem(1, "<x>.txt", HOSTILE, HOSTILE)],
        turn=0,
    )
    page = parse(panel)
    assert not {tag for tag, _ in page.tags} & {"img", "script", "b"}
    assert "".join(page.text).count(HOSTILE) == 4  # list title, quote, document title, text


def test_source_panel_labels_closest_passages_as_not_answers():
    panel = render.source_panel(
        title="T", doc_id="d.txt", text="Some text.", spans=[Span(1, 0, 4)], active=1,
        items=[SourceItem(1, "d.txt", "T", "Some")], turn=0, closest=True,
    )
    assert "do not answer" in panel and "qa-doc-closest" in panel


def test_documents_table_escapes_and_handles_empty():
    assert "No documents" in render.documents_table([])
    page = parse(render.documents_table([("<a>.txt", HOSTILE, 3, 40)]))
    assert not {tag for tag, _ in page.tags} & {"img", "script", "b", "a"}
    assert HOSTILE in "".join(page.text)
