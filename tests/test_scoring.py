"""Scoring glue: sample files from any model, the reference cache, protocol blocks and comparisons."""
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from helpers import REPO

from ganbench.data.holdout import holdout_rows
from ganbench.data.splits import DataError
from ganbench.evaluation.classifier import build_lenet
from ganbench.evaluation.embedding import Embedder
from ganbench.evaluation.identity import weights_sha256
from ganbench.evaluation.protocol import ProtocolMismatch, check_comparable
from ganbench.evaluation.reference import build_reference, cached_reference, load_reference, save_reference
from ganbench.evaluation.score_table import render_markdown
from ganbench.evaluation.scoring import as_model_input, read_samples, score
from ganbench.pipeline.profiles import materialise

EVAL = {"samples": 40, "reference": "test", "latent_seed": 1, "kid_subsets": 2, "kid_subset_size": 20, "knn_k": 3,
        "knn_space": "unit"}
Y_REF = np.arange(40) % 10  # four reference images per class: enough for k = 3 within a class


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
    return build_reference(embed, x_ref, Y_REF, EVAL, weights_sha256(classifier))


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
    (tmp_path / "params.yaml").write_text(materialise("smoke", REPO / "profiles"))
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "score.py"), "--dataset", "mnist",
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


def test_per_class_blocks_score_each_class_against_its_reference_images(embed, reference, x_ref):
    _, probs = embed(x_ref)
    result = score(x_ref, reference, embed, EVAL, labels=Y_REF)
    assert set(result["per_class"]) == {"by_label", "by_predicted"}
    by_label = result["per_class"]["by_label"]
    assert by_label["samples"] == [4] * 10
    assert by_label["fid"] == pytest.approx([0.0] * 10, abs=1e-6) and by_label["fid_mean"] == pytest.approx(0, abs=1e-6)
    assert by_label["recall"] == [1.0] * 10 == by_label["coverage"]  # each class against itself
    by_predicted = result["per_class"]["by_predicted"]
    assert by_predicted["samples"] == np.bincount(np.argmax(probs, axis=1), minlength=10).tolist()
    for c, n in enumerate(by_predicted["samples"]):  # an untrained net predicts few classes: nulls are the rule
        assert (by_predicted["fid"][c] is None) == (n < 2) and (by_predicted["recall"][c] is None) == (n <= 3)
    assert by_predicted["fid_mean"] is None  # a class without a value makes the mean null, never flattering
    assert "by_label" not in score(x_ref, reference, embed, EVAL)["per_class"]
    json.dumps(result, allow_nan=False)


def test_cached_kid_terms_are_used_only_for_their_settings_and_change_nothing(embed, reference, x_ref):
    from ganbench.evaluation.metrics import kid
    assert reference.kid_terms_for(40, EVAL) is not None
    assert reference.kid_terms_for(30, EVAL) is not None  # still subsets of 20 rows: the same terms
    assert reference.kid_terms_for(10, EVAL) is None and reference.kid_terms_for(40, {**EVAL, "latent_seed": 2}) is None
    feats = embed(x_ref[::-1])[0]
    fresh = kid.kid(feats, reference.features, EVAL["kid_subsets"], EVAL["kid_subset_size"], EVAL["latent_seed"])
    assert score(x_ref[::-1], reference, embed, EVAL)["kid_mean"] == fresh[0]


def test_kid_spread_and_knn_space_are_in_the_protocol_and_spaces_do_not_mix(embed, classifier, reference, x_ref):
    unit = score(x_ref[::-1], reference, embed, EVAL)
    assert unit["protocol"]["knn_space"] == "unit" and "torch-fidelity" in unit["protocol"]["kid_spread"]["kid_std"]
    assert unit["kid_se"] == pytest.approx(unit["kid_std"] * np.sqrt(2 / 1) / np.sqrt(2))  # 2 disjoint blocks
    raw_eval = {**EVAL, "knn_space": "raw"}
    raw_reference = build_reference(embed, x_ref, Y_REF, raw_eval, weights_sha256(classifier))
    raw = score(x_ref[::-1], raw_reference, embed, raw_eval)
    assert raw["protocol"]["knn_space"] == "raw" and raw["fid"] == unit["fid"]
    with pytest.raises(ProtocolMismatch, match="knn_space: unit vs raw"):
        check_comparable({"unit.json": unit, "raw.json": raw})


