"""Text matching for scoring: forgiving comparisons that still map back to exact offsets.

- `normalize`: lower case, accents stripped, typographic quotes and dashes made plain, every run
  of whitespace (including no-break spaces) one space. `find_all` finds a needle in a text under
  this normalisation and returns spans of the ORIGINAL text.
- `squad_normalize`: SQuAD's official answer normalisation (lower case, no punctuation, no
  articles a/an/the, single spaces).
- `overlap`: characters shared by two spans.

    >>> find_all("Stéphane Séjourné", "Minister Stephane\\u00a0SEJOURNE backed")
    [(9, 26)]
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache

_PLAIN = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-", "‑": "-"})
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation) | set("‘’“”–—…«»")


def _fold_char(ch: str) -> str:
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", ch.translate(_PLAIN).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=256)
def normalize_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """The normalised text and, for each of its characters, the index it came from in `text`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        for c in folded:
            if c == " " and (not out or out[-1] == " "):
                continue
            out.append(c)
            where.append(i)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), tuple(where)


def normalize(text: str) -> str:
    """Case-, accent-, quote- and whitespace-insensitive form of `text`."""
    return normalize_with_map(text)[0]


def contains(haystack: str, needle: str) -> bool:
    """Is `needle` a substring of `haystack` under `normalize`? (An empty needle is not.)"""
    n = normalize(needle)
    return bool(n) and n in normalize(haystack)


def find_all(needle: str, text: str) -> list[tuple[int, int]]:
    """Every span of `text` that equals `needle` under `normalize`, as original offsets."""
    n = normalize(needle)
    if not n:
        return []
    folded, where = normalize_with_map(text)
    spans: list[tuple[int, int]] = []
    at = folded.find(n)
    while at >= 0:
        spans.append((where[at], where[at + len(n) - 1] + 1))
        at = folded.find(n, at + 1)
    return spans


def squad_normalize(text: str) -> str:
    """SQuAD 2.0's answer normalisation (plus accent folding)."""
    text = "".join(ch for ch in normalize(text) if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def squad_contains(haystack: str, answer: str) -> bool:
    """Does `haystack` contain the gold `answer`, both SQuAD-normalised, on word boundaries?"""
    a = squad_normalize(answer)
    return bool(a) and f" {a} " in f" {squad_normalize(haystack)} "


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters shared by spans a and b (0 when they are apart)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))
