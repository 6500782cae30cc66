"""Reproducible benchmark corpora of 1, 100, 1,000 or 10,000 news-like documents (nothing downloaded).

The transformation, exactly:
- document 0 is the bundled article (`corpus/france-troops-ukraine.txt`), byte for byte;
- document i >= 1 is a title line, a blank line, and `2 + i % 3` paragraphs; each paragraph is a
  SQuAD 2.0 context from `eval/datasets/squad2_public.jsonl` (unique contexts, sorted by their
  doc_id), drawn without replacement by `random.Random(f"{seed}:{i}")`; the title is
  "Briefing {i}: " followed by the first eight words of the first paragraph.
So documents average about 2,400 characters (three paragraphs, ~15 sentences), sentences repeat
across documents the way wire copy does, document i is the same in every size (the 100-document
corpus is the first 100 documents of the 10,000-document one), and the whole corpus has a
fingerprint (sha256 over names and bytes) that the benchmark records.

    .venv/bin/python eval/make_corpus.py --size 1000 --out /tmp/bench/1000/corpus
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQUAD = ROOT / "eval" / "datasets" / "squad2_public.jsonl"
SHARED_SQUAD = Path("/work/shared/eval/squad2_public.jsonl")
BUNDLED = ROOT / "corpus" / "france-troops-ukraine.txt"
SIZES = (1, 100, 1000, 10000)
DEFAULT_SEED = 6


@dataclass(frozen=True)
class CorpusInfo:
    folder: Path
    documents: int
    characters: int
    fingerprint: str


def contexts(path: Path = SQUAD) -> list[str]:
    """The unique SQuAD contexts, in doc_id order (the order does not depend on the file's)."""
    if not path.is_file() and SHARED_SQUAD.is_file():
        path = SHARED_SQUAD
    by_id: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                by_id.setdefault(row["doc_id"], " ".join(row["context"].split()))
    return [by_id[k] for k in sorted(by_id)]


def document(i: int, pool: list[str], seed: int = DEFAULT_SEED) -> tuple[str, str]:
    """(file name, text) of document `i` (i >= 1) built from the context pool."""
    rng = random.Random(f"{seed}:{i}")
    paragraphs = rng.sample(pool, 2 + i % 3)
    title = f"Briefing {i}: " + " ".join(paragraphs[0].split()[:8])
    return f"doc-{i:05d}.txt", title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def make_corpus(size: int, out: Path, seed: int = DEFAULT_SEED) -> CorpusInfo:
    """Write `size` documents into `out` (created; files it already holds with the same bytes stay)."""
    if size < 1:
        raise ValueError("size must be >= 1")
    out.mkdir(parents=True, exist_ok=True)
    pool = contexts()
    files = [(BUNDLED.name, BUNDLED.read_text(encoding="utf-8"))]
    files += [document(i, pool, seed) for i in range(1, size)]
    digest = hashlib.sha256()
    characters = 0
    for name, text in files:
        data = text.encode("utf-8")
        target = out / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        digest.update(name.encode() + b"\0" + data + b"\0")
        characters += len(text)
    return CorpusInfo(out, len(files), characters, digest.hexdigest()[:16])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, required=True, help=f"documents, e.g. one of {SIZES}")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the documents into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    try:
        info = make_corpus(args.size, args.out, args.seed)
    except (ValueError, OSError) as error:
        print(f"make_corpus: error: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"folder": str(info.folder), "documents": info.documents,
                      "characters": info.characters, "fingerprint": info.fingerprint}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
