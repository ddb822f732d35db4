"""Scoring glue: sample files from any model, the reference cache, protocol blocks and comparisons."""
import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from ganbench.classifier import build_lenet
from ganbench.embedding import Embedder, weights_sha256
from ganbench.profiles import materialise
from ganbench.reference import build_reference, cached_reference, holdout_rows, save_reference
from ganbench.scoring import ProtocolMismatch, as_model_input, check_comparable, read_samples, score

ROOT = Path(__file__).resolve().parents[1]
EVAL = {"samples": 40, "reference": "test", "latent_seed": 1, "kid_subsets": 3, "kid_subset_size": 20, "knn_k": 3}


@pytest.fixture(scope="module")
def classifier():
    keras.utils.set_random_seed(0)
    return build_lenet()


@pytest.fixture(scope="module")
def embed(classifier):
    return Embedder(classifier)


@pytest.fixture(scope="module")
def x_ref():
    return np.random.default_rng(1).uniform(-1, 1, (40, 28, 28, 1)).astype(np.float32)


@pytest.fixture(scope="module")
def reference(embed, classifier, x_ref):
    return build_reference(embed, x_ref, "test", EVAL["knn_k"], weights_sha256(classifier))


# ---------------------------------------------------------------- sample files of any model

def test_uint8_and_float_inputs_are_accepted():
    x = as_model_input(np.array([[[0] * 28] * 28, [[255] * 28] * 28], np.uint8), "x.npz")
    assert x.shape == (2, 28, 28, 1) and x.dtype == np.float32 and x.min() == -1 and x.max() == 1
    assert as_model_input(np.full((3, 28, 28, 1), -0.5, np.float64), "x.npz").dtype == np.float32
    assert as_model_input(np.full((3, 28, 28), -0.5, np.float32), "x.npz").shape == (3, 28, 28, 1)


@pytest.mark.parametrize("x, message", [
    (np.zeros((3, 32, 32), np.float32), r"shape \(3, 32, 32\)"),
    (np.zeros((3, 784), np.float32), r"shape \(3, 784\)"),
    (np.zeros((3, 28, 28), np.int64), "dtype int64"),
    (np.full((3, 28, 28), 255.0, np.float32), r"span \[255, 255\]"),
    (np.full((3, 28, 28), np.nan, np.float32), "NaN or inf in 3 of 3 samples"),
])
def test_bad_samples_are_one_line_errors_naming_the_file(x, message):
    with pytest.raises(ValueError, match=rf"^mine\.npz: .*{message}") as err:
        as_model_input(x, "mine.npz")
    assert "\n" not in str(err.value)


def test_nan_is_allowed_when_asked_and_zero_one_images_get_a_warning(capsys):
    x = np.full((2, 28, 28), 0.5, np.float32)
    as_model_input(x, "mine.npz")
    assert "no negative values" in capsys.readouterr().err
    x[0, 0, 0] = np.nan
    assert np.isnan(as_model_input(x, "mine.npz", allow_nonfinite=True)).any()


