"""The keyword index: BM25 (bm25s) over case- and accent-folded, stemmed tokens.

Folding means "Sejourne" finds "Séjourné" and "SÉJOURNÉ"; Snowball stemming (PyStemmer) means
"rejected" finds "rejects", and irregular verbs are put in their base form first (LemmInflect), so
"paid" finds "pay". The index saves itself to a folder and loads from it.

    >>> index = KeywordIndex.build(["a", "b"], [tokenize("Séjourné spoke"), tokenize("Poland")])
    >>> index.search(tokenize("sejourne"), k=1)
    [('a', ...)]
"""

from __future__ import annotations

import json
import math
import re
import shutil
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# A short English stopword list: function words that carry no topic. Question words are kept
# out of queries separately (see `content_terms`).
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves s t d ll m re ve said says say also
    according""".split()
)
# Words that keep their meaning for matching even though they are common ("no", "not" matter
# for yes/no evidence, but not for retrieval): retrieval drops them via STOPWORDS.


# Letters that Unicode does not decompose into a base letter and an accent, written as people
# type them without the accent: "Lodz" for "Łódź", "zloty" for "złoty", "Orsted" for "Ørsted".
_PLAIN_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t"}
)
# The version of `fold` and `tokenize`: a keyword index saved with another is rebuilt (index.py).
TOKENS_VERSION = 4


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case and strip accents: 'Séjourné' -> 'sejourne', 'Łódź' -> 'lodz'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_PLAIN_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _lemmatizer():  # type: ignore[no-untyped-def]
    import lemminflect

    return lemminflect


def _base_form(word: str) -> str:
    """The base form of an irregular verb form, which a stemmer leaves apart from it: "came" ->
    "come", "paid" -> "pay", "built" -> "build" (LemmInflect's dictionary of English). Only for
    words that are nothing but a verb: not "left", "found", "rose" nor "might" (a modal)."""
    lemmas = _lemmatizer().getAllLemmas(word)
    verbs = lemmas.get("VERB", ())
    return verbs[0] if len(verbs) == 1 and set(lemmas) == {"VERB"} else word


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer().stemWord(_base_form(word))


def words(text: str) -> list[str]:
    """Folded words, stopwords included."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def content_words(text: str) -> tuple[str, ...]:
    """The folded words that carry meaning, each once: no stopwords, numbers or single letters."""
    return tuple(dict.fromkeys(w for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()))


_PER_CENT = re.compile(r"\bper\s+cent\b")


def tokenize(text: str) -> list[str]:
    """Folded, stemmed content tokens ("per cent" is one: "percent", as questions often write it)."""
    folded = fold(text)
    if "cent" in folded:
        folded = _PER_CENT.sub("percent", folded)
    return [_stem(w) for w in _WORD.findall(folded) if w not in STOPWORDS]


@lru_cache(maxsize=200_000)
def token_tuple(text: str) -> tuple[str, ...]:
    """`tokenize`, cached: the same sentences are scored question after question."""
    return tuple(tokenize(text))


@lru_cache(maxsize=200_000)
def token_set(text: str) -> frozenset[str]:
    """`tokenize` as a set, cached."""
    return frozenset(token_tuple(text))


@dataclass
class KeywordIndex:
    """BM25 over items identified by string ids, with document frequencies for IDF weights."""

    ids: list[str]
    _bm25: object
    doc_freq: dict[str, int]
    _positions: dict[str, int] | None = None

    @classmethod
    def build(cls, ids: list[str], token_lists: list[list[str]]) -> "KeywordIndex":
        import bm25s

        if len(ids) != len(token_lists):
            raise ValueError("ids and token_lists must have the same length")
        bm25 = bm25s.BM25()
        # bm25s cannot index an empty corpus or empty token lists: pad with a sentinel token.
        padded = [tokens or ["\x00"] for tokens in token_lists] or [["\x00"]]
        bm25.index(padded, show_progress=False)
        doc_freq: dict[str, int] = {}
        for tokens in token_lists:
            for token in set(tokens):
                doc_freq[token] = doc_freq.get(token, 0) + 1
        return cls(list(ids), bm25, doc_freq)

    def __len__(self) -> int:
        return len(self.ids)

    def idf(self, token: str) -> float:
        n = max(len(self.ids), 1)
        df = self.doc_freq.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every item, in `ids` order."""
        vocab = self._bm25.vocab_dict  # type: ignore[attr-defined]
        known = [t for t in tokens if t in vocab]
        if not known or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)[: len(self.ids)]  # type: ignore[attr-defined]

    def scores_for(self, tokens: list[str], ids: list[str]) -> dict[str, float]:
        """BM25 scores of the given ids."""
        return self.score(tokens).of(ids)

    def search(self, tokens: list[str], k: int) -> list[tuple[str, float]]:
        """The top `k` (id, score) pairs with a positive score, best first."""
        return self.score(tokens).top(k)

    def score(self, tokens: list[str]) -> "Scores":
        """Every item's score for `tokens`, computed once, to search and to look up."""
        if self._positions is None:
            self._positions = {id_: i for i, id_ in enumerate(self.ids)}
        return Scores(self.ids, self._positions, self.scores(tokens))

    def save(self, folder: Path) -> None:
        """Write to `folder` atomically (a temporary folder renamed into place)."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self._bm25.save(str(tmp / "bm25"), show_progress=False)  # type: ignore[attr-defined]
        (tmp / "ids.json").write_text(json.dumps({"ids": self.ids, "doc_freq": self.doc_freq}))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        import bm25s

        data = json.loads((folder / "ids.json").read_text())
        bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False, verbosity=0)
        return cls(data["ids"], bm25, data["doc_freq"])


@dataclass(frozen=True)
class Scores:
    """BM25 scores of every item of a `KeywordIndex` for one query."""

    ids: list[str]
    positions: dict[str, int]
    values: np.ndarray

    def top(self, k: int) -> list[tuple[str, float]]:
        """The top `k` (id, score) pairs with a positive score, best first."""
        hits = np.flatnonzero(self.values > 0)  # few items hold a query term: rank only those
        if k <= 0 or not hits.size:
            return []
        k = min(k, hits.size)
        top = hits[np.argpartition(-self.values[hits], k - 1)[:k]]
        top = top[np.argsort(-self.values[top], kind="stable")]
        return [(self.ids[i], float(self.values[i])) for i in top]

    def of(self, ids: list[str]) -> dict[str, float]:
        return {id_: float(self.values[self.positions[id_]]) for id_ in ids if id_ in self.positions}
