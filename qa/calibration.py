"""The learned weights: a linear ranker of candidate sentences, a linear reranker of its best few,
and a logistic abstention model.

Both are fitted by `eval/calibrate.py` on the public development sets (logistic regression,
cross-validated by document, see eval/REPORT.md) and stored in `qa/calibration.json`; this module
only loads and applies them.

    >>> cal = load_calibration()
    >>> cal.ranker.log_odds(np.zeros((1, len(cal.ranker.weights))))
    array([...])
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class LinearModel:
    """log-odds = bias + weights . ((x - mean) / scale)."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.weights) + self.bias

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.log_odds(x)))

    @classmethod
    def from_dict(cls, data: dict) -> "LinearModel":  # type: ignore[type-arg]
        return cls(
            tuple(data["names"]),
            tuple(data["weights"]),
            float(data["bias"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
        )


@dataclass(frozen=True)
class Calibration:
    ranker: LinearModel  # P(sentence holds the answer | its features)
    abstainer: LinearModel  # P(question is answerable from the top passage | features)
    threshold: float  # answer when the abstainer's probability is at least this
    reranker: LinearModel | None = None  # the ranker's best few read again (retrieval.rerank)


@lru_cache(maxsize=1)
def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    data = json.loads(path.read_text())
    return Calibration(
        LinearModel.from_dict(data["ranker"]),
        LinearModel.from_dict(data["abstainer"]),
        float(data["threshold"]),
        LinearModel.from_dict(data["reranker"]) if "reranker" in data else None,
    )
