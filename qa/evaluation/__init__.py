"""The evaluation suite behind `qa eval`: datasets -> systems (project, baselines) -> metrics -> report.

    datasets.py   JSONL of either schema (article-style, squad-style) -> Dataset; its corpus
    matching.py   forgiving text comparison that maps back to exact offsets
    systems.py    Prediction (what a system returns) and the project as a system
    baselines.py  LangChain tutorial recipe, BM25 only, dense only
    metrics.py    Score per question, Metrics per dataset and per question kind
    runner.py     run one dataset through every system
    report.py     Markdown, JSON and PNG plots

    >>> from qa.evaluation import run_dataset
    >>> run = run_dataset(Path("eval/datasets/article_dev.jsonl"))
    >>> run.metrics["project"].accuracy
"""

from .runner import DatasetRun, run_dataset

__all__ = ["DatasetRun", "run_dataset"]
