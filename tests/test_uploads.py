"""qa.uploads: type and size limits, safe names, nothing written outside the staging folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa.documents import MAX_FILE_BYTES
from qa.uploads import check_upload, safe_name, stage_uploads


@pytest.mark.parametrize(
    "given, expected",
    [
        ("article.txt", "article.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        (".bashrc.txt", "bashrc.txt"),
        ("x<y>|z.HTML", "x_y_z.html"),
        ("...txt", "upload.txt"),
        ("naïve café.md", "naïve café.md"),
        ("a" * 300 + ".txt", "a" * 116 + ".txt"),
    ],
)
def test_safe_name(given: str, expected: str):
    assert safe_name(given) == expected


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_unsupported_types_are_rejected_with_the_reason(tmp_path: Path):
    assert "unsupported type .pdf" in check_upload(write(tmp_path / "a.pdf", b"%PDF-1.4"))
    assert "no extension" in check_upload(write(tmp_path / "README", b"text"))


def test_empty_and_oversized_files_are_rejected(tmp_path: Path):
    assert "empty" in check_upload(write(tmp_path / "e.txt", b""))
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    assert f"limit is {MAX_FILE_BYTES:,}" in check_upload(big)


def test_symlinks_are_rejected(tmp_path: Path):
    target = write(tmp_path / "outside.txt", b"secret")
    link = tmp_path / "link.txt"
    os.symlink(target, link)
    assert check_upload(link) == "not a regular file"


def test_stage_uploads_keeps_good_files_and_reports_bad_ones(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    good = write(src / "good.txt", b"A sentence. Another one.")
    bad = write(src / "bad.exe", b"MZ")
    staging = tmp_path / "staging"
    check = stage_uploads([good, bad], staging)
    assert [p.name for p in check.accepted] == ["good.txt"]
    assert check.rejected and check.rejected[0][0] == "bad.exe"
    assert check.accepted[0].read_bytes() == good.read_bytes()


def test_hostile_names_stay_inside_the_staging_folder(tmp_path: Path):
    src = write(tmp_path / "upload.txt", b"Text of the article.")
    staging = tmp_path / "staging"
    check = stage_uploads([src, src], staging, names=["../../escape.txt", "../../escape.txt"])
    assert [p.name for p in check.accepted] == ["escape.txt", "escape-2.txt"]
    assert all(p.resolve().parent == staging.resolve() for p in check.accepted)
    assert not (tmp_path / "escape.txt").exists()


def test_a_name_cannot_change_the_file_type(tmp_path: Path):
    src = write(tmp_path / "upload.txt", b"<p>plain text</p>")
    check = stage_uploads([src], tmp_path / "staging", names=["page.html"])
    assert check.accepted[0].suffix == ".txt"
