"""The extractive answerer: the sentences that answer, each cited, or an honest abstention.

From the ranked passages it keeps the best sentence, and a runner-up that scores close to it (up to
three for questions that ask for several things); a sentence that opens with a pronoun ("He
said...") brings the sentence before it, which says who, in one citation with it; for a "why",
"who", "where" or "when" question, a sentence holding no such answer brings the next one when
that goes on from it with one ("He said its bank had suspended a credit line because..."); a
sentence that announces what follows (one ending in a colon; one counting three or more of the
things asked about, "Vesna carries six instruments."; for a question asking for several things,
a how or a why, also a short one such as "The trial had limitations.") brings the next sentences
of its paragraph, which list them; a colon that ends its paragraph brings the list items on the
lines after it. The best evidence is cited first, and no sentence twice. It abstains when the
evidence is weak (`ABSTAIN_FEATURES`, a logistic model fitted with its threshold by
`eval/calibrate.py`, see qa/calibration.py), when every name in the question is absent from the
articles, or when the question is off topic (none of its words near the best sentence, and a
cosine with it that unrelated texts have).

    >>> answer = ExtractiveAnswerer().answer(question, passages, view)
    >>> answer.text
    'In response to ..., including Poland, ... [1]'
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .calibration import Calibration, load_calibration
from .catalog import Entry
from .chunking import Sentence
from .citations import Citation, make_citations
from .furniture import LIST_ITEM
from .documents import dated_year
from .index import IndexView
from .keyword import content_words, fold, tokenize, words
from .question import (
    DAYS, MONTHS, SMALL_NUMBERS, UPPER, YEAR_DIGITS, Question, analyse, has_answer_type, has_measure, has_role,
    has_strong_type, mentions, mentions_name, name_runs, names_in, people_named, without_possessive,
    written_as_names,
)
from .retrieval import Passage, neighbourhood

_NEEDS_ANTECEDENT = re.compile(
    r"^[\"“‘']?(he|she|they|it|this|that|these|those|his|her|their|its|the (minister|president|"
    r"company|official|agency|group|council|mayor|study|report|move|plan|decision)|"
    # "there" points back ("There, he said...") unless it opens "there is / are / may be...": then
    # it only says that something exists, and the sentence needs nothing before it
    r"there(?!\s+(is|are|was|were|has|have|had|will|would|may|might|can|could|must|should|seem|seems|seemed|appears?|remains?)\b))\b",
    re.IGNORECASE,
)
# A date given only by pointing back to one before it: "Merivarvi was set up the same year", "a
# week later", "earlier that month". A "when" question answered by it needs that sentence too,
# unless the sentence also gives a year or a month of its own.
_DATE_POINTS_BACK = re.compile(
    r"\b(?:(?:the\s+same|that|the\s+following|the\s+next|the\s+previous|the\s+preceding)\s+"
    r"(?:year|month|week|day|morning|afternoon|evening|night|spring|summer|autumn|winter)|"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:years?|months?|weeks?|days?)\s+"
    r"(?:later|earlier|before))\b",
    re.IGNORECASE,
)
_OWN_DATE = re.compile(rf"\b(?:{YEAR_DIGITS}|{'|'.join(m.title() for m in MONTHS[:12])})\b")  # "May", not "may"
NOT_IN_ARTICLES = "The articles don't say"
ANNOUNCEMENT_WORDS = 6  # for list questions, a sentence this short announces what follows...
FOLLOWING = 2  # ... and brings up to this many next sentences of its paragraph
_SHORT_ANNOUNCEMENT = re.compile(r"^[^\d\"“”]*\.$")  # no number, no quote: says little on its own
# ... and so does one that counts what the question asks about without naming them: "The
# participants were divided into three groups." for "What were the three groups...?" (at the
# sentence's start too: "Six districts will be eligible in the first year.")
_COUNTS_THINGS = re.compile(
    r"\b((?i:two|three|four|five|six|seven|eight|nine|ten|several|various))\s+(?:[a-z-]+\s+)?([a-z]+s)\b"
)
# ... or that promises steps of some kind, unnamed, for a question asking for more than a number
# or a name: "The county has promised a series of measures to reduce the risk." for "What is the
# county doing to cut the risks...?"
_PROMISES_STEPS = re.compile(
    r"\b(?:a\s+(?:series|number|range|package|set|raft|list)\s+of|several|various)\s+(?:[a-z-]+\s+)?"
    r"(?:measures|steps|changes|actions|proposals|options|commitments|reforms|initiatives|safeguards|"
    r"conditions|demands|requirements|ways)\b"
)


def _announces(text: str, terms: tuple[str, ...], pairs: bool = True) -> bool:
    """Does the sentence count things that the question's `terms` name (two of them only when
    `pairs`)?"""
    stems = (tokenize(plural) for count, plural in _COUNTS_THINGS.findall(text) if pairs or count.lower() != "two")
    return any(stem and stem[0] in terms for stem in stems)


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    closest: list[Citation] = field(default_factory=list)  # shown on abstention, not answering
    confidence: float = 0.0
    mode: str = "extractive"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["answer"] = data.pop("text")
        return data


ABSTAIN_FEATURES = (
    "top_score",  # the ranker's log-odds for the best sentence
    "margin",  # ... minus that of the second best
    "dense",  # the best sentence's features (see retrieval.FEATURES)
    "lexical",
    "context_lexical",
    "names",
    "type_missing",
    "missing_names",  # share of the question's names that the top documents never mention
    "missing_numbers",  # share of the question's numbers (years, amounts) absent around the best sentence
    "negation_unmatched",  # the question is negated ("what is not...") and the best sentence's
    # neighbourhood has no negation, nor a word that says no ("rejected", "refused"); not for "why":
    # "Why hasn't the wood rotted?" is answered by a reason
    "quantity_missing",  # the question asks for a number or a date and the best sentence has none
    "measure_missing",  # ... or has none of the kind it measures: a price, a share, a period...
    "opposite",  # the best sentence has the opposite of a word the question asks about, and not
    # the word: "the men's course record" by "the women's course record" (not for yes/no questions)
    "name_missing",  # the question asks for the name of a thing ("Which bank...", "the name of the
    # girl") and the best sentence names nothing the question does not: "Two councillors abstained."
    "part_of_list",  # the question asks how many for one name that the best sentence only lists
    # among others: "...in Hong Kong?" by "37 buyers in Australia, Hong Kong and Singapore"
    "withheld",  # the best sentence or the runner-up says that what the question asks is not
    # known or not given: "When will the alert be reviewed?" by "Senapred did not say when the alert
    # level would next be reviewed" (share of the question's words in what is withheld; see `withheld`)
    "names_apart",  # the question asks for a number or a date, and the share of its names that the
    # best sentence itself does not hold: a figure is of what its sentence names ("How many jobs will
    # Photonyx cut in Malaysia?" by "Photonyx ... would cut 1,150 jobs")
    "rate_missing",  # the question asks for a quantity in a span of time, and the best sentence
    # gives none so: "What does it cost per year to run?" by "The €23.4 million system..." (`rate_missing`)
    "role_missing",  # the question names the role it asks who holds, and the best sentence names no
    # one in it: "Who is the mayor of Porto?" by "Catarina Alves, the city councillor..." (`has_role`)
)
# Signals that may only lower the abstainer's confidence (its fit keeps their weights <= 0; every
# other weight is >= 0): more similarity never argues for abstaining, a gap never against it.
ABSTAIN_AGAINST = (
    "type_missing", "missing_names", "missing_numbers", "negation_unmatched", "quantity_missing", "measure_missing",
    "opposite", "name_missing", "part_of_list", "withheld", "names_apart", "rate_missing", "role_missing",
)
_MISSING_NAMES = ABSTAIN_FEATURES.index("missing_names")
_DENSE = ABSTAIN_FEATURES.index("dense")
_CONTEXT_LEXICAL = ABSTAIN_FEATURES.index("context_lexical")
# Off topic: no word of the question near the best sentence, and a cosine with it that unrelated
# texts have (all-MiniLM-L6-v2 puts them below ~0.15). The abstainer learns from unanswerable
# questions about the articles' own topics, so it is not the one to refuse "What is the boiling
# point of mercury?" over an article about airlines; this rule is.
OFF_TOPIC_DENSE = 0.15
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Numbers written as words, so that "Genghis's 3rd son" finds "his third son" (one to twenty,
# cardinal and ordinal): general English.
_ORDINAL = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_WORD_NUMBER = {w: str(i + 1) for words in (SMALL_NUMBERS, _ORDINAL) for i, w in enumerate(words)}
_NUMBER_WORD = re.compile(rf"\b({'|'.join(_WORD_NUMBER)})\b", re.IGNORECASE)
# "first" and "second" are often paraphrased: "the first phase", "a further four streets"
_ORDINAL_WORD = re.compile(rf"\b({'|'.join(_ORDINAL[2:])})\b", re.IGNORECASE)
_DECADE = re.compile(r"\b(?:1[5-9]|20)(\d0)s\b")  # "the 1980s", its decade as a question may write it
_TIME_UNIT = r"(?:year|month|week|day|night|hour|minute|season|fortnight)"
# A number in a compound, as words or digits: "two-year-olds", "a 10-day strike". A question pins
# one written in words, but not "one" ("a one-off payment", "a one-way ticket") nor a span of time,
# which is often said another way ("a seven-day stoppage" is "a week-long shutdown"), but an age is
_COMPOUND_NUMBER = re.compile(
    rf"\b({'|'.join(SMALL_NUMBERS[1:])})-(?!{_TIME_UNIT}s?\b(?!-old))([^\W\d_]+)", re.IGNORECASE
)
_COMPOUND = re.compile(rf"\b({'|'.join(SMALL_NUMBERS)}|\d+)-([^\W\d_]+)", re.IGNORECASE)


def _compounds(pattern: re.Pattern[str], text: str) -> set[str]:
    """The compounds with a number in `text`, the number as digits: "two-year-olds" -> "2-year"."""
    return {f"{_WORD_NUMBER.get(n.lower(), n)}-{w.lower()}" for n, w in pattern.findall(text)}


# (not "no" in a compound: "the no-work zone", "a no-confidence vote")
_NEGATION_WORDS = r"not|no(?!-)|never|none|neither|nor|cannot"
_NEGATION = re.compile(rf"\b(?:{_NEGATION_WORDS}|without)\b|n['’]t\b", re.IGNORECASE)
# ... in a question, "without" describes what is asked about ("the week without harvesting", "left
# without power"): it negates nothing the evidence must
_ASKED_NEGATION = re.compile(rf"\b(?:{_NEGATION_WORDS})\b|n['’]t\b", re.IGNORECASE)
# ... and in the evidence, a word that says no: "Which countries said no to troops?" is answered
# by "several countries rejected the idea"
_SAYS_NO = re.compile(
    r"\b(reject(s|ed|ing)?|refus(e|es|ed|ing)|declin(e|es|ed|ing)|den(y|ies|ied)|ruled? out|turn(s|ed)? down)\b",
    re.IGNORECASE,
)


def _unrelated(features: list[float]) -> bool:
    """Every name the question mentions is absent from the articles, or it is off topic: no word
    of it near the best sentence and a cosine with it that unrelated texts have."""
    off_topic = features[_CONTEXT_LEXICAL] == 0.0 and features[_DENSE] < OFF_TOPIC_DENSE
    return features[_MISSING_NAMES] == 1.0 or off_topic


_THIS_YEAR = re.compile(r"\bthis year\b", re.IGNORECASE)
_RELATIVE_YEAR = re.compile(r"\b(last|this|next) year\b", re.IGNORECASE)
_YEAR_SHIFT = {"last": -1, "this": 0, "next": 1}


def relative_years(text: str, document: str) -> set[str]:
    """The years that `text` names as "last year", "this year" or "next year", counted from the
    date at the top of its `document` (`dated_year`): none when the article carries no date."""
    year = dated_year(document)
    if year is None:
        return set()
    return {str(year + _YEAR_SHIFT[m.group(1).lower()]) for m in _RELATIVE_YEAR.finditer(text)}


def abstention_features(q: Question, passages: list[Passage], view: IndexView) -> list[float]:
    best = passages[0]
    second = passages[1].score if len(passages) > 1 else best.score - 5.0
    missing = missing_names(q, view, [p.doc_id for p in passages[:3]])
    around = " ".join(neighbourhood(view, best.doc_id, best.sentence.index))  # e.g. the year asked about
    entry, i = view.entries[best.doc_id], best.sentence.index
    numbers = {n.replace(",", "") for n in _NUMBER.findall(q.text)}
    # "next year" asks about 2027 ("this year" is most often what the article is about: not pinned)
    numbers.update(relative_years(_THIS_YEAR.sub(" ", q.text), entry.doc.text))
    # an ordinal the question pins: "the third German empire" is not the second; and a number in a
    # compound ("two-year-olds", "a five-star hotel"): not the seven-year-olds
    numbers.update(_WORD_NUMBER[w.lower()] for w in _ORDINAL_WORD.findall(q.text))
    numbers.update(_compounds(_COMPOUND_NUMBER, q.text))
    found = {n.replace(",", "") for n in _NUMBER.findall(around)}
    found.update(_WORD_NUMBER[w.lower()] for w in _NUMBER_WORD.findall(around))
    found.update(_compounds(_COMPOUND, around))
    found.update(m.group(1) for m in _DECADE.finditer(around))  # "the 1980s" is "the 80s"
    found.update(relative_years(around, entry.doc.text))  # "last year" is 2025
    return [
        best.score,
        best.score - second,
        best.feature("dense"),
        best.feature("lexical"),
        best.feature("context_lexical"),
        best.feature("names"),
        best.feature("type_missing"),
        len(missing) / len(q.names) if q.names else 0.0,
        len(numbers - found) / len(numbers) if numbers else 0.0,
        float(
            q.answer_type != "reason"
            and bool(_ASKED_NEGATION.search(_CONDITION.sub(" ", q.text)))
            and not (_NEGATION.search(around) or _SAYS_NO.search(around))
        ),
        best.feature("type_missing") if q.answer_type in ("number", "date") else 0.0,
        best.feature("measure_missing"),
        0.0 if q.is_yesno else float(has_opposite(q.text, best.text)),
        float(name_missing(q, best.text)),
        float(part_of_list(q, best.text)),
        # (the runner-up too: "Jayasekara did not say how the remainder had been financed"; not
        # when the best sentence says plainly what is asked: "Police said no one had yet been charged.")
        max(withheld(q, p.text) for p in passages[: 1 if best.feature("type_strong") else 2]),
        names_apart(q, best.text, entry.doc.text, _sentence_text(entry, entry.sentences[i - 1]) if i else ""),
        float(rate_missing(q, best.text)),
        float(bool(q.role) and not has_role(q, best.text)),
    ]


def names_apart(q: Question, sentence: str, document: str = "", before: str = "") -> float:
    """For a question asking a number or a date, the share of its names that `sentence` lacks. A
    question typed without capitals ("how many tonnes did ghana produce") has for names the words
    its `document` only ever writes capitalised ("Ghana"). A sentence that names nothing of its own
    goes on about what the sentence `before` it names: "The river gauge at Manaus read 14.2 metres
    ... The record low of 12.11 metres was set in October 2024." """
    if not (q.measure or q.answer_type in ("number", "date")):
        return 0.0
    names = q.names or tuple(w for w in content_words(q.text) if w in written_as_names(document))
    if not names:
        return 0.0
    found = fold(sentence)
    if before and set(names_in(sentence)) <= _CALENDAR_NAMES:
        found += " " + fold(before)
    return sum(not mentions_name(found, name) for name in names) / len(names)


