"""Reports of evaluation runs: JSON (everything), Markdown (tables, plots, failures), PNG plots.

    >>> folder = write_run([run], Path("eval/runs"), command="qa eval --all")
    >>> (folder / "report.md").exists(), (folder / "results.json").exists()
    (True, True)
    >>> print(summary_table([run]))
"""

from __future__ import annotations

import datetime as _dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

from .metrics import Metrics, failure_reasons
from .runner import DatasetRun, QuestionRecord

# (header, getter, format): the columns of the summary tables.
Column = tuple[str, Callable[[Metrics], float | None], str]
_PCT = "pct"
COLUMNS: list[Column] = [
    ("Acc", lambda m: m.accuracy, _PCT),
    ("Ans+Cit", lambda m: m.answer_citation, _PCT),
    ("Cit P", lambda m: m.citation_precision, _PCT),
    ("Cit R", lambda m: m.citation_recall, _PCT),
    ("Quote fid.", lambda m: m.quote_fidelity, _PCT),
    ("Abst P", lambda m: m.abstain_precision, _PCT),
    ("Abst R", lambda m: m.abstain_recall, _PCT),
    ("HasAns", lambda m: m.has_ans, _PCT),
    ("NoAns", lambda m: m.no_ans, _PCT),
    ("Overall", lambda m: m.overall, _PCT),
    ("R@1", lambda m: m.recall_at.get(1), _PCT),
    ("R@5", lambda m: m.recall_at.get(5), _PCT),
    ("MRR@10", lambda m: m.mrr, "f2"),
    ("Words", lambda m: m.words_mean, "f0"),
    ("p50 ms", lambda m: m.latency_p50_ms, "f0"),
    ("p95 ms", lambda m: m.latency_p95_ms, "f0"),
]
# Metrics drawn in the bar chart (all are shares in 0..1).
PLOTTED: list[tuple[str, Callable[[Metrics], float | None]]] = [
    ("accuracy", lambda m: m.accuracy),
    ("answer+citation", lambda m: m.answer_citation),
    ("citation P", lambda m: m.citation_precision),
    ("citation R", lambda m: m.citation_recall),
    ("abstain R", lambda m: m.abstain_recall),
    ("overall", lambda m: m.overall),
    ("recall@5", lambda m: m.recall_at.get(5)),
    ("MRR@10", lambda m: m.mrr),
]


def fmt(value: float | None, style: str) -> str:
    if value is None:
        return "–"
    if style == _PCT:
        return f"{100 * value:.1f}"
    return f"{value:.{style[1:]}f}"


# -- plain text (stdout) --------------------------------------------------------------------------

def summary_table(runs: list[DatasetRun]) -> str:
    """A compact fixed-width table per dataset: one row per system."""
    short = [c for c in COLUMNS if c[0] in ("Acc", "Ans+Cit", "Cit P", "Cit R", "Quote fid.", "Abst P", "Abst R", "Overall", "R@5", "MRR@10", "Words", "p50 ms")]
    lines: list[str] = []
    for run in runs:
        lines.append(f"{run.dataset.name} ({len(run.dataset.items)} questions, {run.dataset.schema}-style; % except MRR, words, ms)")
        header = ["system"] + [c[0] for c in short]
        rows = [[name] + [fmt(get(run.metrics[name]), style) for _, get, style in short] for name in run.systems]
        widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
        for row in [header] + rows:
            lines.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- JSON -----------------------------------------------------------------------------------------

def _record_json(record: QuestionRecord) -> dict[str, Any]:
    p, s = record.prediction, record.score
    return {
        "answer": p.text,
        "abstained": p.abstained,
        "citations": [c.__dict__ for c in p.citations],
        "retrieved": [r.__dict__ for r in p.retrieved],
        "latency_ms": round(p.latency * 1000, 2),
        "error": p.error,
        "score": {k: v for k, v in s.__dict__.items() if k not in ("id", "kind", "answerable", "latency", "error")},
        "failures": failure_reasons(s),
    }


def run_json(run: DatasetRun) -> dict[str, Any]:
    items = run.dataset.items
    return {
        "dataset": run.dataset.name,
        "path": str(run.dataset.path),
        "schema": run.dataset.schema,
        "corpus": str(run.corpus),
        "questions": len(items),
        "systems": run.systems,
        "metrics": {name: run.metrics[name].to_dict() for name in run.systems},
        "by_kind": {name: {k: m.to_dict() for k, m in run.by_kind[name].items()} for name in run.systems},
        "unmatched_support": [{"id": i, "support": s} for i, s in run.unmatched_support],
        "items": [
            {
                "id": item.id,
                "kind": item.kind,
                "question": item.question,
                "history": [list(t) for t in item.history],
                "answerable": item.answerable,
                "results": {name: _record_json(run.records[name][n]) for name in run.systems},
            }
            for n, item in enumerate(items)
        ],
    }


