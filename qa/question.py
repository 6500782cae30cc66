"""What a question asks for: its content terms, the kind of answer it expects, whether it is a
follow-up that needs the conversation, and whether it wants a list.

These are general rules of English questions (the classic answer-type taxonomy of open-domain QA),
not rules about any article.

    >>> q = analyse("How many soldiers did France send?")
    >>> q.answer_type, q.is_list
    ('number', False)
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from . import embeddings
from .keyword import STOPWORDS, fold, token_set, token_tuple, tokenize, words

MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
SMALL_NUMBERS = (  # in order: SMALL_NUMBERS[i] is i + 1
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
).split()
ZERO_WORDS = frozenset(("none", "zero"))
NUMBER_WORDS = frozenset(
    SMALL_NUMBERS
    + """thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million
    millions billion billions trillion dozen dozens half percent per cent""".split()
)
_DATE_WORDS = frozenset(MONTHS + DAYS + "century decade yesterday today tomorrow ago year years".split())
YEAR_DIGITS = r"1[5-9]\d\d|20\d\d"  # a year as news writing gives one
_YEAR = re.compile(rf"\b({YEAR_DIGITS})s?\b")
# A year before 1500 (rare, so only where its words make it one): "built between 1399 and 1404",
# "founded in 1248", "from 1100 to 1350", "in 850 AD" (not "one in 1200" nor "in 1200 homes")
_EARLY_YEAR = re.compile(
    r"\b(?:(?<!\bone )(?<!\ba )in|since|until|between|from)\s+(?:\d{3,4}\s+(?:and|to)\s+)?"
    r"(?:1[0-4]\d\d(?!\s+(?:and|to)\s+[\d,]+\s+[a-z])(?=\s*(?:[,.;:)]|$|\s+(?:and|to|or|when|after|before|until|on|by|under|[A-Z])\b))"
    r"|\d{1,4}\s+(?:AD|BC|BCE|CE)\b)"
)
# The seasons date what is to come or what was: "due to be published in the autumn", "next spring"
_SEASONS = frozenset("spring summer autumn winter summers autumns winters".split())
_ASKS_YEAR = re.compile(r"\b(what|which) year\b", re.IGNORECASE)
# "What time did the network go down?" asks for a time of day (not "what time of year")
_ASKS_TIME = re.compile(r"\bwhat time\b(?! (?:of (?:the )?year|frame|period|span|scale)\b)", re.IGNORECASE)
_PARTS_OF_DAY = frozenset("morning mornings afternoon afternoons evening evenings night nights overnight dawn dusk".split())
_WORDLIKE = re.compile(r"[^\W\d_][\w'’.-]*")
_REASON = re.compile(
    r"\b(because|since|due to|owing to|as a result|so that|in order to|reason|caused?|"
    r"led to|after|amid|thanks to|would|could|worr\w*|fears?|concerns?|risks?|so|"
    r"saying|(?:did|does|do) not want|wants? to avoid)\b",  # "declined to give them, saying ..."
    re.IGNORECASE,
)

_FOLLOWUP_PRONOUNS = frozenset(
    "he she him her his hers they them their theirs it its this that these those ones one there "
    "former latter".split()
)
_FOLLOWUP_OPENERS = ("and ", "what about", "how about", "also", "why", "what else", "anything else")
_LIST_CUES = re.compile(
    r"(^|,\s+)(which|what)\s+(\w+\s+){0,2}(countries|nations|states|people|officials|ministers|leaders|"
    r"companies|roles|ways|kinds|types|steps|measures|things|items|options|reasons|groups|cities|"
    r"members|places|names|parties|factors|areas|risks|features|products|changes)\b"
    r"|\b(list|name all|name the|what are|what were|who are|who were|which ones|what roles|what measures)\b"
    # a count of them: "Which four clubs reached the semi-finals?", "What two reasons did she give?"
    r"|(^|,\s+)(which|what)\s+(two|three|four|five|six|seven|eight|nine|ten)\s+[a-z]"
    # "What is the county doing to cut the risks?": the steps taken
    r"|\bwhat\s+(is|are|was|were|has|have)\s+([\w'’-]+\s+){1,3}(doing|done)\s+(to|about)\b"
    # "What shortcomings do...", "What tools and techniques did...": a plural noun, then the verb
    # ("What weaknesses of the study did...": of a thing, too)
    r"|(^|,\s+)(which|what)\s+(\w+\s+(and\s+)?){0,2}(?!(?:does|has|was|is|this|its|thus)\b)\w+[^su'\W]s\s+"
    r"(of\s+(the\s+|its\s+|their\s+|his\s+|her\s+)?\w+\s+)?"
    r"(do|did|are|were|have|had|will|would|can|could|should|may|might|must)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]  # stemmed, folded content tokens
    answer_type: str | None  # 'number' | 'date' | 'person' | 'organisation' | 'place' | 'reason' | None
    is_list: bool
    is_yesno: bool
    refers_back: bool  # uses a pronoun or ellipsis that the conversation must resolve
    names: tuple[str, ...]  # capitalised names in the question, folded
    measure: str | None = None  # what a number question measures: see MEASURES
    counted: tuple[str, ...] = ()  # for measure 'count': the words of what is counted ("how many buses")
    subset: tuple[str, ...] = ()  # ... and of the part of it asked about ("how many of the donors were women")
    asks_role: bool = False  # a "who" question about who leads, runs, owns or founded something
    role: str = ""  # the role such a question names outright: "mayor" ("Who is the mayor of Pine Ridge?")
    asks_called: bool = False  # asks what something is called ("What is the spacecraft called?")
    when_tense: str = ""  # "past" ("when did...?"), "future" ("when will...?") or "" (see has_strong_type)
    currency: str = ""  # for measure 'money': the currency the amount is asked in ("in US dollars"): see AMOUNTS_IN


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


_COPULA = r"(?:is|was|are|were|will be|would be)"
_WHAT_THE = rf"(?:what|which)(?:['’](?:s|re) | (?:{_COPULA} )?)(?:(?:the|its|their|his|her) )?"
# up to three words before the noun a question asks for ("what was Sri Valli's total revenue", "the
# mid-crop price", "the measles vaccination rate"), none a preposition: "what is the reason for the
# cost" asks for a reason
_MODIFIERS = r"(?:(?!(?:of|for|in|on|to|about|with|from|at|by|and|or|behind|than)\b)[\w'’-]+ ){0,3}"
# Nouns a question asks a quantity by ("What was the height of the wave?", "size of the loan?")
_QUANTITY_NOUNS = (
    r"size|height|width|depth|weight|length|distance|duration|capacity|speed|value|cost|price|population|"
    r"turnout|attendance|temperature|age|number|amount|total"
)
_DATE_NOUNS = r"date|deadline"
# "what is the ...", "what was Chile's ...": a question that names what it asks for by a noun
_IS_THE = rf"(?:what|which)(?:['’]s| {_COPULA}) (?:(?:the|its|their|his|her|[\w'’-]+['’]s?) )?"
# ... the noun, then what it is of or when ("the height of the wave", "the temperature at the
# start", "the deadline?"), not a noun that qualifies another ("the price war")
_NOUN_ENDS = r"\b(?=\s+(?:of|for|between|behind|at|in|on|during|when|after|before|from|to)\b|\W*$)"


_ANSWER_TYPES = (  # (the kind of answer, how a question asking for it reads), first match wins
    ("number", re.compile(
        r"^((over|for|by|in|within|after) )?(how (many|much|long|old|far|big|large|tall|often|frequent(?:ly)?|fast|deep|high|wide|"
        r"heavy|thick|steep)\b|(what|which) (number|percentage|"
        r"share|proportion|amount|price|cost|size|rate|sum|total|figure)\b)"
        r"|\b(how much|how many|price tag|what proportion|what percentage|what share|by how much|by what margin|margin)\b"
        # "What is Chile's total quota?", "What was the final tally?"
        r"|^(what|which) (is|was|are|were|will be|would be) ((the|its|their|[\w'’-]+['’]s?) )?(\w+ ){0,2}"
        r"(total|amount|tally|sum|count|number of)\b"
        # "What was the height of the wave?", "what is the size of the loan?"
        rf"|^{_IS_THE}{_MODIFIERS}({_QUANTITY_NOUNS}){_NOUN_ENDS}"
    )),
    ("date", re.compile(
        r"^(((by|since|until|till|from) )?when\b|((in|on|at|by|from|since|until|till|during) )?(what|which) "
        # "what months does the season cover?" (not "in which year of trading": a count of years)
        r"(year(?!s?\s+of\b)|date|day|month|time|centur(?:y|ies)|decade)s?\b)"
        # "Over what period were the insects released?": from when to when ("During what period
        # did the basin split?" may ask for an era: "the mid-Eocene")
        r"|^(over|across) (what|which) (period|time ?frame|timespan|span|stretch of time)\b"
        r"|^(what|which) (time ?frame|timespan)\b"
        rf"|^{_IS_THE}{_MODIFIERS}({_DATE_NOUNS}){_NOUN_ENDS}"  # "What is the deadline for bids?"
    )),
    ("person", re.compile(
        r"^(who|whom|whose)\b|^(which|what) (\w+ )?(judge|minister|president|leader|official|"
        r"spokesperson|spokesman|spokeswoman|executive|mayor|lawyer|scientist|researcher|professor|"
        r"author|analyst|player|coach|director|manager|chair|chairman|chairwoman|secretary|senator|"
        r"governor|founder|owner|candidate|politician|officer|expert|economist|doctor|writer|actor|"
        r"singer|artist|person|man|woman|member|trustee|councillor|councilor|lawmaker|legislator|"
        r"delegate|composer|historian|archivist|curator|engineer|architect|teacher|headteacher|principal|dean|"
        r"student|farmer|worker|driver|pilot|journalist|reporter|nurse|surgeon|physician|athlete|runner|rider|"
        r"cyclist|captain|referee|striker|goalkeeper|poet|novelist|painter|musician|pianist|detective|inspector|"
        r"prosecutor|defendant|plaintiff|witness|suspect|activist|campaigner|organiser|organizer|volunteer|"
        r"resident|ambassador|diplomat|negotiator|envoy|commissioner|auditor|adviser|advisor|consultant|"
        r"grandmaster|specialist|chemist|physicist|pharmacist|dentist|therapist|psychiatrist|violinist|guitarist|"
        r"columnist|lobbyist|conservationist|environmentalist|\w+ologist|\w+ician)s?\b"  # plurals too: "Which board members voted no?" asks for names
    )),
    # "Which company built the bridge?", "which body has to approve it": a body, by its name
    ("organisation", re.compile(
        r"^((by|from|to|with|for|at|in) )?(which|what) ([\w'’-]+ )?(company|companies|firms?|body|bodies|"
        r"organi[sz]ations?|agency|agencies|institutions?|banks?|university|universities|charity|charities|"
        r"manufacturers?|suppliers?|contractors?|insurers?|lenders?|regulators?|operators?|broadcasters?|"
        r"newspapers?|publishers?|airlines?|retailers?|studios?|laboratory|laboratories|developers?|group)\b(?! of\b)"
        # who pays, asked as where money comes from: "Where did the money for the restoration come from?"
        r"|^where (did|does|do|will|would|is|was|are|were) (the )?([\w'’-]+ ){0,3}(money|funding|funds|cash|"
        r"financing|finance|investment)\b.*\b(come|came|coming) from\b"
    )),
    ("place", re.compile(
        r"^((from|to) )?where\b|^whereabouts\b|^((in|at|from|to) )?(which|what) ((?!(?:surface|total|land|floor|overall|combined|entire|whole)\b)[\w-]+ )?(city|town|village|country|region|province|state|"
        r"place|location|port|island|county|district|cities|towns|villages|countries|regions|provinces|"
        r"states|places|locations|ports|islands|counties|districts|venue|venues|area|areas|neighbourhood|"
        r"neighborhood|neighbourhoods|neighborhoods|suburb|suburbs|quarter|borough)\b"
        # "Which part of Leipzig is the club in?": a part of a place, asked where something is
        r"|^((in|at|from|to) )?(which|what) parts? of .*\b(in|located|based|situated|live|lives|living)\W*$"
        # "Which parts of the city did it link?", "Which parts of Honduras have cases?": parts of a place
        r"|^(which|what) parts? of (the )?(city|town|village|country|region|province|state|county|island|"
        r"coast|world|continent|capital)\b|^(which|what) parts? of (?!it\b|them\b|this\b|that\b)\w+ "
        r"(have|has|had|are|were|is|was|did|do|does|will)\b"
        rf"|^{_IS_THE}{_MODIFIERS}(location|venue|address|destination|whereabouts){_NOUN_ENDS}"
    )),
    ("reason", re.compile(
        r"^(why|how come|(for )?what reasons?|what (was|is|were|are) the reasons?)\b"
        # "What actually made the cable fail?", "What caused the outage?", "What prompted the move?"
        r"|^what (\w+ly )?(made|makes|caused|causes|led to|leads to|prompted|prompts|triggered|triggers)\b"
        rf"|^{_IS_THE}{_MODIFIERS}(cause|causes|motive|motives){_NOUN_ENDS}"  # "What was the cause of the fire?"
    )),
)


def _answer_type(lowered: str) -> str | None:
    return next((kind for kind, pattern in _ANSWER_TYPES if pattern.search(lowered)), None)


# What a question asking for a number measures (the fine answer types of open-domain QA: money,
# percentage, period, age, area, count of a thing). The evidence must then hold a quantity of that kind,
# not just any number: "How much did the boat cost?" is not answered by "The lake holds 2 million
# cubic metres", and "How many litres..." not by "20,000 bottles". First match wins.
_MONEY_WORDS = (
    r"cost|costs|costing|pay|pays|paying|paid|spend|spends|spending|spent|charge|charges|charging|"
    r"charged|earn|earns|earning|earned|worth|fund|funds|funded|funding|owe|owes|owed|borrow|borrows|"
    r"borrowed|invest|invests|invested|lend|lends|lent|fined|price|priced|budget|salary|wage|wages|"
    r"money|cash|revenue|compensation|grant|toll|tolls|fare|fares|fee|fees|tax|taxes|rent|prize|ticket|"
    r"tickets|fine|fines|subsidy|subsidies|bonus|pension|loan|loans|debt|damages|reward|bail"
)
MEASURES = (
    ("age", re.compile(rf"\bhow old\b|\b(at )?what age\b|^{_IS_THE}{_MODIFIERS}age{_NOUN_ENDS}")),
    ("percent", re.compile(
        rf"\b{_WHAT_THE}(\w+ )?(percentage|proportion|share|fraction|per ?cent)\b(?! points?\b)|"
        rf"\bhow many (per ?cent|percent|percentage points)\b|\b{_WHAT_THE}{_MODIFIERS}rate\b"
        # "by how much in percent did the price go up?", "how much did it rise as a percentage"
        r"|\b(in|as an?) (per ?cent|percent|percentage)( terms)?\b"
    )),
    ("money", re.compile(
        rf"\bhow much\b(?=.*\b({_MONEY_WORDS})\b)|\b{_WHAT_THE}{_MODIFIERS}(price|cost|fee|fare|salary|"
        r"wage|budget|fine|sum|grant|funding|subsidy|allowance|payout|compensation|savings|revenues?|profits?|"
        r"turnover|income(?! groups?\b)|earnings|deficit|surplus|rent|toll|value(?! (?:does|do|did|will|would)\b))\b|\b(final|total) bill\b"
        # "how much did the festival get?", "how much will he receive?", "how much did she chip in?",
        # "how much are they putting into it?": what is had or given, unnamed
        r"|(?<!by )\bhow much (did|does|do|will|would|has|have|had|is|was|are|were|could|can|should) ([\w'’-]+ ){1,4}(get|gets|got|"
        r"getting|receive|receives|received|receiving|raise|raises|raised|raising|collect|collects|collected|"
        r"make|makes|made|making|win|wins|won|save|saves|saved|give|gives|gave|giving|donate|donates|donated|"
        r"donating|contribute|contributes|contributed|contributing|pledge|pledges|pledged|chip in|chipped in|"
        r"put in|put into|puts in|puts into|putting in|putting into|pour|pours|poured|pouring)\b"
        r"|\b(sell|sells|selling|sold|retail|retails|retailing|priced|go|going|bought|buy) for\b"
        # "What will the new model cost?": "cost" the verb, not a noun after "the", "of", "about"...
        r"|^what (will|would|does|do|did|could|might|should) .*\b(?<!the )(?<!its )(?<!their )(?<!of )"
        r"(?<!about )(?<!a )(?<!total )(?<!the full )cost\b|\bgoing to cost\b"
    )),
    # a vote's tally: "What was the final vote count?", "how did the judges split?" ("6-3", "by 10
    # votes to 5", "unanimously")
    ("tally", re.compile(
        r"\b(vote|voting) (count|tally|result|split|breakdown)\b|\btally\b(?=.*\bvot)"
        r"|^how (did|was|were|is|are) (the )?([\w'’-]+ ){0,3}(split|divided|divide)\b"
        # "what was the vote on reopening the school", "how did the vote go"
        r"|^(what|how) (was|were|is) the (final |([\w'’-]+['’]s ))?vote\b(?! (held|taken|set|due|scheduled)\b)|\bhow did the vote go\b"
        # "what was the result of the council vote?", "the outcome of the match"
        r"|\b(result|outcome) of (the|that|this|its|their) ([\w'’-]+ ){0,2}(vote|ballot|match|game)\b"
        # a game's score: "what was the score when they lost to Italy", "the final score" ("34-16")
        r"|^(what|how) (was|were|is) the (final |half-time |full-time |([\w'’-]+['’]s ))?score\b|\bby what score\b"
    )),
    # a built or natural thing's length is a distance, never a period: "how long is the new bridge"
    # (not "less than five months after the crossing opened"), "what is the length of the tunnel"
    ("distance", re.compile(
        r"\bhow long (is|was|will be|would be) (the|a|an|its|their|this|that) ([\w'’-]+ ){0,3}(bridge|tunnel|"
        r"road|highway|motorway|railway|pipeline|canal|wall|fence|border|runway|trail|causeway|viaduct|bypass|"
        r"coastline|river|dam|pier|ship|vessel|cable car)s?\b"
        # ... not how long it was in some state: "how long was the road blocked", "... shut", "... out"
        r"(?!.*\b(?!(?:expected|planned|designed|projected|estimated|supposed|intended)\b)(?:\w+[^e\W]ed|shut|cut|down|"
        r"out|stuck|kept|held|left|gone|open|off)\b)"
        r"|\b(what|which) (is|was) the (total )?length of\b"
        rf"|^{_IS_THE}{_MODIFIERS}(height|width|depth|distance){_NOUN_ENDS}"  # "what was the height of the wave"
        # "how tall is the portal", "how deep is the shaft", "how far is the site from the lagoon"
        r"|\bhow (tall|deep)\b|\bhow far (is|was|are|were|will|would) .*\bfrom\b"
    )),
    # "How long is the tunnel going to be?", "how long was the delay": a length or a period
    ("length", re.compile(r"\bhow long (is|are|was|were|will) (?!it\b|this\b|that\b|they\b|he\b|she\b|we\b|you\b)"
                          r"(?!.*\b(take|takes|last|lasts|stay|remain|wait|run|continue|go on)\b)")),
    ("period", re.compile(
        # a race's time: "What was the winning women's time?" ("2 hours 19 minutes 48 seconds")
        r"\b(winning|finishing|race|record|fastest|personal best) ([\w'’-]+ )?time\b|"
        # a time spent: "What was the average waiting time?" ("more than 12 hours")
        r"\b(waiting|wait|journey|travel|response|turnaround|processing|transit|flight|recovery) times?\b|"
        r"\bhow long\b|\bhow many (seconds|minutes|hours|days|weeks|months|years|decades|centuries)\b"
        rf"|^{_IS_THE}{_MODIFIERS}duration{_NOUN_ENDS}"
    )),
    ("area", re.compile(
        r"\bhow (big|large|wide|extensive) (an |of an |is the |was the |are the |were the )?areas?\b"
        r"|\b(what|which) (is|was) the (total )?(surface )?area\b|\bwhat size of area\b"
    )),
    ("temperature", re.compile(
        rf"\b(at )?what temperatures?\b|\bhow (hot|cold|warm)\b|^{_IS_THE}{_MODIFIERS}temperatures?{_NOUN_ENDS}"
    )),
    ("magnitude", re.compile(
        r"\bwhat magnitude\b|\bhow (strong|powerful|big|large|severe) (is|was|were|are) (the )?([\w'’-]+ ){0,4}"
        r"(quakes?|earthquakes?|tremors?|aftershocks?|shocks?)\b"
    )),
    # "What's the population of Carrach now?", "what was the turnout", "what is the number of jobs lost"
    ("count", re.compile(
        rf"\bhow many\b|\b{_WHAT_THE}([\w'’-]+ )?(population|turnout|attendance|death toll|headcount)\b"
        rf"|\b{_WHAT_THE}(\w+ )?number of\b"  # "what was the minimum number of signatures needed"
    )),
)
_COUNTED = re.compile(r"\b(?:how many|number of) (?:of (?:the |their |its |his |her )?)?((?:[\w'’-]+ ){0,3})")
_POSSESSOR = re.compile(r"[\w-]+['’]s\b")
# "how many of the donors were from the United States": the count of a part, said by what the part
# is (not by what was done to it: "how many of them were injured" is a count of its own)
_SUBSET = re.compile(r"\bhow many of [\w'’ -]+? (?:were|are|was|is|will be) ((?:[\w'’-]+ ?){1,5})\W*$")


@lru_cache(maxsize=65_536)
def _count_stem(word: str) -> str:
    """A counted word's stem, British and American spellings of units alike (litres -> liter,
    tonnes -> ton)."""
    word = re.sub(r"(?<=[a-z])tre(s?)$", r"ter\1", re.sub(r"^tonne", "ton", word))
    stems = tokenize(word)
    return stems[0] if stems else word


# Nouns for people. A count of people in general is answered by a count of any people and the
# other way round ("how many people" by "9,400 riders", "how many passengers" by "2,300
# people"); a count of a particular kind only by the same kind or one in its group ("how many
# jobs" by "650 workers", not "how many teachers" by "610 students"). General English, not any
# article's wording. Read without their plural, not by their stems: "reporters" and "reports",
# "officers" and "offices", "protesters" and "protests" share a Snowball stem, not a meaning.
@lru_cache(maxsize=65_536)
def _singular(word: str) -> str:
    """The word without a plural ending: "casualties" -> casualty, "witnesses" -> witness, "riders" -> rider."""
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _singulars(text: str) -> frozenset[str]:
    return frozenset(_singular(w) for w in text.split())


GENERIC_PEOPLE = _singulars("people persons person individuals residents inhabitants citizens families households")
PEOPLE_GROUPS = tuple(
    _singulars(group)
    for group in (
        "workers employees staff jobs positions posts",
        "couriers riders drivers",  # delivery riders
        "riders passengers commuters travellers travelers users customers",
        "visitors tourists spectators attendees fans",
        "patients participants volunteers",
        "soldiers troops",
        "victims casualties deaths",
        "evacuees refugees migrants survivors",
        "students pupils children kids",
        "men males boys",
        "women females girls",
        "adults",
        "members voters delegates",
        "officers firefighters guards custodians wardens rangers police",
        "scientists researchers experts engineers specialists technicians",
        "officials",
        "fishermen fishers",
        "journalists reporters",
        "protesters",
        "players",
        "teachers",
        "doctors nurses",
        "farmers",
        "miners",
    )
)
PEOPLE = GENERIC_PEOPLE.union(*PEOPLE_GROUPS)


def _stems(text: str) -> frozenset[str]:
    return frozenset(_count_stem(w) for w in text.split())


# Things counted under several names: "How many homes..." by "about 9,000 households"; people
# counted by where they are from ("from abroad" by "from outside Japan").
THING_GROUPS = (
    _stems("homes households houses dwellings flats apartments properties residences"),
    _stems("orders deliveries shipments parcels packages"),
    _stems("abroad overseas foreign foreigners outside international"),  # "how many were from abroad"
)


def _people_like(counted: frozenset[str]) -> frozenset[str]:
    """The people nouns whose count answers a count of `counted`."""
    if counted & GENERIC_PEOPLE:
        return PEOPLE
    kin = [group for group in PEOPLE_GROUPS if counted & group]
    return GENERIC_PEOPLE.union(*kin) if kin else frozenset()


def _measure(lowered: str) -> tuple[str | None, tuple[str, ...]]:
    """The measure a question asks for, and for a count the words of what it counts: the words
    after "how many" up to the first function word ("how many new buses will..." -> new, buses)."""
    kind = next((kind for kind, pattern in MEASURES if pattern.search(lowered)), None)
    # how much or how many in a currency is money: "How much is that in Canadian dollars?", "how
    # many euros..." (not "how many pounds", which may weigh)
    if kind in (None, "count") and _HOW_MUCH.search(lowered) and set(words(lowered)) & _MONEY_UNITS:
        return "money", ()
    if kind != "count":
        return kind, ()
    match = _COUNTED.search(lowered.rstrip("?") + " ")
    counted = []
    # whose they are is not what is counted: "how many of the island's kids", "last year's jockeys"
    for word in words(_POSSESSOR.sub(" ", match.group(1))) if match else []:
        if word in STOPWORDS:
            break
        if not word.isdigit():
            counted.append(word)
    return kind, tuple(counted)


_PARTICIPLES = frozenset("hurt born taken given seen found sold lost shot hit held kept left made built caught paid sent put spent won".split())


def _subset(lowered: str) -> tuple[str, ...]:
    """The words of the part a count is of (`Question.subset`), if the question asks for one."""
    match = _SUBSET.search(lowered)
    said = words(match.group(1)) if match else []
    if not said or said[0].endswith("ed") or said[0] in _PARTICIPLES:
        return ()
    return tuple(w for w in said if w not in STOPWORDS and not w.isdigit())


_POSSESSIVE = re.compile(r"['’]s$")
TITLE_ACRONYMS = frozenset("ceo cfo coo cto cio".split())  # not names: "Who is the CEO of Volterra?"


# Names news writing shortens, folded, with what they stand for: abbreviations ("US"), and capitals
# named for their governments or unions ("Has Brussels approved the money?" asks about the
# European Union). General English.
NAME_ALIASES = {
    "us": ("united states", "u.s.", "american"),
    "usa": ("united states", "u.s.", "american"),
    "uk": ("united kingdom", "britain", "british"),
    "eu": ("european union",),
    "un": ("united nations",),
    "uae": ("united arab emirates", "emirati"),
    "brussels": ("european union", "eu", "european commission"),
    "washington": ("united states", "u.s.", "american", "white house", "federal government"),
    "beijing": ("china", "chinese"),
    "moscow": ("russia", "russian", "kremlin"),
    "kyiv": ("ukraine", "ukrainian"),
    "london": ("britain", "british", "united kingdom", "uk"),
    "tokyo": ("japan", "japanese"),
    "paris": ("france", "french"),
    "berlin": ("germany", "german", "federal government"),
    "ottawa": ("canada", "canadian", "federal government"),
    "canberra": ("australia", "australian", "federal government"),
}


def without_possessive(word: str) -> str:
    """The word without a possessive "'s": "Uwase's" is Uwase, "the SP's" the SP."""
    return _POSSESSIVE.sub("", word)


def _bare(word: str) -> str:
    """A word as a name: no possessive, no stray full stop or quote ("Uwase's" is Uwase)."""
    return without_possessive(word).strip(".'’-")


def _name_of(match: re.Match[str]) -> str:
    """The word `match` (of `_WORDLIKE`) as a name, bare and as written ("Uwase's" is Uwase), or ""
    when it is none: lower case, the first word of its text, a stopword or a title acronym."""
    if match.start() == 0 or not match.group(0)[0].isupper():
        return ""
    written = _bare(match.group(0))
    word = fold(written)
    return written if word and word not in STOPWORDS and word not in TITLE_ACRONYMS else ""


def names_in(text: str, folded: bool = True) -> list[str]:
    """Capitalised words that are not at the start of the text nor stopwords (folded, unless
    `folded=False` keeps them as written)."""
    found = (_name_of(match) for match in _WORDLIKE.finditer(text))
    return [fold(name) if folded else name for name in found if name]


def name_runs(text: str) -> list[list[str]]:
    """`names_in`, folded, grouped by the run of capitalised words each stands in ("Mayor Ingrid
    Haslinger said" is one run), leaving out adjectives made with a hyphen ("Warsaw-based")."""
    runs: list[list[str]] = []
    end = -1
    for match in _WORDLIKE.finditer(text):
        written = match.group(0)
        if not written[0].isupper():
            end = -1
            continue
        if end < 0 or text[end : match.start()].strip():
            runs.append([])
        end = match.end()
        name = _name_of(match)
        adjective = "-" in written and written.split("-")[-1][:1].islower()
        if name and not adjective:
            runs[-1].append(fold(name))
    return [run for run in runs if run]


def mentions(folded_text: str, name: str) -> bool:
    """Does `folded_text` hold the (folded) name at the start of a word: "ghana" in "ghanaian
    growers", not "li" in "million"?"""
    start = folded_text.find(name)
    while start != -1:
        if start == 0 or not folded_text[start - 1].isalnum():
            return True
        start = folded_text.find(name, start + 1)
    return False


def mentions_name(folded_text: str, name: str) -> bool:
    """`mentions` of the name, or of what it stands for (`NAME_ALIASES`: "Berlin" by "the federal
    government", "US" by "United States")."""
    return any(mentions(folded_text, form) for form in (name, *NAME_ALIASES.get(name, ())))


@lru_cache(maxsize=64)
def written_as_names(document: str) -> frozenset[str]:
    """The words (folded) that `document` writes capitalised and never in lower case: the names
    of a question typed without capitals ("how many tonnes did ghana produce")."""
    cased: dict[str, bool] = {}
    for match in _WORDLIKE.finditer(document):
        word = match.group(0)
        folded = fold(_bare(word))
        cased[folded] = cased.get(folded, True) and word[0].isupper()
    return frozenset(w for w, upper in cased.items() if upper and len(w) > 2 and w not in STOPWORDS)


def _cased_throughout(text: str) -> bool:
    """Whether the question's capitals say nothing about names: typed in capitals throughout
    ("WHY DID MACRON SAY IT?") or in title case, where even function words are capitalised
    ("Why Did Macron Make These Remarks?"). Such a question is read as if typed in lower case."""
    letters = [c for c in text if c.isalpha()]
    if len(text.split()) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        return True
    for match in _WORDLIKE.finditer(text):
        word = match.group(0)
        capitalised = word[0].isupper() and word[1:].islower()  # not "I", not "US"
        if match.start() > 0 and capitalised and word.lower() in STOPWORDS and word.lower() not in MONTHS:
            return True  # "Did", "The", "To" capitalised mid-question
    return False


# Words that ask no topic of their own: "By how much?", "And how long?", "What happened next?"
_BARE = frozenset(tokenize("much many long far old big often soon else happen happened next then"))


def is_bare(question: Question) -> bool:
    """Whether the question is nothing but question words, so that its topic is the previous
    question's ("Who is leading the tour?" ... "By how much?")."""
    pronoun = any(word in _FOLLOWUP_PRONOUNS for word in words(question.text))  # "What did she say?"
    return not pronoun and all(term in _BARE for term in question.terms)


# Chat spellings of English contractions and words, read as their standard forms: "whats the line
# gonna cost" is "what's the line going to cost", "how many ppl" is "how many people".
_CHAT_SPELLINGS = {
    "whats": "what's", "whos": "who's", "wheres": "where's", "whens": "when's", "hows": "how's", "whys": "why's",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "dont": "don't", "doesnt": "doesn't",
    "didnt": "didn't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "cant": "can't", "hasnt": "hasn't", "havent": "haven't", "hadnt": "hadn't", "wouldnt": "wouldn't",
    "couldnt": "couldn't", "shouldnt": "shouldn't", "ppl": "people", "govt": "government", "yrs": "years",
    "cuz": "because", "thru": "through",
}
_CHAT_SPELLING = re.compile(rf"\b({'|'.join(_CHAT_SPELLINGS)})\b", re.IGNORECASE)
# Titles shortened as people say them: "what is he asking the PM for" (not a time: "3 pm")
_SHORT_TITLES = {"pm": "prime minister", "mp": "member of parliament", "mps": "members of parliament", "vp": "vice president"}
_SHORT_TITLE = re.compile(rf"(?<!\d )(?<!\d)\b({'|'.join(_SHORT_TITLES)})\b(?!\.)", re.IGNORECASE)


def standard_spelling(text: str) -> str:
    """The question with chat spellings and short titles written out: "whats" -> "what's", "ppl"
    -> "people", "the PM" -> "the prime minister"."""
    def standard(match: re.Match[str]) -> str:
        written = _CHAT_SPELLINGS[match.group(0).lower()]
        return written[0].upper() + written[1:] if match.group(0)[0].isupper() else written

    text = _CHAT_SPELLING.sub(standard, text)
    return _SHORT_TITLE.sub(lambda match: _SHORT_TITLES[match.group(0).lower()], text)


# Words a chatty or follow-up question opens with before its question word ("and why did they do
# it?", "so what actually made the cable fail?", "ok so who runs it"): skipped to read its type.
_DISCOURSE = re.compile(r"^(?:(?:and|so|but|ok|okay|well|then|now|oh|hmm|right)\b(?! that\b)[\s,]*)+")
# A phrase put before the question word, set off by a comma or a dash: "According to the manager,
# why did the firm stop deliveries?", "At 20-20 in the deciding game, did the review find...?" The
# question is typed by what follows it (its words stay terms)
_FRONTED = re.compile(
    r"^(?:[^,?]{2,80},|[^?]{2,160}?\s[-–—]\s)\s*(?=(?:why|how|what|which|who|whom|whose|when|where|"
    r"in which|on which|on what|at what|by how|by what|for how|from where|to what|"
    r"is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|may|might|must)\b)"
)


# "What is the spacecraft called?", "what was the storm named", "What name did they give it?"
_ASKS_CALLED = re.compile(r"\b(called|named|dubbed)\W*$|^what name\b")


# "open again" is "reopen", "build it again" "rebuild": the verb with "re-" is a term too (verbs
# news writing often writes so; "be open to lorries again" makes no "relorries")
_AGAIN = re.compile(
    r"\b(open|start|build|construct|elect|launch|join|enter|appear|emerge|unite|apply|sell|fill|write|run|"
    r"connect|introduce|test|negotiate|consider|examine|assess|organi[sz]e|settle|locate|publish|release|"
    r"issue|hire|train|sign|capture|gain|claim|name|count|establish|activate|design|develop|stock|plant|"
    r"load|stage|invest|instate|play|visit|try)(?: (?:up|back|it|them))? again\b",
    re.IGNORECASE,
)


def _again_terms(text: str) -> list[str]:
    return [f"re{match.group(1).lower()}" for match in _AGAIN.finditer(text)]


# "how many" and "how much" ask for a quantity (`Question.measure`), no topic: "many" in a
# sentence is no answer
_HOW_MUCH = re.compile(r"\bhow (?:many|much)\b", re.IGNORECASE)


# A yes/no question asks no number or date through a question word inside it ("Did the boss agree
# to limit how many layers of subcontractors can be used?"), only through one that asks a second
# question ("Is that more or less than a year ago, and by how much?").
_SECOND_QUESTION = re.compile(rf"(?:,|\band\b|\bbut\b)\s*{_LEAD}{_QUESTION_WORD}")


# A question asked as a noun phrase, as typed into a search box: "size of the loan?", "number of
# swimmers taking part", "deadline for bids" (read as "what is the size of the loan?")
_FRAGMENT = re.compile(
    rf"^(?:the\s+)?(?:[\w'’-]+\s+)?(?:{_QUANTITY_NOUNS}|{_DATE_NOUNS}|cause|reason|location)\s+(?:of|for|between)\b"
)


# Capitalised words before a word: "US dollars", "Hong Kong dollars", "Swiss francs"
_BEFORE_WORD = re.compile(r"((?:\b[A-Z][\w.'’-]*\s+){1,3})([a-z]+)\b")


def _units_of(text: str) -> set[str]:
    """The names in `text` that only say which currency: "What did it cost in US dollars?" asks
    about no one named "US"."""
    return {
        name
        for match in _BEFORE_WORD.finditer(text)
        if match.group(2) in _CURRENCIES and set(words(match.group(1))) <= _CURRENCY_QUALIFIERS
        for name in (fold(_bare(word)) for word in match.group(1).split())
    }


def analyse(text: str) -> Question:
    text = standard_spelling(text)
    whole = " ".join(text.lower().split())
    lowered = _DISCOURSE.sub("", whole) or whole
    lowered = _FRONTED.sub("", lowered)
    if _FRAGMENT.match(lowered) and not _OPENS_QUESTION.match(lowered):
        lowered = "what is " + ("" if lowered.startswith("the ") else "the ") + lowered
    tokens = words(text)
    refers_back = any(t in _FOLLOWUP_PRONOUNS for t in tokens) or whole.startswith(_FOLLOWUP_OPENERS)
    is_yesno = bool(re.match(_AUXILIARY, lowered))
    embedded = is_yesno and not _SECOND_QUESTION.search(lowered)
    measure, counted = (None, ()) if embedded else _measure(lowered)
    # "who is the mayor of...", "who's volterra's ceo", "which judge heard the case?"
    named = _NAMED_ROLE.match(lowered) or _WHICH_ROLE.match(lowered)
    # "What will a bottle sell for?" asks for a number though no question word says so
    answer_type = None if embedded else _answer_type(lowered) or ("number" if measure else None)
    terms = tuple(dict.fromkeys(tokenize(_HOW_MUCH.sub(" ", text)) + tokenize(" ".join(_again_terms(text)))))
    units = _units_of(text)
    names = () if _cased_throughout(text) else tuple(n for n in dict.fromkeys(names_in(text)) if n not in units)
    return Question(
        text=text,
        terms=terms,
        answer_type=answer_type,
        is_list=bool(_LIST_CUES.search(lowered)),
        is_yesno=is_yesno,
        # ... or too little to stand alone: "Which areas were hit?" (by what?)
        refers_back=refers_back or len(tokens) <= 3 or (len(set(terms)) <= 2 and not names),
        names=names,
        measure=measure,
        counted=counted,
        subset=_subset(lowered) if measure == "count" else (),
        asks_role=answer_type == "person" and bool(named or _ASKS_ROLE.search(lowered)),
        # an acronym or a leader asks for any leader's role: articles often spell it out ("Chief
        # Executive Priya Raman"), or name the head of a body by its own title ("the union's president")
        role=named.group(1) if named and answer_type == "person" and named.group(1) not in _LEADERS else "",
        asks_called=answer_type is None and bool(_ASKS_CALLED.search(lowered)),
        when_tense="past" if _PAST_WHEN.match(lowered) else "future" if _FUTURE_WHEN.match(lowered) else "",
        currency=_asked_currency(lowered) if measure == "money" else "",
    )


def topic_terms(question: Question) -> tuple[str, ...]:
    """The question's terms less, for a question about who leads something, the verbs that ask
    for the role ("Who runs Volterra?" -> volterra): the role feature matches those
    (`has_role`), and as words they match other senses ("the river runs along the site")."""
    if not question.asks_role:
        return question.terms
    return tuple(tokenize(" ".join(w for w in words(question.text) if not re.fullmatch(_LEADING, w))))


_NUMBER = re.compile(r"(?<![\w.])(\w+\.?\s+)?(\d[\d,.]*)")


_DAY_OF_MONTH = re.compile(rf"\s+(?:{'|'.join(m.capitalize() for m in MONTHS)})\b")  # "30 December", "16 Mar"


def quantities(text: str) -> set[str]:
    """Numbers in `text` that count or measure something: not days of a month ("Feb. 29",
    "30 December"), not bare years ("in 2028")."""
    found = set()
    for match in _NUMBER.finditer(text):
        before, number = (match.group(1) or "").strip().rstrip(".").lower(), match.group(2).rstrip(".,")
        if fold(before) in MONTHS or _YEAR.fullmatch(number) or _DAY_OF_MONTH.match(text, match.end()):
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


def _gave_nothing(question: Question, sentence: str) -> bool:
    """Does the question ask who gave something (`_GIVING`) and the sentence say nothing was given?
    "who paid for the research?" is not answered by who first documented it."""
    verb = _asked_verb(question.text)
    return bool(verb and set(verb) & _GIVING and not _GAVE.search(sentence))


def has_answer_type(answer_type: str | None, sentence: str, question: Question) -> bool:
    """Does the sentence hold something of the expected type that the question does not?"""
    if answer_type is None:
        return True
    q_words = _words_of(question.text)[1]
    if answer_type == "date":  # when a speaker spoke is no answer (`_unsaid`)
        sentence = _unsaid(question, sentence)
    s_words = [w for w in _words_of(sentence)[0] if w not in q_words]
    if answer_type == "number":  # "None of the treaties..." answers "how many" too
        return (
            any(w in NUMBER_WORDS or w in ZERO_WORDS for w in s_words)
            or bool(quantities(sentence) - q_words)
            or _fraction(_words_of(sentence)[0], skip=q_words)  # "less than a fifth of that area"
            or ("times" in question.counted and bool(_ONCE_TWICE.intersection(s_words)))  # "twice"
        )
    if answer_type == "date":
        if _ASKS_YEAR.search(question.text):  # "In what year...": a month or "Monday" does not answer
            return any(_YEAR.fullmatch(w) for w in s_words) or _holds_new(_EARLY_YEAR, sentence, question)
        if _ASKS_TIME.search(question.text):  # "What time...": a time of day, or a part of one
            return bool(_PARTS_OF_DAY.intersection(s_words)) or _holds_new(_CLOCK, sentence, question)
        return (
            any(w in _DATE_WORDS or w in _SEASONS or _YEAR.fullmatch(w) for w in s_words)
            or _holds_new(_CLOCK, sentence, question) or _holds_new(_ERA, sentence, question)
            or _holds_new(_EARLY_YEAR, sentence, question)
        )
    if answer_type == "reason":  # a weak sign of one, or a strong one (`has_strong_type`)
        return bool(_REASON.search(sentence) or _STRONG_REASON.search(sentence))
    if _gave_nothing(question, sentence):
        return False
    q_names = set(question.names)  # a day or a month names no one: "reopened on Friday"
    return any(n not in q_names and n not in q_words and n not in _DATE_WORDS for n in _names_of(sentence))


# Quantities are found from their unit, then the amount just before it, on the sentence's cached
# words: "$115 million", "1.2 million euros", "twelve euros", "40 per cent", "15-minute walks",
# "a decade". (One regex with every unit was ~100 microseconds a sentence; this is a few.)
CURRENCIES_ON = datetime.date(2026, 1, 1)  # the currencies in use on this day (fixed: same answers every day)
_AMBIGUOUS_CURRENCIES = frozenset("gold mark marks won real reals sol".split())  # "passed the 1,000 mark"
# ... of which these are money after a scale word: "3.2 billion won" (not "in 1990, won the cup")
_SCALED_CURRENCIES = frozenset("won real reals sol".split())


def _territory_currencies(territory: str) -> list[str]:
    """The ISO codes of the currencies legal tender in `territory` on CURRENCIES_ON (CLDR, by Babel)."""
    from babel.numbers import get_territory_currencies

    try:
        return list(get_territory_currencies(territory, CURRENCIES_ON, tender=True))
    except Exception:  # noqa: BLE001 - a territory without currency data
        return []


def _currency_codes() -> frozenset[str]:
    """The ISO codes of every currency in use on CURRENCIES_ON."""
    from babel import Locale

    return frozenset(code for territory in Locale("en").territories for code in _territory_currencies(territory))


_CURRENCY_CODES = _currency_codes()


def _currency_words() -> tuple[frozenset[str], frozenset[str]]:
    """The names of the currencies in use on CURRENCIES_ON, from the CLDR data Babel ships: their
    last words folded, singular and plural ("lempira", "lempiras", "shillings"...), and the words
    that qualify them ("US", "Honduran", "Hong Kong"), which may stand between amount and unit."""
    from babel.numbers import get_currency_name

    units, qualifiers = set(), {"u", "s"}  # "U.S. dollars"
    for code in _CURRENCY_CODES:
        for count in (None, 1, 2):  # "United Arab Emirates Dirham", "UAE dirham", "UAE dirhams"
            found = words(get_currency_name(code, count=count, locale="en"))
            if found:
                units.add(found[-1])
                qualifiers.update(w for w in found[:-1] if w.isalpha())
    units -= _AMBIGUOUS_CURRENCIES
    units |= {unit + "es" for unit in units}  # plurals as Spanish writes them: "guaraníes", "colones"
    units |= {"sterling", "cent", "cents", "pence", "usd", "eur", "gbp", "chf", "lire"}
    return frozenset(units), frozenset(qualifiers)


_CURRENCIES, _CURRENCY_QUALIFIERS = _currency_words()
_MONEY_UNITS = _CURRENCIES - {"pound", "pounds"}  # what "how many" of is money ("how many pounds" may weigh)
# Letters that stand for a currency before its amount but are words or other names too: "Le"
# (Sierra Leone), "den" (North Macedonia), "KM" (Bosnia; kilometres), "Ft" (Hungary; feet), and
# codes such as "COP" ("COP 28", the climate summit), "PHP" ("PHP 8"), "ALL", "TOP", "TRY"
_WORDLIKE_SYMBOLS = frozenset("Le den KM Ft ALL AMD BAM BOB CAD COP CUP GEL MAD MOP PHP SOS TOP TRY".split())


def _currency_prefixes() -> re.Pattern[str]:
    """A currency written before its amount by its ISO code, or by its local symbol of two letters
    or more as English writes it there (CLDR's English locales, through Babel): "TZS 1,800", "TSh
    1,800", "Ksh 500", "Rs 200", "RM 15" ("$", "€", "£"... are `_MONEY_SIGN`). Case-sensitive: "rs"
    and "rm" are no currency. (English locales only: reading all of CLDR's costs a second.)"""
    from babel import Locale, localedata

    found = set(_CURRENCY_CODES)
    for identifier in localedata.locale_identifiers():
        locale = Locale.parse(identifier) if identifier.startswith("en_") else None
        for code in _territory_currencies(locale.territory) if locale is not None and locale.territory else []:
            symbol = locale.currency_symbols.get(code, "").rstrip(".")
            if sum(c.isalpha() for c in symbol) >= 2 and symbol.isascii():
                found.add(symbol)
    found -= _WORDLIKE_SYMBOLS
    alternatives = "|".join(re.escape(symbol) for symbol in sorted(found, key=len, reverse=True))
    return re.compile(rf"(?<![\w$])(?:{alternatives})\.?\s?\d")


_MONEY_PREFIX = _currency_prefixes()
CURRENCY_QUALIFIERS = 2  # "50 Hong Kong dollars": at most this many qualifying words before the unit
_SCALES = frozenset("million millions billion billions trillion trillions bn m k".split())
# units of time only: a question that may ask a length as well ("how long is the tunnel going to
# be") is `_length`, which also takes `_DISTANCE_UNITS`; "How long does the crossing take?" is not
# answered by "218 metres long"
_PERIOD_UNITS = frozenset(
    "second seconds minute minutes hour hours day days night nights week weeks fortnight fortnights month "
    "months year years decade decades century centuries".split()
)
_FRACTIONS = frozenset("third thirds quarter quarters fifth fifths tenth tenths".split())
_VAGUE_AMOUNTS = frozenset("a an several few many some".split())
_MONEY_SIGN = re.compile(r"[$€£¥₹]\s?\d")  # "$115", "£ 3"
_PERCENT_SIGN = re.compile(r"\d\s*%")  # "4.5%", "40 %"


def _is_amount(word: str, vague: bool = False) -> bool:
    """A number ("400", "twelve"), or with `vague` also "a", "several"..."""
    return word[:1].isdigit() or word in NUMBER_WORDS or (vague and word in _VAGUE_AMOUNTS)


def _amount_before(found: tuple[str, ...], j: int, vague: bool = False) -> bool:
    """An amount right before word j, or before the scale word there ("1.2 million euros")."""
    before = found[j - 1] if j >= 1 else ""
    if before in _SCALES and j >= 2:
        before = found[j - 2]
    return bool(before) and _is_amount(before, vague)


def _unit_start(found: tuple[str, ...], j: int) -> int:
    """Where the currency at word j starts with its qualifying words: "110 US dollars" -> "US"."""
    k = j
    while k > 0 and j - k < CURRENCY_QUALIFIERS and found[k - 1] in _CURRENCY_QUALIFIERS:
        k -= 1
    return k


def _money(sentence: str, found: tuple[str, ...]) -> bool:
    if _MONEY_SIGN.search(sentence) or _MONEY_PREFIX.search(sentence):
        return True
    return any(
        w in _CURRENCIES
        and not (w == "cent" and j and found[j - 1] == "per")
        and _amount_before(found, _unit_start(found, j), vague=True)
        or w in _SCALED_CURRENCIES and j >= 2 and found[j - 1] in _SCALES and _is_amount(found[j - 2])
        for j, w in enumerate(found)
    ) or ("free" in found and bool(re.search(r"\b(?:free of charge|for free)\b", sentence, re.IGNORECASE)))


def _fraction(found: tuple[str, ...], skip: frozenset[str] = frozenset()) -> bool:
    """A share said in words: "half", "a third", "two fifths" (not one of `skip`: the question's
    own "half" is no answer to it)."""
    return any(
        w not in skip
        and (w == "half" or (w in _FRACTIONS and j and (found[j - 1] in NUMBER_WORDS or found[j - 1] == "a")))
        for j, w in enumerate(found)
    )


def _percent(sentence: str, found: tuple[str, ...]) -> bool:
    if "%" in sentence and _PERCENT_SIGN.search(sentence) or _fraction(found):
        return True
    for j, w in enumerate(found):
        unit = w == "percent" or (w == "cent" and j and found[j - 1] == "per") or w == "percentage"
        if unit and _amount_before(found, j - 1 if w == "cent" else j):
            return True
        if _is_amount(w) and found[j + 1 : j + 2] == ("in",) and any(_is_amount(x) for x in found[j + 2 : j + 4]):
            return True  # "one in five", "one in every five"
        if _is_amount(w) and found[j + 1 : j + 3] == ("out", "of"):
            return True
    return False


_MORE = frozenset("more further extra additional full whole".split())


def _period(sentence: str, found: tuple[str, ...]) -> bool:
    for j, w in enumerate(found):
        if w in _PERIOD_UNITS and (_amount_before(found, j, vague=True) or (j >= 2 and _is_amount(
            found[j - 2], vague=found[j - 1] in _MORE
        ))):
            return True  # "15 minutes", "a decade", "12 more years", "a full year" (not "a single metre")
        if w in ("since", "until", "till") or (w == "through" and found[j + 1 : j + 2] and len(found[j + 1]) == 4 and found[j + 1].isdigit()):
            return True
    return False


_AREA_UNITS = frozenset("hectare hectares acre acres ha km2 km²".split())


def _area(sentence: str, found: tuple[str, ...]) -> bool:
    """An area: "4,200 hectares", "300 acres", "12 square kilometres"."""
    return any(
        (w in _AREA_UNITS or w == "square") and _amount_before(found, j, vague=True) for j, w in enumerate(found)
    )


_AGE = re.compile(
    r"\baged?\s+\d|\b\d{1,3}[- ]years?[- ]old\b|\w,\s*\d{1,3}\s*,|\bage of \d|"
    r"\b(?:in )?(?:his|her|their) (?:early |mid-|mid |late )?(?:teens|twenties|thirties|forties|fifties|sixties|"
    r"seventies|eighties|nineties)\b",
    re.IGNORECASE,
)
# A temperature: "between 2C and 8C", "minus 170 degrees Celsius", "40°F"
_TEMPERATURE = re.compile(r"\d\s*(?:°|(?i:degrees?)\b|[CF](?![\w-]))")


def _temperature(sentence: str, found: tuple[str, ...]) -> bool:
    return bool(_TEMPERATURE.search(sentence))


_DISTANCE_UNITS = frozenset(
    "km kilometre kilometres kilometer kilometers metre metres meter meters m mile miles feet foot ft yards yard "
    "cm centimetre centimetres mm millimetre millimetres inch inches".split()
)


def _distance(sentence: str, found: tuple[str, ...]) -> bool:
    """A length: "a 2.3-kilometre tunnel", "96 metres"."""
    return any(w in _DISTANCE_UNITS and _amount_before(found, j) for j, w in enumerate(found))


def _length(sentence: str, found: tuple[str, ...]) -> bool:
    """A length or, for "how long was the delay", a period."""
    return _period(sentence, found) or _distance(sentence, found)


_VOTES = rf"(?:(?<![^\s(])\d{{1,3}}|{'|'.join(sorted(NUMBER_WORDS))})"  # "29", "nine" (not "€120")
_TALLY = re.compile(
    r"\b\d{1,3}\s*[-–]\s*\d{1,3}\b(?!\s*(?:%|per|year|month|week|day|hour|minute))"
    # "by 29 votes to 22" (not "€120 to drop off passengers"), "12 against", "nine in favour"
    rf"|\b{_VOTES}\s+(?:votes?\s+)?(?:to\s+{_VOTES}\b|against\b|in favou?r\b)|\bunanimous(?:ly)?\b",
    re.IGNORECASE,
)


# The currencies an amount may be asked in, and how news writing gives an amount in each: "What did
# the restoration cost in US dollars?" is answered by "about $32 million", not "C$2.1 billion".
# (Other currencies are asked in too seldom to list; their questions are read without one.)
_SCALE = r"(?:\s*(?:million|billion|trillion|bn|m)\b)?"
AMOUNTS_IN = {
    "US dollar": re.compile(rf"(?<![A-Za-z])\$\s?\d|\bUS\$\s?\d|\bUSD\s?\d|\d{_SCALE}\s+(?:US\s+)?dollars?\b"),
    "dollar": re.compile(rf"\$\s?\d|\b[A-Z]{{2}}D\s?\d|\d{_SCALE}\s+(?:[A-Z][\w.]*\s+)?dollars?\b"),  # C$, HK$, AUD...
    "euro": re.compile(rf"€\s?\d|\bEUR\s?\d|\d{_SCALE}\s+euros?\b"),
    "pound": re.compile(rf"£\s?\d|\bGBP\s?\d|\d{_SCALE}\s+(?:pounds?|sterling)\b"),
    "yen": re.compile(rf"¥\s?\d|\bJPY\s?\d|\d{_SCALE}\s+yen\b"),
}
_ASKED_CURRENCY = re.compile(
    r"\b(?:in|into)\s+(?P<us>(?:us|u\.s\.|american)\s+)?(?P<a>dollar|euro|pound|yen)s?\b"
    r"|\b(?P<b>dollar|euro)\s+(?:value|amount|figure|terms)\b"
)


def _asked_currency(lowered: str) -> str:
    """The currency (a key of AMOUNTS_IN) a question about money asks the amount in, or ""."""
    match = _ASKED_CURRENCY.search(lowered)
    if not match:
        return ""
    return "US dollar" if match.group("us") else match.group("a") or match.group("b")


def _tally(sentence: str, found: tuple[str, ...]) -> bool:
    """A vote's tally: "voted 5-2", "passed by 10 votes to 5", "12 in favour", "unanimously"."""
    return bool(_TALLY.search(sentence))


# An earthquake's magnitude: "magnitude 2.6", "magnitudes of 2.1 and 2.6", "a 6.1-magnitude quake"
_MAGNITUDE = re.compile(r"\bmagnitudes?\s+(?:of\s+)?\d|\d(?:\.\d)?\s*-?\s*magnitude\b", re.IGNORECASE)


def _magnitude(sentence: str, found: tuple[str, ...]) -> bool:
    return bool(_MAGNITUDE.search(sentence))


_MEASURE_FINDERS = {
    "money": _money, "percent": _percent, "period": _period, "length": _length, "distance": _distance,
    "area": _area,
    "temperature": _temperature, "tally": _tally, "magnitude": _magnitude,
}
COUNT_WINDOW = 3  # "11,400 registered voters": the counted word within this many words after the number
_SHARE = re.compile(r"\d[\d.,]*\s*(%|percent\b|per\s+cent\b)", re.IGNORECASE)
NUMBER_OF_WINDOW = 5  # "the number of registered short-term rental units": the counted word
# within this many words after "number of"
_NONE = ZERO_WORDS | {"no"}  # "None of the treaties..." counts too
# What a number counts ends before a relative pronoun, a preposition or a plural possessive: "the
# three that took part" counts no one who took part, "9.3 billion pesos to players" no players,
# "the two companies' distribution centres" no centres
_ENDS_COUNT = frozenset("that who which whom whose to for from at by with in on into".split())
_PLURAL_POSSESSIVE = re.compile(r"(?<=[a-z]s)['’](?=\s)")
_CROWDS = frozenset("crowd crowds attendance turnout audience".split())  # count the people in them
# What is counted named first, then its count: "Of the affected users, 7.1 million were on prepaid
# plans", "Of the 40 boats, six sank" (the counted word, then the number opening the next clause)
_OF_THE_WHOLE = re.compile(r"\bof (?:the|those|these|its|their|his|her|all)\s+([^,.;:]{1,60}),\s*([^,.;:]{1,40})", re.IGNORECASE)
_ONCE_TWICE = frozenset({"once", "twice", "thrice"})
# A count whose noun the sentence leaves to the one before: "Nine are expected to enrol"
_ELIDED_COUNT = re.compile(
    rf"(?:^|[,;:]\s+|\b(?:and|but|while|whereas)\s+)(?:\d[\d,.]*|(?i:{'|'.join(SMALL_NUMBERS)}))\s+"
    r"(?:are|were|will|would|have|had|has|is|was|could|may|might)\b"
)


_ASKED_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NUMBER_WORD_PATTERN = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# A count after what it counts, as a total: "kept every original tile that could be saved, around
# 18,000 in total" (what is counted within TOTAL_REACH words before)
_IN_TOTAL = re.compile(rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORD_PATTERN}))\s+(?:in total|in all|altogether)\b", re.IGNORECASE)
TOTAL_REACH = 12
# A number joined to a word by a hyphen describes the noun after it, it does not count it: "a
# two-storey house" is one house, "a 12-year-old boy" one boy (but "a 14-storey tower" has 14 storeys)
_COMPOUND = re.compile(rf"\b(?:\d[\d,.]*|{_NUMBER_WORD_PATTERN})-([a-z]+(?:-[a-z]+)*)\b", re.IGNORECASE)