# Pairs of opposites of general English: a sentence about the one does not answer a question
# about the other ("men" and "women", "highest" and "lowest", "import" and "export"). Content
# words only: "before" and "after", "above" and "below", "next" and "previous" often stand
# together in the evidence of a question asking about one of them. Winning and losing are not
# there: one side's defeat is the other's win ("when his side lost to Italy" by "Italy had won").
_OPPOSITES = """men women|man woman|male female|boys girls|boy girl|husband wife|father mother|son daughter|
brother sister|increase decrease|increased decreased|increases decreases|rise fall|rose fell|risen fallen|
gain loss|gained lost|highest lowest|higher lower|
largest smallest|larger smaller|biggest smallest|bigger smaller|maximum minimum|strong weak|stronger weaker|
strongest weakest|hot cold|warm cold|heat cold|warmer colder|north south|east west|northern southern|
eastern western|inner outer|internal external|positive negative|similar different|public private|
domestic foreign|legal illegal|accepted rejected|approved rejected|supported opposed|allowed banned|
against supported|against backed|oppose support|opposes supports|opposing supporting|
oldest newest|ancient modern|younger older|youngest oldest|success failure|succeeded failed|possible impossible|
import export|imports exports|imported exported|buy sell|bought sold|buyer seller|buyers sellers|
arrival departure|push pull|longest shortest|wide narrow|deep shallow|heavy light|faster slower|fastest slowest|
rich poor|cheap expensive|profit loss|majority minority|pro anti|offensive defensive|wet dry|summer winter|
spring autumn|rural urban|input output|freeze melt|lend borrow|lent borrowed|employer employee|employers employees|
teacher student|teachers students|hired fired|ally enemy|allies enemies|natural artificial|permanent temporary|
absorb emit|absorbed emitted|dead alive|died born|heaviest lightest|widest narrowest|richest poorest|cheapest dearest"""


