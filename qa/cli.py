"""`qa`: the command line. Thin: parse, call the Assistant, print.

    qa ingest PATH...            copy articles into the corpus and index them
    qa sync                      bring the index in line with the corpus folder
    qa docs [--json]             list the indexed documents
    qa ask "QUESTION" [--json]   answer with [n] marks and sources (--llm: a chat model writes it, verified)
    qa ask --questions F.jsonl   batch: one JSON answer per input line, in order
    qa chat                      a conversation in the terminal, with follow-ups
    qa remove DOC_ID             delete a document from the corpus and the index
    qa eval --dataset F.jsonl    score the project and three baselines (see qa/evaluation)
    qa eval --all                the committed datasets -> eval/REPORT.md and eval/plots/

Built on argparse (standard library: subcommands, help and usage errors with exit code 2, no extra
dependency). User errors print one line to stderr and exit 1; JSON goes to stdout only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, TextIO

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger("qa")
_QUIET = ("httpx", "httpx2", "openai", "bm25s", "sentence_transformers", "chromadb", "urllib3", "transformers")


def _own_or_warning(record: logging.LogRecord) -> bool:
    """Whether a log record is shown without --verbose: this package's own, or a warning."""
    return record.name.split(".")[0] == __package__ or record.levelno >= logging.WARNING


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, help="folder of articles (default: ./corpus or $QA_CORPUS_DIR)")
    parser.add_argument("--index", type=Path, help="index folder (default: $QA_INDEX_DIR or .qa-index/<corpus> beside the corpus)")
    parser.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000 (default: $QA_CHROMA_URL, else embedded)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")


def _mode(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--mode", choices=("extractive", "llm"), default="extractive",
                       help="extractive (default, offline) or llm: a configured chat model writes the answer, verified (see qa/llm.py)")
    group.add_argument("--llm", dest="mode", action="store_const", const="llm", help="same as --mode llm")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa", description="Ask questions about news articles; answers cite exact passages."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="copy files into the corpus and index them")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=".txt, .md or .html files")
    _common(p)

    p = sub.add_parser("sync", help="index new and changed files, drop removed ones")
    _common(p)

    p = sub.add_parser("docs", help="list the indexed documents")
    p.add_argument("--json", action="store_true", help="print JSON")
    _common(p)

    p = sub.add_parser("ask", help="answer a question (or a file of questions) from the articles")
    p.add_argument("question", nargs="?", help="the question, in plain words")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument("--questions", type=Path, metavar="FILE.jsonl",
                   help='batch mode: one {"question", "history"?, "id"?} per line; one JSON answer per line out')
    p.add_argument("--history", help='earlier turns as JSON: [["question", "answer"], ...]')
    _mode(p)
    _common(p)

    p = sub.add_parser("chat", help="a conversation in the terminal (follow-ups use the history)")
    _mode(p)
    _common(p)

    p = sub.add_parser("remove", help="delete a document from the corpus and the index")
    p.add_argument("doc_id", help="the document id shown by `qa docs`")
    _common(p)

    p = sub.add_parser("eval", help="evaluate against datasets and baselines; write a report")
    p.add_argument("--dataset", type=Path, action="append", metavar="PATH", help="a JSONL dataset (article- or squad-style); repeatable")
    p.add_argument("--corpus", type=Path, help="articles for article-style datasets (default: found beside the dataset, else ./corpus)")
    p.add_argument("--all", action="store_true", help="run the committed datasets and rewrite eval/REPORT.md and eval/plots/")
    p.add_argument("--no-baselines", action="store_true", help="score the project only")
    p.add_argument("--out", type=Path, help="folder for run reports and index caches (default: eval/runs)")
    p.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    return parser


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .pipeline import Assistant

    return Assistant.open(index_dir=args.index, corpus=args.corpus, chroma_url=args.chroma_url)


def _print_answer(answer: Any, out: TextIO) -> None:
    out.write(answer.text + "\n")
    shown = answer.citations or answer.closest
    if shown:
        out.write("\nSources:\n" if answer.citations else "\nClosest passages (not an answer):\n")
        for c in shown:
            out.write(f"[{c.n}] {c.title} — {c.source} [{c.start}:{c.end}]\n    “{c.quote}”\n")


def _parse_history(raw: Any) -> list[tuple[str, str]]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = json.loads(raw)
    if not isinstance(raw, list) or not all(
        isinstance(t, (list, tuple)) and len(t) == 2 and all(isinstance(x, str) for x in t) for t in raw
    ):
        raise ValueError('history must be a list of ["question", "answer"] pairs')
    return [(q, a) for q, a in raw]


