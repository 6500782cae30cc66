"""The committed calibration loads, matches the features the code computes, and is monotone."""

import json

import numpy as np
import pytest

from qa.answering import ABSTAIN_AGAINST, ABSTAIN_FEATURES
from qa.calibration import CALIBRATION_FILE, LinearModel, load_calibration
from qa.retrieval import FEATURES, RERANK_FEATURES


def test_committed_models_name_the_features_the_code_computes():
    cal = load_calibration()
    assert cal.ranker.names == FEATURES and len(cal.ranker.weights) == len(FEATURES)
    assert cal.reranker is not None
    assert cal.reranker.names == RERANK_FEATURES and len(cal.reranker.weights) == len(RERANK_FEATURES)
    assert cal.abstainer.names == ABSTAIN_FEATURES
    assert 0.0 < cal.threshold < 1.0


def test_abstainer_never_rewards_a_missing_name_or_penalises_similarity():
    weights = dict(zip(load_calibration().abstainer.names, load_calibration().abstainer.weights))
    assert set(ABSTAIN_AGAINST) <= set(weights)
    assert all(weights[name] <= 0 for name in ABSTAIN_AGAINST)
    assert all(w >= 0 for name, w in weights.items() if name not in ABSTAIN_AGAINST)


def test_linear_model_standardises_then_weighs():
    model = LinearModel(("a", "b"), (2.0, -1.0), 0.5, (1.0, 0.0), (2.0, 1.0))
    x = np.array([[3.0, 4.0]])  # z = (1, 4): 0.5 + 2 - 4
    assert model.log_odds(x)[0] == -1.5
    assert 0 < model.probability(x)[0] < 0.5


def test_calibration_file_is_valid_json_with_both_models():
    data = json.loads(CALIBRATION_FILE.read_text())
    assert {"ranker", "reranker", "abstainer", "threshold"} <= set(data)


def _calibrate_script():
    """eval/calibrate.py, imported as a module (it is a script, not part of the package)."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "eval" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate_script", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("prob, top_ok, expected", [
    # good answers at 0.9 and 0.8, an answerable question whose first sentence is wrong at 0.75,
    # an unanswerable one at 0.7. A question scores when answered right or rightly abstained:
    # t = 0.7: 2/4; 0.75: 3/4; 0.8: 3/4 (the wrong first sentence is no loss); 0.9: 2/4. The
    # upper of the two best, 0.8, placed midway to the next lower probability: same decisions
    ([0.9, 0.8, 0.75, 0.7], [True, True, False, False], (0.8 + 0.75) / 2),
    # a good answer at 0.9, two answerable questions whose first sentence is wrong (0.8, 0.7), an
    # unanswerable one at 0.6: t = 0.6 scores 1/4, t = 0.7, 0.8 and 0.9 score 2/4. The middle of
    # those, 0.8, placed midway to 0.7 (the highest, 0.9, sits at the edge of the range)
    ([0.9, 0.8, 0.7, 0.6], [True, False, False, False], (0.8 + 0.7) / 2),
], ids=["upper of two", "middle of three"])
def test_threshold_is_the_middle_of_those_that_reach_the_best_score(prob, top_ok, expected):
    threshold = _calibrate_script()._threshold
    answerable = np.array([True, True, True, False])
    assert threshold(np.array(prob), answerable, np.array(top_ok), np.array(["a"] * 4)) == expected


def test_threshold_weighs_each_set_the_same():
    threshold = _calibrate_script()._threshold
    # "big": 8 good answers, two of them scored 0.6; "small": a good answer (0.9) and an
    # unanswerable question (0.65). Per set, t = 0.65 or 0.9 scores (6/8 + 2/2) / 2 = 0.875 and
    # t = 0.6 scores (8/8 + 1/2) / 2 = 0.75. Pooled, "big" would decide: 9/10 at 0.6
    prob = np.array([0.6, 0.6] + [0.9] * 6 + [0.9, 0.65])
    answerable = np.array([True] * 9 + [False])
    top_ok = np.array([True] * 9 + [False])
    sets = np.array(["big"] * 8 + ["small"] * 2)
    assert threshold(prob, answerable, top_ok, sets) == (0.9 + 0.65) / 2