def _both_ways(pairs: str) -> dict[str, frozenset[str]]:
    """Each word of the "a b|c d|..." pairs with its opposites."""
    opposites: dict[str, set[str]] = {}
    for pair in pairs.replace("\n", "").split("|"):
        a, b = pair.split()
        opposites.setdefault(a, set()).add(b)
        opposites.setdefault(b, set()).add(a)
    return {word: frozenset(others) for word, others in opposites.items()}


_OPPOSITE = _both_ways(_OPPOSITES)
# A negation inside a condition asks about no negated fact: "What happens if a platform doesn't
# spend enough?" is answered by "Platforms that fall short ... will pay the difference"
_CONDITION = re.compile(r"\b(?:if|unless|in case)\b[^,;?]*", re.IGNORECASE)


# A sentence that says something is not known or not given, and what: "did not say when ...",
# "declined to say whether ...", "to investigate how ...", "it is unclear why ...", "too early to
# say whether ...". General English.
_WITHHELD = re.compile(
    r"\b(?:(?:(?:did|does|do|would|could|will|has|have|had|is|are|was|were)\s*(?:not|n['’]t)\s+(?:yet\s+)?"
    r"|(?:declined|refused|(?:was|were) unable) to\s+)"
    r"(?:say|said|disclose|disclosed|reveal|revealed|specify|specified|confirm|confirmed|explain|explained|"
    r"know|known|clear|decided|determined|establish|established)"
    r"|investigat\w*|to (?:determine|establish|find out)|unclear|unknown|too (?:early|soon) to (?:say|tell|know))\s+"
    r"(?P<wh>when|whether|if|how much|how many|how long|how|who|whom|what|where|why|which)\b"
    # what is withheld ends where the sentence goes on to what it does say: "declined to say how
    # much the pause was costing the company, which is investing $260 million in the project"
    r"(?P<rest>[^.;]*?)(?=,\s*(?:which|who|but|although|though|while|whose)\b|[.;]|$)",
    re.IGNORECASE,
)


