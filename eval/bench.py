"""The benchmark: cold start, warm latency, ingest throughput, size on disk and memory, at scale.

Not a test: it asserts nothing about time, it measures and writes down. Every figure comes from a
fresh subprocess (so peak memory is that phase's own), medians over repeated runs.

    # figures at each corpus size, ours beside the LangChain tutorial recipe -> size-<N>.json
    .venv/bin/python eval/bench.py run --sizes 1,100,1000
    # the same against a Chroma server (vectors there; catalog and BM25 stay in the index folder)
    .venv/bin/python eval/bench.py run --sizes 1000 --chroma-url http://127.0.0.1:8000 --tag server
    # concurrent users of a running app (app.py, endpoint /ask) through gradio_client
    .venv/bin/python eval/bench.py users --url http://127.0.0.1:7860 --users 1,4,16
    # ... spread over several app processes sharing one Chroma server -> users-server.json
    .venv/bin/python eval/bench.py users --url http://127.0.0.1:7861,http://127.0.0.1:7862 --tag server
    # on the indexes a run left: our warm answers against the recipe's warm retrieval, alternating
    .venv/bin/python eval/bench.py compare --work /tmp/qa-bench --sizes 1,100,1000,10000
    # table + summary.json + plots from whatever size-*.json / users.json exist
    .venv/bin/python eval/bench.py report

Measured per size N (corpus from eval/make_corpus.py):
- ingest: wall time of `sync_corpus` into an empty index; sentences/s and chunks/s; next to it,
  in the same process, sentence-transformers' raw `encode` throughput on the same sentence texts
  and on the same chunk texts (a fixed sample when there are more than --raw-sample) at batch
  sizes 8, 16, 32 and 64, the best of which is the baseline, and ratios;
- index size on disk (catalog + Chroma + BM25) and the ingest process's peak RSS;
- cold start: `qa ask QUESTION` as a fresh process on the built index, to its exit (median);
- warm latency: p50/p95 of `bot.retriever.run` and `bot.answerer.answer` per question (median over
  the passes; the first pass, each question asked for the first time, is reported too);
- the LangChain recipe (RecursiveCharacterTextSplitter 500/50, HuggingFaceEmbeddings on the same
  model, langchain_chroma.Chroma, similarity_search k=4): ingest, size, cold start to first
  retrieval, warm retrieval p50/p95, peak RSS; with ratios ours/theirs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

RESULTS = ROOT / "eval" / "bench_results"
DATASETS = ROOT / "eval" / "datasets"
LC_CHUNK, LC_OVERLAP, LC_K = 500, 50, 4
RAW_BATCHES = (8, 16, 32, 64)  # raw encode is timed at each; the best is the baseline


# -- small helpers ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def questions(limit: int) -> list[str]:
    """A fixed question mix: the article's dev questions, then SQuAD questions (deterministic)."""
    found: list[str] = []
    for name in ("article_dev.jsonl", "squad2_public.jsonl"):
        path = DATASETS / name
        if not path.is_file():
            path = Path("/work/shared/eval") / name
        if path.is_file():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            found += [r["question"] for r in rows if r.get("question")]
    unique = list(dict.fromkeys(found))
    if not unique:
        raise SystemExit("bench: no questions found in eval/datasets")
    return unique[:limit]


def children_cpu() -> float:
    """CPU seconds (user + system) of all waited-for children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run a process to its exit: (wall seconds, stdout). Raises on failure."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    out, err = process.communicate()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}... exited {process.returncode}:\n{err[-3000:]}")
    return wall, out


def worker(name: str, **kwargs: Any) -> dict[str, Any]:
    """Run `bench.py _worker NAME` in a fresh interpreter; its JSON result."""
    _, out = run_child([sys.executable, str(Path(__file__).resolve()), "_worker", name, json.dumps(kwargs)], child_env())
    return json.loads(out.strip().splitlines()[-1])


def child_env() -> dict[str, str]:
    """Offline, quiet, and importing `qa` from this tree (so a snapshot checkout measures itself)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONPATH=path)


