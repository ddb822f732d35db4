"""Scoring glue: input formats, protocol block, and diverged (non-finite) samples."""
import json

import keras
import numpy as np
import pytest

from ganbench.classifier import build_lenet
from ganbench.scoring import as_model_input, score

EVAL = {"samples": 40, "reference": "test", "latent_seed": 1, "kid_subsets": 3, "kid_subset_size": 20, "knn_k": 3}


@pytest.fixture(scope="module")
def classifier():
    keras.utils.set_random_seed(0)
    return build_lenet()


def test_uint8_and_float_inputs_are_accepted():
    x = as_model_input(np.array([[[0] * 28] * 28, [[255] * 28] * 28], np.uint8), "x.npz")
    assert x.shape == (2, 28, 28, 1) and x.dtype == np.float32 and x.min() == -1 and x.max() == 1
    assert as_model_input(np.zeros((3, 28, 28, 1), np.float64), "x.npz").dtype == np.float32


def test_wrong_shape_is_a_one_line_error_naming_the_file():
    with pytest.raises(ValueError, match=r"^mine\.npz: .*got float32 \(3, 32, 32\)") as err:
        as_model_input(np.zeros((3, 32, 32), np.float32), "mine.npz")
    assert "\n" not in str(err.value)


def test_score_records_metrics_and_protocol(classifier):
    rng = np.random.default_rng(0)
    x, x_ref = (rng.uniform(-1, 1, (40, 28, 28, 1)).astype(np.float32) for _ in range(2))
    result = score(x, x_ref, classifier, EVAL)
    assert not result["diverged"] and result["fid"] >= 0 and 1 <= result["classifier_score"] <= 10
    assert result["protocol"]["samples"] == 40 and result["protocol"]["feature_layer"] == "features"
    assert len(result["protocol"]["classifier_sha256"]) == 64
    assert result["fid"] > score(x_ref, x_ref, classifier, EVAL)["fid"]  # the set itself is closest
    json.dumps(result, allow_nan=False)


def test_non_finite_samples_are_recorded_as_diverged(classifier):
    x = np.zeros((40, 28, 28, 1), np.float32)
    x[3] = np.nan
    result = score(x, x, classifier, EVAL)
    assert result["diverged"] and result["non_finite_samples"] == 1 and "fid" not in result