def has_measure(question: Question, sentence: str) -> bool:
    """Does the sentence hold a quantity of the kind the question measures (`Question.measure`)?
    A count needs a number shortly before a word with the stem of what is counted, or just after
    it and "of" ("a crew of six"). True when the question measures nothing."""
    if question.measure is None:
        return True
    finder = _MEASURE_FINDERS.get(question.measure)
    if finder is not None:
        # the question's own amount is no answer: "how much of the NZ$12 million has been spent?"
        # is not answered by "The government allocated NZ$12 million"
        for number in _ASKED_NUMBER.findall(question.text):
            sentence = re.sub(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", " ", sentence)  # not "2" of "2.5"
        in_currency = not question.currency or bool(AMOUNTS_IN[question.currency].search(sentence))
        return in_currency and finder(sentence, _words_of(sentence)[0])
    if question.measure == "age":
        return bool(_AGE.search(sentence))
    if not question.counted:
        return True
    # a count out of a whole the question gives: "how many titles have they won over the past 18
    # seasons" by "in 15 of the past 18 seasons"
    for number in _ASKED_NUMBER.findall(question.text):
        if re.search(rf"\b(?:\d[\d,]*|{_NUMBER_WORD_PATTERN}) of (?:the |its |their )?(?:[a-z]+ )?{re.escape(number)}\b", sentence):
            return True
    unshared = _SHARE.sub(" ", sentence)  # "28.4 percent of patients" counts no patients
    unshared = _COMPOUND.sub(
        lambda m: m.group(0) if any(_counts(question.counted, w) for w in _words_of(m.group(1))[0]) else " ", unshared
    )
    found = _words_of(_PLURAL_POSSESSIVE.sub(" that ", unshared))[0]  # (read as the relative that ends a count)
    if "times" in question.counted:
        if _ONCE_TWICE & set(found):
            return True  # "how many times" by "scaled down twice"
        # or by a count of what was done: "how many times did her ministry meet the unions" by
        # "her ministry had held 14 meetings with transport unions"
        done, asked = set(question.terms) - {"time"}, _words_of(question.text)[1]
        for j, word in enumerate(found):
            if not word.endswith("s") or word in asked or not token_set(word) & done:
                continue
            if any(w.isdigit() or w in NUMBER_WORDS for w in found[max(0, j - 2) : j]):
                return True
    if question.subset:
        # "how many of the donors were women" by a count of donors alone, or of people in general
        generic = frozenset(map(_singular, question.subset)) & GENERIC_PEOPLE
        if not any(
            _counts(question.subset, w) and (generic or _singular(w) not in GENERIC_PEOPLE)
            for w in _words_of(sentence)[0]
        ):
            return False
        if _ELIDED_COUNT.search(sentence):
            return True  # "how many of the kids will enrol" by "Nine are expected to enrol"
    for total in _IN_TOTAL.finditer(unshared):
        if any(_counts(question.counted, w) for w in _words_of(unshared[: total.start()])[0][-TOTAL_REACH:]):
            return True
    for whole in _OF_THE_WHOLE.finditer(unshared):
        count = _words_of(whole.group(2))[0][:COUNT_WINDOW]
        if any(w.isdigit() or w in NUMBER_WORDS for w in count) and any(
            _counts(question.counted, w) for w in _words_of(whole.group(1))[0]
        ):
            return True
    for j, word in enumerate(found):
        before = found[max(0, j - COUNT_WINDOW) : j]
        before = before[max((k + 1 for k, w in enumerate(before) if w in _ENDS_COUNT), default=0) :]
        if any(w.isdigit() or w in NUMBER_WORDS or w in _NONE for w in before):
            if _counts(question.counted, word):
                return True
        if word in _CROWDS and _counts(question.counted, "spectators"):
            if any(_is_amount(w) for w in found[j + 1 : j + 1 + COUNT_WINDOW]):
                return True  # "Organisers put the attendance at 9,650" (how many fans)
        if found[j + 1 : j + 2] != ("of",):
            continue
        if word == "number":
            if any(w.isdigit() for w in found[j + 2 :]) and any(
                _counts(question.counted, w) for w in found[j + 2 : j + 2 + NUMBER_OF_WINDOW]
            ):
                return True  # "the number of registered rental units rose ... to 11,800"
        elif j + 2 < len(found) and _is_amount(found[j + 2]) and _counts(question.counted, word):
            return True  # "a crew of six", "a workforce of 650"
    return False


NEAR_WORD = 0.55  # word-vector cosine at which a word of the evidence stands for one asked about


@lru_cache(maxsize=65_536)
def _counts(counted: tuple[str, ...], word: str) -> bool:
    """Does a number before `word` count what the question counts? When `word` is a counted word
    (a noun for people by its singular, any other by its stem), is a people noun that answers a
    count of these people (`_people_like`), or lies near a counted word in the model's word
    vectors ("houses" by "37 homes")."""
    stems, singulars = frozenset(_count_stem(w) for w in counted), frozenset(_singular(w) for w in counted)
    stem, singular = _count_stem(word), _singular(word)
    if singular in singulars or singular in _people_like(singulars):
        return True
    if stem in stems and not (singular in PEOPLE or singulars & PEOPLE):
        return True  # "how many litres" by "60,000 liters" (people by their nouns: not "offices" for officers)
    if any(stem in g and stems & g for g in THING_GROUPS):
        return True
    if any(w.endswith("ed") and len(s) >= 4 and stem.startswith(s) for w, s in zip(counted, map(_count_stem, counted))):
        return True  # what a counted act leaves: "how many people signed" by "8,400 signatures"
    if len(word) < 3 or word in STOPWORDS or singular in PEOPLE:  # for people _people_like decides:
        return False  # "men" and "women" lie near each other
    vectors = embeddings.word_vectors([*counted, word])
    return bool((vectors[:-1] @ vectors[-1]).max() >= NEAR_WORD)


# Stronger evidence of the answer type than "a name" or "a date word" (has_answer_type): for a
# "who" question, a person as news writing marks one (a title before the name, an apposition or
# "said" after it); for a "when" question, a calendar date (a month, or a year when the question
# asks for one) rather than "Tuesday" or "two-year".
_TITLES = (
    r"(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Capt|Lt|Sgt|St|Rev)\.?|Professor|Judge|Justice|President|"
    r"Minister|Chancellor|Mayor|Governor|Senator|Director|Chief|Executive|Secretary|Chair|Chairman|"
    r"Chairwoman|Commissioner|Inspector|Superintendent|Bishop|Father|Sister|Coach|Captain|Officer|Detective"
)
# The letters of Latin scripts by case, ASCII, Latin-1 and Latin Extended-A and B, for regular
# expressions' classes: "Šimková", "Łukasz", "Čapek" start with capitals too
_EXTENDED = [chr(c) for c in range(0x100, 0x250)]
UPPER = "A-ZÀ-ÖØ-Þ" + "".join(c for c in _EXTENDED if c.isupper())
LOWER = "a-zß-öø-ÿ" + "".join(c for c in _EXTENDED if c.islower())
_CAPITALISED = rf"[{UPPER}][\w'’.-]*"
_NAME = rf"{_CAPITALISED}(?:\s+(?:(?:de|da|del|van|von|der|le|la|bin|al|ní|ni|mac|ó|o')\s+)?{_CAPITALISED}){{0,3}}"
# The nouns of people's roles, in questions ("Who is the mayor of...?", "who's volterra's ceo") and
# in news writing's appositions ("Its chairwoman, Hajia Amina Iddrisu, ..."). General English, not
# any article's wording.
_ROLE_NOUNS = (
    r"chair(?:wo)?man|chairperson|chair|president|premier|leader|head|director|secretary|founder|"
    r"spokes(?:person|man|woman)|chief executive|chief|manager|owner|coordinator|lawyer|captain|coach|"
    r"mayor|minister|governor|chancellor|senator|councillor|councilor|principal|editor|commissioner|judge|prosecutor|"
    r"ambassador|superintendent|sheriff|treasurer|dean|curator|ceo|cfo|coo|cto|cio"
)
# Positions and occupations news writing puts before a name ("fly-half Tornike Abashidze",
# "economist Lena Brandt"); lower case, so never a name's first word
_OCCUPATIONS = (
    r"wing|winger|fly-half|scrum-half|flanker|hooker|prop|lock|full-back|fullback|striker|midfielder|defender|"
    r"goalkeeper|keeper|forward|quarterback|pitcher|batsman|bowler|jockey|trainer|grandmaster|teacher|"
    r"farmer|lawyer|economist|analyst|historian|photographer|architect|designer|engineer|artist|singer|actor|"
    r"writer|novelist|author|producer|chef|nurse|researcher|scientist|activist|campaigner|resident|"
    r"shopkeeper|fisherman|herder|pilot|cyclist|runner|developer|composer|archaeologist|curator|archivist"
)
# The roles and occupations set beside a name, with a comma: "Kwesi Badu, coordinator of ...",
# "the union's regional organiser, Petrus Amutenya"
_APPOSED_ROLES = rf"{_ROLE_NOUNS}|{_OCCUPATIONS}|organi[sz]er|official|officer|advis[eo]r|representative|deputy"
_PERSON = re.compile(
    rf"\b(?:{_TITLES})\s+(?P<a>{_NAME})"  # Judge Adaeze Whitcombe, Chief Executive Priya Raman
    rf"|(?P<b>{_CAPITALISED}\s+{_NAME}),\s+(?:(?:a|an|the|who|aged)\b|\d{{1,3}},"  # Óscar Ferreira, the ... / Ann Lee, 54,
    rf"|(?:{_APPOSED_ROLES})\s+(?:of|at|for|with)\b)"  # Kwesi Badu, coordinator of
    # Ann Lee said / Its president, Rui Tavares Mendes, said
    rf"|(?P<c>{_CAPITALISED}\s+{_NAME}),?\s+(?:said|says|told|added|argued|wrote|explained|acknowledged|noted|warned)\b"
    rf"|\b(?:said|says|led by|according to)\s+(?P<d>{_CAPITALISED}\s+{_NAME})"
    # Its chairwoman, Hajia Amina Iddrisu, ... / the union's general secretary, P. Senthil Kumar, ...
    # / The club's owner, property developer Anneliese Okafor-Brandt, ...
    # / said the union's regional organiser, Petrus Amutenya.
    rf"|\b(?i:its|their|his|her|the)\s+(?:[\w'’-]+\s+){{0,2}}(?:{_APPOSED_ROLES}),\s+(?:[a-z][\w'’-]*\s+){{0,3}}"
    rf"(?P<e>{_CAPITALISED}\s+{_NAME})(?:,|(?=[.;]?$))"
    # a position or an occupation, then the name: "wing Giorgi Mchedlidze", "historian Ana Ruiz"
    rf"|\b(?:{_OCCUPATIONS})\s+(?P<f>{_CAPITALISED}\s+{_NAME})"
)
# The last word of the name of a place, not a person: "Meadowbank Stadium, the home of..." (not
# "park" or "hall": "Ann Park, 54, said")
_PLACE_ENDINGS = frozenset(
    "street road avenue stadium bridge square river lake airport station museum centre center arena market "
    "harbour harbor valley island mountains".split()
)
# The last words of the names of bodies, not people: "Aarhus University", "Golden Crest Mining Ltd"
_BODIES = frozenset(
    "university universities college institute agency ministry department council commission authority "
    "association federation union company corporation ltd inc plc group bank trust foundation hospital "
    "school court committee board organisation organization society office service services systems "
    "holdings industries technologies partners airlines motors labs laboratories observatory centre center "
    "institution coalition alliance consortium cooperative network party".split()
)
# ... so a person asked for by "which official" never has a name ending as a body's or a place's
# does: "the ... Allied Workers Union said"
_NOT_PEOPLE = _PLACE_ENDINGS | _BODIES
_WHO = re.compile(r"\bwho(?:m|se|['’]s)?\b", re.IGNORECASE)


def people_named(sentence: str) -> frozenset[str]:
    """The words of the names the sentence marks as people's (`_PERSON`: "Ministry spokesperson
    Nuwan Jayasekara said"), folded; names ending like a body's or a place's left out."""
    found: set[str] = set()
    for match in _PERSON.finditer(sentence):
        name = words(next(g for g in match.groups() if g))
        if name and name[-1] not in _NOT_PEOPLE:
            found.update(name)
    return frozenset(found)

_BODY_NAME = re.compile(
    rf"(?:{_CAPITALISED}\s+)*(?:{'|'.join(w.capitalize() for w in sorted(_BODIES))})\b"
    r"(?:\s+(?:of|for)(?:\s+the)?(?:\s+[A-Z][\w'’-]*)+)?"  # "Ministry of Industry and Trade"
)
_BODY = re.compile(rf"({_BODY_NAME.pattern})")
_ACRONYM = re.compile(r"\b([A-Z]{2,}(?:-[A-Z]+)?)\b")  # "NATO", "SGB", "JA"
# A time of day: "6:30 a.m.", "5 pm", "14:00", "noon" (answers "What time..." and "When...")
_CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s*(?:[ap]\.m\.|[ap]m\b)|\b\d{1,2}:\d\d\b|\b(?:noon|midday|midnight)\b", re.I)
_WEEKDAYS = frozenset(DAYS)
_MONTHS = frozenset(MONTHS) - {"may"}  # "may" is a month only beside a day: _CALENDAR
_CALENDAR = re.compile(r"\bmay\s+\d|\d\s+may\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.IGNORECASE)
# When something was said is not when what was said happens: "Shah said on Friday that building
# would begin in 2027" answers "when will building begin?" with 2027, not Friday. Left out of a
# sentence for a "when" question unless the question asks when someone said something.
_SAID_WHEN = re.compile(
    rf"\b(?:said|says|told(?:\s+[\w'’-]+){{0,3}}?|announced|confirmed|added|stated|warned|wrote)\s+"
    rf"(?:(?:late|early)\s+)?(?:on|last)\s+(?:(?:{'|'.join(DAYS)})(?:,?\s+\d{{1,2}}\s+(?:{'|'.join(MONTHS)})\b)?"
    rf"|\d{{1,2}}\s+(?:{'|'.join(MONTHS)})\b|(?:{'|'.join(MONTHS)})\.?\s+\d{{1,2}}\b)",
    re.IGNORECASE,
)
_ASKS_SAYING = re.compile(
    r"\b(?:say|said|says|tell|told|announce|announced|confirm|confirmed|state|stated|warn|warned|write|wrote)\b",
    re.IGNORECASE,
)


# What has gone on since a date says nothing of when something will happen: "had spent about C$240
# million ... since 2018, and would consider asking the Supreme Court..." does not answer "When
# will the Supreme Court hear the appeal?" Left out of a sentence for a "when" about the future.
_SINCE_DATE = re.compile(
    rf"\bsince\s+(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?:(?:{'|'.join(MONTHS)})\.?\s+)?(?:{YEAR_DIGITS})s?\b"
    rf"|\bsince\s+(?:(?:early|late|mid)[\s-]+)?(?:{'|'.join(MONTHS)})\b",
    re.IGNORECASE,
)


def _unsaid(question: Question, sentence: str) -> str:
    """The sentence without when its speaker spoke (`_SAID_WHEN`), for a question that does not
    ask when someone said something."""
    return sentence if _ASKS_SAYING.search(question.text) else _SAID_WHEN.sub(" said ", sentence)


# A question asking for a day ("On what date...?", "which day"), which a month alone does not
# answer ("from September"): a day of a month ("1 September", "Sept. 30") does, or for "what day"
# a day of the week
_ASKS_DAY = re.compile(r"\b(?:what|which)(?: exact)? (?:date|day)\b(?! of the (?:year|month)\b)", re.IGNORECASE)
_DAY_AND_MONTH = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{'|'.join(MONTHS)})\b|\b(?:{'|'.join(MONTHS)})\.?\s+\d{{1,2}}\b",
    re.IGNORECASE,
)