def test_read_samples_names_the_missing_key_and_refuses_pickles(tmp_path):
    path = tmp_path / "wrong_key.npz"
    np.savez(path, images=np.zeros((3, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"wrong_key\.npz: cannot read samples: no array 'x' \(it has: images\)"):
        read_samples(path)
    pickled = tmp_path / "object.npz"
    np.savez(pickled, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match=r"object\.npz: cannot read samples: .*allow_pickle"):
        read_samples(pickled)
    npy = tmp_path / "plain.npy"
    np.save(npy, np.zeros((3, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"plain\.npy: cannot read samples: not an \.npz archive"):
        read_samples(npy)
    with pytest.raises(ValueError, match=r"absent\.npz: cannot read samples"):
        read_samples(tmp_path / "absent.npz")


def test_read_samples_checks_labels(tmp_path):
    x = np.zeros((4, 28, 28), np.uint8)
    for name, y, message in [("shape", np.zeros(3, np.int64), r"'y' has int64 \(3,\)"),
                             ("float", np.zeros(4, np.float32), r"'y' has float32 \(4,\)"),
                             ("range", np.array([0, 1, 2, 10]), r"labels in \[0, 10\]")]:
        np.savez(tmp_path / f"{name}.npz", x=x, y=y)
        with pytest.raises(ValueError, match=message):
            read_samples(tmp_path / f"{name}.npz")
    np.savez(tmp_path / "good.npz", x=x, y=np.arange(4))
    assert read_samples(tmp_path / "good.npz")[1].tolist() == [0, 1, 2, 3]


def test_score_cli_reports_bad_samples_in_one_line_before_loading_anything(tmp_path):
    np.savez(tmp_path / "bad.npz", x=np.full((5, 28, 28), 255.0, np.float32))
    (tmp_path / "params.yaml").write_text(materialise("smoke", ROOT / "profiles"))
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "score.py"), "--dataset", "mnist",
                          "--samples", "bad.npz", "--out", "m.json"], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("error: bad.npz: 'x' values span [255, 255]")
    assert not (tmp_path / "m.json").exists()


# ---------------------------------------------------------------- scoring and protocol

def test_score_records_metrics_and_protocol(embed, reference, x_ref):
    x = np.random.default_rng(0).uniform(-1, 1, (40, 28, 28, 1)).astype(np.float32)
    result = score(x, reference, embed, EVAL)
    assert not result["diverged"] and result["fid"] >= 0 and 1 <= result["classifier_score"] <= 10
    assert result["protocol"]["samples"] == 40 and result["protocol"]["feature_layer"] == "features"
    assert len(result["protocol"]["classifier_sha256"]) == 64
    itself = score(x_ref, reference, embed, EVAL)
    assert itself["fid"] == pytest.approx(0, abs=1e-6) and itself["precision"] == itself["recall"] == 1.0
    assert result["fid"] > itself["fid"]
    json.dumps(result, allow_nan=False)


def test_conditional_accuracy_is_scored_when_labels_are_given(embed, reference, x_ref):
    _, probs = embed(x_ref)
    result = score(x_ref, reference, embed, EVAL, labels=np.argmax(probs, axis=1))
    assert result["conditional_accuracy"] == 1.0


def test_too_few_samples_for_the_knn_metrics_is_an_error(embed, reference, x_ref):
    with pytest.raises(ValueError, match="3 samples cannot be scored.*eval.knn_k = 3"):
        score(x_ref[:3], reference, embed, EVAL)


def test_non_finite_samples_are_recorded_as_diverged(embed, reference):
    x = np.zeros((40, 28, 28, 1), np.float32)
    x[3] = np.nan
    result = score(x, reference, embed, EVAL)
    assert result["diverged"] and result["non_finite_samples"] == 1 and "fid" not in result


def test_results_scored_differently_cannot_be_compared(embed, reference, x_ref):
    a = score(x_ref, reference, embed, EVAL)
    check_comparable({"a.json": a, "b.json": score(x_ref[::-1], reference, embed, EVAL)})
    fewer = score(x_ref[:30], reference, embed, EVAL)
    with pytest.raises(ProtocolMismatch, match=r"a\.json and b\.json .*samples: 40 vs 30"):
        check_comparable({"a.json": a, "b.json": fewer})
    with pytest.raises(ProtocolMismatch, match=r"knn_k: 3 vs 4"):
        check_comparable({"a.json": a, "b.json": {**a, "protocol": {**a["protocol"], "knn_k": 4}}})
    with pytest.raises(ProtocolMismatch, match=r"old\.json: no 'protocol' block"):
        check_comparable({"a.json": a, "old.json": {"fid": 1.0}})


# ---------------------------------------------------------------- reference cache and real row

def test_reference_cache_is_used_only_for_its_own_classifier_and_k(tmp_path, embed, reference, classifier, x_ref,
                                                                    capsys):
    path = tmp_path / "reference.npz"
    save_reference(reference, path)
    sha = weights_sha256(classifier)

    def no_load(split):
        raise AssertionError("the cache should have been used")

    cached = cached_reference(path, embed, no_load, "test", 3, sha)
    np.testing.assert_array_equal(cached.features, reference.features)
    np.testing.assert_array_equal(cached.sq_radii, reference.sq_radii)
    loads = []
    rebuilt = cached_reference(path, embed, lambda split: loads.append(split) or (x_ref, None), "test", 4, sha)
    assert loads == ["test"] and rebuilt.meta["knn_k"] == 4
    assert "built for another classifier" in capsys.readouterr().err
    path.write_bytes(b"not a zip")
    cached_reference(path, embed, lambda split: (x_ref, None), "test", 3, "0" * 64)
    assert "unreadable reference cache" in capsys.readouterr().err


def test_real_holdout_rows_are_seeded_distinct_and_bounded():
    a, b = holdout_rows(100, 10, 0), holdout_rows(100, 10, 1)
    assert a.tolist() == holdout_rows(100, 10, 0).tolist() and a.tolist() != b.tolist()
    assert len(set(a.tolist())) == 10 and a.tolist() == sorted(a.tolist())
    with pytest.raises(ValueError, match="101 samples requested from a split of 100"):
        holdout_rows(100, 101, 0)


def test_unit_rows_scales_features_to_unit_length_and_keeps_zero_rows():
    from ganbench.reference import unit_rows
    features = np.array([[3.0, 4.0], [0.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(unit_rows(features), [[0.6, 0.8], [0.0, 0.0], [0.0, 1.0]])