def code_version() -> str:
    """The commit measured (a snapshot made with `git archive` has none: then QA_BENCH_COMMIT)."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "qa"], capture_output=True, text=True, timeout=10)
    except OSError:
        return os.environ.get("QA_BENCH_COMMIT", "unknown")
    if out.returncode != 0:
        return os.environ.get("QA_BENCH_COMMIT", "unknown")
    return out.stdout.strip() + ("+uncommitted" if dirty.stdout.strip() else "")


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- workers (each runs in its own process) ---------------------------------------------------


def w_ingest(corpus: str, index: str, chroma_url: str | None, raw_sample: int) -> dict[str, Any]:
    """Ingest into an empty index, then raw encode throughput on the same texts, same process."""
    from qa import embeddings
    from qa.chunking import make_chunks
    from qa.index import Index
    from qa.ingest import CHUNK_OVERLAP, CHUNK_SIZE, sync_corpus

    warm_up = ["A sentence to warm the model up, as long as an average one in the corpus."] * 128
    embeddings.model().encode(warm_up, batch_size=64)  # loaded and warm before either timing
    t0 = time.perf_counter()
    index = Index.open(Path(index), chroma_url=chroma_url)
    report = sync_corpus(index, Path(corpus))
    ingest_s = time.perf_counter() - t0
    entries = index.catalog.entries()
    sentences = [e.doc.text[s.start : s.end] for e in entries for s in e.sentences]
    chunks = [
        e.doc.text[c.start : c.end]
        for e in entries
        for c in make_chunks(list(e.sentences), CHUNK_SIZE, CHUNK_OVERLAP)
    ]
    rng = random.Random(0)
    s_sample = sentences if len(sentences) <= raw_sample else rng.sample(sentences, raw_sample)
    c_sample = chunks if len(chunks) <= raw_sample // 4 else rng.sample(chunks, raw_sample // 4)
    model = embeddings.model()

    def rate(texts: list[str], batch_size: int) -> float:
        t = time.perf_counter()
        model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
        return len(texts) / (time.perf_counter() - t)

    # the practical limit is the raw encode at its best batch size on this machine, not at ours
    raw_by_batch = {b: rate(s_sample, b) for b in RAW_BATCHES}
    raw_chunks_by_batch = {b: rate(c_sample, b) for b in RAW_BATCHES}
    return {
        "documents": len(entries),
        "characters": sum(len(e.doc.text) for e in entries),
        "sentences": len(sentences),
        "chunks": len(chunks),
        "failed": len(report.failed),
        "ingest_s": ingest_s,
        "raw_sentence_texts": len(s_sample),
        "raw_sentences_per_s": max(raw_by_batch.values()),
        "raw_sentences_per_s_by_batch": raw_by_batch,
        "raw_chunk_texts": len(c_sample),
        "raw_chunks_per_s": max(raw_chunks_by_batch.values()),
        "raw_chunks_per_s_by_batch": raw_chunks_by_batch,
        "ingest_batch": embeddings.BULK_BATCH,
        "peak_rss_mb": peak_rss_mb(),
    }


def w_warm(corpus: str, index: str, chroma_url: str | None, queries: list[str], repeats: int) -> dict[str, Any]:
    """Warm latency per question, split into retrieval and answering."""
    from qa import Assistant

    bot = Assistant.open(index_dir=index, corpus=corpus, chroma_url=chroma_url, sync=False)
    for q in queries[:3]:
        bot.ask(q)
    runs = []
    for _ in range(repeats):
        retrieval, answering, total = [], [], []
        for q in queries:
            t0 = time.perf_counter()
            passages = bot.retriever.run(q, top_k=8)
            t1 = time.perf_counter()
            bot.answerer.answer(q, passages, bot.index.view())
            t2 = time.perf_counter()
            retrieval.append(t1 - t0)
            answering.append(t2 - t1)
            total.append(t2 - t0)
        runs.append({
            f"{name}_{p}_ms": 1000 * percentile(values, q)
            for name, values in (("retrieval", retrieval), ("answering", answering), ("total", total))
            for p, q in (("p50", 50), ("p95", 95))
        })
    result = {key: median([r[key] for r in runs]) for key in runs[0]}
    # the first pass asks each question for the first time: what it needs may not be cached yet
    # (the facts of its candidate sentences, unless earlier questions read them)
    result.update({f"first_pass_{key}": value for key, value in runs[0].items()})
    result["queries"] = len(queries)
    result["repeats"] = repeats
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _lc_store(folder: str):  # type: ignore[no-untyped-def]
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    from qa.embeddings import model_path

    emb = HuggingFaceEmbeddings(model_name=str(model_path()), model_kwargs={"device": "cpu"})
    return Chroma(
        collection_name="recipe", embedding_function=emb, persist_directory=folder,
        client_settings=Settings(anonymized_telemetry=False, is_persistent=True, persist_directory=folder),
    )


def w_lc_ingest(corpus: str, folder: str) -> dict[str, Any]:
    """The LangChain tutorial recipe: split 500/50, embed with the same model, add to Chroma."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    store = _lc_store(folder)
    store.embeddings.embed_documents(["A sentence to warm the model up, as long as an average one."] * 128)  # type: ignore[union-attr]
    t0 = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=LC_CHUNK, chunk_overlap=LC_OVERLAP, add_start_index=True)
    texts, metas = [], []
    for path in sorted(Path(corpus).glob("*.txt")):
        for piece in splitter.create_documents([path.read_text(encoding="utf-8")], metadatas=[{"source": path.name}]):
            texts.append(piece.page_content)
            metas.append(piece.metadata)
    for i in range(0, len(texts), 1000):
        store.add_texts(texts[i : i + 1000], metadatas=metas[i : i + 1000])
    ingest_s = time.perf_counter() - t0
    return {"chunks": len(texts), "ingest_s": ingest_s, "peak_rss_mb": peak_rss_mb()}