# The same said of a question put to someone: "Asked whether companies that lose licences would
# be compensated, she declined to comment." ("asked about" withholds whatever was asked).
_ASKED_NO_ANSWER = re.compile(
    r"\basked\s+(?P<wh>when|whether|if|how much|how many|how long|how|who|whom|what|where|why|which|about)\b"
    r"(?P<rest>[^.;]*?),\s+(?:[\w'’-]+\s+){1,4}?(?:declined|refused|would\s+not|did\s+not|could\s+not|"
    r"would\s*n['’]t|did\s*n['’]t|could\s*n['’]t)\s+(?:to\s+)?(?:comment|say|answer|respond|reply|elaborate|"
    r"give\s+details|be\s+drawn)\b",
    re.IGNORECASE,
)


# ... and the same said with the question first: "Whether the boardwalk should also close has not
# been decided", "whether the line will reopen this year remains unclear".
_WHETHER_OPEN = re.compile(
    r"\b(?P<wh>whether)\s+(?P<rest>[^.;]*?)\s+(?:has|have|had|is|was|were|remains?|remained)\s+"
    r"(?:not\s+(?:yet\s+)?(?:been\s+)?(?:decided|determined|settled|agreed|announced|confirmed|clear|known)|"
    r"(?:still\s+|yet\s+)?(?:undecided|unclear|unknown|uncertain|open|an open question|to be (?:decided|seen)))\b",
    re.IGNORECASE,
)


# The same said of a noun: "No date was given for the event", "the projected figure has been
# blacked out", "the amount was not disclosed". The noun says what kind of thing is withheld.
_NOT_GIVEN = re.compile(
    r"\b(?:no|the|its|their|his|her)\s+(?P<subject>(?:[\w'’-]+\s+){0,4}?)(?:has|have|had)?\s*"
    r"(?:been|was|were|is|are)\s+(?:yet\s+)?(?:blacked out|redacted|withheld|kept (?:secret|confidential|private)|"
    r"(?:not\s+(?:yet\s+)?(?:been\s+)?)?(?:given|set|announced|disclosed|made public|published|released|provided|named))\b",
    re.IGNORECASE,
)
_NOT = re.compile(r"\b(?:not|blacked|redacted|withheld|kept)\b", re.IGNORECASE)
_NOUN_WH = {
    **dict.fromkeys("date dates time timetable timeline deadline schedule".split(), "when"),
    **dict.fromkeys("figure figures amount amounts sum sums cost costs price prices estimate value fee".split(), "how much"),
    **dict.fromkeys("number numbers".split(), "how many"),
    **dict.fromkeys("reason reasons explanation cause motive".split(), "why"),
    **dict.fromkeys("name names identity identities".split(), "who"),
    **dict.fromkeys("location locations venue site".split(), "where"),
}


# A name kept back, said of the noun after it or before it: "an unnamed US cloud computing company",
# "the ministry declined to name the contractors", "a private collector, whom she declined to name".
# It withholds any question for that name ("Which US cloud company...", "Who is the collector...").
_UNNAMED = re.compile(
    r"\b(?:unnamed|unidentified|(?:declined|refused|(?:was|were) unable) to (?:name|identify)|"
    r"(?:did|does|do|has|have|had|would|will) not (?:yet )?(?:name|named|identify|identified))\s+"
    r"(?P<after>[^.;,]*)"
    r"|(?P<before>[^.;,]*),\s+(?:which|whom|who)\s+(?:[\w'’-]+\s+){1,3}?(?:declined|refused) to (?:name|identify)\b",
    re.IGNORECASE,
)

_POINTS_BACK = re.compile(r"\b(?:it|its|them|they|this|that|these|those)\b", re.IGNORECASE)


def _asked_wh(q: Question) -> frozenset[str]:
    """The words that introduce what the question asks, in a sentence that withholds it. Whether
    it is so withholds any question about it: "which unions back Georgia?" by "He declined to say
    whether Georgia had the backing of any of the six unions"."""
    if q.is_yesno:
        return frozenset({"whether", "if"})
    kinds = {
        "count": {"how many"}, "money": {"how much", "what"}, "period": {"how long", "when"},
    }.get(q.measure or "") or {
        "date": {"when"}, "person": {"who", "whom", "which"}, "organisation": {"who", "which"}, "place": {"where"},
        "reason": {"why", "what"},
    }.get(q.answer_type or "", {"what", "which", "how"})
    return frozenset(kinds) | {"whether", "if"}


def withheld(q: Question, sentence: str) -> float:
    """The share of the question's words in what the sentence says is not known or not given, when
    it withholds the kind of thing asked ("did not say when" for a "when" question); else 0."""
    asked, terms = _asked_wh(q), set(q.terms)
    if not terms:
        return 0.0
    shares = [
        # what is withheld may point back to what the sentence said before it: "A new study would
        # be carried out, but it did not say who would prepare it"
        len(terms & set(tokenize(sentence if _POINTS_BACK.search(m.group("rest")) else m.group("rest")))) / len(terms)
        for pattern in (_WITHHELD, _ASKED_NO_ANSWER, _WHETHER_OPEN)
        for m in pattern.finditer(sentence)
        if m.group("wh").lower() in asked or m.group("wh").lower() == "about"
    ]
    if q.answer_type == "person" or asks_name(q):
        shares += [
            len(terms & set(tokenize(m.group("after") or m.group("before") or ""))) / len(terms)
            for m in _UNNAMED.finditer(sentence)
        ]
    # an untyped "what" may ask for a figure: "What minimum income is the consortium guaranteed?"
    nouns = asked | {"how much", "how many"} if "what" in asked and not q.answer_type and not q.measure else asked
    if any(
        _NOUN_WH.get(w) in nouns
        for m in _NOT_GIVEN.finditer(sentence)
        if m.group(0).lower().startswith("no") or _NOT.search(m.group(0))
        for w in words(m.group("subject"))
    ):
        shares.append(len(terms & set(tokenize(sentence))) / len(terms))  # the sentence is about it
    return max(shares, default=0.0)


