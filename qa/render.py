"""HTML for the chat app: answers with clickable [n] marks, the source panel, the document list.

Every piece of document or user text goes through `esc` (html.escape, quotes included) before it
is placed in markup, so an article holding `<script>` or `<img onerror=...>` shows as text. Only
this module writes markup; `app.py` places the strings in Gradio components.

A mark is `<a class="qa-cite qa-t-T qa-n-N" data-turn="T" data-n="N">[N]</a>` (the chat's HTML
sanitiser drops data- attributes, so the classes carry turn and number too): the page's click
bridge (see `CLICK_BRIDGE_JS`) sends (turn, n) to the server, which answers with `source_panel`.

    >>> answer_html("Poland said no [1].", [1], turn=0)
    'Poland said no <a class="qa-cite qa-t-0 qa-n-1" ... data-turn="0" data-n="1" ...>[1]</a>.'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

MARK = re.compile(r"\[(\d{1,3})\]")
PANEL_WINDOW = 60_000  # characters of a long document shown around the cited spans


@dataclass(frozen=True)
class Span:
    """A cited span to highlight: character offsets into the document's text and its mark."""

    n: int
    start: int
    end: int


@dataclass(frozen=True)
class SourceItem:
    """One line of the compact source list: the mark, where it comes from, what it quotes."""

    n: int
    doc_id: str
    title: str
    quote: str


def esc(text: object) -> str:
    """Text -> HTML-safe text (`&`, `<`, `>`, `"` and `'` escaped)."""
    return html.escape(str(text), quote=True)


def mark_link(n: int, turn: int) -> str:
    """The clickable `[n]` of answer `turn`."""
    t, k = int(turn), int(n)
    return (
        f'<a class="qa-cite qa-t-{t} qa-n-{k}" role="button" tabindex="0" data-turn="{t}" data-n="{k}" '
        f'title="Show source {k}">[{k}]</a>'
    )


def answer_html(
    text: str, known: Iterable[int], turn: int, abstained: bool = False, closest: Iterable[int] = ()
) -> str:
    """An answer's text, escaped, with each `[n]` of a known citation made clickable.

    An abstention is styled apart, and its `closest` passages get marks of their own, labelled as
    not answering.
    """
    known_set = set(known)
    parts: list[str] = []
    last = 0
    for m in MARK.finditer(text):
        parts.append(esc(text[last : m.start()]))
        n = int(m.group(1))
        parts.append(mark_link(n, turn) if n in known_set else esc(m.group(0)))
        last = m.end()
    parts.append(esc(text[last:]))
    body = "".join(parts)
    if abstained:
        near = " ".join(mark_link(n, turn) for n in closest)
        extra = f'<div class="qa-closest-marks">Nearest passages, not answers: {near}</div>' if near else ""
        return f'<div class="qa-abstain"><span class="qa-abstain-tag">Not in the articles</span> {body}{extra}</div>'
    return f'<div class="qa-answer">{body}</div>'


def partial_answer_html(text: str) -> str:
    """Text still streaming: escaped, marks not yet clickable, with a typing cursor."""
    return f'<div class="qa-answer qa-streaming">{esc(text)}<span class="qa-cursor">▍</span></div>'


def user_html(text: str) -> str:
    """A user's message, escaped."""
    return f'<div class="qa-user">{esc(text)}</div>'


def error_html(message: str) -> str:
    """A one-line problem with the question (empty, too long...), escaped."""
    return f'<div class="qa-error">{esc(message)}</div>'


def _segments(length: int, spans: Sequence[Span]) -> list[tuple[int, int, list[int]]]:
    """Cut [0, length) at every span boundary: (start, end, marks covering that piece)."""
    cuts = {0, length}
    for s in spans:
        cuts.add(max(0, min(s.start, length)))
        cuts.add(max(0, min(s.end, length)))
    points = sorted(cuts)
    pieces = []
    for a, b in zip(points, points[1:]):
        covering = sorted({s.n for s in spans if s.start <= a and b <= s.end})
        pieces.append((a, b, covering))
    return pieces


