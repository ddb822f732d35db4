"""Time scoring of N samples with every metric, once the classifier is loaded (issue 5 target:
<= 5 s for 10,000 samples on 2 CPU cores), labelled samples so that per-class metrics are scored by
label and by predicted class. Prints each part (best wall and CPU seconds, share of the parts' wall
sum) and the total; not a test. The line "+ per-class" is the k-NN pass with both groupings, i.e. it
includes the line above it; its share counts only the difference. The line "Keras predict" is the
TensorFlow forward pass the embedder used before its NumPy one (`ganbench.evaluation.forward`), for
comparison only (not in the shares).

    python benchmarks/score_speed.py [--dataset mnist] [--samples 10000] [--repeats 3]

Uses the study's classifier, data and reference cache when they exist (run the pipeline first),
otherwise an untrained LeNet on random images: the cost is the same, only the numbers differ.
"""
import ganbench  # noqa: F401  (first: keeps TensorFlow's C++ start-up lines out, ganbench.quiet)

# isort: split
import argparse
import os
import time

import keras
import numpy as np

from ganbench import paths
from ganbench.config import load_params
from ganbench.data.splits import load_split
from ganbench.evaluation.classifier import build_lenet
from ganbench.evaluation.embedding import Embedder, load_classifier
from ganbench.evaluation.identity import FEATURE_LAYER, weights_sha256
from ganbench.evaluation.metrics import classes, fid_cached, kid, knn
from ganbench.evaluation.reference import build_reference, cached_reference
from ganbench.evaluation.scoring import score
from ganbench.runtime import configure

TARGET_SECONDS = 5.0
PER_CLASS_KNN = "  + per-class recall/coverage (2 x)"


def inputs(dataset: str, n: int, eval_params: dict):
    """(embedder, samples (n,28,28,1), their labels, reference, origin) from the study if present, else
    synthetic (random labels)."""
    rng = np.random.default_rng(0)
    if paths.classifier_model(dataset).exists() and paths.data_npz(dataset).exists():
        classifier = load_classifier(paths.classifier_model(dataset))
        embed = Embedder(classifier)
        reference = cached_reference(paths.reference_npz(dataset), embed,
                                     lambda split: load_split(paths.data_npz(dataset), split),
                                     eval_params, weights_sha256(classifier))
        x_train, y_train = load_split(paths.data_npz(dataset), "train")
        rows = rng.choice(len(x_train), n, replace=False)
        return embed, x_train[rows], y_train[rows], reference, f"{dataset} study classifier"
    embed = Embedder(build_lenet())
    x_ref = rng.uniform(-1, 1, (10000, 28, 28, 1)).astype(np.float32)
    reference = build_reference(embed, x_ref, rng.integers(0, 10, 10000), eval_params, weights_sha256(embed.classifier))
    return (embed, rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32), rng.integers(0, 10, n), reference,
            "untrained LeNet, random images")


def timed(fn, repeats: int) -> tuple[float, float]:
    """Best wall-clock and best process CPU seconds of `repeats` calls: on a shared machine the wall
    time is inflated by other jobs, the CPU time (all threads) much less."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return min(wall), min(cpu)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--samples", type=int, default=10000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--params", default="params.yaml")
    args = p.parse_args()
    eval_params = load_params(args.params)["eval"]
    configure(0)
    embed, x, y, reference, origin = inputs(args.dataset, args.samples, eval_params)
    print(f"{args.samples} samples vs {len(reference.features)} reference images ({origin}); "
          f"KID {eval_params['kid_subsets']} x {eval_params['kid_subset_size']}, k = {eval_params['knn_k']} in "
          f"{eval_params['knn_space']} space; per class by label and by predicted class")
    embed(x[:1000])  # warm up, as a long-lived scorer would be
    feats, probs = embed(x)
    groups = {"by_predicted": np.argmax(probs, axis=1), "by_label": y}
    points = knn.to_space(feats, eval_params["knn_space"])
    k = eval_params["knn_k"]
    parts = {
        "embed (classifier forward)": lambda: embed(x),
        "classifier score + histogram": lambda: (classes.classifier_score(probs), classes.class_histogram(probs)),
        "FID": lambda: fid_cached.frechet_to(feats, reference.gaussian),
        "KID": lambda: kid.kid(feats, reference.features, eval_params["kid_subsets"], eval_params["kid_subset_size"],
                               eval_params["latent_seed"], reference.kid_terms_for(len(feats), eval_params)),
        "precision/recall/density/coverage": lambda: knn.prdc(reference.manifold, points, k),
        PER_CLASS_KNN: lambda: knn.prdc(reference.manifold, points, k, fake_groups=groups),
        "intra-class FID (2 groupings)": lambda: [fid_cached.intra_class_fid(feats, g, reference.class_gaussians)
                                                 for g in groups.values()],
    }
    times = {name: timed(fn, args.repeats) for name, fn in parts.items()}
    clf = embed.classifier
    two_headed = keras.Model(clf.inputs, [clf.get_layer(FEATURE_LAYER).output, clf.outputs[0]])
    two_headed.predict(x[:1000], batch_size=1000, verbose=0)  # trace once
    keras_wall, keras_cpu = timed(lambda: two_headed.predict(x, batch_size=1000, verbose=0), args.repeats)
    own = {name: wall for name, (wall, _) in times.items()}  # wall seconds a part adds to the others
    own[PER_CLASS_KNN] -= own["precision/recall/density/coverage"]
    print(f"  {'part':36s} {'wall s':>7s} {'cpu s':>7s} {'share':>6s}")
    for name, (wall, cpu) in times.items():
        print(f"  {name:36s} {wall:7.2f} {cpu:7.2f} {own[name] / sum(own.values()):6.0%}")
    print(f"  {'(before: embed by Keras predict)':36s} {keras_wall:7.2f} {keras_cpu:7.2f}")
    total, total_cpu = timed(lambda: score(x, reference, embed, eval_params, y), args.repeats)
    verdict = "met" if total <= TARGET_SECONDS else "MISSED"
    print(f"score(): all metrics, best of {args.repeats}: {total:.2f} s wall, {total_cpu:.2f} s cpu "
          f"(target <= {TARGET_SECONDS:.0f} s: {verdict}, ratio {total / TARGET_SECONDS:.2f}); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
