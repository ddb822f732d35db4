"""Time scoring of N samples with every metric, once the classifier is loaded (issue 5 target:
<= 5 s for 10,000 samples on 2 CPU cores). Prints each part and the total; not a test.

    python benchmarks/score_speed.py [--dataset mnist] [--samples 10000] [--repeats 3]

Uses the study's classifier, data and reference cache when they exist (run the pipeline first),
otherwise an untrained LeNet on random images: the cost is the same, only the numbers differ.
"""
import argparse
import time

import numpy as np

from ganbench import paths
from ganbench.classifier import build_lenet
from ganbench.config import load_params
from ganbench.data import load_split
from ganbench.embedding import Embedder, load_classifier, weights_sha256
from ganbench.metrics import classes, fid, kid, knn
from ganbench.reference import build_reference, cached_reference, unit_rows
from ganbench.runtime import configure
from ganbench.scoring import score

TARGET_SECONDS = 5.0


def inputs(dataset: str, n: int, eval_params: dict):
    """(classifier, samples (n,28,28,1), reference, origin) from the study if present, else synthetic."""
    rng = np.random.default_rng(0)
    if paths.classifier_model(dataset).exists() and paths.data_npz(dataset).exists():
        classifier = load_classifier(paths.classifier_model(dataset))
        embed = Embedder(classifier)
        reference = cached_reference(paths.reference_npz(dataset), embed,
                                     lambda split: load_split(paths.data_npz(dataset), split),
                                     eval_params["reference"], eval_params["knn_k"], weights_sha256(classifier))
        x_train, _ = load_split(paths.data_npz(dataset), "train")
        return embed, x_train[rng.choice(len(x_train), n, replace=False)], reference, f"{dataset} study classifier"
    embed = Embedder(build_lenet())
    x_ref = rng.uniform(-1, 1, (10000, 28, 28, 1)).astype(np.float32)
    reference = build_reference(embed, x_ref, "test", eval_params["knn_k"], weights_sha256(embed.classifier))
    return embed, rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32), reference, "untrained LeNet, random images"


def timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--samples", type=int, default=10000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--params", default="params.yaml")
    args = p.parse_args()
    eval_params = load_params(args.params)["eval"]
    configure(0)
    embed, x, reference, origin = inputs(args.dataset, args.samples, eval_params)
    print(f"{args.samples} samples vs {len(reference.features)} reference images ({origin}); "
          f"KID {eval_params['kid_subsets']} x {eval_params['kid_subset_size']}, k = {eval_params['knn_k']}")
    embed(x[:1000])  # trace the graph once, as a long-lived scorer would have
    feats, probs = embed(x)
    ref = reference.features
    parts = {
        "embed (classifier forward)": lambda: embed(x),
        "classifier score + histogram": lambda: (classes.classifier_score(probs), classes.class_histogram(probs)),
        "FID": lambda: fid.fid(feats, ref),
        "KID": lambda: kid.kid(feats, ref, eval_params["kid_subsets"], eval_params["kid_subset_size"]),
        "precision/recall/density/coverage": lambda: knn.prdc(unit_rows(ref), unit_rows(feats), eval_params["knn_k"],
                                                                   real_sq_radii=reference.sq_radii),
    }
    for name, fn in parts.items():
        print(f"  {name:36s} {min(timed(fn) for _ in range(args.repeats)):6.2f} s")
    total = min(timed(lambda: score(x, reference, embed, eval_params)) for _ in range(args.repeats))
    verdict = "met" if total <= TARGET_SECONDS else "MISSED"
    print(f"score(): all metrics, best of {args.repeats}: {total:.2f} s "
          f"(target <= {TARGET_SECONDS:.0f} s: {verdict}, ratio {total / TARGET_SECONDS:.2f})")


if __name__ == "__main__":
    main()