def test_the_markdown_table_has_the_main_metrics_the_protocol_and_a_line_per_class_figure(embed, reference, x_ref):
    result = score(x_ref, reference, embed, EVAL, labels=Y_REF)
    text = render_markdown(result, "mnist: x.npz")
    assert text.startswith("# mnist: x.npz\n")
    assert f"| FID (lower is better) | {result['fid']:.2f} |" in text
    assert f"| precision (higher is better) | {result['precision']:.3f} |" in text
    assert f"| recall (higher is better) | {result['recall']:.3f} |" in text
    assert "| KID std over subsets |" in text and "| KID standard error |" in text
    assert f"| conditional accuracy (higher is better) | {result['conditional_accuracy']:.3f} |" in text
    assert "Protocol: N = 40 samples vs 40 'test' images; classifier" in text and "k = 3, unit features" in text
    assert "| by label | samples | 4 | 4 |" in text and "| by label | recall | 1.00 |" in text
    assert "| by predicted class | intra-class FID |" in text and "n/a" in text
    diverged = render_markdown({"diverged": True, "non_finite_samples": 3, "protocol": result["protocol"]}, "t")
    assert "**Diverged**: 3 non-finite samples" in diverged and "| metric |" not in diverged


# ---------------------------------------------------------------- reference cache and real row

def test_reference_cache_is_used_only_for_its_own_classifier_k_and_space(tmp_path, embed, reference, classifier, x_ref,
                                                                          capsys):
    path = tmp_path / "reference.npz"
    save_reference(reference, path)
    sha = weights_sha256(classifier)

    def no_load(split):
        raise AssertionError("the cache should have been used")

    cached = cached_reference(path, embed, no_load, EVAL, sha)
    np.testing.assert_array_equal(cached.features, reference.features)
    np.testing.assert_array_equal(cached.manifold.points, reference.manifold.points)  # recomputed bit for bit
    np.testing.assert_array_equal(cached.manifold.class_sq_radii, reference.manifold.class_sq_radii)
    np.testing.assert_array_equal(cached.class_gaussians[3].root, reference.class_gaussians[3].root)
    assert cached.gaussian.alive.tolist() == reference.gaussian.alive.tolist()
    for changed in ({"knn_k": 4}, {"knn_space": "raw"}):
        loads = []
        rebuilt = cached_reference(path, embed, lambda split: loads.append(split) or (x_ref, Y_REF),
                                   {**EVAL, **changed}, sha)
        assert loads == ["test"] and all(rebuilt.meta[key] == value for key, value in changed.items())
        assert "built for another classifier, split, knn_k or knn_space" in capsys.readouterr().err
    raw = cached_reference(path, embed, lambda split: (x_ref, Y_REF), {**EVAL, "knn_space": "raw"}, sha)
    np.testing.assert_array_equal(raw.manifold.points, raw.features)  # raw space: the features themselves
    path.write_bytes(b"not a zip")
    cached_reference(path, embed, lambda split: (x_ref, Y_REF), EVAL, "0" * 64)
    assert "unreadable reference cache" in capsys.readouterr().err


def test_a_cache_of_an_older_format_is_rebuilt(tmp_path, capsys):
    np.savez(tmp_path / "old.npz", features=np.zeros((2, 2), np.float32), meta=np.array('{"knn_k": 3}'))
    assert load_reference(tmp_path / "old.npz") is None
    assert "cache format None, this version reads 2" in capsys.readouterr().err


def test_real_holdout_rows_are_seeded_distinct_and_bounded():
    a, b = holdout_rows(100, 10, 0), holdout_rows(100, 10, 1)
    assert a.tolist() == holdout_rows(100, 10, 0).tolist() and a.tolist() != b.tolist()
    assert len(set(a.tolist())) == 10 and a.tolist() == sorted(a.tolist())
    with pytest.raises(DataError, match="101 samples requested from a split of 100"):
        holdout_rows(100, 101, 0)
