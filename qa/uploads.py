"""Files uploaded through the chat app: checked (type, size, regular file) and renamed safely.

An upload arrives as a temporary file whose name the browser chose. Before anything is indexed,
each file is checked here and copied into a staging folder under a safe name (its base name only,
odd characters replaced, no leading dot), so nothing a client sends can place a file outside the
corpus. `Assistant.ingest` then copies the staged files into the corpus folder.

    >>> check = stage_uploads([Path("/tmp/gradio/x/../../etc/passwd.txt")], staging)
    >>> [p.name for p in check.accepted], check.rejected
    (['passwd.txt'], [])
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Sequence

from .documents import MAX_FILE_BYTES, SUPPORTED_SUFFIXES

_UNSAFE = re.compile(r"[^\w.\- ]+")
_MAX_NAME = 120


@dataclass
class UploadCheck:
    accepted: list[Path] = field(default_factory=list)  # staged copies, safe names
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (name as uploaded, reason)


def safe_name(name: str) -> str:
    """A file name safe to create in the corpus: base name only, no separators or leading dots.

    'a/../../b.txt' -> 'b.txt'; '..\\\\evil.md' -> 'evil.md'; '.bashrc.txt' -> 'bashrc.txt';
    'x<y>.html' -> 'x_y_.html'. Empty stems become 'upload'.
    """
    base = PureWindowsPath(PurePosixPath(name).name).name  # drop both / and \\ directories
    base = _UNSAFE.sub("_", unicodedata.normalize("NFC", base)).strip(" ")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem.strip(" ._") or "upload"
    suffix = suffix.strip(" ._").lower()
    stem = stem[: _MAX_NAME - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem


def check_upload(path: Path) -> str | None:
    """Why this uploaded file cannot be indexed, or None when it may be."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported type {suffix or '(no extension)'}; use .txt, .md or .html"
    if path.is_symlink() or not path.is_file():
        return "not a regular file"
    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    if size > MAX_FILE_BYTES:
        return f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
    return None


def stage_uploads(paths: Sequence[Path], staging: Path, names: Sequence[str] | None = None) -> UploadCheck:
    """Check uploaded files and copy the good ones into `staging` under safe, distinct names.

    `names` are the names the user gave (default: each path's name); they are only used, made
    safe, for the staged copy and in messages.
    """
    staging.mkdir(parents=True, exist_ok=True)
    check = UploadCheck()
    taken: set[str] = set()
    for i, path in enumerate(paths):
        shown = names[i] if names is not None else path.name
        reason = check_upload(path)
        if reason:
            check.rejected.append((shown, reason))
            continue
        name = safe_name(shown)
        if Path(name).suffix.lower() != path.suffix.lower():  # the name given must agree with the file
            name = safe_name(Path(name).stem + path.suffix)
        stem, suffix = Path(name).stem, Path(name).suffix
        k = 1
        while name.lower() in taken:
            k += 1
            name = f"{stem}-{k}{suffix}"
        taken.add(name.lower())
        target = staging / name
        shutil.copyfile(path, target)
        check.accepted.append(target)
    return check
