"""Bytes that do not depend on the thread count: the classifier's features and probabilities, the
reference cache, a metrics file, a few training steps' generator and their FID log are computed in two
processes with OMP_NUM_THREADS=1 and =2 and must be byte-identical; the NumPy forward pass agrees with Keras'
`predict` to float32 rounding."""
import hashlib
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import yaml
from helpers import REPO

from ganbench.config import deep_merge
from ganbench.evaluation.classifier import build_lenet
from ganbench.evaluation.embedding import Embedder
from ganbench.evaluation.forward import BATCH
from ganbench.evaluation.identity import FEATURE_LAYER
from ganbench.model_files import save_model

TINY_GAN = deep_merge(yaml.safe_load((REPO / "profiles/default.yaml").read_text())["variant_defaults"],
                      {"arch": "dcgan", "latent_dim": 8, "width": 0.125, "batch": 8})
EVAL = {"samples": 300, "reference": "test", "latent_seed": 1, "kid_subsets": 3, "kid_subset_size": 100, "knn_k": 3,
        "knn_space": "unit"}
OUTPUTS = ("features.npy", "probs.npy", "reference.npz", "metrics.json", "fid.json", "train_log.json",
           "generator.keras")

# One stage's worth of evaluation, as the embed_reference, score and train stages run it: stage set-up
# (TensorFlow threads from OMP_NUM_THREADS), embedding, the reference cache, a score, the training log's FID.
CHILD = f"""
import json, sys
import numpy as np
from ganbench.evaluation.embedding import Embedder, load_classifier
from ganbench.evaluation.identity import weights_sha256
from ganbench.evaluation.metrics import fid
from ganbench.evaluation.reference import build_reference, save_reference
from ganbench.evaluation.scoring import score
from ganbench.io import write_json
from ganbench.model_files import save_model
from ganbench.runtime import configure
from ganbench.training.loop import train_gan
from pathlib import Path

data, out = sys.argv[1], sys.argv[2]
eval_params = {EVAL!r}
configure(eval_params["latent_seed"])
classifier = load_classifier(data + "/classifier.keras")
embed = Embedder(classifier)
with np.load(data + "/images.npz") as npz:
    x_ref, y_ref, x, y = npz["x_ref"], npz["y_ref"], npz["x"], npz["y"]
features, probs = embed(x)
np.save(out + "/features.npy", features)
np.save(out + "/probs.npy", probs)
reference = build_reference(embed, x_ref, y_ref, eval_params, weights_sha256(classifier))
save_reference(reference, out + "/reference.npz")
write_json(out + "/metrics.json", score(x, reference, embed, eval_params, y))
reference_stats = fid.gaussian_stats(embed(x_ref)[0])
write_json(out + "/fid.json", {{"fid": fid.frechet_distance(*fid.gaussian_stats(features), *reference_stats)}})
# a few training steps (TensorFlow's pools are fixed: ganbench.runtime.TF_THREADS) and their FID log
settings = {TINY_GAN!r}
plan = {{"steps": 4, "eval_every": 2, "evals": 2, "home_step": 2, "step_gflop": 1.0, "eval_samples": 64,
         "latent_seed": 1, "train_samples": None, "collapse": {{"max_class_share": 1.01, "patience": 1}}}}
gan, log, _ = train_gan(x_ref, y_ref, x_ref, classifier, settings, plan, 0, Path(out) / "state")
write_json(out + "/train_log.json", {{"step": log["step"].tolist(), "fid": log["fid"].tolist(),
                                       "d_loss": log["d_loss"].tolist()}})
save_model(gan.sampler, out + "/generator.keras")
"""


