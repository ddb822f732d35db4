"""Calibrate the metrics on sets whose quality is known, and print them as a Markdown table.

    python benchmarks/metric_calibration.py --dataset mnist [--extra NAME=samples.npz ...]

Rows: the reference split itself (FID 0 by construction; its classifier score is the target), real
held-out training images (what a perfect generator scores: the floor), real images
with pixel noise, only half of the classes, only one class, and uniform noise (what a useless
generator scores). `--extra` adds any sample file (a healthy and a collapsed run, say) scored
the same way. Needs the study's data, classifier and reference (`snakemake -c all
results/classifier/<dataset>/reference.npz`).
"""
import argparse

import numpy as np

from ganbench import paths
from ganbench.config import load_params
from ganbench.data import load_split
from ganbench.embedding import Embedder, load_classifier, weights_sha256
from ganbench.reference import cached_reference, holdout_rows
from ganbench.runtime import configure
from ganbench.scoring import read_samples, score

COLUMNS = ("fid", "kid_mean", "classifier_score", "precision", "recall", "density", "coverage", "classes_covered",
           "kl_to_uniform")


def known_sets(x: np.ndarray, y: np.ndarray, x_ref: np.ndarray, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Sets of n images (n, 28, 28, 1) in [-1, 1] with known quality, from real training images x,
    their labels y, and the reference split x_ref itself (its classifier score is the target)."""
    real = x[holdout_rows(len(x), n, 0)]
    noisy = np.clip(real + rng.normal(0, 0.3, real.shape).astype(np.float32), -1, 1)
    half = x[rng.choice(np.flatnonzero(y < 5), n, replace=True)]
    one_class = x[rng.choice(np.flatnonzero(y == 1), n, replace=True)]
    noise = rng.uniform(-1, 1, real.shape).astype(np.float32)
    return {"the reference split itself": x_ref[:n], "real held-out (train split)": real, "real + N(0, 0.3) pixel noise": noisy,
            "classes 0-4 only": half, "class 1 only": one_class, "uniform noise": noise}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--params", default="params.yaml")
    p.add_argument("--extra", action="append", default=[], metavar="NAME=PATH", help="another samples.npz to score")
    args = p.parse_args()
    eval_params = load_params(args.params)["eval"]
    configure(0)
    classifier = load_classifier(paths.classifier_model(args.dataset))
    embed = Embedder(classifier)
    reference = cached_reference(paths.reference_npz(args.dataset), embed,
                                 lambda split: load_split(paths.data_npz(args.dataset), split),
                                 eval_params["reference"], eval_params["knn_k"], weights_sha256(classifier))
    x, y = load_split(paths.data_npz(args.dataset), "train")
    x_ref, _ = load_split(paths.data_npz(args.dataset), eval_params["reference"])
    sets = known_sets(x, y, x_ref, eval_params["samples"], np.random.default_rng(0))
    for item in args.extra:
        name, _, path = item.partition("=")
        sets[name] = read_samples(path, allow_nonfinite=True)[0]
    print(f"{args.dataset}: N = {eval_params['samples']} per set vs {reference.meta['samples']} "
          f"'{reference.meta['split']}' images, classifier {reference.meta['classifier_sha256'][:12]}")
    print("| set | " + " | ".join(COLUMNS) + " |")
    print("|---|" + "---:|" * len(COLUMNS))
    for name, samples in sets.items():
        result = score(samples, reference, embed, eval_params)
        cells = ["diverged" if result["diverged"] else f"{result[c]:.4g}" for c in COLUMNS]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
