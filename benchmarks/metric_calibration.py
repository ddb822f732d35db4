"""Calibrate the metrics on sets whose quality is known, and print them as a Markdown table with the
k-NN metrics in both spaces (eval.knn_space unit / raw).

    python benchmarks/metric_calibration.py --dataset mnist [--extra NAME=samples.npz ...]

Image rows: the reference split itself (FID 0 by construction; its classifier score is the target),
real held-out training images (what a perfect generator scores: the floor), real images with pixel
noise, only half of the classes, only one class, and uniform noise (what a useless generator scores).
Feature rows (the classifier's features of the held-out images, changed directly; the classifier
head gives their probabilities): shrunk toward 0, shifted, and a Gaussian with their mean and
covariance. `--extra` adds any sample file (a healthy and a collapsed run, say) scored the same way.
Needs the study's data and classifier; the reference is embedded on the fly for each space.
"""
import argparse

import numpy as np

from ganbench import paths
from ganbench.config import load_params
from ganbench.data.holdout import holdout_rows
from ganbench.data.splits import load_split
from ganbench.evaluation.embedding import Embedder, load_classifier
from ganbench.evaluation.identity import FEATURE_LAYER, weights_sha256
from ganbench.evaluation.metrics import knn
from ganbench.evaluation.reference import build_reference
from ganbench.evaluation.scoring import read_samples, score
from ganbench.runtime import configure

COLUMNS = ("fid", "kid_mean", "classifier_score", "classes_covered", "kl_to_uniform")
KNN = ("precision", "recall", "density", "coverage")


def image_sets(x: np.ndarray, y: np.ndarray, x_ref: np.ndarray, n: int, rng: np.random.Generator) -> dict:
    """Sets of n images (n, 28, 28, 1) in [-1, 1] with known quality, from real training images x,
    their labels y, and the reference split x_ref itself (its classifier score is the target)."""
    real = x[holdout_rows(len(x), n, 0)]
    noisy = np.clip(real + rng.normal(0, 0.3, real.shape).astype(np.float32), -1, 1)
    half = x[rng.choice(np.flatnonzero(y < 5), n, replace=True)]
    one_class = x[rng.choice(np.flatnonzero(y == 1), n, replace=True)]
    noise = rng.uniform(-1, 1, real.shape).astype(np.float32)
    return {"the reference (test) split itself": x_ref[:n], "real held-out (train split)": real,
            "real + N(0, 0.3) pixel noise": noisy, "classes 0-4 only": half, "class 1 only": one_class,
            "uniform noise": noise}


def feature_sets(features: np.ndarray, rng: np.random.Generator) -> dict:
    """Features (n, D) of real held-out images changed directly: the cases that separate the spaces
    (unit length ignores a change of scale; raw features see it)."""
    mean, cov = features.mean(axis=0), np.cov(features, rowvar=False)
    return {"held-out features x 0.5 (shrunk toward 0)": 0.5 * features,
            "held-out features + 0.5 (shifted)": features + 0.5,
            "Gaussian with the held-out features' mean and covariance":
                rng.multivariate_normal(mean, cov, len(features))}


def row(name: str, result: dict, raw: dict) -> str:
    cells = [f"{result[c]:.4g}" for c in COLUMNS] + [f"{result[c]:.3g} / {raw[c]:.3g}" for c in KNN]
    return f"| {name} | " + " | ".join(cells) + " |"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--params", default="params.yaml")
    p.add_argument("--extra", action="append", default=[], metavar="NAME=PATH", help="another samples.npz to score")
    args = p.parse_args()
    eval_params = {**load_params(args.params)["eval"], "knn_space": "unit"}
    configure(0)
    classifier = load_classifier(paths.classifier_model(args.dataset))
    embed, sha = Embedder(classifier), weights_sha256(classifier)
    x_ref, y_ref = load_split(paths.data_npz(args.dataset), eval_params["reference"])
    reference = build_reference(embed, x_ref, y_ref, eval_params, sha)
    raw_manifold = knn.manifold(knn.to_space(reference.features, "raw"), eval_params["knn_k"])
    x, y = load_split(paths.data_npz(args.dataset), "train")
    rng = np.random.default_rng(0)
    sets = {name: embed(images) for name, images in image_sets(x, y, x_ref, eval_params["samples"], rng).items()}
    for item in args.extra:
        name, _, path = item.partition("=")
        sets[name] = embed(read_samples(path)[0])
    head = classifier.get_layer("probs")  # class probabilities of changed features
    for name, features in feature_sets(sets["real held-out (train split)"][0], rng).items():
        sets[name] = features, np.asarray(head(features.astype(np.float32)), np.float64)
    n = eval_params["samples"]
    print(f"{args.dataset}: N = {n} per set vs {reference.meta['samples']} '{reference.meta['split']}' images, "
          f"classifier {sha[:12]}, layer '{FEATURE_LAYER}', k = {eval_params['knn_k']}; k-NN cells: unit / raw")
    print("| set | " + " | ".join(COLUMNS) + " | " + " | ".join(f"{c} (unit / raw)" for c in KNN) + " |")
    print("|---|" + "---:|" * (len(COLUMNS) + len(KNN)))
    for name, (features, probs) in sets.items():
        # scoring from the features at hand: the images were embedded above (or never existed)
        result = score(np.zeros((len(features), 28, 28, 1), np.float32), reference, lambda _: (features, probs),
                       eval_params)
        print(row(name, result, knn.prdc(raw_manifold, knn.to_space(features, "raw"), eval_params["knn_k"])),
              flush=True)


if __name__ == "__main__":
    main()