def _batch(bot: Any, lines: Iterable[str], out: TextIO, mode: str = "extractive") -> int:
    from .pipeline import QuestionError

    failures = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record: dict[str, Any] = {"id": None, "question": None}
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("each line must be a JSON object")
            record = {"id": item.get("id", number), "question": item.get("question")}
            answer = bot.ask(item.get("question") or "", history=_parse_history(item.get("history")), mode=mode)
            data = answer.to_dict()
            record.update({k: data[k] for k in ("answer", "abstained", "citations")})
        except (ValueError, QuestionError) as error:  # JSONDecodeError is a ValueError
            failures += 1
            record.update({"answer": None, "abstained": None, "citations": [], "error": f"line {number}: {error}"})
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return 1 if failures else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import copy_into_corpus

    bot = _open_without_sync(args)
    copy_into_corpus(args.paths, bot.corpus)
    bot.sync()  # logs what it added, updated, skipped and removed; a skipped file is no error
    return 0


def _open_without_sync(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .pipeline import Assistant

    return Assistant.open(index_dir=args.index, corpus=args.corpus, chroma_url=args.chroma_url, sync=False)


def cmd_sync(args: argparse.Namespace) -> int:
    from .ingest import refuse_if_busy
    from .pipeline import resolve_paths

    refuse_if_busy(resolve_paths(args.index, args.corpus)[0])  # before the stores open
    _open_without_sync(args).sync()
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    docs = _open(args).documents()
    if args.json:
        print(json.dumps([d.__dict__ for d in docs], ensure_ascii=False, indent=2))
    elif not docs:
        print("no documents indexed; add .txt, .md or .html files to the corpus folder")
    for d in [] if args.json else docs:
        print(f"{d.doc_id}\t{d.sentences} sentences\t{d.title}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    if args.questions is None and not args.question:
        raise ValueError('give a question, e.g. qa ask "Who is the French foreign minister?", or --questions FILE')
    bot = _open(args)
    if args.mode == "llm" and not bot.llm_available:
        raise ValueError("no LLM is configured: set QA_LLM_PROVIDER and QA_LLM_MODEL (see qa/llm.py)")
    if args.questions is not None:
        with open(args.questions, encoding="utf-8") as handle:
            return _batch(bot, handle, sys.stdout, args.mode)
    answer = bot.ask(args.question, history=_parse_history(args.history), mode=args.mode)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer, sys.stdout)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from .pipeline import QuestionError

    bot = _open(args)
    history: list[tuple[str, str]] = []
    print(f"{len(bot.documents())} document(s) indexed. Ask a question; an empty line or Ctrl-D ends.")
    while True:
        try:
            question = input("\nyou> ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        try:
            answer = _chat_answer(bot, question, history, args.mode)
        except QuestionError as error:
            print(f"error: {error}")
            continue
        _print_answer(answer, sys.stdout)
        history.append((question, answer.text))


def _chat_answer(bot: Any, question: str, history: list[tuple[str, str]], mode: str) -> Any:
    """The answer; in llm mode the model's words are shown as they come, then the verified answer."""
    if mode != "llm":
        return bot.ask(question, history=history)
    answer, streamed = None, False
    for item in bot.stream(question, history=history, mode="llm"):
        if isinstance(item, str):
            sys.stdout.write(item)
            sys.stdout.flush()
            streamed = True
        else:
            answer = item
    if streamed:
        sys.stdout.write("\n\nVerified answer" + (" (the model's was not supported; extractive):" if answer.mode != "llm" else ":") + "\n")
    return answer


def cmd_remove(args: argparse.Namespace) -> int:
    _open_without_sync(args).remove(args.doc_id)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation.suite import committed_datasets, run_suite

    if args.all and (args.dataset or args.corpus):
        raise ValueError("--all runs the committed datasets; drop --dataset/--corpus")
    datasets = committed_datasets() if args.all else list(args.dataset or [])
    command = "qa eval" + (" --all" if args.all else "") + "".join(f" --dataset {d}" for d in args.dataset or [])
    command += (f" --corpus {args.corpus}" if args.corpus else "") + (" --no-baselines" if args.no_baselines else "")
    result = run_suite(datasets, corpus=args.corpus, baselines=not args.no_baselines, out=args.out,
                       publish_report=args.all, command=command)
    sys.stdout.write(result.summary)
    print(f"report: {result.folder / 'report.md'}" + (f" and {result.published}" if result.published else ""))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ingest": cmd_ingest, "sync": cmd_sync, "docs": cmd_docs, "ask": cmd_ask,
    "chat": cmd_chat, "remove": cmd_remove, "eval": cmd_eval,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(message)s" if not args.verbose else "%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    if not args.verbose:
        # a library may set its own logger's level when it is imported, after this ("import
        # bm25s" sets DEBUG: "Building index from tokens"); the handler keeps its chatter out
        for handler in logging.getLogger().handlers:
            handler.addFilter(_own_or_warning)
    from .documents import DocumentError
    from .ingest import IngestBusyError
    from .store import IndexMismatchError, StoreBusyError

    try:
        return COMMANDS[args.command](args)
    except (ValueError, OSError, DocumentError, IngestBusyError, IndexMismatchError, StoreBusyError) as error:
        print(f"qa: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
