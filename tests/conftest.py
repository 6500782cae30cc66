"""Shared fixtures: tiny corpora in tmp_path, the real embedding model, real Chroma on disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["chroma_server"]  # the `chroma_url` fixture: a real `chroma run` on 127.0.0.1

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "corpus" / "france-troops-ukraine.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """An empty corpus folder; tests write their own articles into it."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def bundled_assistant(tmp_path_factory: pytest.TempPathFactory):
    """An Assistant over a copy of the bundled article, indexed once per test session."""
    from qa import Assistant

    base = tmp_path_factory.mktemp("bundled")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(BUNDLED, corpus / BUNDLED.name)
    return Assistant.open(index_dir=base / "index", corpus=corpus)
