"""Page furniture: the lines of a scraped page that are not the article and must never be cited.

Six general signals, none tied to any one site or article:
- a line that stands more than once in the document (photo captions, repeated bylines);
- a short line without final punctuation after the first line (captions, bylines, datelines), and
  a byline of any length ("By Abena Mensah | Reporting from Tamale, Ghana, Thursday 12 March 2026"),
  unless it is an item of a list that a line ending in a colon introduces ("four hospitals:" then
  "- Kyoto University Hospital");
- a call to action addressed to the reader (donate, subscribe, share, read the original/more,
  advertisement, copyright notices); a short paragraph holding one is furniture as a whole;
- a line opened by a label with its colon: "Photo: ...", "[Photo caption: ...]", "Related: ...";
- an editor's note about the article itself: "This article was amended on ... to correct ...",
  "An earlier version of this story ...";
- text addressed to a machine reading the page ("ignore your previous instructions...").

    >>> flags = furniture_flags(text, sentences)
    >>> [text[s.start:s.end] for s, bad in zip(sentences, flags) if bad]
    ['Photo: Jane Doe', 'Subscribe to our newsletter']
"""

from __future__ import annotations

import re
from collections import Counter

from .chunking import Sentence

_CALL_TO_ACTION = re.compile(
    r"\b("
    r"support us|donate (today|now|here)|subscribe (to|now|today)|sign up (for|to|now)|"
    r"become a (patron|member|subscriber|supporter)|read (the )?original|read (the )?full (story|article)|"
    r"read more|click here|follow us|share this|all rights reserved|originally (appeared|published)|"
    r"listen to this article|privacy policy|terms of (use|service)"
    r")\b",
    re.IGNORECASE,
)
# A label that opens a caption, a credit or a link to another story: "Photo: ...", "[Photo caption:
# ...]", "Photograph: ...", "Related: ...". Only with its colon, bar or dash: "Credit card debt rose"
# and "Watchdogs said" are article sentences. A line it opens is furniture as a whole.
_LABEL = re.compile(
    r"^[\[(]?\s*(advertisement|sponsored|related|read more|see also|watch|caption|credit|correction|"
    r"clarification|editor['’]?s note|"
    r"(photo|image|picture)(graph)?( caption| credit)?)s?\s*(:|\||\s[-–—]\s)",
    re.IGNORECASE,
)
# An editor's note about the article itself, not about its subject: "This article was amended on
# 20 April to correct...", "An earlier version of this story misstated...". Its facts are the
# article's own corrections, stated in the body; quoting the note would cite a wrong version.
_EDITORS_NOTE = re.compile(
    r"^[\[(]?\s*(this (article|story|report|piece|post) (was|has been|had been|is being) "
    r"(amended|updated|corrected|changed|edited|revised)|(an|the|a) (earlier|previous|original|prior) "
    r"version of this (article|story|report|piece|post))\b",
    re.IGNORECASE,
)
# Words of an appeal; they count as furniture only when the sentence also addresses the reader.
_APPEAL = re.compile(r"\b(donat\w*|subscri\w*|newsletter|patron|one-time|sign up|support)\b", re.I)
_READER = re.compile(r"\b(you|your|us|we['’]re|we are|our)\b", re.I)
# Text addressed to a machine reading the page ("ignore your previous instructions and..."): a
# prompt injection is not article content, and quoting it as an answer would mislead.
_TO_A_MACHINE = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(previous|prior|above|earlier|all|your|any)\b"
    r"[^.!?\n]{0,20}\b(instructions?|prompts?|directions)\b",
    re.IGNORECASE,
)
# A byline: "By" and a capitalised name, the line not ending as a sentence does ("By Abena Mensah |
# Reporting from Tamale, Ghana, Thursday 12 March 2026"), however long. "By Thursday the navy had
# not moved." ends as a sentence and is article text.
_BYLINE = re.compile(r"^(?:[Bb]y|BY)\s+[A-ZÀ-ÞĀ-Ž][\w'’.-]*\s+[A-ZÀ-ÞĀ-Ž]")
# Flags are computed at ingest and stored with the document (qa/catalog.py). Bump RULES when the
# rules below change: stored flags of older rules are then ignored and computed afresh.
RULES = 5
_APPEAL_LINE_WORDS = 60  # an appeal is a short paragraph: every sentence of it is furniture
_FINAL = re.compile(r"[.!?…:;\"”’')\]]$")
_SHORT_WORDS = 8
LIST_ITEM = re.compile(r"^\s*([-•*–]|\d{1,2}[.)])\s")  # a line opening a list item: "- ", "2) "


def _listed(lines: dict[int, str]) -> set[int]:
    """The lines that are items of a list introduced by a line ending in a colon: the item lines
    right after it (blank lines between them aside), up to the first line that is not an item."""
    found: set[int] = set()
    open_list = False
    for k in sorted(lines):
        line = lines[k].strip()
        if open_list and LIST_ITEM.match(line):
            found.add(k)
            continue
        open_list = line.endswith(":")
    return found


def furniture_flags(text: str, sentences: list[Sentence] | tuple[Sentence, ...]) -> list[bool]:
    """One flag per sentence: True where the sentence is page furniture."""
    lines: dict[int, str] = {}
    for s in sentences:
        lines[s.line] = lines.get(s.line, "") + " " + text[s.start : s.end]
    normalised = {k: " ".join(v.split()).lower() for k, v in lines.items()}
    repeats = Counter(normalised.values())
    first_line = min(lines) if lines else -1
    def appeal(sentence: str) -> bool:
        return bool(_CALL_TO_ACTION.search(sentence) or _LABEL.match(sentence)) or bool(
            _APPEAL.search(sentence) and _READER.search(sentence)
        )

    appeal_lines = {
        s.line
        for s in sentences
        if appeal(text[s.start : s.end]) and len(normalised[s.line].split()) <= _APPEAL_LINE_WORDS
    }
    # a note opening its line is furniture to the line's end; one inside a paragraph, alone
    note_lines = {k for k, line in lines.items() if _EDITORS_NOTE.match(line.strip())}
    byline_lines = {k for k, line in lines.items() if _BYLINE.match(line.strip())}
    listed = _listed(lines)
    flags = []
    for s in sentences:
        line = normalised[s.line]
        flags.append(
            repeats[line] > 1
            or s.line in appeal_lines
            or s.line in note_lines
            or bool(_EDITORS_NOTE.match(text[s.start : s.end]))
            or appeal(text[s.start : s.end])
            or bool(_TO_A_MACHINE.search(text[s.start : s.end]))
            or (
                s.line != first_line
                and s.line not in listed
                and (len(line.split()) <= _SHORT_WORDS or s.line in byline_lines)
                and not _FINAL.search(line.strip())
            )
        )
    return flags


def encode_flags(flags: tuple[bool, ...] | list[bool]) -> str:
    """Flags as stored in the catalog: "<rules>:" then one 0/1 per sentence."""
    return f"{RULES}:" + "".join("1" if f else "0" for f in flags)


def decode_flags(stored: str, n_sentences: int) -> tuple[bool, ...]:
    """Stored flags, or () when they are missing, of other rules, or of another length."""
    rules, _, bits = (stored or "").partition(":")
    if rules != str(RULES) or len(bits) != n_sentences:
        return ()
    return tuple(b == "1" for b in bits)
