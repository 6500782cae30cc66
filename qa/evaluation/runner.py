"""Run a dataset through the project and the baselines: `run_dataset(path) -> DatasetRun`.

Indexes are built in a cache folder (`<cache>/<key>/index`), never in a corpus's own index; the key
hashes the corpus contents and the source of the modules that shape an index, so a change to
either builds a fresh one. Squad-style contexts are written as a corpus into the same folder.

    >>> run = run_dataset(Path("eval/datasets/article_dev.jsonl"), cache=Path("eval/runs/cache"))
    >>> run.metrics["project"].accuracy
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .datasets import SQUAD, Dataset, find_corpus, load_dataset, load_texts, squad_doc_id, write_squad_corpus
from .metrics import Evidence, Metrics, Score, article_evidence, score, squad_evidence, summarize, summarize_by_kind
from .systems import Prediction, ProjectSystem, System

log = logging.getLogger(__name__)

BASELINES = ("langchain", "bm25", "dense")
# Modules whose code decides what an index holds: a change to any of them invalidates the cache.
_INDEX_MODULES = ("documents", "chunking", "furniture", "ingest", "catalog", "index", "store", "keyword", "embeddings")


@dataclass
class QuestionRecord:
    """One system's answer to one question, with its score."""

    system: str
    question: str
    prediction: Prediction
    score: Score


@dataclass
class DatasetRun:
    dataset: Dataset
    corpus: Path
    systems: list[str]
    records: dict[str, list[QuestionRecord]] = field(default_factory=dict)
    metrics: dict[str, Metrics] = field(default_factory=dict)
    by_kind: dict[str, dict[str, Metrics]] = field(default_factory=dict)
    unmatched_support: list[tuple[str, str]] = field(default_factory=list)  # (item id, support)


def _index_key(texts: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for doc_id in sorted(texts):
        digest.update(doc_id.encode() + b"\0" + texts[doc_id].encode() + b"\0")
    package = Path(__file__).resolve().parents[1]
    for name in _INDEX_MODULES:
        path = package / f"{name}.py"
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare_corpus(dataset: Dataset, corpus: Path | None, cache: Path) -> Path:
    """The folder of documents the dataset's questions are asked against."""
    if dataset.schema == SQUAD:
        if corpus is not None:
            raise ValueError("--corpus applies to article-style datasets; squad-style ones carry their contexts")
        digest = hashlib.sha256("\0".join(sorted({i.doc_id + "\0" + i.context for i in dataset.items})).encode())
        return write_squad_corpus(dataset, cache / f"squad-{digest.hexdigest()[:16]}" / "corpus")
    if corpus is not None:
        if not corpus.is_dir():
            raise ValueError(f"no corpus folder {corpus}")
        return corpus
    return find_corpus(dataset)


def _evidence(dataset: Dataset, texts: dict[str, str], run: DatasetRun) -> dict[str, Evidence]:
    evidence: dict[str, Evidence] = {}
    for item in dataset.items:
        if dataset.schema == SQUAD:
            doc_id = squad_doc_id(item)
            evidence[item.id] = squad_evidence(doc_id, texts.get(doc_id, ""), item.answers)
        else:
            evidence[item.id], missing = article_evidence(item, texts)
            run.unmatched_support.extend((item.id, s) for s in missing)
    return evidence


@contextmanager
def _progress(total: int, label: str) -> Iterator:  # type: ignore[type-arg]
    """A rich progress bar on stderr when it is a terminal; otherwise a silent no-op."""
    if not sys.stderr.isatty():
        yield lambda description: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda description: bar.update(task, advance=1, description=description)


def build_systems(assistant: object, texts: dict[str, str], workdir: Path, baselines: bool) -> list[System]:
    """The project, then (if asked) the three baselines over the same documents."""
    from .baselines import BM25Baseline, DenseBaseline, LangChainBaseline

    systems: list[System] = [ProjectSystem(assistant)]
    if baselines:
        index = assistant.index  # type: ignore[attr-defined]
        systems += [
            LangChainBaseline.build(texts, workdir / "langchain"),
            BM25Baseline(index),
            DenseBaseline(index),
        ]
    return systems


def run_dataset(
    path: Path, corpus: Path | None = None, cache: Path = Path("eval/runs/cache"), baselines: bool = True
) -> DatasetRun:
    """Ask every question of the dataset to every system and score the answers."""
    from ..pipeline import Assistant

    dataset = load_dataset(path)
    folder = prepare_corpus(dataset, corpus, cache)
    texts = load_texts(folder)
    if not texts:
        raise ValueError(f"the corpus folder {folder} has no readable articles")
    index_dir = cache / _index_key(texts) / "index"
    log.info("%s: %d questions over %d document(s) in %s", dataset.name, len(dataset.items), len(texts), folder)
    assistant = Assistant.open(index_dir=index_dir, corpus=folder)
    cache.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="work-", dir=cache))  # a new path: Chroma caches clients by path
    try:
        systems = build_systems(assistant, texts, workdir, baselines)
        run = DatasetRun(dataset, folder, [s.name for s in systems])
        evidence = _evidence(dataset, texts, run)
        squad = dataset.schema == SQUAD
        with _progress(len(dataset.items) * len(systems), dataset.name) as advance:
            for system in systems:
                records = []
                for item in dataset.items:
                    prediction = system.predict(item)
                    records.append(
                        QuestionRecord(system.name, item.question, prediction, score(item, prediction, evidence[item.id], texts, squad))
                    )
                    advance(f"{dataset.name} · {system.name}")
                run.records[system.name] = records
                scores = [r.score for r in records]
                run.metrics[system.name] = summarize(scores)
                run.by_kind[system.name] = summarize_by_kind(scores)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return run
