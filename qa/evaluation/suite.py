"""`qa eval` end to end: datasets -> runs -> a report folder (and, for --all, eval/REPORT.md).

    >>> result = run_suite([Path("eval/datasets/own_articles.jsonl")])
    >>> result.folder / "report.md"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..embeddings import encode
from .datasets import DatasetError
from .report import git_revision, publish, summary_table, write_run
from .runner import DatasetRun, run_dataset

COMMITTED = (
    "article_dev.jsonl", "squad2_public.jsonl", "own_articles.jsonl", "heldout_articles.jsonl", "heldout2_articles.jsonl",
    "heldout3_articles.jsonl", "heldout4_articles.jsonl", "heldout5_articles.jsonl", "heldout6_articles.jsonl",
    "heldout7_articles.jsonl", "heldout8_articles.jsonl", "heldout9_articles.jsonl", "heldout10_articles.jsonl",
    "heldout11_articles.jsonl", "heldout12_articles.jsonl", "heldout13_articles.jsonl", "heldout14_articles.jsonl",
    "heldout15_articles.jsonl", "heldout16_articles.jsonl", "heldout17_articles.jsonl",
    "heldout18_articles.jsonl",
    "heldout19_articles.jsonl",
    "heldout20_articles.jsonl",
    "heldout21_articles.jsonl",
    "heldout22_articles.jsonl",
    "heldout23_articles.jsonl",
    "heldout24_articles.jsonl",
    "heldout25_articles.jsonl",
    "heldout26_articles.jsonl",
    "heldout27_articles.jsonl",
    "heldout28_articles.jsonl",
    "train_articles.jsonl", "train2_articles.jsonl",
)


@dataclass(frozen=True)
class SuiteResult:
    runs: list[DatasetRun]
    folder: Path  # eval/runs/<timestamp>/
    published: Path | None  # eval/REPORT.md when --all
    summary: str  # the plain-text table printed to stdout


def eval_dir() -> Path:
    """The project's eval/ folder: beside the qa package in a checkout, else ./eval."""
    beside = Path(__file__).resolve().parents[2] / "eval"
    return beside if (beside / "datasets").is_dir() else Path("eval")


def committed_datasets() -> list[Path]:
    """The datasets that `qa eval --all` runs."""
    folder = eval_dir() / "datasets"
    paths = [folder / name for name in COMMITTED]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise ValueError(f"missing dataset {missing[0]}; run from a checkout of the project")
    return paths


def run_suite(
    datasets: list[Path],
    corpus: Path | None = None,
    baselines: bool = True,
    out: Path | None = None,
    publish_report: bool = False,
    command: str = "qa eval",
) -> SuiteResult:
    """Run every dataset, write `<out>/<timestamp>/`, and (if asked) publish eval/REPORT.md."""
    if not datasets:
        raise ValueError("give --dataset PATH (or --all for the committed datasets)")
    for path in datasets:
        if not Path(path).is_file():
            raise DatasetError(f"no dataset file {path}")
    out = out or eval_dir() / "runs"
    revision = git_revision()  # the code this run uses, read before it starts
    encode(["warm up"])  # load the model before anything is timed
    runs = [run_dataset(path, corpus=corpus, cache=out / "cache", baselines=baselines) for path in datasets]
    folder = write_run(runs, out, command, revision)
    published = publish(runs, folder, eval_dir(), command, revision) if publish_report else None
    return SuiteResult(runs, folder, published, summary_table(runs))