def has_opposite(question: str, sentence: str) -> bool:
    """Does `sentence` hold the opposite of a word of `question` without holding the word?"""
    asked, found = set(words(question)), set(words(sentence))
    return any(w not in found and _OPPOSITE[w] & (found - asked) for w in asked if w in _OPPOSITE)


# An enumeration of three or more names: "Australia, Hong Kong and Singapore".
_NAME = rf"[{UPPER}][\w’'-]+(?: [{UPPER}][\w’'-]+)*"
_ENUMERATION = re.compile(rf"(?:{_NAME}, )+{_NAME},? (?:and|or) {_NAME}")


# A quantity asked in a span of time: "per year", "a day", "each month", "annual" (not "a year
# ago", "half a year after", "a year of treatment")
_ASKS_RATE = re.compile(
    rf"\b(?:per|a|an|each|every) {_TIME_UNIT}\b(?! (?:ago|earlier|later|before|after|of|on|in)\b)"
    r"|\b(?:annual|annually|yearly|monthly|weekly|daily|nightly|hourly)\b",
    re.IGNORECASE,
)
# ... and one given so, or for one such span: "£85 a night", "each year", "annual", "last year"
_RATE = re.compile(
    rf"\b(?:per|a|an|each|every|last|this|next) (?:[\w'’-]+ )?{_TIME_UNIT}s?\b"
    r"|\b(?:annual|annually|annuali[sz]ed|yearly|monthly|weekly|daily|nightly|hourly|per annum)\b",
    re.IGNORECASE,
)


def rate_missing(q: Question, sentence: str) -> bool:
    """Does the question ask for an amount or a count in a span of time ("How much does it cost per
    year to run the observatory?") and the sentence give none in any ("The €23.4 million system...")?"""
    asks_quantity = q.answer_type == "number" and q.measure in (None, "money", "count")  # not "monthly temperature"
    return asks_quantity and bool(_ASKS_RATE.search(q.text)) and not _RATE.search(sentence)


def part_of_list(q: Question, sentence: str) -> bool:
    """Does the question ask how many (or how much) for a name that `sentence` lists only among
    two or more others? Then the sentence's figure is their total, not the one asked for: "How
    many flights were on the Skibotn route?" by "1,150 flights between Tromsø, Finnsnes and Skibotn".
    Or that it names only in a clause set against another, which holds the figure: "How many
    points did Cheikh Diouf score?" by "Sarr had 19 points ..., while centre Cheikh Diouf blocked
    four shots." """
    if not q.names or (q.answer_type != "number" and q.measure is None):
        return False
    asked = set(q.names)
    for match in _ENUMERATION.finditer(sentence):
        listed = set(names_in(" " + match.group(0)))  # as the question's names are read
        if asked & listed and len(listed - asked) >= 2:
            return True
    clauses = _SET_AGAINST.split(sentence)
    if len(clauses) == 1 or q.measure is None or not has_measure(q, sentence):
        return False
    named = [c for c in clauses if any(mentions_name(fold(c), name) for name in q.names)]
    return bool(named) and not any(has_measure(q, c) for c in named)


_SET_AGAINST = re.compile(r",?\s+\b(?:while|whereas)\s+|;\s+")  # clauses set against each other


_DEMONYM = re.compile(r"(?:ian|an|n|ese|ish|i)$")  # "Andalusian" -> "Andalus", "Chinese" -> "Chin"


# A question asking for the name of a thing, not a person (a "who" question's missing person is
# `type_missing`): "the name of", "the title of", "which bank / company / rocket...", not "what is her team
# working on?". General English. ("What is X called?" is left out: it asks for a term as often as
# a name, "the net force".)
_ASKS_NAME = re.compile(
    r"\b(?:names?|titles?) of\b|^(which|what) ((?!(?:is|was|are|were|does|did|do|has|had|have|will|would|can|could|"
    r"her|his|their|its|the|a|an|of|sort|sorts|kind|kinds|type|types)\b)\w+ ){0,2}(company|companies|firms?|"
    r"banks?|organi[sz]ations?|group|agency|agencies|party|parties|teams?|clubs?|charity|charities|consultancy|"
    r"newspapers?|university|universities|schools?|hospitals?|rockets?|ships?|shipyards?|vessels?|brands?|chains?|"
    r"supermarkets?|insurers?|airlines?|manufacturers?|suppliers?|contractors?|lenders?|investors?|funds?|unions?|"
    r"publications?|broadcasters?|publishers?|studios?|labels?|retailers?|operators?|developers?|vendors?|"
    r"regulators?|consortium|consortia|federations?|associations?|networks?|platforms?|apps?|models?|"
    r"venues?|stadiums?|festivals?|courts?|"
    r"councillors|members|officials|colleagues)\b",
    re.IGNORECASE,
)
_CALENDAR_NAMES = frozenset(MONTHS) | frozenset(DAYS)


# The people among `_ASKS_NAME`'s nouns: "Which councillors abstained?" asks for a person, and
# for their names: "Two councillors abstained." gives neither (a "who" question may be answered by
# a role, so only these)
_PEOPLE_BY_NAME = frozenset({"councillors", "members", "officials", "colleagues"})


def _name_asked(q: Question) -> str | None:
    """The noun a question asks the name of ("bank" in "Which bank...?"; "" for "the name of..."),
    or None when it asks for no name (`_ASKS_NAME`; a "who" question only for `_PEOPLE_BY_NAME`)."""
    asked = _ASKS_NAME.search(" ".join(q.text.split()))
    if asked is None or q.answer_type in ("number", "date"):  # "what share of union members..."
        return None
    noun = (asked.group(3) or "").lower()
    return noun if q.answer_type != "person" or noun in _PEOPLE_BY_NAME else None


def asks_name(q: Question) -> bool:
    return _name_asked(q) is not None


def _territory_words() -> frozenset[str]:
    """Countries, territories and continents named in one word ("Germany", "Brazil", "Asia"),
    folded, from the CLDR names Babel ships."""
    from babel import Locale

    return frozenset(fold(name) for name in Locale("en").territories.values() if name.isalpha())


_TERRITORIES = _territory_words()
_TEAMS = frozenset({"team", "teams", "club", "clubs"})  # a country may be one: "Germany won"