def w_lc_warm(folder: str, queries: list[str], repeats: int) -> dict[str, Any]:
    store = _lc_store(folder)
    for q in queries[:3]:
        store.similarity_search(q, k=LC_K)
    runs = []
    for _ in range(repeats):
        times = []
        for q in queries:
            t0 = time.perf_counter()
            store.similarity_search(q, k=LC_K)
            times.append(time.perf_counter() - t0)
        runs.append((1000 * percentile(times, 50), 1000 * percentile(times, 95)))
    return {
        "retrieval_p50_ms": median([r[0] for r in runs]),
        "retrieval_p95_ms": median([r[1] for r in runs]),
        "peak_rss_mb": peak_rss_mb(),
    }


def w_lc_cold(folder: str, question: str) -> dict[str, Any]:
    """Fresh process to the recipe's first retrieval (timed from outside, like `qa ask`)."""
    hits = _lc_store(folder).similarity_search(question, k=LC_K)
    return {"hits": len(hits), "peak_rss_mb": peak_rss_mb()}


def profile_warm(corpus: Path, index: Path, chroma_url: str | None, n_questions: int, repeats: int, out: Path) -> Path:
    """pyinstrument over the warm query path (retrieval + answering), after a warm-up; the text
    report goes to stdout and an HTML one to `out`."""
    from pyinstrument import Profiler

    from qa import Assistant

    bot = Assistant.open(index_dir=index, corpus=corpus, chroma_url=chroma_url, sync=False)
    qs = questions(n_questions)
    for q in qs[:3]:
        bot.ask(q)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(repeats):
        for q in qs:
            view = bot.index.view()
            passages = bot.retriever.run(q, top_k=8, view=view)
            bot.answerer.answer(q, passages, view)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_html())
    return out


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "ingest": w_ingest, "warm": w_warm, "lc_ingest": w_lc_ingest, "lc_warm": w_lc_warm, "lc_cold": w_lc_cold,
}


# -- the run --------------------------------------------------------------------------------


@dataclass
class RunConfig:
    sizes: list[int]
    work: Path
    out: Path
    repeats: int
    queries: int
    cold_runs: int
    ingest_runs: int | None
    raw_sample: int
    chroma_url: str | None
    langchain: bool
    tag: str


def qa_command() -> list[str]:
    exe = Path(sys.executable).with_name("qa")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "qa"]


def ingest_runs_for(size: int, config: RunConfig) -> int:
    if config.ingest_runs is not None:
        return config.ingest_runs
    return 3 if size <= 100 else 2 if size <= 1000 else 1


