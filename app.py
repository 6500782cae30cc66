"""The chat app: ask the articles, click a [n] mark, read the cited passage in its document.

    python app.py                         # http://127.0.0.1:7860, articles in ./corpus
    python app.py --port 8080 --corpus ~/news --index /tmp/news-index
    python app.py --host 0.0.0.0          # listen on every interface: only when you mean it

Settings also come from the environment: QA_HOST, QA_PORT, QA_CORPUS_DIR, QA_INDEX_DIR,
QA_CHROMA_URL (flags win). The first run builds the index (progress on the terminal).

Thin on purpose: widgets and callbacks over `qa.Assistant`; HTML comes from `qa.render`, starter
questions from `qa.suggest`, upload checks from `qa.uploads`. Nothing leaves the machine: Gradio's
analytics are off, the theme uses system fonts, and no page asset comes from a CDN.

API: `POST /gradio_api/call/ask` (or `gradio_client.Client(url).predict(question, api_name="/ask")`)
returns the answer and its citations as JSON (see `ask_api`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import gradio as gr  # noqa: E402  (after the environment above)

from qa import Assistant, QuestionError  # noqa: E402
from qa import render, suggest  # noqa: E402
from qa.documents import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, DocumentError  # noqa: E402
from qa.ingest import IngestBusyError  # noqa: E402
from qa.store import StoreBusyError  # noqa: E402
from qa.uploads import stage_uploads  # noqa: E402

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
STREAM_WORDS = 3  # words per streamed chunk of an extractive answer
STREAM_PAUSE = 0.03  # seconds between chunks: enough for the eye to see the answer being written
SYSTEM_FONTS = ["Segoe UI", "Helvetica Neue", "Arial", "Liberation Sans", "DejaVu Sans", "sans-serif"]
MONO_FONTS = ["Menlo", "Consolas", "Liberation Mono", "DejaVu Sans Mono", "monospace"]
CSS_PATH = Path(__file__).with_name("app.css")

Turn = dict[str, Any]  # {"question", "text", "abstained", "citations": [...], "closest": [...], "error"}


# ---------------------------------------------------------------- answering


def answer_modes(bot: Assistant) -> list[str]:
    """The answer modes this assistant offers: extractive always, "llm" when a model is configured."""
    return ["extractive", "llm"] if getattr(bot, "llm_available", False) else ["extractive"]


def history_of(turns: list[Turn]) -> list[tuple[str, str]]:
    """Earlier answered turns as (question, answer text) pairs for follow-ups."""
    return [(t["question"], t["text"]) for t in turns if not t.get("error")]


def answer_stream(bot: Assistant, question: str, history: list[tuple[str, str]], mode: str, top_k: int) -> Iterator[str | Any]:
    """Text pieces as the answer is written, then the final Answer.

    With an LLM (when the assistant streams), pieces come from the model; the extractive answer is
    known at once and is streamed a few words at a time so it reads like the rest of the chat.
    """
    if mode != "extractive" and hasattr(bot, "stream"):
        yield from bot.stream(question, history, mode=mode, top_k=top_k)
        return
    answer = bot.ask(question, history=history, top_k=top_k)
    words = answer.text.split(" ")
    for i in range(0, len(words), STREAM_WORDS):
        yield " ".join(words[i : i + STREAM_WORDS]) + (" " if i + STREAM_WORDS < len(words) else "")
        time.sleep(STREAM_PAUSE)
    yield answer


def to_messages(turns: list[Turn], partial: str | None = None) -> list[dict[str, str]]:
    """Turns -> Chatbot messages (escaped HTML); `partial` is the last answer still being written."""
    messages: list[dict[str, str]] = []
    for i, turn in enumerate(turns):
        messages.append({"role": "user", "content": render.user_html(turn["question"])})
        if turn.get("error"):
            content = render.error_html(turn["error"])
        elif i == len(turns) - 1 and partial is not None:
            content = render.partial_answer_html(partial)
        else:
            content = render.answer_html(
                turn["text"],
                [c["n"] for c in turn["citations"]],
                i,
                turn["abstained"],
                closest=[c["n"] for c in turn["closest"]],
            )
        messages.append({"role": "assistant", "content": content})
    return messages


def citation_panel(bot: Assistant, turns: list[Turn], turn_index: int, n: int | None) -> str:
    """The source panel for citation `n` of turn `turn_index` (closest passages after abstaining)."""
    if not 0 <= turn_index < len(turns):
        return render.empty_panel()
    turn = turns[turn_index]
    closest = bool(turn["abstained"])
    cites = turn["closest"] if closest else turn["citations"]
    if not cites:
        return render.empty_panel("The articles don't say anything close to this question.")
    chosen = next((c for c in cites if c["n"] == n), cites[0])
    items = [render.SourceItem(c["n"], c["doc_id"], c["title"], c["quote"]) for c in cites]
    entry = bot.index.view().entries.get(chosen["doc_id"])
    text = entry.doc.text if entry else ""
    same_doc = [c for c in cites if c["doc_id"] == chosen["doc_id"] and text[c["start"] : c["end"]] == c["quote"]]
    if not any(c["n"] == chosen["n"] for c in same_doc):  # removed or changed since the answer
        text = chosen["quote"]
        same_doc = [dict(chosen, start=0, end=len(text))]
    return render.source_panel(
        title=chosen["title"],
        doc_id=chosen["doc_id"],
        text=text,
        spans=[render.Span(c["n"], c["start"], c["end"]) for c in same_doc],
        active=chosen["n"],
        items=items,
        turn=turn_index,
        closest=closest,
    )


# ---------------------------------------------------------------- documents


def document_rows(bot: Assistant) -> list[tuple[str, str, int, int]]:
    return [(d.doc_id, d.title, d.sentences, d.characters) for d in sorted(bot.documents(), key=lambda d: d.doc_id)]


def starters_for(bot: Assistant, count: int = 4) -> list[str]:
    """Starter questions from the indexed documents that the assistant answers without abstaining."""
    view = bot.index.view()
    docs = [(e.doc.title, e.doc.text) for e in view.entries.values()]
    return suggest.starter_questions(docs, lambda q: not bot.ask(q).abstained, count=count)


def ingest_summary(report: Any, rejected: list[tuple[str, str]]) -> str:
    """One short, escaped paragraph: what was added, updated, skipped and why."""
    lines = []
    if report is not None:
        if report.added:
            lines.append("Added: " + ", ".join(report.added))
        if report.updated:
            lines.append("Updated: " + ", ".join(report.updated))
        for doc_id, note in getattr(report, "notes", []):
            lines.append(f"Note on {doc_id}: {note}")
        for path, reason in report.failed:
            lines.append(f"Skipped {Path(path).name}: {reason}")
    for name, reason in rejected:
        lines.append(f"Skipped {Path(name).name}: {reason}")
    if not lines:
        lines.append("Nothing new: these files were already indexed.")
    return "<div class='qa-status'>" + "".join(f"<div>{render.esc(line)}</div>" for line in lines) + "</div>"


# ---------------------------------------------------------------- the page


def build_app(bot: Assistant) -> gr.Blocks:
    """The Blocks app over an open Assistant (not launched)."""
    modes = answer_modes(bot)
    state = {"starters": starters_for(bot)}

    def examples() -> list[dict[str, str]]:
        return [{"text": q} for q in state["starters"]]

    def placeholder() -> str:
        hint = "Try one of the questions below, or type your own." if state["starters"] else "Type a question below."
        return f"<div class='qa-placeholder'><b>Ask about your articles.</b><br>{hint}</div>"

    def doc_choices() -> list[str]:
        return [row[0] for row in document_rows(bot)]

    with gr.Blocks(title="Ask the article", analytics_enabled=False, fill_width=True) as demo:
        turns = gr.State([])
        with gr.Row(elem_id="qa-header"):
            gr.HTML(
                "<div class='qa-brand'><span class='qa-logo'>❝</span> <b>Ask the article</b>"
                "<span class='qa-tagline'>Answers come only from your documents, and every claim "
                "cites the exact passage. Click a [n] mark to read it in place.</span></div>",
                js_on_load=None,
            )
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=380):
                chatbot = gr.Chatbot(
                    elem_id="qa-chat",
                    show_label=False,
                    height="62vh",
                    layout="panel",
                    render_markdown=False,
                    sanitize_html=True,
                    latex_delimiters=[],
                    buttons=["copy"],
                    feedback_options=None,
                    allow_tags=False,
                    examples=examples() or None,
                    placeholder=placeholder(),
                )
                with gr.Row(elem_id="qa-ask-row"):
                    question = gr.Textbox(
                        elem_id="qa-question",
                        show_label=False,
                        placeholder="Ask a question about the articles…",
                        scale=8,
                        max_lines=4,
                        autofocus=True,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="qa-send")
                with gr.Row():
                    new_chat = gr.Button("New conversation", size="sm", variant="secondary", elem_id="qa-new")
            with gr.Column(scale=4, min_width=340):
                with gr.Tabs(elem_id="qa-tabs") as tabs:
                    with gr.Tab("Source", id="source"):
                        panel = gr.HTML(
                            render.empty_panel(),
                            elem_id="qa-source",
                            js_on_load=render.CLICK_BRIDGE_JS,
                            apply_default_css=False,
                        )
                    with gr.Tab("Documents", id="documents"):
                        docs_table = gr.HTML(render.documents_table(document_rows(bot)), elem_id="qa-docs", js_on_load=None)
                        upload = gr.File(
                            label=f"Add documents ({', '.join(SUPPORTED_SUFFIXES)}; up to {MAX_FILE_BYTES // 1_000_000} MB each)",
                            file_count="multiple",
                            file_types=list(SUPPORTED_SUFFIXES),
                            elem_id="qa-upload",
                        )
                        status = gr.HTML("", elem_id="qa-status", js_on_load=None)
                        with gr.Row():
                            to_remove = gr.Dropdown(
                                choices=doc_choices(), value=None, label="Remove a document", scale=3,
                                elem_id="qa-remove-choice",
                            )
                            remove = gr.Button("Remove", variant="stop", scale=1, elem_id="qa-remove")
                    with gr.Tab("Settings", id="settings"):
                        mode = gr.Radio(
                            choices=modes,
                            value="extractive",
                            label="Answer mode",
                            info="extractive: the answer is sentences quoted from the articles"
                            + ("; llm: a configured chat model writes it, and every sentence is checked against its citations"
                               if "llm" in modes else ". No LLM is configured (see the README to add one)."),
                            elem_id="qa-mode",
                        )
                        top_k = gr.Slider(
                            minimum=1, maximum=20, value=8, step=1, label="Passages to retrieve", elem_id="qa-topk"
                        )

        def respond(text: str, history: list[Turn], answer_mode: str, k: float) -> Iterator[tuple[Any, ...]]:
            history = list(history)
            turn: Turn = {"question": text, "text": "", "abstained": False, "citations": [], "closest": []}
            try:
                pieces = answer_stream(bot, text, history_of(history), answer_mode, int(k))
                written = ""
                final = None
                for piece in pieces:
                    if isinstance(piece, str):
                        written += piece
                        yield to_messages(history + [turn], partial=written), history, gr.skip(), ""
                    else:
                        final = piece
            except (QuestionError, StoreBusyError) as error:
                turn["error"] = str(error)
                history.append(turn)
                yield to_messages(history), history, gr.skip(), ""
                return
            assert final is not None
            turn.update(
                question=text,
                text=final.text,
                abstained=final.abstained,
                citations=[c.to_dict() for c in final.citations],
                closest=[c.to_dict() for c in final.closest],
            )
            history.append(turn)
            first = turn["closest" if final.abstained else "citations"]
            yield (
                to_messages(history),
                history,
                citation_panel(bot, history, len(history) - 1, first[0]["n"] if first else None),
                "",
            )

        def show_source(history: list[Turn], evt: gr.EventData) -> tuple[str, Any]:
            data = getattr(evt, "_data", None) or {}
            try:
                turn_index, n = int(data.get("turn", -1)), int(data.get("n", 0))
            except (TypeError, ValueError):
                return gr.skip(), gr.skip()
            return citation_panel(bot, history, turn_index, n), gr.Tabs(selected="source")

        def pick_example(evt: gr.SelectData) -> str:
            value = evt.value
            return value.get("text", "") if isinstance(value, dict) else str(value)

        def refreshed(message: str) -> tuple[Any, ...]:
            state["starters"] = starters_for(bot)
            return (
                message,
                render.documents_table(document_rows(bot)),
                gr.Dropdown(choices=doc_choices(), value=None),
                gr.Chatbot(examples=examples() or None, placeholder=placeholder()),
                None,
            )

        def add_files(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
            if not files:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            progress(0.05, desc="Checking files")
            paths = [Path(f) for f in files]
            with tempfile.TemporaryDirectory(prefix="qa-upload-") as staging:
                check = stage_uploads(paths, Path(staging))
                report = None
                if check.accepted:
                    progress(0.2, desc=f"Indexing {len(check.accepted)} file(s)")
                    try:
                        report = bot.ingest(check.accepted)
                    except (IngestBusyError, DocumentError, OSError) as error:
                        return (render.error_html(str(error)), gr.skip(), gr.skip(), gr.skip(), None)
            progress(0.9, desc="Updating suggestions")
            return refreshed(ingest_summary(report, check.rejected))

        def remove_doc(doc_id: str | None) -> tuple[Any, ...]:
            if not doc_id:
                return render.error_html("Choose a document to remove."), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            try:
                bot.remove(doc_id)
            except (FileNotFoundError, IngestBusyError, OSError) as error:
                return render.error_html(str(error)), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return refreshed(f"<div class='qa-status'>Removed {render.esc(doc_id)}</div>")

        def clear() -> tuple[Any, ...]:
            return [], [], render.empty_panel(), ""

        ask_inputs = [question, turns, mode, top_k]
        ask_outputs = [chatbot, turns, panel, question]
        question.submit(respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask")
        send.click(respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask")
        chatbot.example_select(pick_example, None, question, api_visibility="private").then(
            respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask"
        )
        panel.click(show_source, [turns], [panel, tabs], api_visibility="private")
        new_chat.click(clear, None, [chatbot, turns, panel, question], api_visibility="private")
        doc_outputs = [status, docs_table, to_remove, chatbot, upload]
        upload.upload(add_files, [upload], doc_outputs, api_visibility="private", concurrency_id="ingest", concurrency_limit=1)
        remove.click(remove_doc, [to_remove], doc_outputs, api_visibility="private", concurrency_id="ingest", concurrency_limit=1)

        def ask_api(question: str, history: list[list[str]] | None = None, passages: int = 8, mode: str = "extractive") -> dict[str, Any]:
            """Answer a question from the indexed articles only.

            Returns JSON: {"answer": text with [n] marks, "abstained": bool, "citations": [{"n",
            "doc_id", "title", "source", "start", "end", "quote"}], "closest": passages shown when
            abstaining (not answers), "confidence", "mode", "question"}. `history` is earlier turns
            as [[question, answer], ...]; `passages` is how many passages to retrieve (1-20).
            """
            if mode not in modes:
                raise gr.Error(f"answer mode must be one of {', '.join(modes)}")
            turns_in = [(str(q), str(a)) for q, a in (history or [])]
            try:
                if mode == "extractive":
                    answer = bot.ask(question, history=turns_in, top_k=max(1, min(int(passages), 20)))
                else:
                    answer = bot.ask(question, history=turns_in, top_k=max(1, min(int(passages), 20)), mode=mode)
            except (QuestionError, StoreBusyError) as error:
                raise gr.Error(str(error)) from None
            return answer.to_dict()

        gr.api(ask_api, api_name="ask", concurrency_id="ask")
    return demo


def launch_options(host: str, port: int) -> dict[str, Any]:
    """Arguments for `Blocks.launch`: local only by default, no telemetry, no external assets."""
    theme = gr.themes.Soft(
        primary_hue="indigo", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS
    )
    return dict(
        server_name=host,
        server_port=port,
        share=False,
        theme=theme,
        css=CSS_PATH.read_text(encoding="utf-8"),
        max_file_size=MAX_FILE_BYTES,
        footer_links=["api"],
        run_history=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        show_error=False,
        strict_cors=True,
        inbrowser=False,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Chat with your articles; every answer cites exact passages.")
    parser.add_argument("--host", default=os.environ.get("QA_HOST", DEFAULT_HOST),
                        help=f"interface to listen on (default: $QA_HOST or {DEFAULT_HOST}; 0.0.0.0 exposes it to the network)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("QA_PORT", DEFAULT_PORT)),
                        help=f"port (default: $QA_PORT or {DEFAULT_PORT})")
    parser.add_argument("--corpus", type=Path, help="folder of articles (default: $QA_CORPUS_DIR or ./corpus)")
    parser.add_argument("--index", type=Path, help="index folder (default: $QA_INDEX_DIR or .qa-index/<corpus>)")
    parser.add_argument("--chroma-url", help="a Chroma server (default: $QA_CHROMA_URL, else embedded)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print("opening the index (the first run builds it)…", file=sys.stderr, flush=True)
    try:
        bot = Assistant.open(index_dir=args.index, corpus=args.corpus, chroma_url=args.chroma_url)
    except (IngestBusyError, DocumentError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    demo = build_app(bot)
    demo.queue(default_concurrency_limit=2)
    demo.launch(**launch_options(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
