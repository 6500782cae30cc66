"""The committed calibration loads, matches the features the code computes, and is monotone."""

import json

import numpy as np

from qa.answering import ABSTAIN_AGAINST, ABSTAIN_FEATURES
from qa.calibration import CALIBRATION_FILE, LinearModel, load_calibration
from qa.retrieval import FEATURES


def test_committed_models_name_the_features_the_code_computes():
    cal = load_calibration()
    assert cal.ranker.names == FEATURES and len(cal.ranker.weights) == len(FEATURES)
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
    assert {"ranker", "abstainer", "threshold"} <= set(data)