def _territory(word: str) -> bool:
    """A country or continent, or a word for its people: "germany", "german", "brazilian"."""
    stem = _DEMONYM.sub("", word)
    return word in _TERRITORIES or (len(stem) >= 4 and any(t.startswith(stem) for t in _TERRITORIES))


def name_missing(q: Question, sentence: str) -> bool:
    """Does the question ask for the name of a thing (`asks_name`) that the sentence does not give:
    it names nothing the question does not, or only countries ("Which bank suspended the credit
    line?" by "its bank had suspended a credit line ... its suppliers in Germany and Brazil"), unless
    a team is asked for, or, for a thing's name, only people ("which companies built the walls" by
    "Ministry spokesperson Nuwan Jayasekara said ...")?"""
    noun = _name_asked(q)
    if noun is None:
        return False
    found = new_names(q.text, sentence, noun)
    if noun not in _TEAMS:
        found = {w for w in found if not _territory(w)}
    if noun and noun not in _PEOPLE_BY_NAME:  # ("the name of ..." may ask for a person's)
        found -= people_named(sentence)
    return not found


def new_names(question: str, sentence: str, asked: str = "") -> set[str]:
    """The capitalised words of `sentence` (not its first) that are no part of a name `question`
    holds, months and weekdays aside. A name the question holds, and the run of capitalised words
    it stands in ("Mayor Ingrid Haslinger" for "Mayor Haslinger"), are not new; nor is an adjective
    made with a hyphen ("a Warsaw-based consultancy"). A question in lower case holds its words as
    names ("ljubljana's mayor"), all but the noun it asks the name of (`asked`, "party")."""
    if any(c.isupper() for c in question[1:]):
        held = set(names_in(" " + question))
    else:
        held = set(words(question)) - {asked, asked.removesuffix("s")}
    return {w for run in name_runs(sentence) if not held.intersection(run) for w in run} - _CALENDAR_NAMES


def missing_names(q: Question, view: IndexView, doc_ids: list[str]) -> list[str]:
    """Names in the question that none of the given documents contains, in its own form, by its
    stem, for a people or place adjective as the place ("Andalusian" is in "Andalusia"), or for a
    short name by its long one (`NAME_ALIASES`: "US", "Brussels" for the European Union)."""
    texts = [fold(view.entries[d].doc.text) for d in dict.fromkeys(doc_ids)]
    missing = []
    for name in q.names:
        stem = _DEMONYM.sub("", name)
        forms = (name, stem) if len(stem) >= 4 and " " not in name else (name,)
        if " " not in name:  # a word capitalised by mistake, by its stem: "Emma Marry" in "married"
            forms += tuple(t for t in tokenize(name) if len(t) >= 4)
        found = any(mentions_name(text, form) for form in forms for text in texts)
        if not found and not _spelled_out(name, q.text, view, doc_ids):
            missing.append(name)
    return missing