def digit_like(n: int, seed: int) -> np.ndarray:
    """(n, 28, 28, 1) float32 in [-1, 1] that look more like digits than noise: a smooth random
    pattern of strokes on a black (-1) background with an empty border."""
    rng = np.random.default_rng(seed)
    coarse = rng.normal(0.0, 1.0, (n, 7, 7))
    smooth = np.kron(coarse, np.ones((4, 4)))
    smooth = (smooth + np.roll(smooth, 1, 1) + np.roll(smooth, 1, 2) + np.roll(smooth, (1, 1), (1, 2))) / 4
    x = np.tanh(3.0 * (smooth - 0.5))
    x[:, :4], x[:, -4:], x[:, :, :4], x[:, :, -4:] = -1.0, -1.0, -1.0, -1.0
    return x[..., None].astype(np.float32)


def random_lenet(seed: int = 0) -> keras.Model:
    """LeNet with seeded random weights, biases included (He-scaled so that activations stay in range)."""
    model = build_lenet()
    rng = np.random.default_rng(seed)
    weights = []
    for w in model.get_weights():
        fan_in = int(np.prod(w.shape[:-1])) if w.ndim > 1 else 10
        weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), w.shape).astype(np.float32))
    model.set_weights(weights)
    return model


@pytest.fixture(scope="module")
def classifier():
    return random_lenet()


def md5(path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_outputs_are_byte_identical_with_one_and_two_threads(tmp_path, classifier):
    data = tmp_path / "data"
    data.mkdir()
    save_model(classifier, data / "classifier.keras")
    np.savez(data / "images.npz", x_ref=digit_like(300, 1), y_ref=np.arange(300) % 10, x=digit_like(300, 2),
             y=np.random.default_rng(3).integers(0, 10, 300))
    runs = {}
    for threads in ("1", "2"):
        out = tmp_path / f"threads{threads}"
        out.mkdir()
        env = {**os.environ, "OMP_NUM_THREADS": threads}
        runs[threads] = subprocess.Popen([sys.executable, "-c", CHILD, str(data), str(out)], env=env,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for threads, run in runs.items():
        log = run.communicate(timeout=300)[0]
        assert run.returncode == 0, f"OMP_NUM_THREADS={threads}:\n{log}"
    differing = [name for name in OUTPUTS if md5(tmp_path / "threads1" / name) != md5(tmp_path / "threads2" / name)]
    assert not differing, f"these outputs depend on the thread count: {differing}"


def test_the_numpy_forward_pass_agrees_with_keras_predict(classifier):
    x = digit_like(2 * BATCH + 5, 4)  # three batches, the last one padded
    two_headed = keras.Model(classifier.inputs, [classifier.get_layer(FEATURE_LAYER).output, classifier.outputs[0]])
    want_features, want_probs = two_headed.predict(x, batch_size=100, verbose=0)
    features, probs = Embedder(classifier)(x)
    assert features.shape == (len(x), 500) and probs.shape == (len(x), 10)
    assert features.dtype == probs.dtype == np.float64
    assert (features > 0).mean() > 0.2  # enough live features for the comparison to mean something
    assert np.abs(features - want_features).max() < 1e-4  # features up to ~12: float32 rounding is ~1e-6
    assert np.abs(probs - want_probs).max() < 1e-5
    assert np.allclose(probs.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (probs.argmax(axis=1) == want_probs.argmax(axis=1)).mean() > 0.99


def test_an_image_gets_the_same_bytes_whatever_else_is_embedded_with_it(classifier):
    x = digit_like(BATCH + 7, 5)
    embed = Embedder(classifier)
    features, probs = embed(x)
    alone_features, alone_probs = embed(x[:3])  # padded with zeros instead of the other images
    assert np.array_equal(alone_features, features[:3]) and np.array_equal(alone_probs, probs[:3])
    assert np.array_equal(embed(x[BATCH:])[0], features[BATCH:])
    assert embed(x[:0])[0].shape == (0, 500)


def test_a_layer_the_forward_pass_does_not_know_is_an_error_when_the_embedder_is_built():
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, padding="same"),
                              keras.layers.Flatten(), keras.layers.Dense(8, name=FEATURE_LAYER),
                              keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(ValueError, match="not a valid, stride-1"):
        Embedder(model)