def highlighted_text(text: str, spans: Sequence[Span], active: int | None) -> str:
    """The document's text, escaped, with each span in a `<mark>`; the active one has id qa-active.

    Overlapping spans are cut into pieces, each marked with every citation it belongs to. When the
    document is long, only a window around the spans is shown, with the cut said plainly.
    """
    lo, hi = 0, len(text)
    if len(text) > PANEL_WINDOW and spans:
        focus = [s for s in spans if s.n == active] or list(spans)
        centre = focus[0].start
        lo = max(0, centre - PANEL_WINDOW // 2)
        hi = min(len(text), lo + PANEL_WINDOW)
    local = [Span(s.n, s.start - lo, s.end - lo) for s in spans if s.end > lo and s.start < hi]
    body = text[lo:hi]
    out: list[str] = []
    if lo > 0:
        out.append(f'<span class="qa-elided">[… {lo:,} characters before …]</span>\n')
    first_active = True
    for a, b, marks in _segments(len(body), local):
        piece = esc(body[a:b])
        if not marks:
            out.append(piece)
            continue
        classes = "qa-hl"
        attrs = f' data-n="{" ".join(str(m) for m in marks)}"'
        if active is not None and active in marks:
            classes += " qa-hl-active"
            if first_active:
                attrs += ' id="qa-active"'
                first_active = False
        out.append(f'<mark class="{classes}"{attrs}>{piece}</mark>')
    if hi < len(text):
        out.append(f'\n<span class="qa-elided">[… {len(text) - hi:,} characters after …]</span>')
    return "".join(out)


def source_list(items: Sequence[SourceItem], turn: int, active: int | None, heading: str) -> str:
    """The compact list of an answer's sources: clickable mark, title, quote."""
    if not items:
        return ""
    rows = []
    for item in items:
        cls = "qa-src qa-src-active" if item.n == active else "qa-src"
        rows.append(
            f'<li class="{cls}">{mark_link(item.n, turn)} <span class="qa-src-title">{esc(item.title)}</span>'
            f'<q class="qa-src-quote">{esc(item.quote)}</q></li>'
        )
    return f'<div class="qa-srclist"><h4>{esc(heading)}</h4><ol>{"".join(rows)}</ol></div>'


def source_panel(
    *,
    title: str,
    doc_id: str,
    text: str,
    spans: Sequence[Span],
    active: int | None,
    items: Sequence[SourceItem],
    turn: int,
    closest: bool = False,
) -> str:
    """The right-hand panel: the source list, then the cited document with its spans highlighted.

    `closest` marks passages shown after an abstention: they are labelled as not answering.
    """
    heading = "Closest passages (they do not answer the question)" if closest else "Sources"
    note = (
        '<p class="qa-closest-note">The articles don\'t answer this question. These are the nearest '
        "passages found, shown so you can check for yourself.</p>"
        if closest
        else ""
    )
    kind = " qa-doc-closest" if closest else ""
    return (
        f'<div class="qa-panel">{note}{source_list(items, turn, active, heading)}'
        f'<div class="qa-doc{kind}"><div class="qa-doc-head"><span class="qa-doc-title">{esc(title)}</span>'
        f'<span class="qa-doc-id">{esc(doc_id)}</span></div>'
        f'<div class="qa-doc-text">{highlighted_text(text, spans, active)}</div></div></div>'
    )


def empty_panel(message: str = "Ask a question: the passages an answer rests on appear here, highlighted.") -> str:
    """The panel before any answer."""
    return f'<div class="qa-panel qa-panel-empty"><p>{esc(message)}</p></div>'


def documents_table(rows: Sequence[tuple[str, str, int, int]]) -> str:
    """The indexed documents as a table: (doc_id, title, sentences, characters) per row."""
    if not rows:
        return '<p class="qa-docs-empty">No documents yet: upload .txt, .md or .html files.</p>'
    body = "".join(
        f"<tr><td class='qa-docs-title'>{esc(title)}<div class='qa-doc-id'>{esc(doc_id)}</div></td>"
        f"<td>{sentences:,}</td><td>{characters:,}</td></tr>"
        for doc_id, title, sentences, characters in rows
    )
    return (
        "<table class='qa-docs'><thead><tr><th>Document</th><th>Sentences</th><th>Characters</th>"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


# Installed once per page by the source panel's `js_on_load`: a click (or Enter) on any .qa-cite mark,
# in the chat or in the panel, sends {turn, n} to the server through the panel's `click` event;
# after each re-render the highlighted span is scrolled into view inside the panel.
CLICK_BRIDGE_JS = r"""
window.__qaTrigger = trigger;
if (!window.__qaBridge) {
  window.__qaBridge = true;
  const pick = (ev) => {
    const mark = ev.target.closest && ev.target.closest('.qa-cite');
    if (!mark) return;
    ev.preventDefault();
    ev.stopPropagation();
    document.querySelectorAll('.qa-cite.qa-cite-on').forEach(m => m.classList.remove('qa-cite-on'));
    mark.classList.add('qa-cite-on');
    const num = (prefix) => {
      const cls = Array.from(mark.classList).find(c => c.startsWith(prefix));
      return cls ? Number(cls.slice(prefix.length)) : NaN;
    };
    window.__qaTrigger('click', {turn: num('qa-t-'), n: num('qa-n-')});
  };
  document.addEventListener('click', pick, true);
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') pick(ev); }, true);
}
const reveal = () => {  // scroll the document box only, never the page
  const target = element.querySelector('#qa-active');
  const box = target && target.closest('.qa-doc-text');
  if (!box) return;
  const top = target.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  box.scrollTo({top: Math.max(0, top - box.clientHeight / 3), behavior: 'smooth'});
};
watch('value', () => requestAnimationFrame(reveal));
"""
