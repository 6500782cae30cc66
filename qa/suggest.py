"""Starter questions generated from the corpus itself, kept only when the assistant can answer them.

Candidates come from general patterns of news writing, not from any one article: people quoted
("X said" -> "What did X say?"), actions ("X welcomed the plan" -> "Who welcomed the plan?"), people named with a job title ("Minister X" -> "Who is X?") and
the other names the articles mention most ("What do the articles say about X?"). Each candidate is then asked; those that abstain are dropped, so a starter never
leads to "the articles don't say".

    >>> candidate_questions([("Title", "Mayor Ann Lee said no. The Paris Council met. The Paris Council left.")])
    ['What did Ann Lee say?', 'What do the articles say about Paris Council?']
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from typing import Callable, Iterable, Sequence

from .question import LOWER, UPPER

log = logging.getLogger(__name__)

_WORD = rf"[{UPPER}][{LOWER}'’\-]+"
_NAME = re.compile(rf"(?<![\w'’-])({_WORD}(?:[ \xa0]{_WORD}){{0,5}})(?![\w'’-])")
_VERBS = r"(?:said|says|told|added|wrote|warned|argued|stressed|explained)"
_SAID_AFTER = re.compile(rf"(?<![\w'’-])({_WORD}(?:[ \xa0]{_WORD}){{0,5}}),?[ \xa0]{_VERBS}\b")
_SAID_BEFORE = re.compile(rf"\b{_VERBS}[ \xa0]({_WORD}(?:[ \xa0]{_WORD}){{0,5}})(?![\w'’-])")
_TOPIC = re.compile(r"[ \xa0](?:that[ \xa0])?the[ \xa0]([a-z][a-z\-]{2,})")
_OBJECT_STOP = frozenset(
    "on in at by for to with of and or but that which who from as after before during over into "
    "about than because while would will could should".split()
)
_ACTION = re.compile(
    rf"(?<![\w'’-])({_WORD}(?:[ \xa0]{_WORD}){{0,5}})[ \xa0]([a-z]{{3,}}ed)[ \xa0](the|a|an)[ \xa0]"
    r"([a-z][a-z\-]*(?:[ \xa0][a-z][a-z\-]*){0,3})"
)
_STOP_FIRST = frozenset(
    "The A An In On At Of For And But Or If When While As After Before Since This That These Those It "
    "He She They We You I His Her Their Its Our My Your What Which Who Why How Where There Here "
    "Mr Mrs Ms Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March "
    "April May June July August September October November December".split()
)
_TITLES = frozenset(
    "President Minister Prime Foreign Defense Defence Secretary Chancellor General Senator Governor "
    "Mayor Chief Director Spokesperson Spokesman Spokeswoman Professor Sir King Queen".split()
)
_SAFE = re.compile(r"^[\w .'’\-]+$")


def _clean_name(name: str) -> tuple[str, bool]:
    """Drop leading function words and job titles: 'French Foreign Minister Ann Lee' -> 'Ann Lee'.

    Also says whether a job title stood before the name (then the name is a person's).
    """
    words = name.split()  # also splits at no-break spaces
    titled = False
    while words and (words[0] in _STOP_FIRST or words[0] in _TITLES):
        titled = titled or words[0] in _TITLES
        words.pop(0)
    # nationality adjectives before a title ("French Foreign Minister ...") go with the title
    last_title = max((i for i, word in enumerate(words[:-1]) if word in _TITLES), default=-1)
    if last_title >= 0:
        titled = True
        words = words[last_title + 1 :]
    while words and words[-1] in _TITLES:
        words.pop()
    return " ".join(words), titled and len(words) >= 2


def speakers(text: str) -> list[str]:
    """Names of people quoted in a text: capitalised words next to 'said' and kin.

    A name after "the" is taken for an organisation and skipped; a lone surname ("Lee said") is
    kept as is and resolved to a full name by `candidate_questions`.
    """
    found = []
    text = unicodedata.normalize("NFC", text)
    for pattern in (_SAID_AFTER, _SAID_BEFORE):
        for m in pattern.finditer(text):
            if text[max(0, m.start(1) - 4) : m.start(1)].lower() == "the ":
                continue
            name, _titled = _clean_name(m.group(1))
            if name and name.split()[0] not in _STOP_FIRST:
                found.append(name)
    return found


def said_topics(text: str) -> dict[str, str]:
    """Speaker -> what they spoke about, when the text says "X said the Y ..." ('the Y')."""
    topics: dict[str, str] = {}
    text = unicodedata.normalize("NFC", text)
    for m in _SAID_AFTER.finditer(text):
        topic = _TOPIC.match(text, m.end())
        name, _titled = _clean_name(m.group(1))
        if topic and name and name not in topics:
            topics[name] = f"the {topic.group(1)}"
    return topics


def actions(text: str) -> list[str]:
    """'Who <verb>ed <object>?' questions from sentences where a name did something to something.

    "Mayor Ann Lee welcomed the decision on Monday." -> "Who welcomed the decision?"
    """
    found = []
    for m in _ACTION.finditer(unicodedata.normalize("NFC", text)):
        name, _titled = _clean_name(m.group(1))
        if not name or name.split()[0] in _STOP_FIRST:
            continue
        words = []
        for word in m.group(4).split():
            if word in _OBJECT_STOP:
                break
            words.append(word)
        if words:
            found.append(f"Who {m.group(2)} {m.group(3)} {' '.join(words)}?")
    return found


def names(text: str) -> list[tuple[str, bool]]:
    """Capitalised names in a text as (name, is a titled person), titles and function words removed."""
    out = []
    for m in _NAME.finditer(unicodedata.normalize("NFC", text)):
        name, titled = _clean_name(m.group(1))
        if name and len(name) > 2 and name.split()[0] not in _STOP_FIRST:
            out.append((name, titled))
    return out


def _interleave(*lists: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        out.extend(x[i] for x in lists if i < len(x))
    return out


def candidate_questions(documents: Iterable[tuple[str, str]], limit: int = 12) -> list[str]:
    """(title, text) pairs -> questions to try, most promising first, no duplicates.

    Four kinds, taken in turn so that the starters vary: what a quoted person said (about what,
    when the text says); who did something to something ("Who welcomed the decision?"); who a
    person named with a job title is; what the articles say about a name (multi-word names by frequency,
    then single names mentioned at least twice). Only names made of letters, spaces, dots,
    apostrophes and hyphens are used, so a question never carries markup from a document.
    """
    said: Counter[str] = Counter()
    named: Counter[str] = Counter()
    people: set[str] = set()
    topics: dict[str, str] = {}
    did_qs: list[str] = []
    for _title, text in documents:
        said.update(speakers(text))
        for speaker, topic in said_topics(text).items():
            topics.setdefault(speaker, topic)
        did_qs.extend(actions(text))
        for name, titled in names(text):
            named[name] += 1
            if titled:
                people.add(name)
    full_names = [n for n, _c in named.most_common() if len(n.split()) >= 2]
    quoted: list[str] = []
    for name, _count in said.most_common():
        if len(name.split()) == 1:  # a surname: the full name it ends, when the text has one
            name = next((f for f in full_names if f.split()[-1] == name), name)
        if name not in quoted:
            quoted.append(name)
    single = [n for n, c in named.most_common() if len(n.split()) == 1 and c >= 2]
    def about(name: str) -> str:
        surname = name.split()[-1]
        topic = topics.get(name) or topics.get(surname)
        return f" about {topic}" if topic else ""

    said_qs = [f"What did {n} say{about(n)}?" for n in quoted if _SAFE.match(n)]
    who_qs = [f"Who is {n}?" for n in full_names if n in people and n not in quoted and _SAFE.match(n)]
    about_qs = [
        f"What do the articles say about {n}?"
        for n in full_names + single
        if n not in people and n not in quoted and _SAFE.match(n)
    ]
    did_qs = [q for q in dict.fromkeys(did_qs) if _SAFE.match(q[:-1])]
    return list(dict.fromkeys(_interleave(said_qs, did_qs, who_qs, about_qs)))[:limit]


def starter_questions(
    documents: Sequence[tuple[str, str]],
    answers: Callable[[str], bool],
    count: int = 4,
    tries: int = 10,
) -> list[str]:
    """Up to `count` candidates for which `answers(question)` is True (e.g. "does not abstain").

    `answers` is called at most `tries` times; a candidate that raises is skipped.
    """
    kept: list[str] = []
    for question in candidate_questions(documents, limit=tries):
        try:
            if answers(question):
                kept.append(question)
        except Exception as error:  # a starter is a nicety: never let it break the page
            log.warning("starter question %r failed: %s", question, error)
        if len(kept) >= count:
            break
    return kept