# A time said by an era or an event: "dates back to the Second World War", "since the Cold War",
# "during the reign of"
_ERA = re.compile(
    r"\b(?:dates?|dated|dating) (?:back )?(?:to|from)\b|\b(?:World War|Cold War|Middle Ages|Bronze Age|Iron Age|"
    r"Stone Age|Renaissance)\b|\breign of\b"
    r"|\b(?:since|during|after|before|in) the (?:[A-Z][\w'’-]+ )+(?:War|Revolution|Era|Crisis|Depression|Pandemic)\b"
)


# A reason stated as one: "because", "due to", "so that"... (not "after" or "could", which
# `_REASON` counts as a weaker sign). "Due to" before a verb says what is scheduled, not why: "due
# to be completed by the end of 2026", "due to open in May".
_SCHEDULED = (
    r"be|begin|start|restart|open|reopen|close|end|finish|complete|expire|resume|return|launch|arrive|meet|"
    r"take|go|come|run|hold|vote|rule|decide|appear|face|report|announce|publish|sign|retire|leave|travel|"
    r"visit|testify|speak|deliver"
)
_STRONG_REASON = re.compile(
    rf"\b(because|due to(?! (?:{_SCHEDULED})\b)|owing to|as a result|so that|in order to|thanks to|the reason|reasons? (for|why)|"
    r"blam\w*|caused by|driven by|the result of|in response to|"
    # "had been forced to act by rising costs", "prompted by complaints"
    r"(?:forced|prompted|compelled|spurred|pushed)\s+(?:[a-z]+\s+){0,2}?by|to avoid|to prevent|to protect|to reduce|to cut|to ensure|"
    r"traced (?:\w+ ){0,3}to|(?:main|likely|probable|chief|primary|biggest|key|real) (?:source|cause|reason|driver)s?|attributed to|triggered by|reflect(?:s|ed)|"
    r"arguing that|argued that|on (?:the )?grounds (?:that|of)|citing|concerns? (?:that|about|over)|"
    r"factors? (?:that )?(?:drove|drive|drives|behind|in)|(?:drove|drives|driving|behind) (?:the|its|their|this|that) (?:decision|move|choice)|"
    r"worried (?:that|about)|fears? (?:that|of)|objection|"
    # what someone was punished or praised for: "shown a yellow card for collapsing a maul", "jailed for
    # taking bribes"
    r"(?:card|fined|jailed|sentenced|arrested|charged|banned|suspended|sent off|sin-binned|penali[sz]ed|"
    r"punished|critici[sz]ed|praised|fired|sacked|dismissed|disqualified|convicted|sued|thanked|honou?red|"
    r"rewarded|recalled|investigated|prosecuted)\s+for\s+[a-z]+ing)\b",
    re.IGNORECASE,
)