# -- plots ----------------------------------------------------------------------------------------

def plot_metrics(runs: list[DatasetRun], path: Path) -> Path:
    """Grouped bars: for each dataset, each plotted metric, one bar per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(len(runs), 1, figsize=(11, 3.4 * len(runs)), squeeze=False)
    for ax, run in zip(axes[:, 0], runs):
        width = 0.8 / max(len(run.systems), 1)
        x = np.arange(len(PLOTTED))
        for i, name in enumerate(run.systems):
            values = [get(run.metrics[name]) for _, get in PLOTTED]
            ax.bar(x + i * width, [v if v is not None else 0.0 for v in values], width, label=name)
        ax.set_xticks(x + width * (len(run.systems) - 1) / 2, [label for label, _ in PLOTTED], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{run.dataset.name} ({len(run.dataset.items)} questions)", fontsize=10)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, ncols=len(run.systems), loc="upper right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_latency(runs: list[DatasetRun], path: Path) -> Path:
    """Latency histogram per system, all datasets pooled, log-scaled milliseconds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    systems = list(dict.fromkeys(name for run in runs for name in run.systems))
    samples = {
        name: [r.prediction.latency * 1000 for run in runs for r in run.records.get(name, []) if not r.prediction.error]
        for name in systems
    }
    positive = [v for vs in samples.values() for v in vs if v > 0]
    fig, ax = plt.subplots(figsize=(9, 4))
    if positive:
        bins = np.logspace(np.log10(min(positive)), np.log10(max(positive)) + 1e-9, 40)
        for name in systems:
            ax.hist([max(v, min(positive)) for v in samples[name]], bins=bins, histtype="step", linewidth=1.8, label=name)
        ax.set_xscale("log")
    ax.set_xlabel("latency per question (ms, log scale)")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution (all datasets)", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# -- Markdown -------------------------------------------------------------------------------------

def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _expected(run: DatasetRun, index: int) -> str:
    item = run.dataset.items[index]
    if not item.answerable:
        return "(abstain)"
    if item.answers:
        return " / ".join(item.answers)
    if item.must:
        return " AND ".join("(" + " | ".join(g) + ")" for g in item.must)
    return " / ".join(item.support)


def failures_markdown(run: DatasetRun, system: str = "project") -> list[str]:
    """One bullet per failed question of `system`, with what was expected and what came back."""
    lines: list[str] = []
    for n, record in enumerate(run.records.get(system, [])):
        reasons = failure_reasons(record.score)
        if not reasons:
            continue
        item = run.dataset.items[n]
        answer = " ".join(record.prediction.text.split())
        if len(answer) > 300:
            answer = answer[:297] + "..."
        followup = f" (after: “{item.history[-1][0]}”)" if item.history else ""
        lines.append(
            f"- `{item.id}` [{item.kind}] {'; '.join(reasons)}. Q: “{item.question}”{followup} "
            f"Expected: {_expected(run, n)}. Got: “{answer}”"
        )
    return lines


def git_revision(cwd: Path | None = None) -> str:
    """The short commit of the checkout, marked when qa/ has uncommitted changes (read it before a run)."""
    cwd = cwd or Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "qa"], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + (" + uncommitted changes in qa/" if dirty.stdout.strip() else "")


DEFINITIONS = """\
Definitions (percentages unless marked; `–` = nothing to measure):
- **Acc**: answerable questions whose answer is right (article-style: one alias of every `must` group,
  case- and accent-insensitive; squad-style: a gold answer contained, SQuAD-normalised). Abstaining counts wrong.
- **Ans+Cit**: right AND a citation holds gold evidence (squad-style: the gold answer is in the first citation's quote).
- **Cit P / Cit R** (after ALCE, Gao et al. 2023): share of citations of answered answerable questions that hold gold
  evidence / share of those answers whose citations cover every piece of gold evidence. A span holds evidence when it
  shares at least half of the gold span (article-style: the `support` substrings; squad-style: the sentence holding
  the gold answer) or lies inside it.
- **Quote fid.**: quotes shown (citations and closest passages) equal to the source file's text at their offsets; must be 100.
- **Abst P / Abst R**: abstentions that were on unanswerable questions / unanswerable questions abstained on.
- **HasAns / NoAns / Overall**: SQuAD 2.0 split: right on answerable / abstained on unanswerable / both together.
- **R@k, MRR@10**: gold evidence among the top-k retrieved units (project, BM25, dense: sentences; LangChain: 500-char chunks).
- **Words**: mean words per non-abstaining answer. Accuracy is containment, so longer answers (a 500-character chunk)
  contain the gold answer more often: read Acc together with Words and Cit P. **p50/p95 ms**: time to answer one question.
- Baselines: *langchain* = LangChain tutorial recipe (RecursiveCharacterTextSplitter 500/50, same MiniLM embeddings,
  Chroma, answer = top chunk, never abstains); *bm25* = top BM25 sentence (project's keyword index);
  *dense* = top sentence by cosine (project's Chroma sentence collection, never abstains). Baselines see the
  question only, not the conversation history.
"""