# A name of capitalised words, with the short words between them ("Department of Conservation")
_SPELLED = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|on|de|du|des|la|le)\s+)*[A-Z][\w'’-]*)+")


def _spelled_out(name: str, question: str, view: IndexView, doc_ids: list[str]) -> bool:
    """Is `name`, written in capitals in the question ("DOC"), an acronym of a name the documents
    spell out ("the Department of Conservation")? Its capitalised words' initials, or all its words';
    or, for three letters or more, lower-case words with those initials ("most valuable player")."""
    written = (without_possessive(w) for w in re.findall(r"[\w'’-]+", question))  # "SP's" is "SP"
    if not any(w.isupper() and fold(w) == name for w in written) or not 2 <= len(name) <= 6:
        return False
    lower_case = re.compile(r"\b" + r"\s+".join(rf"{re.escape(c)}[a-z]{{2,}}" for c in name) + r"\b", re.IGNORECASE)
    for d in dict.fromkeys(doc_ids):
        if len(name) >= 3 and lower_case.search(view.entries[d].doc.text):
            return True
        for match in _SPELLED.finditer(view.entries[d].doc.text):
            found = match.group(0).split()
            found = found[1:] if found[0] in ("The", "A", "An") else found
            capitals = "".join(w[0] for w in found if w[0].isupper())
            if fold(capitals) == name or fold("".join(w[0] for w in found)) == name:
                return True
    return False


MARGIN = 1.2  # a runner-up within this many log-odds of the best sentence joins the answer
LIST_MARGIN = 1.2  # ... for a list question
MAX_SENTENCES = 3  # ... which quotes up to this many ranked sentences (others: two)


def quoted(
    passages: list[Passage],
    is_list: bool,
    margin: float = MARGIN,
    list_margin: float = LIST_MARGIN,
    max_sentences: int = MAX_SENTENCES,
) -> list[Passage]:
    """The ranked sentences an answer quotes: the best, and the runners-up close behind it."""
    if not passages:
        return []
    limit, margin = (max_sentences, list_margin) if is_list else (2, margin)
    chosen = [passages[0]]
    for p in passages[1:]:
        if len(chosen) >= limit or p.score < passages[0].score - margin:
            break
        chosen.append(p)
    return chosen


class ExtractiveAnswerer:
    """`answer(question, passages, view) -> Answer`: sentences from the articles, cited."""

    def __init__(
        self,
        calibration: Calibration | None = None,
        margin: float = MARGIN,
        list_margin: float = LIST_MARGIN,
        max_sentences: int = MAX_SENTENCES,
    ) -> None:
        """`margin`: a runner-up within this many log-odds of the best joins the answer (two
        sentences at most); `list_margin` and `max_sentences` do the same for list questions.

        1.2 (odds at least 0.3 of the best's) rather than 0.6: on the public sets (`qa eval`)
        the answer holds the gold facts more often (own articles 73.2 -> 75.6%, SQuAD 85.7 ->
        86.6%, the bundled article the same) for 3-5 more words per answer; the first
        citation, the strongest evidence, is unchanged."""
        if max_sentences < 1:
            raise ValueError("max_sentences must be >= 1")
        if margin < 0 or list_margin < 0:
            raise ValueError("margins must be >= 0")
        self.calibration = calibration or load_calibration()
        self.margin = margin
        self.list_margin = list_margin
        self.max_sentences = max_sentences

    @staticmethod
    def unrelated(question: str, passages: list[Passage], view: IndexView) -> bool:
        """Is the question one the articles are not about: off topic, or asking about names they
        never mention? (Refused whatever the abstainer says.)"""
        return not passages or _unrelated(abstention_features(analyse(question), passages, view))

    def answer(self, question: str, passages: list[Passage], view: IndexView) -> Answer:
        q = analyse(question)
        docs = {p.doc_id: view.entries[p.doc_id].doc for p in passages}  # every span is in one
        if not passages:
            return self._abstain(question, [], docs, 0.0)
        features = abstention_features(q, passages, view)
        confidence = float(self.calibration.abstainer.probability(np.asarray(features))[0])
        if confidence < self.calibration.threshold or _unrelated(features):
            # weak evidence, every name the question mentions absent from the articles, or off topic
            return self._abstain(question, passages, docs, confidence)
        chosen = quoted(passages, q.is_list, self.margin, self.list_margin, self.max_sentences)
        spans: list[tuple[str, int, int]] = []
        for p in chosen:  # best first: the first citation is the strongest evidence
            for span in self._evidence(p, view, q, spans):
                _add_span(spans, span)
        citations = make_citations(spans, docs)
        text = " ".join(_marked(c) for c in citations)
        return Answer(question, text, False, citations, [], round(confidence, 4))

    def _evidence(
        self, p: Passage, view: IndexView, q: Question, cited: list[tuple[str, int, int]]
    ) -> list[tuple[str, int, int]]:
        """The spans that cite `p`: its sentence, and the sentence before it when it needs one (a
        span of both when they are next to each other, so that the sentence that answers is in the
        first citation with what it points back to; two spans when page furniture stands between
        them or that sentence is cited already), the one after it when that goes on with the answer
        (`continued`, in the same span), then the sentences it announces."""
        s = p.sentence
        antecedent = self._antecedent(p, view, q)
        spans = [(p.doc_id, s.start, s.end)]
        if antecedent is not None:
            whole = (p.doc_id, antecedent.start, s.end)
            before = (p.doc_id, antecedent.start, antecedent.end)
            next_to = antecedent.index == s.index - 1
            spans = [whole] if next_to and before not in cited else [before, *spans]
        following = continued(p, view, q)
        if following is not None:  # one span: the sentence that answers is in the first citation
            spans[-1] = (p.doc_id, spans[-1][1], following.end)
        return spans + [(p.doc_id, f.start, f.end) for f in announced(p, view, q)]

    @staticmethod
    def _antecedent(p: Passage, view: IndexView, q: Question):  # type: ignore[no-untyped-def]
        """The sentence before `p` when `p` opens with a word that points back to it, or when it
        answers a "when" question with a date that points back ("the same year")."""
        dated_before = (
            q.answer_type == "date" and bool(_DATE_POINTS_BACK.search(p.text)) and not _OWN_DATE.search(p.text)
        )
        if not (_NEEDS_ANTECEDENT.match(p.text) or dated_before) or p.sentence.index == 0:
            return None
        entry = view.entries[p.doc_id]
        flags = view.furniture[p.doc_id]
        for s in reversed(entry.sentences[: p.sentence.index]):
            if not flags[s.index]:
                return s
        return None

    @staticmethod
    def _abstain(question: str, passages: list[Passage], docs: dict, confidence: float) -> Answer:  # type: ignore[type-arg]
        closest = make_citations([(p.doc_id, p.sentence.start, p.sentence.end) for p in passages[:2]], docs)
        text = f"{NOT_IN_ARTICLES} anything that answers this."
        if closest:
            text += " The closest passages are shown for reference; they do not answer the question."
        return Answer(question, text, True, [], closest, round(confidence, 4))


_SAYS = r"(?:said|says|added|told|explained|argued|insisted|wrote)"
# A quote its speaker is named after by a pronoun: "\"We brought in licensing because...,\" she said."
_QUOTE_BY_PRONOUN = re.compile(rf"^[\"“‘'].*[\"”’']\s*(?:he|she|they)\s+{_SAYS}\b", re.DOTALL)
# A sentence that opens with who speaks, by a single name: "Shah said the project would cost..."
_SAID_BY = re.compile(rf"^([{UPPER}][\w'’-]+)\s+{_SAYS}\b")


def continued(p: Passage, view: IndexView, q: Question) -> Sentence | None:
    """The next sentence when it goes on from `p` (it opens pointing back, is a quote its speaker
    is named after by a pronoun, or opens with a speaker `p` names: "Shah said...") with the kind
    of answer a "why", "who", "where" or "when" question asks for, held more plainly than `p`
    holds one (`_holds_answer`): "Esteban Villalba, the manager, said the firm had no choice."
    followed by "He said its bank had suspended a credit line because of..." (why). For a "why",
    also the next sentence of the paragraph when it holds a reason at least as plainly as `p`,
    which holds none plainly: news writing gives the reason after what it explains. For a question
    asking for no kind of answer ("What reservations did he have?"), the next sentence of the
    paragraph when it is the words of whom `p` reports: '... called the results "genuinely
    encouraging" but urged caution.' then '"Two years is a short time ...," he said.'
    """
    if q.answer_type is None and q.measure is None and not q.is_yesno:
        return _quoted_after(p, view)
    if q.answer_type not in ("reason", "person", "organisation", "place", "date"):
        return None
    held = _holds_answer(q, p.text)
    if held == 2:  # it holds one plainly
        return None
    following = _next_sentence(p, view)
    if following is None:
        return None
    entry = view.entries[p.doc_id]
    text = _sentence_text(entry, following).strip()
    speaker = _SAID_BY.match(text)
    goes_on = bool(
        _NEEDS_ANTECEDENT.match(text) or _QUOTE_BY_PRONOUN.match(text)
        or (speaker and mentions(fold(p.text), fold(speaker.group(1))))
    )
    if goes_on and _holds_answer(q, text) > held:
        return following
    # a reason the paragraph gives after what it explains, as news writing does: "The study also
    # warned that climate change could erase some of the gains. Warmer water favours
    # cyanobacteria, and ... would ..." (why)
    explains = q.answer_type == "reason" and following.line == p.sentence.line
    return following if explains and _holds_answer(q, text) >= max(held, 1) else None


def _quoted_after(p: Passage, view: IndexView) -> Sentence | None:
    """The next sentence of `p`'s paragraph when it quotes, by a pronoun, the speaker that `p`, no
    quote itself, reports on."""
    following = None if _QUOTE_OPENS.match(p.text) else _next_sentence(p, view)
    if following is None or following.line != p.sentence.line:
        return None
    quote = _sentence_text(view.entries[p.doc_id], following).strip()
    return following if _QUOTE_BY_PRONOUN.match(quote) else None


_QUOTE_OPENS = re.compile(r"^\s*[\"“‘']")


def _next_sentence(p: Passage, view: IndexView) -> Sentence | None:
    """The sentence after `p` in its document, unless there is none or it is page furniture."""
    entry = view.entries[p.doc_id]
    index = p.sentence.index + 1
    if index >= len(entry.sentences) or view.furniture[p.doc_id][index]:
        return None
    return entry.sentences[index]


# What someone denies is no answer they give: "rejected the suggestion that the rules were to blame"
_DENIED = re.compile(
    r"\b(?:rejected|rejects|denied|denies|dismissed|dismisses|disputed|disputes)\s+(?:the\s+)?"
    r"(?:(?:suggestion|suggestions|claim|claims|idea|notion|allegation|allegations|report|reports)\s+)?that\b.*",
    re.IGNORECASE | re.DOTALL,
)


def _holds_answer(q: Question, sentence: str) -> int:
    """How plainly the sentence holds the kind of answer asked for, outside what it denies: 0 not
    at all, 1 as a weak sign (for a "why", "would", "after", "fears"), 2 plainly (a reason stated
    as one: "because", "the main reason"; for other questions, any answer of the kind)."""
    sentence = _DENIED.sub("", sentence)
    if not has_answer_type(q.answer_type, sentence, q):
        return 0
    return 2 if q.answer_type != "reason" or has_strong_type(q, sentence) else 1


def announced(p: Passage, view: IndexView, q: Question) -> list[Sentence]:
    """The next sentences of the paragraph when `p` only announces them: it ends with a colon;
    or it counts the things the question asks about without naming them ("Vesna carries six
    instruments." for "Which instruments...?", unless the question asks how many); or, for a
    list question, it is short, or the next sentence ends the paragraph with a colon ("The
    union secured other commitments. The deal includes:"). A colon that ends its paragraph
    brings the list items on the lines after it ("- protective suits...")."""
    text = p.text.strip()
    entry = view.entries[p.doc_id]
    flags = view.furniture[p.doc_id]
    after = [
        s for s in entry.sentences[p.sentence.index + 1 : p.sentence.index + 1 + FOLLOWING]
        if s.line == p.sentence.line and not flags[s.index]
    ]
    says_little = bool(_SHORT_ANNOUNCEMENT.match(text))  # no number, no quote
    # ... and short, for a question asking for several things, a how or a why: "Some performers are
    # finding other routes." for "How are performers finding cheaper rooms?"
    asks_more = q.is_list or (q.answer_type in (None, "reason") and q.measure is None and not q.is_yesno)
    short = asks_more and (len(text.split()) <= ANNOUNCEMENT_WORDS or bool(_PROMISES_STEPS.search(text)))
    # a question not worded as a list ("Which instruments is it carrying?") needs three or more,
    # not yet listed: "The county opened three shelters: one at..." lists them itself
    counts = _announces(text, q.terms) if q.is_list else (
        q.answer_type != "number" and ":" not in text and _announces(text, q.terms, pairs=False)
    )
    introduces = q.is_list and bool(after) and _sentence_text(entry, after[0]).rstrip().endswith(":")
    if not (text.endswith(":") or (says_little and (short or counts or introduces))):
        return []
    last = after[-1] if after else p.sentence
    if _sentence_text(entry, last).rstrip().endswith(":"):
        after += [s for s in _items_after(entry, last) if not flags[s.index]]
    return after


LIST_ITEMS = 10  # at most this many items follow a colon


def _sentence_text(entry: Entry, s: Sentence) -> str:
    return entry.doc.text[s.start : s.end]


def _items_after(entry: Entry, colon: Sentence) -> list[Sentence]:
    """The sentences of the list items on the lines right after sentence `colon`, when it ends
    its line: each line opens with a bullet or a number; up to LIST_ITEMS lines."""
    following = entry.sentences[colon.index + 1 :]
    if following and following[0].line == colon.line:
        return []  # the colon does not end its line: its list is the rest of the line
    items: list[Sentence] = []
    lines = 0
    line = colon.line
    for s in following:
        if s.line != line:
            if lines == LIST_ITEMS or not LIST_ITEM.match(_sentence_text(entry, s)):
                break
            line, lines = s.line, lines + 1
        items.append(s)
    return items


def _add_span(spans: list[tuple[str, int, int]], span: tuple[str, int, int]) -> None:
    """Add `span`, or widen the span it shares text with: no sentence is quoted twice (a
    runner-up that is, or opens, the context of a span already cited joins that span)."""
    doc_id, start, end = span
    for i, (d, a, b) in enumerate(spans):
        if d == doc_id and start < b and a < end:
            spans[i] = (d, min(a, start), max(b, end))
            return
    spans.append(span)


def _marked(c: Citation) -> str:
    """The quote on one line (a span of two sentences may cross a paragraph break), then its mark."""
    return f"{' '.join(c.quote.split())} [{c.n}]"


def join_answers(question: str, asked: list[str], answers: list[Answer], view: IndexView) -> Answer:
    """One answer to a question asked in parts (`asked`, answered one by one in `answers`): the
    parts' sentences in order, each cited once, numbered anew; a part that the articles do not
    answer is said so. It abstains only when every part does."""
    docs = {c.doc_id: view.entries[c.doc_id].doc for a in answers for c in a.citations + a.closest}
    answered = [a for a in answers if not a.abstained]
    if not answered:
        closest = make_citations([(c.doc_id, c.start, c.end) for a in answers for c in a.closest][:2], docs)
        return Answer(question, answers[0].text, True, [], closest, max(a.confidence for a in answers))
    citations = make_citations([(c.doc_id, c.start, c.end) for a in answered for c in a.citations], docs)
    numbered = {(c.doc_id, c.start, c.end): c for c in citations}
    pieces: list[str] = []
    for part, answer in zip(asked, answers):
        if answer.abstained:
            pieces.append(f"{NOT_IN_ARTICLES} anything that answers: {part}")
            continue
        for c in answer.citations:
            own = numbered.pop((c.doc_id, c.start, c.end), None)  # a sentence two parts share: once
            if own is not None:
                pieces.append(_marked(own))
    return Answer(question, " ".join(pieces), False, citations, [], min(a.confidence for a in answered))