def _holds_new(pattern: re.Pattern[str], sentence: str, question: Question) -> bool:
    """Does the sentence hold a match of `pattern` (a calendar date, a time of day) that the
    question does not?"""
    return any(m.group(0).lower() not in question.text.lower() for m in pattern.finditer(sentence))


# Who did it, said in the passive: "Who found the bones?" by "The fossils were found on 18 August
# by an excavator operator" (the question's verb, then "by" and who within AGENT_REACH words)
AGENT_REACH = 6
_AGENT = re.compile(r"^(?:\S+\s+){0,%d}?by\s+(?:a|an|the|[A-Z])" % AGENT_REACH)


# "who found...", "who actually found..." (not "who is...", "who did..."): the verb asked about
_WHO_DID = re.compile(r"\W*who\s+(?:\w+ly\s+)?(?!(?:is|was|are|were|will|would|has|had|have|does|did|do|can|could)\b)([a-z]\w+)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _asked_verb(question: str) -> tuple[str, ...] | None:
    """The tokens of the verb a "who did it" question asks about (`_WHO_DID`), None when it asks
    none: read once a question, not once a candidate sentence."""
    verb = _WHO_DID.match(question)
    return tuple(tokenize(verb.group(1))) if verb else None


def _by_whom(question: Question, sentence: str) -> bool:
    """Does the sentence say, in the passive, who did what a "who did it" question asks?"""
    asked = _asked_verb(question.text)
    if asked is None or question.asks_role:  # who leads something is a person, not "led by Aarhus University"
        return False
    if set(asked) & _MAKING and _WORK_BY.search(sentence):
        return True  # "Who wrote the season's biggest seller?" by "a crime novel by Sigrún Ásgeirsdóttir"
    if set(asked) & _GIVING and _GIVEN_BY.search(sentence):
        return True  # "Who chipped in money for the repairs?" by "a grant from the Japanese government"
    return any(
        token_tuple(match.group(0)) == asked and _AGENT.match(sentence[match.end() :].lstrip())
        for match in _WORDLIKE.finditer(sentence)
    )


# Who paid is named after what was given, or after the verb: "an emergency grant from the Japanese
# government", "funded by the Nordic Ageing Foundation"
_GIVING = frozenset(tokenize("paid pay funded fund financed finance chipped contributed donated gave give lent "
                             "sponsored backed bankrolled"))
# a sentence that says something was paid or given at all
_GAVE = re.compile(
    r"\b(?:pa(?:y|ys|id|ying)|fund\w*|financ\w*|grants?|loans?|donat\w*|contribut\w*|sponsor\w*|gave|give[sn]?|"
    r"giving|lent|lend\w*|backed|bankroll\w*|chipped|subsid(?:y|ies|i[sz]ed?|i[sz]ing)|money|cash|covered|"
    r"cover(?:s|ing)?|bill|budget|invest\w*|aid|bought|buy\w*)\b",
    re.IGNORECASE,
)
_GIVEN_BY = re.compile(
    r"\b(?:grants?|loans?|donations?|funding|money|contributions?|payments?|subsid(?:y|ies)|aid)\s+from\s+(?:the\s+)?[A-Z]"
    r"|\b(?:paid for|funded|financed|sponsored|backed|covered|bankrolled|underwritten)\s+(?:[\w'’-]+\s+){0,3}?by\s+(?:the\s+|an?\s+)?[A-Z]"
)
# Who made a work is named after it: "a crime novel by Sigrún Ásgeirsdóttir", "a 1780s concerto by ..."
_MAKING = frozenset(tokenize("wrote write written painted composed directed designed built created produced sang "
                             "recorded published invented authored filmed drew photographed sculpted"))
_WORK_BY = re.compile(
    r"\b(?:novel|book|poem|song|album|film|movie|play|painting|portrait|report|study|paper|essay|opera|symphony|"
    r"concerto|sculpture|design|building|memoir|biography|collection|series|thriller|story|article|column|"
    r"photograph|photo|piece|work|bestseller|best-seller|title)s?\s+by\s+[A-Z]"
)


def _names_new(
    pattern: re.Pattern[str], sentence: str, question: Question, skip: frozenset[str] = frozenset(),
    endings: frozenset[str] = frozenset(),
) -> bool:
    """Does `pattern` find a name in the sentence (the first group it matched) with a word the
    question lacks, none in `skip`, and no last word in `endings`?"""
    q_words = _words_of(question.text)[1]
    for match in pattern.finditer(sentence):
        found = words(next(g for g in match.groups() if g))
        if not set(found) <= q_words and not set(found) & skip and found[-1] not in endings:
            return True
    return False


# A place as news writing gives one: a name after a preposition of place ("based in Osaka", "at
# Lakemont Middle School", "in the city of Izumi", "near the mountain village of Alvão", "moving to
# Dresden").
_LOCATIVE = re.compile(
    r"\b(?:in|at|to|near|from|outside|inside|into|across)\s+(?:the\s+(?:(?:[a-z-]+\s+)?(?:city|town|village|"
    r"county|province|region|district|state|suburb|neighbourhood|neighborhood|borough|port|island|municipality)"
    rf"\s+of\s+)?|neighbouring\s+|nearby\s+)?(?P<place>{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}})"
)


# ... or a spot given by what is beside it: "on a 6.5-hectare site next to the existing fishing
# harbour", "on the outskirts of the town", "in the north of the city"
_BESIDE = re.compile(
    r"\b(?:next to|beside|alongside|opposite|close to|adjacent to|on the (?:edge|outskirts|banks?|shores?) of|"
    r"in the (?:north|south|east|west|centre|center|heart|middle)(?:[\w-]*)? of)\s+(?:the|a|an)\s+[\w\s'’-]{3,40}"
)


# A name given as one: "The lander, named Vesna, ...", "a ship known as the Golden Hind"
_NAMING = re.compile(
    rf"\b(?:named|called|dubbed|nicknamed|known as)\s+(?:the\s+)?(?:[\"“‘']?(?P<name>{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}})"
    # ... or any name in quotation marks: "so called 'tuition-free' schools"
    r"|[\"“‘'](?P<quoted>[^\"“”‘’']{2,40})[\"”’'])"
)


# "when did...", "when and where was..." (asking two things at once)
_PAST_WHEN = re.compile(r"^\W*(?:since\s+)?when\s+(?:and\s+where\s+)?(?:did|was|were|had)\b", re.IGNORECASE)
_FUTURE_WHEN = re.compile(r"^\W*(?:by\s+|until\s+)?when\s+(?:and\s+where\s+)?(?:will|would|is|are|does|do|could|might|should)\b")
_FUTURE = re.compile(
    r"\b(?:will|would|is due|are due|due to|expected|planned|scheduled|set to|aims? to|by (?:the end of )?\d{4})\b",
    re.IGNORECASE,
)


def has_strong_type(question: Question, sentence: str) -> bool:
    """Does the sentence hold a person (for "who" questions), a place named after a preposition of
    place (for "where") or a calendar date or a time of day (for "when" questions) that the
    question does not name, a reason stated as one (for "why" questions), a name given as one
    (for "what is it called"), or a yes or a no said as one (for yes/no questions)? False for
    other questions."""
    if question.asks_called:
        return _names_new(_NAMING, sentence, question)
    if question.answer_type == "person":
        if _gave_nothing(question, sentence):
            return False
        # who leads or runs something is a person, not the body: "led by Aarhus University"
        skip = _BODIES if question.asks_role else frozenset()
        # ... and a "which official" is a person, while "who" may be a body ("who paid for it?")
        endings = _PLACE_ENDINGS if _WHO.search(question.text) else _NOT_PEOPLE
        return _names_new(_PERSON, sentence, question, skip, endings=endings) or _by_whom(question, sentence)
    if question.answer_type == "organisation":  # "the European Investment Bank", "JA Zen-Noh"
        return _names_new(_BODY, sentence, question) or _names_new(_ACRONYM, sentence, question)
    if question.answer_type == "reason":
        return bool(_STRONG_REASON.search(sentence))
    if question.answer_type == "place":  # not "in March"
        return _names_new(_LOCATIVE, sentence, question, skip=_DATE_WORDS) or _holds_new(_BESIDE, sentence, question)
    if question.answer_type == "date":
        sentence = _unsaid(question, sentence)
        if question.when_tense == "future":
            sentence = _SINCE_DATE.sub(" ", sentence)
        if _ASKS_TIME.search(question.text):  # "what time did it go down?": the clock's
            return _holds_new(_CLOCK, sentence, question)
        q_words = _words_of(question.text)[1]
        if _ASKS_DAY.search(question.text):
            weekday = "date" not in q_words and bool((_words_of(sentence)[1] & _WEEKDAYS) - q_words)  # "what day"
            return weekday or _holds_new(_DAY_AND_MONTH, sentence, question)
        if (_words_of(sentence)[1] & _MONTHS) - q_words:
            return True
        if _holds_new(_CALENDAR, sentence, question) or _holds_new(_CLOCK, sentence, question):
            return True
        if _holds_new(_ERA, sentence, question) and not _ASKS_YEAR.search(question.text):
            return True  # "dates back to the Second World War" (not for "in what year")
        # a year answers "in what year" and a "when" about the past: "When did Kenya last go
        # through a big invasion?" by "... in 2020"
        # ... and one about the future, from a sentence about the future: "When will the zones be
        # looked at again?" by "... would be reviewed in 2029"
        asks_year = "year" in q_words or question.when_tense == "past" or bool(
            question.when_tense == "future" and _FUTURE.search(sentence)
        )
        return asks_year and (
            any(y not in question.text for y in _YEAR.findall(sentence)) or _holds_new(_EARLY_YEAR, sentence, question)
        )
    # a yes or a no said as one: "will not attempt to revive it", "rejected the suggestion", "made
    # no commitment", "confirmed", "before deciding whether to appeal", "opposed the bill", "abstained"
    # (what someone did, not what was done to it: "must be approved by the council")
    return question.is_yesno and bool(_STANCE.search(sentence))


_STANCE = re.compile(
    r"\b(not|no|never|none|nor|neither|cannot|yet|whether|reject(s|ed)?|den(y|ies|ied)|declined?|refused?|"
    r"ruled? out|dismiss(ed|es)?|confirm(s|ed)?|agreed?|acknowledged?|admit(s|ted)?|conceded?|promised?|"
    r"pledged?|vowed?|insist(s|ed)?|oppos(e|es|ed|ing)|objected|welcomed?|critici[sz](es|ed)|voted (for|against)|"
    r"abstain(s|ed)?|(backed|support(s|ed)|endorsed?|approved?)(?! by\b))\b|n['’]t\b",
    re.IGNORECASE,
)


# Who leads, runs, owns or founded something: news writing names the role rather than the verb the
# question uses ("Who runs Volterra?" by "Chief Executive Priya Raman said..."; "Who was in
# charge of the study?" by "... led by Dr. Inès Faure-Delacroix"). General English roles, not any
# article's wording.
_LEADING = (
    r"runs?|ran|running|heads?|headed|heading|leads?|led|leading|manages?|managed|managing|chairs?|"
    r"chaired|chairing|directs?|directed|directing|owns?|owned|founded|founders?|in charge|boss|"
    r"leaders?|oversees?|oversaw|overseeing|supervis\w*|coordinat\w*"
)
_ASKS_ROLE = re.compile(rf"^whom?\b.*\b({_LEADING}|set up|started)\b")  # not "Whose complaint led to..."
_ROLE = re.compile(
    rf"\b({_LEADING}|chief executive|chief|ceo|president|chairman|chairwoman|chairperson|director|"
    r"owner|owners|co-founded|manager|principal investigator|lead author|lead researcher|secretary|"
    r"superintendent|commissioner)\b",
    re.IGNORECASE,
)


# A role named outright ("Who is the mayor of Pine Ridge?", "who's pine ridge's new mayor"): the
# sentence that answers names the person by it ("Mayor Gloria Haynes said"), often without the
# place or body that the question adds, so it is matched as a role, not only as a word. Named by
# its acronym ("Who is the CEO of Volterra?") or as a leader ("Who is the head of..."), any leader's
# role counts (`_ROLE`).
_WHICH_ROLE = re.compile(rf"^(?:which|what)\s+(?:[\w'’-]+\s+)?({_ROLE_NOUNS})s?\b")
_LEADERS = TITLE_ACRONYMS | {"chief", "chief executive", "leader", "head", "founder", "chair"}
_NAMED_ROLE = re.compile(
    r"^who(?:['’]s|\s+(?:is|was|are|were|will be|has been|had been))\s+(?:(?:the|its|their|his|her|"
    # of two role nouns, the last: "head coach" is a coach, not who heads something
    rf"[\w-]+['’]s?)\s+)?(?:[\w'’-]+\s+){{0,3}}?(?:(?:{_ROLE_NOUNS})\s+)?({_ROLE_NOUNS})s?\b"
)


# Titles news writing gives a role the question names otherwise: "Who was the judge?" by
# "Justice Abena Owusu-Darko jailed...", "Who is the prosecutor?" by "State Attorney ...".
_ROLE_TITLES = {
    "judge": r"judges?|justices?|magistrates?",
    "prosecutor": r"prosecutors?|prosecuting|state attorneys?|district attorneys?|attorney general",
    # a minister by the title some governments give one: Kenya's "Cabinet Secretary", the US's
    # "Secretary of State", Britain's "Secretary of State for Health"
    "minister": r"ministers?|cabinet secretar(?:y|ies)|secretar(?:y|ies) of state",
    "spokesperson": r"spokes(?:person|man|woman|people)",
    "spokesman": r"spokes(?:person|man|woman|people)",
    "spokeswoman": r"spokes(?:person|man|woman|people)",
    "chairman": r"chair(?:man|woman|person|s)?",
    "chairwoman": r"chair(?:man|woman|person|s)?",
    "chairperson": r"chair(?:man|woman|person|s)?",
}
_PLACE_NAMED = re.compile(rf"\b(?:in|at|from|near|across)\s+{_CAPITALISED}(?:\s+{_CAPITALISED})*")
ROLE_REACH = 30  # "said Agnieszka Wrobel, who has directed", "The club's owner, developer Ann Brandt"
# The body a role is held in, named after it ("president of the advocacy group Konsyumer Watch",
# "director at Vientos del Sur", "who chairs the Senate committee") or before it, as an acronym or
# a possessive ("NTC Commissioner Ernesto Lacson", "the mission's principal investigator"); not a
# name that follows a title ("Chief executive Ramon Villaflor": the holder), nor a portfolio
# ("Energy Minister", "Cabinet Secretary for Agriculture")
_HELD_AT = re.compile(r"\s+(?:(?:of|at)\s+(?:the\s+|a\s+|an\s+)?|(?:the|a|an)\s+)(?:[a-z][\w'’-]*\s+){0,3}?[A-Z][^,.;:()\"“”]*")
_HELD_BY = re.compile(r"(?:[A-Z][\w'’.-]*\s+)*[\w.-]+['’]s\s+$|\b[A-Z]{2,}\s+$")
_CAPITAL = re.compile(r"\b[A-Z][\w'’.-]*")
_OWNED = re.compile(r"['’]s\b")  # the role's: "the mayor's office"


def _held_elsewhere(match: re.Match[str], sentence: str, q_words: frozenset[str]) -> bool:
    """Is the role at `match` held in a body the sentence names and the question has no word of
    ("Who's the boss at Kapit?" and "Liza Manalo, president of the advocacy group Konsyumer Watch";
    not "Who runs the residents group?" and "president of the Cerro Mirador residents' association")?"""
    found = [f.group(0) for f in (
        _HELD_AT.match(sentence, match.end()), _HELD_BY.search(sentence[max(0, match.start() - ROLE_REACH) : match.start()])
    ) if f]
    said = {w for text in found for w in words(text) if w not in STOPWORDS and len(w) > 1}
    named = any(fold(w) not in STOPWORDS for text in found for w in _CAPITAL.findall(text))  # not "The company's"
    return named and not said & q_words


def has_role(question: Question, sentence: str) -> bool:
    """Does the sentence name a role of the kind the question asks about (`Question.asks_role`):
    the role the question names ("Mayor Gloria Haynes" for "Who is the mayor...?") or, for a
    question about who leads something, a chief executive, president, director, owner, founder,
    or someone who led or heads it; and a person who may hold it: one marked as news writing marks
    people (`has_strong_type`), or a name the question lacks within ROLE_REACH characters?"""
    if not question.asks_role:
        return False
    title = _ROLE_TITLES.get(question.role, rf"{question.role}s?")
    pattern = re.compile(rf"\b(?:{title})\b", re.IGNORECASE) if question.role else _ROLE
    q_words = _words_of(question.text)[1]
    matches = [
        match for match in pattern.finditer(sentence)
        # "a spokesman for the mayor's office" names the office, not who holds it
        if not _OWNED.match(sentence, match.end()) and not _held_elsewhere(match, sentence, q_words)
    ]
    if not matches:
        return False
    if has_strong_type(question, sentence):  # "said Dr. Priya Deshmukh, an associate professor ... who led the study"
        return True
    for match in matches:
        # a name beside it, who may hold it: "the judge said" names no one, "the work ran late" no role
        before = sentence[max(0, match.start() - ROLE_REACH) : match.start()]
        around = f" {before} . {sentence[match.end() : match.end() + ROLE_REACH]}"  # not the role's capitals
        if question.role == "":  # who leads something: a person, not a body ("led by Aarhus University")
            around = _BODY_NAME.sub(" ", around)
        around = _PLACE_NAMED.sub(" ", around)  # nor a place: "founded in Bogotá in 2017"
        if any(name not in q_words for name in names_in(around)):
            return True
    return False
