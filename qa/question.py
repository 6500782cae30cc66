"""What a question asks for: its content terms, the kind of answer it expects, whether it is a
follow-up that needs the conversation, and whether it wants a list.

These are general rules of English questions (the classic answer-type taxonomy of open-domain QA),
not rules about any article.

    >>> q = analyse("How many soldiers did France send?")
    >>> q.answer_type, q.is_list
    ('number', False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .keyword import STOPWORDS, fold, tokenize, words

MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands million millions billion billions trillion dozen dozens
    half percent per cent""".split()
)
_DATE_WORDS = frozenset(MONTHS + DAYS + "century decade yesterday today tomorrow ago year years".split())
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)s?\b")
_WORDLIKE = re.compile(r"[^\W\d_][\w'’.-]*")
_REASON = re.compile(
    r"\b(because|since|due to|owing to|as a result|so that|in order to|reason|caused?|"
    r"led to|after|amid|thanks to|would|could|worr\w*|fears?|concerns?|risks?|so)\b",
    re.IGNORECASE,
)

_FOLLOWUP_PRONOUNS = frozenset(
    "he she him her his hers they them their theirs it its this that these those ones one there "
    "former latter".split()
)
_FOLLOWUP_OPENERS = ("and ", "what about", "how about", "also", "why", "what else", "anything else")
_LIST_CUES = re.compile(
    r"^(which|what)\s+(\w+\s+){0,2}(countries|nations|states|people|officials|ministers|leaders|"
    r"companies|roles|ways|kinds|types|steps|measures|things|items|options|reasons|groups|cities|"
    r"members|places|names|parties|factors|areas|risks|features|products|changes)\b"
    r"|\b(list|name all|name the|what are|what were|who are|who were|which ones|what roles|what measures)\b"
    # "What shortcomings do...", "What tools and techniques did...": a plural noun, then the verb
    r"|^(which|what)\s+(\w+\s+(and\s+)?){0,2}(?!(?:does|has|was|is|this|its|thus)\b)\w+[^su'\W]s\s+"
    r"(do|did|are|were|have|had|will|would|can|could|should|may|might|must)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]  # stemmed, folded content tokens
    answer_type: str | None  # 'number' | 'date' | 'person' | 'place' | 'reason' | None
    is_list: bool
    is_yesno: bool
    refers_back: bool  # uses a pronoun or ellipsis that the conversation must resolve
    names: tuple[str, ...]  # capitalised names in the question, folded


_QUESTION_WORD = r"(?:what|how|why|when|where|who|whom|whose|which)\b"
# a question word may come after a preposition: "over how long", "in which city", "to whom"
_LEAD = r"(?:(?:in|on|at|by|for|from|to|with|over|since|until|during|after|before|under)\s+)?"
_AUXILIARY = r"(?:is|are|was|were|do|does|did|will|would|can|could|has|have|had|should)\b"  # yes/no openers
# Where a question asking two things splits: ", and what...", " but how...", "? And when..."
_PART_BREAK = re.compile(
    rf"(?:,\s*|\s+)(?:and|but)\s+(?={_LEAD}{_QUESTION_WORD})|\?\s+(?:(?:and|but)\s+)?(?=[A-Za-z])",
    re.IGNORECASE,
)
_OPENS_QUESTION = re.compile(rf"^(?:{_LEAD}{_QUESTION_WORD}|{_AUXILIARY})", re.IGNORECASE)
MAX_PARTS = 3
MIN_PART_WORDS = 3


def parts(text: str) -> list[str]:
    """The questions inside a question that asks several things, else the question alone.

    "How did she vote, and what did she try to do before the vote?" ->
    ["How did she vote?", "what did she try to do before the vote?"]. Every part must read as a
    question of its own (it opens with a question word or an auxiliary verb, and has at least
    MIN_PART_WORDS words); otherwise, as in "a balance between similar views and whom?", the
    question is not split.
    """
    pieces, start = [], 0
    for match in _PART_BREAK.finditer(text):
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    pieces = [p.strip().rstrip("?").strip() for p in pieces]
    pieces = [p for p in pieces if p]
    if not 1 < len(pieces) <= MAX_PARTS or not all(
        _OPENS_QUESTION.match(p) and len(p.split()) >= MIN_PART_WORDS for p in pieces
    ):
        return [text]
    return [p + "?" for p in pieces]


_ANSWER_TYPES = (  # (the kind of answer, how a question asking for it reads), first match wins
    ("number", re.compile(
        r"^((over|for|by|in|within|after) )?(how (many|much|long|old|far|big|large|tall|often|frequent)|(what|which) (number|percentage|"
        r"share|proportion|amount|price|cost|size|rate|sum|total|figure)\b)"
        r"|\b(how much|how many|price tag|what proportion|what percentage|what share|by how much)\b"
    )),
    ("date", re.compile(
        r"^(when\b|((in|on|at|by|from|since|until|till|during) )?(what|which) (year|date|day|month|time|"
        r"century|decade)\b)"
    )),
    ("person", re.compile(
        r"^(who|whom|whose)\b|^(which|what) (\w+ )?(judge|minister|president|leader|official|"
        r"spokesperson|spokesman|spokeswoman|executive|mayor|lawyer|scientist|researcher|professor|"
        r"author|analyst|player|coach|director|manager|chair|chairman|chairwoman|secretary|senator|"
        r"governor|founder|owner|candidate|politician|officer|expert|economist|doctor|writer|actor|"
        r"singer|artist|person|man|woman)\b"
    )),
    ("place", re.compile(
        r"^where\b|^((in|at|from|to) )?(which|what) (city|town|village|country|region|province|state|"
        r"place|location|port|island|county|district)\b"
    )),
    ("reason", re.compile(r"^(why|for what reason|what (was|is|were|are) the reasons?)\b")),
)


def _answer_type(lowered: str) -> str | None:
    return next((kind for kind, pattern in _ANSWER_TYPES if pattern.search(lowered)), None)


def names_in(text: str, folded: bool = True) -> list[str]:
    """Capitalised words that are not at the start of the text nor stopwords (folded, unless
    `folded=False` keeps them as written)."""
    found = []
    for match in _WORDLIKE.finditer(text):
        if match.start() == 0 or not match.group(0)[0].isupper():
            continue
        word = fold(match.group(0)).strip(".'’-")
        if word and word not in STOPWORDS:
            found.append(word if folded else match.group(0).strip(".'’-"))
    return found


def analyse(text: str) -> Question:
    lowered = " ".join(text.lower().split())
    tokens = words(text)
    refers_back = any(t in _FOLLOWUP_PRONOUNS for t in tokens) or lowered.startswith(
        _FOLLOWUP_OPENERS
    )
    return Question(
        text=text,
        terms=tuple(tokenize(text)),
        answer_type=_answer_type(lowered),
        is_list=bool(_LIST_CUES.search(lowered)),
        is_yesno=bool(re.match(_AUXILIARY, lowered)),
        refers_back=refers_back or len(tokens) <= 3,
        names=tuple(dict.fromkeys(names_in(text))),
    )


_NUMBER = re.compile(r"(?<![\w.])(\w+\.?\s+)?(\d[\d,.]*)")


def quantities(text: str) -> set[str]:
    """Numbers in `text` that count or measure something: not days of a month ("Feb. 29"), not
    bare years ("in 2028")."""
    found = set()
    for match in _NUMBER.finditer(text):
        before, number = (match.group(1) or "").strip().rstrip(".").lower(), match.group(2).rstrip(".,")
        if fold(before) in MONTHS or _YEAR.fullmatch(number):
            continue
        found.add(number)
    return found


@lru_cache(maxsize=200_000)
def _words_of(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """`words(text)` in order and as a set, cached: the same sentences are checked question after
    question."""
    found = tuple(words(text))
    return found, frozenset(found)


@lru_cache(maxsize=200_000)
def _names_of(text: str) -> tuple[str, ...]:
    return tuple(names_in(text))


def has_answer_type(answer_type: str | None, sentence: str, question: Question) -> bool:
    """Does the sentence hold something of the expected type that the question does not?"""
    if answer_type is None:
        return True
    q_words = _words_of(question.text)[1]
    s_words = [w for w in _words_of(sentence)[0] if w not in q_words]
    if answer_type == "number":
        return any(w in NUMBER_WORDS for w in s_words) or bool(quantities(sentence) - q_words)
    if answer_type == "date":
        return any(w in _DATE_WORDS or _YEAR.fullmatch(w) for w in s_words)
    if answer_type == "reason":
        return bool(_REASON.search(sentence))
    q_names = set(question.names)
    return any(n not in q_names and n not in q_words for n in _names_of(sentence))
