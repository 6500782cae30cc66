"""The chat app (app.py): options, callbacks, the /ask API through gradio_client, and the page in
real headless Chromium (Debian's chromium driven by Playwright).

One real app is launched per module in a subprocess on a free 127.0.0.1 port, over a tmp corpus
holding the bundled article: the real embedding model, Chroma on disk, Gradio's real server.
Browser tests skip when chromium is missing, except in CI (env CI set), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import pytest

from conftest import BUNDLED, ROOT

sys.path.insert(0, str(ROOT))
import app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOT = ROOT / "docs" / "screenshot.png"  # rewritten only with QA_UPDATE_SCREENSHOT=1
STARTUP_LIMIT = 300  # seconds to wait for the app to come up (model load + first index build)
HOSTILE_ARTICLE = (
    "Harbour festival <script>alert('title')</script> draws crowds\n\n"
    "The Valmora harbour festival drew 40,000 visitors on Sunday <img src=x onerror=alert(1)>, "
    "the organisers said.\n\n"
    "<script>window.__pwned = 1; alert(2)</script> The fireworks over the harbour lasted twelve minutes.\n\n"
    'Organisers said <img src=x onerror="window.__pwned=1"> next year\'s festival will run for three days.\n'
)


# ---------------------------------------------------------------- options and callbacks (no server)


def test_listens_on_loopback_by_default(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("QA_HOST", raising=False)
    monkeypatch.delenv("QA_PORT", raising=False)
    args = app.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 7860)


def test_environment_sets_host_and_port_and_flags_win(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QA_HOST", "0.0.0.0")
    monkeypatch.setenv("QA_PORT", "9001")
    assert (app.parse_args([]).host, app.parse_args([]).port) == ("0.0.0.0", 9001)
    args = app.parse_args(["--host", "127.0.0.1", "--port", "9002", "--corpus", "c", "--index", "i"])
    assert (args.host, args.port, args.corpus, args.index) == ("127.0.0.1", 9002, Path("c"), Path("i"))


def test_launch_options_keep_everything_local():
    options = app.launch_options("127.0.0.1", 7860)
    assert options["server_name"] == "127.0.0.1" and options["share"] is False
    assert options["run_history"] is False and options["ssr_mode"] is False
    assert options["max_file_size"] > 0
    fonts = " ".join(str(f) for f in options["theme"]._font + options["theme"]._font_mono)
    assert "googleapis" not in json.dumps(options["theme"].to_dict()) and "sans-serif" in fonts
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_only_extractive_mode_without_a_configured_model():
    class Plain:
        pass

    class WithModel:
        llm_available = True

    assert app.answer_modes(Plain()) == ["extractive"]  # type: ignore[arg-type]
    assert app.answer_modes(WithModel()) == ["extractive", "llm"]  # type: ignore[arg-type]


def test_history_skips_turns_that_were_errors():
    turns = [
        {"question": "q1", "text": "a1 [1]", "abstained": False, "citations": [], "closest": []},
        {"question": " ", "text": "", "abstained": False, "citations": [], "closest": [], "error": "empty"},
    ]
    assert app.history_of(turns) == [("q1", "a1 [1]")]


def test_messages_escape_user_text():
    turns = [{"question": "<img src=x onerror=alert(1)>", "text": "no", "abstained": True, "citations": [], "closest": []}]
    messages = app.to_messages(turns)
    assert "<img" not in messages[0]["content"] and "&lt;img" in messages[0]["content"]


def test_extractive_answers_stream_in_pieces_that_add_up(bundled_assistant):
    pieces = list(app.answer_stream(bundled_assistant, "Which countries rejected sending troops?", [], "extractive", 8))
    final = pieces[-1]
    texts = [p for p in pieces if isinstance(p, str)]
    assert len(texts) > 1 and "".join(texts) == final.text


def test_citation_panel_highlights_the_quote_at_its_offsets(bundled_assistant):
    answer = bundled_assistant.ask("Which countries rejected sending troops?")
    assert answer.citations
    turn = {"question": "q", "text": answer.text, "abstained": False,
            "citations": [c.to_dict() for c in answer.citations], "closest": []}
    panel = app.citation_panel(bundled_assistant, [turn], 0, answer.citations[0].n)
    from html import escape

    assert f'id="qa-active">{escape(answer.citations[0].quote)}</mark>' in panel


def test_citation_panel_falls_back_to_the_quote_when_the_document_changed(bundled_assistant):
    cite = {"n": 1, "doc_id": "gone.txt", "title": "Gone", "source": "", "start": 0, "end": 5, "quote": "Hello"}
    turn = {"question": "q", "text": "Hello [1]", "abstained": False, "citations": [cite], "closest": []}
    panel = app.citation_panel(bundled_assistant, [turn], 0, 1)
    assert 'id="qa-active">Hello</mark>' in panel


# ---------------------------------------------------------------- a launched app


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`python app.py` on a free port over a tmp corpus with the bundled article; yields its URL."""
    base = tmp_path_factory.mktemp("app")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(BUNDLED, corpus / BUNDLED.name)
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    env.pop("QA_HOST", None)
    log = open(base / "app.log", "w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(corpus), "--index", str(base / "index")],
        cwd=base, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_LIMIT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app.py exited with {proc.returncode}:\n{(base / 'app.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not answer within {STARTUP_LIMIT}s:\n{(base / 'app.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield {"url": url, "port": port, "corpus": corpus, "base": base}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def client(url: str):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(url + "/", verbose=False, analytics_enabled=False, download_files=False)


@pytest.mark.slow
def test_api_returns_the_answer_and_exact_citations_as_json(server: dict):
    result = client(server["url"]).predict("Which countries rejected sending troops?", api_name="/ask")
    assert set(result) >= {"answer", "abstained", "citations", "closest", "confidence", "question"}
    assert not result["abstained"] and result["citations"]
    for cite in result["citations"]:
        text = (server["corpus"] / cite["doc_id"]).read_text(encoding="utf-8")
        assert text[cite["start"] : cite["end"]] == cite["quote"]
        assert f"[{cite['n']}]" in result["answer"]


@pytest.mark.slow
def test_api_takes_history_and_passages(server: dict):
    c = client(server["url"])
    first = c.predict("Which countries rejected sending troops?", api_name="/ask")
    follow = c.predict(
        question="And which ones are more open to it?",
        history=[["Which countries rejected sending troops?", first["answer"]]],
        passages=3,
        api_name="/ask",
    )
    assert follow["question"] and isinstance(follow["citations"], list)


@pytest.mark.slow
def test_api_gives_a_one_line_message_for_an_empty_question(server: dict):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="the question is empty"):
        client(server["url"]).predict("   ", api_name="/ask")


@pytest.mark.slow
def test_app_is_not_reachable_on_other_interfaces(server: dict):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    if address.startswith("127."):
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError):
        socket.create_connection((address, server["port"]), timeout=5).close()


# ---------------------------------------------------------------- the page in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright; skipped when missing, except in CI."""
    missing = None
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing = "chromium is not installed (sudo apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright is not installed"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: browser tests must run in CI")
        pytest.skip(missing)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Page:
    """A page of the app that records every request and every dialog."""

    def __init__(self, browser, url: str) -> None:  # type: ignore[no-untyped-def]
        self.url = url
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url + "/", wait_until="load")
        self.page.wait_for_selector("#qa-question textarea")
        self.page.wait_for_selector("#qa-source .qa-panel")
        self.page.evaluate(
            """() => {
              window.__sawStreaming = false;
              new MutationObserver(() => {
                if (document.querySelector('#qa-chat .qa-streaming')) window.__sawStreaming = true;
              }).observe(document.body, {subtree: true, childList: true, characterData: true});
            }"""
        )

    def ask(self, question: str) -> None:
        """Type a question, send it, and wait until that answer is complete."""
        done = self.page.locator("#qa-chat .qa-answer, #qa-chat .qa-abstain, #qa-chat .qa-error").count()
        self.page.fill("#qa-question textarea", question)
        self.page.click("#qa-send")
        self.page.wait_for_function(
            """(n) => {
              const chat = document.querySelector('#qa-chat');
              return chat && !chat.querySelector('.qa-streaming')
                && chat.querySelectorAll('.qa-answer, .qa-abstain, .qa-error').length > n;
            }""",
            arg=done,
            timeout=120_000,
        )

    def outside_requests(self) -> list[str]:
        local = urlparse(self.url).netloc
        return [u for u in self.requests if not (u.startswith(("data:", "blob:")) or urlparse(u).netloc == local)]

    def close(self) -> None:
        self.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_browser_streams_an_answer_and_a_click_on_its_mark_highlights_the_source(
    server: dict, browser, tmp_path: Path
):
    page = Page(browser, server["url"])
    try:
        page.ask("which countries rejected troops?")
        assert page.page.evaluate("window.__sawStreaming"), "the answer was not streamed"
        first = page.page.locator("#qa-chat .qa-answer").last
        assert first.locator("a.qa-cite").count() >= 1
        # a second, off-topic question moves the panel to its own (closest) passages...
        page.ask("What is the boiling point of water on Mars?")
        # ...and a click on [1] of the first answer brings that answer's source back
        page.page.click("#qa-chat a.qa-cite.qa-t-0.qa-n-1")
        page.page.wait_for_function(
            "() => { const a = document.querySelector('#qa-source #qa-active');"
            " return a && a.textContent.includes('publicly rejected'); }",
            timeout=30_000,
        )
        active = page.page.locator("#qa-source #qa-active")
        assert active.is_visible()
        assert "qa-hl-active" in (active.get_attribute("class") or "")
        page.page.wait_for_timeout(600)  # let the smooth scroll settle before the picture
        # the README's picture is refreshed on request; a plain test run leaves the checkout clean
        picture = SCREENSHOT if os.environ.get("QA_UPDATE_SCREENSHOT") == "1" else tmp_path / "screenshot.png"
        page.page.screenshot(path=str(picture))
        assert picture.stat().st_size > 0
        assert page.outside_requests() == []
        assert page.dialogs == []
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_browser_shows_a_hostile_uploaded_article_as_text(server: dict, browser, tmp_path: Path):
    upload = tmp_path / "<img src=x onerror=alert(9)>.txt"
    upload.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    page = Page(browser, server["url"])
    try:
        page.page.click("button[role=tab]:has-text('Documents')")
        page.page.set_input_files("#qa-upload input[type=file]", str(upload))
        page.page.wait_for_function(
            "() => (document.querySelector('#qa-status') || {}).textContent?.includes('Added')", timeout=120_000
        )
        docs_text = page.page.inner_text("#qa-docs")
        assert "Harbour festival <script>alert('title')</script> draws crowds" in docs_text
        page.ask("How many visitors did the harbour festival draw?")
        page.page.click("#qa-chat .qa-answer a.qa-cite, #qa-chat .qa-abstain a.qa-cite >> nth=0")
        page.page.wait_for_function(
            "() => (document.querySelector('#qa-source .qa-doc-text') || {}).textContent?.includes('<img src=x')",
            timeout=30_000,
        )
        shown = page.page.inner_text("#qa-source")
        assert "<img src=x onerror=alert(1)>" in shown
        assert "<script>window.__pwned = 1; alert(2)</script>" in shown
        assert page.page.locator("img[src='x']").count() == 0
        assert page.page.evaluate("window.__pwned === undefined")
        assert page.dialogs == []
        assert page.outside_requests() == []
        stored = [p.name for p in server["corpus"].iterdir()]
        assert all("/" not in name and not name.startswith(".") for name in stored)
        assert any(name.endswith(".txt") and "img" in name for name in stored)
    finally:
        page.close()
