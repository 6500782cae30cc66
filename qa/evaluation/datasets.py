"""Evaluation datasets: a JSONL file of either schema -> `Dataset` of `Item`s, plus its corpus.

Two schemas, told apart by their keys (a squad-style line has `context`):

- article-style: `id`, `question`, `history` ([question, answer] pairs), `answerable`, `must`
  (groups of aliases), `support` (substrings of the gold evidence), optional `doc_id` and `kind`;
  the articles live in a folder (see `find_corpus`).
- squad-style: `id`, `doc_id`, `context`, `question`, `answers`, `answerable`; every distinct
  context becomes one document (`<doc_id>.txt`) of a pooled corpus (see `write_squad_corpus`).

    >>> ds = load_dataset(Path("eval/datasets/article_dev.jsonl"))
    >>> ds.schema, len(ds.items), ds.items[0].kind
    ('article', 22, 'other')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import discover, load_document
from .matching import find_all

ARTICLE = "article"
SQUAD = "squad"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class DatasetError(ValueError):
    """A dataset file that cannot be read (missing, not JSONL, missing keys)."""


@dataclass(frozen=True)
class Item:
    """One question with what a right answer must hold."""

    id: str
    question: str
    history: tuple[tuple[str, str], ...]
    answerable: bool
    kind: str
    must: tuple[tuple[str, ...], ...] = ()  # article-style: every group needs one alias
    support: tuple[str, ...] = ()  # article-style: substrings of the evidence
    answers: tuple[str, ...] = ()  # squad-style: any one is right
    doc_id: str = ""  # the document the question is about, when known
    context: str = ""  # squad-style: the document text


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    schema: str  # ARTICLE or SQUAD
    items: tuple[Item, ...] = field(default_factory=tuple)

    @property
    def kinds(self) -> list[str]:
        return sorted({item.kind for item in self.items})


def derive_kind(answerable: bool, history: tuple[tuple[str, str], ...]) -> str:
    """The kind of a question that does not say: unanswerable / followup / other."""
    if not answerable:
        return "unanswerable"
    return "followup" if history else "other"


def _history(raw: object, where: str) -> tuple[tuple[str, str], ...]:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(t, (list, tuple)) and len(t) == 2 and all(isinstance(x, str) for x in t) for t in raw
    ):
        raise DatasetError(f"{where}: history must be a list of [question, answer] pairs")
    return tuple((q, a) for q, a in raw)


def _strings(raw: object, where: str, key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise DatasetError(f"{where}: {key} must be a list of strings")
    return tuple(raw)


def _item(data: dict, schema: str, where: str) -> Item:  # type: ignore[type-arg]
    for key in ("question",) + (("context", "doc_id") if schema == SQUAD else ()):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise DatasetError(f"{where}: missing {key!r}")
    history = _history(data.get("history"), where)
    answers = _strings(data.get("answers"), where, "answers")
    answerable = bool(data.get("answerable", bool(answers) if schema == SQUAD else True))
    must_raw = data.get("must") or []
    if not isinstance(must_raw, list) or not all(isinstance(g, list) for g in must_raw):
        raise DatasetError(f"{where}: must must be a list of lists of aliases")
    must = tuple(_strings(g, where, "must") for g in must_raw)
    kind = data.get("kind") if isinstance(data.get("kind"), str) else derive_kind(answerable, history)
    return Item(
        id=str(data.get("id", where)),
        question=data["question"],
        history=history,
        answerable=answerable,
        kind=kind,
        must=tuple(g for g in must if g),
        support=_strings(data.get("support"), where, "support"),
        answers=answers,
        doc_id=str(data.get("doc_id") or ""),
        context=str(data.get("context") or ""),
    )


def load_dataset(path: Path) -> Dataset:
    """Read a JSONL dataset of either schema; DatasetError with a one-line reason if it is bad."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"no dataset file {path}")
    rows: list[tuple[dict, str]] = []  # type: ignore[type-arg]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{where}: not JSON ({error.msg})") from None
        if not isinstance(data, dict):
            raise DatasetError(f"{where}: each line must be a JSON object")
        rows.append((data, where))
    if not rows:
        raise DatasetError(f"{path} has no questions")
    schema = SQUAD if "context" in rows[0][0] else ARTICLE
    items = tuple(_item(data, schema, where) for data, where in rows)
    return Dataset(path.stem, path, schema, items)


def squad_file_name(doc_id: str) -> str:
    """The file a squad context is written to: its doc_id, made safe, with .txt."""
    return _SAFE_NAME.sub("_", doc_id).strip("._") + ".txt"


def write_squad_corpus(dataset: Dataset, folder: Path) -> Path:
    """Write each distinct context as `<doc_id>.txt` into `folder` (created); returns it.

    Files whose content is already right are left alone, so a cached index stays valid."""
    folder.mkdir(parents=True, exist_ok=True)
    contexts: dict[str, str] = {}
    for item in dataset.items:
        name = squad_file_name(item.doc_id)
        if contexts.setdefault(name, item.context) != item.context:
            raise DatasetError(f"{dataset.name}: doc_id {item.doc_id!r} has two different contexts")
    for name, text in contexts.items():
        target = folder / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8", newline="")
    for stale in folder.glob("*.txt"):
        if stale.name not in contexts:
            stale.unlink()
    return folder


def squad_doc_id(item: Item) -> str:
    """The corpus doc_id of a squad item's context."""
    return squad_file_name(item.doc_id)


def load_texts(corpus: Path) -> dict[str, str]:
    """doc_id -> text of every readable document in a corpus folder (read from the files)."""
    texts: dict[str, str] = {}
    for path in discover([corpus]):
        try:
            doc = load_document(path, root=corpus)
        except ValueError:
            continue
        texts[doc.doc_id] = doc.text
    return texts


def _fit(dataset: Dataset, folder: Path) -> tuple[int, int]:
    """How well a folder fits a dataset: (doc_ids present, support strings found)."""
    if not folder.is_dir():
        return (-1, -1)
    texts = load_texts(folder)
    if not texts:
        return (-1, -1)
    doc_ids = {item.doc_id for item in dataset.items if item.doc_id}
    present = sum(1 for d in doc_ids if d in texts)
    if doc_ids and present < len(doc_ids):
        return (-1, -1)
    found = sum(
        1
        for item in dataset.items
        for s in item.support
        if any(find_all(s, text) for text in texts.values())
    )
    return (present, found)


def find_corpus(dataset: Dataset, cwd: Path | None = None) -> Path:
    """The articles of an article-style dataset, when no --corpus is given.

    Candidates, in order: `<stem>/` and `articles/` beside the dataset, then `./corpus`. The one
    that holds every `doc_id` the items name and the most `support` strings wins (ties: earliest).
    """
    cwd = cwd or Path.cwd()
    beside = dataset.path.resolve().parent
    candidates = [beside / dataset.name, beside / "articles", cwd / "corpus"]
    scored = [(_fit(dataset, c), -i, c) for i, c in enumerate(candidates)]
    best = max(scored, key=lambda t: (t[0], t[1]))
    if best[0] == (-1, -1):
        raise DatasetError(
            f"no corpus found for {dataset.path.name} (looked in {', '.join(str(c) for c in candidates)}); "
            "pass --corpus DIR"
        )
    return best[2]