def render_markdown(
    runs: list[DatasetRun], command: str, plots: dict[str, str], revision: str = "", title: str = "Evaluation report"
) -> str:
    """The report: summary tables, per-kind scores, plots, definitions, the project's failures."""
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        f"# {title}",
        "",
        f"Generated {when} at commit {revision or git_revision()} by:",
        "",
        "```",
        command,
        "```",
        "",
        "Latency depends on the machine and its load (here: 2 CPU cores, shared); the other numbers are deterministic.",
        "",
        "## Summary",
        "",
    ]
    for run in runs:
        d = run.dataset
        lines += [
            f"### {d.name} — {len(d.items)} questions ({sum(i.answerable for i in d.items)} answerable), "
            f"{d.schema}-style, corpus `{_short(run.corpus)}`",
            "",
        ]
        header = ["System"] + [c[0] for c in COLUMNS]
        rows = [
            [f"**{name}**" if name == "project" else name] + [fmt(get(run.metrics[name]), style) for _, get, style in COLUMNS]
            for name in run.systems
        ]
        lines += _md_table(header, rows) + [""]
        if run.unmatched_support:
            lines += [f"Support strings not found in the corpus (evidence unknown): {len(run.unmatched_support)}", ""]
    lines += ["## By question kind", "", "Overall score (SQuAD 2.0 sense: right answer, or abstention when unanswerable), % of the kind's questions.", ""]
    for run in runs:
        kinds = run.dataset.kinds
        lines += [f"### {run.dataset.name}", ""]
        header = ["Kind", "n"] + run.systems
        rows = [
            [kind, str(run.by_kind[run.systems[0]][kind].n)]
            + [fmt(run.by_kind[name][kind].overall, _PCT) for name in run.systems]
            for kind in kinds
        ]
        lines += _md_table(header, rows) + [""]
        if "project" in run.by_kind:
            lines += [f"Every metric of the project, by kind ({run.dataset.name}):", ""]
            rows = [
                [kind, str(m.n)] + [fmt(get(m), style) for _, get, style in COLUMNS]
                for kind, m in run.by_kind["project"].items()
            ]
            lines += _md_table(["Kind", "n"] + [c[0] for c in COLUMNS], rows) + [""]
    if plots:
        lines += ["## Plots", ""] + [f"![{label}]({path})" for label, path in plots.items()] + [""]
    lines += ["## Definitions", "", DEFINITIONS]
    lines += ["## Failures of the project", ""]
    for run in runs:
        failed = failures_markdown(run)
        lines += [
            "<details>",
            f"<summary>{run.dataset.name}: {len(failed)} of {len(run.dataset.items)} questions</summary>",
            "",
            *failed,
            "",
            "</details>",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def write_run(runs: list[DatasetRun], out: Path, command: str, revision: str = "") -> Path:
    """Write `<out>/<timestamp>/` with report.md, results.json, failures.md and the plots."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = out / stamp
    n = 1
    while folder.exists():
        n += 1
        folder = out / f"{stamp}-{n}"
    folder.mkdir(parents=True)
    plot_metrics(runs, folder / "metrics.png")
    plot_latency(runs, folder / "latency.png")
    plots = {"metrics per system": "metrics.png", "latency": "latency.png"}
    (folder / "report.md").write_text(render_markdown(runs, command, plots, revision), encoding="utf-8")
    payload = {"command": command, "created": stamp, "revision": revision, "datasets": [run_json(run) for run in runs]}
    (folder / "results.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    failures: list[str] = ["# Failures per question", ""]
    for run in runs:
        for system in run.systems:
            failed = failures_markdown(run, system)
            failures += [f"## {run.dataset.name} — {system}: {len(failed)} failed", "", *failed, ""]
    (folder / "failures.md").write_text("\n".join(failures), encoding="utf-8")
    return folder


def publish(runs: list[DatasetRun], folder: Path, eval_dir: Path, command: str, revision: str = "") -> Path:
    """Write the committed report: `<eval_dir>/REPORT.md` and `<eval_dir>/plots/*.png`."""
    plots_dir = eval_dir / "plots"
    plots_dir.mkdir(parents=True, exist_ok=True)
    for name in ("metrics.png", "latency.png"):
        shutil.copyfile(folder / name, plots_dir / name)
    plots = {"metrics per system": "plots/metrics.png", "latency": "plots/latency.png"}
    report = eval_dir / "REPORT.md"
    report.write_text(render_markdown(runs, command, plots, revision), encoding="utf-8")
    return report