def bench_size(size: int, config: RunConfig) -> dict[str, Any]:
    from make_corpus import make_corpus

    base = config.work / str(size)
    info = make_corpus(size, base / "corpus")
    corpus = base / "corpus"
    say(f"N={size}: corpus {info.documents} docs, {info.characters:,} chars, fingerprint {info.fingerprint}")
    qs = questions(config.queries)
    result: dict[str, Any] = {
        "size": size, "tag": config.tag, "corpus_fingerprint": info.fingerprint,
        "corpus_characters": info.characters, "chroma": "server" if config.chroma_url else "embedded",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "loadavg_at_start": os.getloadavg()[0]},
        "started": time.strftime("%Y-%m-%d %H:%M:%S"), "code": code_version(),
    }

    ingests = []
    for run in range(ingest_runs_for(size, config)):
        index = base / f"index-{config.tag}"
        shutil.rmtree(index, ignore_errors=True)
        url = config.chroma_url  # a fresh index folder has a fresh collection prefix: runs never collide
        say(f"N={size}: ingest run {run + 1}")
        ingests.append(worker("ingest", corpus=str(corpus), index=str(index), chroma_url=url,
                              raw_sample=config.raw_sample))
        say(f"N={size}: ingest {ingests[-1]['ingest_s']:.1f} s")
    first = ingests[0]
    ingest_s = median([r["ingest_s"] for r in ingests])
    raw_s = median([r["raw_sentences_per_s"] for r in ingests])
    raw_c = median([r["raw_chunks_per_s"] for r in ingests])
    result["ours"] = {
        "documents": first["documents"], "sentences": first["sentences"], "chunks": first["chunks"],
        "ingest_runs": len(ingests), "ingest_s": ingest_s,
        "ingest_sentences_per_s": first["sentences"] / ingest_s,
        "ingest_chunks_per_s": first["chunks"] / ingest_s,
        "ingest_chars_per_s": info.characters / ingest_s,
        "raw_encode_sentences_per_s": raw_s, "raw_encode_chunks_per_s": raw_c,
        "raw_sample_sentences": first["raw_sentence_texts"], "raw_sample_chunks": first["raw_chunk_texts"],
        "raw_encode_sentences_per_s_by_batch": first["raw_sentences_per_s_by_batch"],
        "ingest_batch": first["ingest_batch"],
        "ingest_vs_raw_sentences": (first["sentences"] / ingest_s) / raw_s,
        "ingest_vs_raw_chunks": (first["chunks"] / ingest_s) / raw_c,
        "ingest_peak_rss_mb": max(r["peak_rss_mb"] for r in ingests),
        "index_bytes": disk_bytes(base / f"index-{config.tag}"),
    }
    index = base / f"index-{config.tag}"
    say(f"N={size}: cold start x{config.cold_runs}")
    env = child_env()
    cold, cold_cpu = [], []
    for _ in range(config.cold_runs):
        cmd = qa_command() + ["ask", qs[0], "--corpus", str(corpus), "--index", str(index)]
        if config.chroma_url:
            cmd += ["--chroma-url", config.chroma_url]
        cpu = children_cpu()
        wall, _ = run_child(cmd, env)
        cold.append(wall)
        cold_cpu.append(children_cpu() - cpu)
    result["ours"]["cold_start_s"] = median(cold)
    result["ours"]["cold_start_runs"] = cold
    # on a shared, loaded machine wall time mostly measures waiting for a core; CPU time does not
    result["ours"]["cold_start_cpu_s"] = median(cold_cpu)
    say(f"N={size}: warm latency, {len(qs)} questions x{config.repeats}")
    warm = worker("warm", corpus=str(corpus), index=str(index), chroma_url=config.chroma_url,
                  queries=qs, repeats=config.repeats)
    result["ours"].update({k: v for k, v in warm.items() if k.endswith("_ms")})
    result["ours"]["query_peak_rss_mb"] = warm["peak_rss_mb"]
    result["queries"], result["repeats"] = warm["queries"], warm["repeats"]

    if config.langchain:
        lc_runs = []
        for run in range(ingest_runs_for(size, config)):
            folder = base / "langchain"
            shutil.rmtree(folder, ignore_errors=True)
            say(f"N={size}: LangChain recipe ingest run {run + 1}")
            lc_runs.append(worker("lc_ingest", corpus=str(corpus), folder=str(folder)))
        lc_ingest_s = median([r["ingest_s"] for r in lc_runs])
        lc = {
            "chunks": lc_runs[0]["chunks"], "ingest_s": lc_ingest_s,
            "ingest_chunks_per_s": lc_runs[0]["chunks"] / lc_ingest_s,
            "ingest_chars_per_s": info.characters / lc_ingest_s,
            "ingest_peak_rss_mb": max(r["peak_rss_mb"] for r in lc_runs),
            "index_bytes": disk_bytes(base / "langchain"),
        }
        lc_cold, lc_cpu = [], []
        for _ in range(config.cold_runs):
            cmd = [sys.executable, str(Path(__file__).resolve()), "_worker", "lc_cold",
                   json.dumps({"folder": str(base / "langchain"), "question": qs[0]})]
            cpu = children_cpu()
            lc_cold.append(run_child(cmd, env)[0])
            lc_cpu.append(children_cpu() - cpu)
        lc["cold_start_s"] = median(lc_cold)
        lc["cold_start_cpu_s"] = median(lc_cpu)
        lc["cold_start_runs"] = lc_cold
        say(f"N={size}: LangChain recipe warm retrieval")
        lw = worker("lc_warm", folder=str(base / "langchain"), queries=qs, repeats=config.repeats)
        lc.update({k: v for k, v in lw.items() if k.endswith("_ms")})
        lc["query_peak_rss_mb"] = lw["peak_rss_mb"]
        result["langchain"] = lc
        ours = result["ours"]
        result["ratios_ours_over_langchain"] = {
            "ingest_time": ours["ingest_s"] / lc["ingest_s"],
            "cold_start": ours["cold_start_s"] / lc["cold_start_s"],
            "answer_p50_vs_their_retrieval_p50": ours["total_p50_ms"] / lc["retrieval_p50_ms"],
            "answer_p95_vs_their_retrieval_p95": ours["total_p95_ms"] / lc["retrieval_p95_ms"],
            "index_bytes": ours["index_bytes"] / max(lc["index_bytes"], 1),
            "query_peak_rss": ours["query_peak_rss_mb"] / lc["query_peak_rss_mb"],
        }
    result["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    result["machine"]["loadavg_at_end"] = os.getloadavg()[0]
    config.out.mkdir(parents=True, exist_ok=True)
    target = config.out / f"size-{size}{'' if config.tag == 'embedded' else '-' + config.tag}.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    say(f"N={size}: wrote {target}")
    return result


# -- ours against the recipe on built indexes -------------------------------------------------


def compare(work: Path, sizes: list[int], rounds: int, repeats: int, out: Path) -> dict[str, Any]:
    """Warm answer latency (ours) against the recipe's warm retrieval, on the indexes a `run`
    left in WORK/<N>/, alternating fresh processes (ours, theirs, ours, theirs...) so both see
    the same machine state; medians over the rounds -> compare.json."""
    qs = questions(60)
    result: dict[str, Any] = {"code": code_version(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                              "loadavg_at_start": os.getloadavg()[0], "rounds": rounds, "sizes": {}}
    for size in sizes:
        base = work / str(size)
        ours, theirs = [], []
        for _ in range(rounds):
            ours.append(worker("warm", corpus=str(base / "corpus"), index=str(base / "index-embedded"),
                               chroma_url=None, queries=qs, repeats=repeats))
            theirs.append(worker("lc_warm", folder=str(base / "langchain"), queries=qs, repeats=repeats))
        row = {
            "ours_answer_p50_ms": median([r["total_p50_ms"] for r in ours]),
            "ours_answer_p95_ms": median([r["total_p95_ms"] for r in ours]),
            "theirs_retrieval_p50_ms": median([r["retrieval_p50_ms"] for r in theirs]),
            "theirs_retrieval_p95_ms": median([r["retrieval_p95_ms"] for r in theirs]),
            "ours_first_pass_p50_ms": median([r.get("first_pass_total_p50_ms", float("nan")) for r in ours]),
            "ours_runs_p50_ms": [r["total_p50_ms"] for r in ours],
            "theirs_runs_p50_ms": [r["retrieval_p50_ms"] for r in theirs],
        }
        row["ratio_p50"] = row["ours_answer_p50_ms"] / row["theirs_retrieval_p50_ms"]
        row["ratio_p95"] = row["ours_answer_p95_ms"] / row["theirs_retrieval_p95_ms"]
        row["ratio_first_pass_p50"] = row["ours_first_pass_p50_ms"] / row["theirs_retrieval_p50_ms"]
        result["sizes"][str(size)] = row
        say(f"N={size}: ours {row['ours_answer_p50_ms']:.1f} ms (first pass {row['ours_first_pass_p50_ms']:.1f}), "
            f"recipe {row['theirs_retrieval_p50_ms']:.1f} ms, ratio {row['ratio_p50']:.2f}")
    result["loadavg_at_end"] = os.getloadavg()[0]
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


# -- concurrent users -------------------------------------------------------------------------


def bench_users(
    urls: list[str], users: list[int], seconds: float, api_name: str, out: Path, tag: str = ""
) -> dict[str, Any]:
    """Closed loop: U threads, each with its own gradio_client.Client, asking back to back.
    With several app URLs, user k talks to URL k mod len(urls)."""
    import threading

    from gradio_client import Client

    qs = questions(200)
    results: dict[str, Any] = {"urls": urls, "api_name": api_name, "seconds": seconds, "levels": [],
                               "code": code_version(), "loadavg_at_start": os.getloadavg()[0]}
    for level in users:
        clients = [Client(urls[k % len(urls)], verbose=False) for k in range(level)]
        for client in clients[: len(urls)]:
            client.predict(qs[0], api_name=api_name)  # warm each server
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.perf_counter() + seconds

        def loop(client: Any, offset: int) -> None:
            i = offset
            while time.perf_counter() < stop_at:
                q = qs[i % len(qs)]
                i += level
                t0 = time.perf_counter()
                try:
                    client.predict(q, api_name=api_name)
                except Exception as error:  # a failed request is a result to report, not a crash
                    with lock:
                        errors.append(repr(error)[:200])
                    continue
                with lock:
                    latencies.append(time.perf_counter() - t0)

        start = time.perf_counter()
        threads = [threading.Thread(target=loop, args=(c, k)) for k, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        row = {
            "users": level, "requests": len(latencies), "errors": len(errors),
            "throughput_per_s": len(latencies) / elapsed,
            "p50_ms": 1000 * percentile(latencies, 50), "p95_ms": 1000 * percentile(latencies, 95),
            "first_errors": errors[:3],
        }
        say(f"users={level}: {row['throughput_per_s']:.1f} req/s, p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms")
        results["levels"].append(row)
        for c in clients:
            c.close() if hasattr(c, "close") else None
    out.mkdir(parents=True, exist_ok=True)
    (out / f"users{'-' + tag if tag else ''}.json").write_text(json.dumps(results, indent=2) + "\n")
    return results


# -- report -----------------------------------------------------------------------------------


def load_results(out: Path) -> list[dict[str, Any]]:
    rows = [json.loads(p.read_text()) for p in sorted(out.glob("size-*.json"))]
    return sorted(rows, key=lambda r: (r.get("tag", ""), r["size"]))


def table(rows: list[dict[str, Any]]) -> str:
    head = ("N", "store", "sent", "ingest s", "sent/s", "raw sent/s", "ratio", "chunk/s", "raw chunk/s",
            "cold s", "cold cpu", "retr p50", "retr p95", "ans p50", "total p50", "total p95", "index MB", "RSS MB",
            "| LC ingest s", "LC cold s", "LC p50", "LC p95", "LC MB", "LC RSS")
    lines = []
    for r in rows:
        o, lc = r["ours"], r.get("langchain", {})
        lines.append((
            str(r["size"]), r.get("chroma", ""), str(o["sentences"]), f"{o['ingest_s']:.1f}",
            f"{o['ingest_sentences_per_s']:.0f}", f"{o['raw_encode_sentences_per_s']:.0f}",
            f"{o['ingest_vs_raw_sentences']:.2f}", f"{o['ingest_chunks_per_s']:.0f}",
            f"{o['raw_encode_chunks_per_s']:.0f}", f"{o['cold_start_s']:.2f}", f"{o['cold_start_cpu_s']:.2f}" if "cold_start_cpu_s" in o else "-",
            f"{o['retrieval_p50_ms']:.1f}", f"{o['retrieval_p95_ms']:.1f}", f"{o['answering_p50_ms']:.1f}",
            f"{o['total_p50_ms']:.1f}", f"{o['total_p95_ms']:.1f}", f"{o['index_bytes'] / 1e6:.1f}",
            f"{max(o['ingest_peak_rss_mb'], o['query_peak_rss_mb']):.0f}",
            f"| {lc['ingest_s']:.1f}" if lc else "| -", f"{lc['cold_start_s']:.2f}" if lc else "-",
            f"{lc['retrieval_p50_ms']:.1f}" if lc else "-", f"{lc['retrieval_p95_ms']:.1f}" if lc else "-",
            f"{lc['index_bytes'] / 1e6:.1f}" if lc else "-",
            f"{max(lc['ingest_peak_rss_mb'], lc['query_peak_rss_mb']):.0f}" if lc else "-",
        ))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(head)] if lines else [len(h) for h in head]
    fmt = "  ".join(f"{{:>{w}}}" for w in widths)
    return "\n".join([fmt.format(*head)] + [fmt.format(*line) for line in lines])


def plot(rows: list[dict[str, Any]], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r.get("chroma") == "embedded"]
    if not rows:
        return []
    sizes = [r["size"] for r in rows]
    lc_rows = [r for r in rows if "langchain" in r]
    written = []
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, label, style in (("total", "ours: answer (retrieval + answering)", "-o"), ("retrieval", "ours: retrieval", "--o")):
        ax.plot(sizes, [r["ours"][f"{key}_p50_ms"] for r in rows], style, label=f"{label} p50")
        ax.plot(sizes, [r["ours"][f"{key}_p95_ms"] for r in rows], style, alpha=0.4, label=f"{label} p95")
    if lc_rows:
        ax.plot([r["size"] for r in lc_rows], [r["langchain"]["retrieval_p50_ms"] for r in lc_rows], "-s", label="LangChain recipe: retrieval p50")
        ax.plot([r["size"] for r in lc_rows], [r["langchain"]["retrieval_p95_ms"] for r in lc_rows], "-s", alpha=0.4, label="LangChain recipe: retrieval p95")
    ax.set_xscale("log")
    ax.set_xlabel("documents in the corpus")
    ax.set_ylabel("warm latency per question (ms)")
    ax.set_title("Warm query latency vs corpus size (2-core CPU)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    written.append(out / "latency_vs_size.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(sizes, [r["ours"]["ingest_s"] for r in rows], "-o", label="ours: ingest (sentences + chunks)")
    if lc_rows:
        ax.plot([r["size"] for r in lc_rows], [r["langchain"]["ingest_s"] for r in lc_rows], "-s", label="LangChain recipe: ingest")
    ax.plot(sizes, [r["ours"]["sentences"] / r["ours"]["raw_encode_sentences_per_s"] for r in rows], ":", label="raw encode of the same sentences (model alone)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("documents in the corpus")
    ax.set_ylabel("seconds")
    ax.set_title("Ingest time vs corpus size (2-core CPU)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    written.append(out / "ingest_vs_size.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)
    return written


def report(out: Path) -> int:
    rows = load_results(out)
    if not rows:
        print(f"bench: no results in {out}; run `eval/bench.py run` first", file=sys.stderr)
        return 1
    print(table(rows))
    users = {path.stem: json.loads(path.read_text()) for path in sorted(out.glob("users*.json"))}
    for name, run in users.items():
        print(f"\nconcurrent users, {name} (gradio_client, closed loop, {len(run.get('urls', [1]))} app process(es)):")
        for row in run["levels"]:
            print(f"  {row['users']:>3} users: {row['throughput_per_s']:.1f} answers/s, "
                  f"p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms, errors {row['errors']}")
    (out / "summary.json").write_text(json.dumps({"sizes": rows, "users": users}, indent=2) + "\n")
    for path in plot(rows, out):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


# -- command line -----------------------------------------------------------------------------


def _built_index_arguments(p: argparse.ArgumentParser, repeats: int) -> None:
    """The options of the commands that question an index built already."""
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--chroma-url")
    p.add_argument("--queries", type=int, default=60)
    p.add_argument("--repeats", type=int, default=repeats)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_worker"]:
        result = WORKERS[argv[1]](**json.loads(argv[2]))
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description="ask-the-article benchmark (see the module docstring)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="measure at each corpus size; writes size-<N>.json")
    p.add_argument("--sizes", default="1,100,1000", help="comma-separated document counts (default 1,100,1000)")
    p.add_argument("--work", type=Path, default=Path("/tmp/qa-bench"), help="where corpora and indexes go")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--repeats", type=int, default=3, help="warm passes over the questions (median of their p50/p95)")
    p.add_argument("--queries", type=int, default=60, help="questions per warm pass")
    p.add_argument("--cold-runs", type=int, default=5, help="fresh `qa ask` processes (median)")
    p.add_argument("--ingest-runs", type=int, help="ingests into an empty index (default 3 / 2 / 1 by size)")
    p.add_argument("--raw-sample", type=int, default=8000, help="sentences for the raw encode figure (chunks: a quarter)")
    p.add_argument("--chroma-url", help="measure against a Chroma server instead of the embedded store")
    p.add_argument("--no-langchain", action="store_true", help="skip the LangChain recipe")
    p.add_argument("--tag", help="results suffix (default: embedded, or server with --chroma-url)")
    p = sub.add_parser("users", help="concurrent gradio_client users against a running app")
    p.add_argument("--url", default="http://127.0.0.1:7860", help="an app URL, or several, comma-separated")
    p.add_argument("--users", default="1,4,16")
    p.add_argument("--tag", default="", help="results in users-<tag>.json (default users.json)")
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--api-name", default="/ask")
    p.add_argument("--out", type=Path, default=RESULTS)
    p = sub.add_parser("warm", help="warm latency only, on an index built already (JSON on stdout)")
    _built_index_arguments(p, repeats=3)
    p = sub.add_parser("compare", help="our warm answers against the recipe's warm retrieval on built indexes")
    p.add_argument("--work", type=Path, default=Path("/tmp/qa-bench"), help="the --work of an earlier run")
    p.add_argument("--sizes", default="1,100,1000")
    p.add_argument("--rounds", type=int, default=2, help="alternating fresh processes per system")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", type=Path, default=RESULTS)
    p = sub.add_parser("profile", help="pyinstrument over warm questions on a built index")
    _built_index_arguments(p, repeats=2)
    p.add_argument("--html", type=Path, default=Path("/tmp/qa-profile.html"))
    p = sub.add_parser("report", help="table, summary.json and plots from saved results")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.command == "report":
        return report(args.out)
    if args.command == "warm":
        result = worker("warm", corpus=str(args.corpus), index=str(args.index), chroma_url=args.chroma_url,
                        queries=questions(args.queries), repeats=args.repeats)
        result.update(code=code_version(), loadavg=os.getloadavg()[0], index=str(args.index))
        print(json.dumps(result, indent=2))
        return 0
    if args.command == "compare":
        compare(args.work, [int(x) for x in args.sizes.split(",")], args.rounds, args.repeats, args.out)
        return 0
    if args.command == "profile":
        profile_warm(args.corpus, args.index, args.chroma_url, args.queries, args.repeats, args.html)
        return 0
    if args.command == "users":
        urls = [u.strip() for u in args.url.split(",") if u.strip()]
        bench_users(urls, [int(x) for x in args.users.split(",")], args.seconds, args.api_name, args.out, args.tag)
        return report(args.out)
    config = RunConfig(
        sizes=[int(x) for x in args.sizes.split(",")], work=args.work, out=args.out, repeats=args.repeats,
        queries=args.queries, cold_runs=args.cold_runs, ingest_runs=args.ingest_runs,
        raw_sample=args.raw_sample, chroma_url=args.chroma_url, langchain=not args.no_langchain,
        tag=args.tag or ("server" if args.chroma_url else "embedded"),
    )
    for size in config.sizes:
        bench_size(size, config)
    return report(config.out)


if __name__ == "__main__":
    sys.exit(main())
