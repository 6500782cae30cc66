"""Documents and their loaders: a file on disk -> a `Document` with stable id and exact text.

For `.txt` and `.md` files `Document.text` is the file's text exactly (decoded, nothing
normalised, not even line endings), so every character offset in the project indexes the file
itself. For `.html` files it is the main text that trafilatura extracts (boilerplate, scripts and
styles removed); offsets then index that extracted text, which the index keeps.

    >>> doc = load_document(Path("corpus/article.txt"), root=Path("corpus"))
    >>> doc.text[doc.text.index("Poland"):][:6]
    'Poland'
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_FILE_BYTES = 5_000_000
_TITLE_MAX = 200


class DocumentError(ValueError):
    """A file that cannot become a document (binary, empty, too large, unsupported)."""


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    source: str
    text: str
    sha256: str
    note: str = ""  # e.g. "decoded as cp1252": something the user should hear about


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# a full date: "18 February 2026", "Feb. 18, 2026"
_FULL_DATE = re.compile(rf"\b(?:\d{{1,2}} {_MONTH},? |{_MONTH} \d{{1,2}}, )((?:19|20)\d\d)\b")
DATELINE_CHARS = 600  # where a news article's date stands: headline, byline, dateline


def dated_year(text: str) -> int | None:
    """The year of the first full date near the top of an article ("Kemi, Finland, Wednesday
    18 February 2026"), which "last year" and "this year" count from; None without one."""
    found = _FULL_DATE.search(text[:DATELINE_CHARS])
    return int(found.group(1)) if found else None


def doc_id_for(path: Path, root: Path | None) -> str:
    """The stable id of a file: its path relative to the corpus root, in POSIX form.

    A symbolic link keeps its own name (its folder is resolved, not the link itself), so a link
    and its target never share an id.
    """
    own = path.absolute().parent.resolve() / path.name
    return relative_id(own, root.resolve() if root is not None else None)


def relative_id(own: Path, resolved_root: Path | None) -> str:
    """`doc_id_for` on paths resolved already (a file's folder, the corpus root)."""
    if resolved_root is not None:
        try:
            return own.relative_to(resolved_root).as_posix()
        except ValueError:
            pass
    return own.name


def _decode(raw: bytes) -> tuple[str, str]:
    """Bytes -> (text, note). UTF-8 first; cp1252 then latin-1 as a declared fallback."""
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            return raw.decode(encoding), f"not valid UTF-8; decoded as {encoding}"
        except UnicodeDecodeError:
            continue
    raise DocumentError("cannot decode text")  # latin-1 never fails; kept for clarity


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return len(head) > 0 and control / len(head) > 0.1


def _title_from_text(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:_TITLE_MAX]
    return fallback


def _extract_html(html: str) -> tuple[str, str]:
    """Main text and title of a web page, via trafilatura (built for news pages)."""
    import trafilatura  # lazy: heavy import, only needed for HTML

    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
    )
    meta = trafilatura.extract_metadata(html)
    title = (meta.title if meta and meta.title else "") or ""
    return (text or ""), title


def load_document(path: Path, root: Path | None = None) -> Document:
    """Read one file into a Document; raises DocumentError with a one-line reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"unsupported file type {suffix or '(none)'}; use .txt, .md or .html")
    if not path.is_file():
        raise DocumentError("not a regular file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DocumentError(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    raw = path.read_bytes()
    if not raw.strip():
        raise DocumentError("file is empty")
    if _looks_binary(raw):
        raise DocumentError("file looks binary, not text")
    decoded, note = _decode(raw)
    if suffix in (".html", ".htm"):
        text, title = _extract_html(decoded)
        if not text.strip():
            raise DocumentError("no article text found in the HTML")
        title = title or _title_from_text(text, path.stem)
    else:
        text, title = decoded, _title_from_text(decoded, path.stem)
    return Document(
        doc_id=doc_id_for(path, root),
        title=title,
        source=str(path.resolve()),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        note=note,
    )


def discover(paths: list[Path]) -> list[Path]:
    """Supported files under the given files or folders, sorted, hidden files skipped."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for child in path.rglob("*"):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES and child.is_file():
                    found.add(child)
        else:
            found.add(path)
    return sorted(found)
