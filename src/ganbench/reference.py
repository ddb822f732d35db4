"""The real side of every comparison: the embedded reference split, and the real-data floor row.

Scoring compares samples with the reference split (eval.reference, the test split) in classifier
features. Embedding those 10,000 images and finding their k-NN radii costs more than all the
metric math, and it is the same for every model, so the `reference` stage does it once per
dataset into `results/classifier/<dataset>/reference.npz`; scoring checks that the cache belongs
to the classifier and protocol at hand and rebuilds it otherwise.

The real-data row scores a held-out real set (a seeded random slice of the train split, as many
images as the generated sets) exactly like samples: the best a generator could hope for.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ganbench.io import save_npz
from ganbench.metrics import knn

if TYPE_CHECKING:  # the classifier needs TensorFlow; summaries and plots import this module without it
    from ganbench.embedding import Embedder

# Space of the k-NN metrics (precision, recall, density, coverage): features scaled to unit length.
# In raw ReLU features, images unlike any digit (noise) land near the origin, inside the k-NN
# balls of low-norm real images: uniform noise scored precision 1.0 on MNIST. On the unit sphere
# it scores 0.005 while real held-out images keep 0.84 (benchmarks/metric_calibration.py).
KNN_SPACE = "l2-normalized features"


def unit_rows(features: np.ndarray) -> np.ndarray:
    """Rows of (N, D) scaled to unit Euclidean length (an all-zero row stays zero)."""
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, 1e-12)


@dataclass(frozen=True)
class Reference:
    """Classifier view of the reference split: features (M, 500) and probs (M, 10) float64,
    squared k-NN radii (M,) in `KNN_SPACE` for `meta['knn_k']`, and `meta` saying what it was
    built from."""

    features: np.ndarray
    probs: np.ndarray
    sq_radii: np.ndarray
    meta: dict

    def matches(self, classifier_sha256: str, split: str, knn_k: int) -> bool:
        have = tuple(self.meta.get(k) for k in ("classifier_sha256", "split", "knn_k", "knn_space"))
        return have == (classifier_sha256, split, knn_k, KNN_SPACE)


def build_reference(embed: Embedder, x_ref: np.ndarray, split: str, knn_k: int, classifier_sha256: str) -> Reference:
    """Embed x_ref (M, 28, 28, 1) and compute its k-NN radii (as `knn.prdc` would in KNN_SPACE)."""
    features, probs = embed(x_ref)
    unit = unit_rows(features)
    sq_radii = knn.knn_sq_radii(unit, knn_k, unit.mean(axis=0))
    meta = {"split": split, "samples": int(len(x_ref)), "knn_k": int(knn_k), "feature_layer": embed.feature_layer,
            "knn_space": KNN_SPACE, "classifier_sha256": classifier_sha256}
    return Reference(features, probs, sq_radii, meta)


def save_reference(reference: Reference, path: str | os.PathLike) -> None:
    """Features and probs are stored as float32, the classifier's own precision, so nothing is lost."""
    save_npz(path, features=reference.features.astype(np.float32), probs=reference.probs.astype(np.float32),
             sq_radii=reference.sq_radii, meta=np.array(json.dumps(reference.meta, sort_keys=True)))


def load_reference(path: str | os.PathLike) -> Reference | None:
    """The cached reference, or None when there is none or it is unreadable (it is then rebuilt)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            return Reference(npz["features"].astype(np.float64), npz["probs"].astype(np.float64),
                             npz["sq_radii"], json.loads(str(npz["meta"])))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        print(f"warning: {path}: unreadable reference cache ({' '.join(str(exc).split())}); rebuilding it",
              file=sys.stderr)
        return None


def cached_reference(path: str | os.PathLike, embed: Embedder, load_split, split: str, knn_k: int,
                     classifier_sha256: str) -> Reference:
    """The cache at `path` if it was built from this classifier, split and k; else a fresh one.

    `load_split(split)` -> (x, y) is only called when the cache cannot be used.
    """
    reference = load_reference(path)
    if reference is not None and reference.matches(classifier_sha256, split, knn_k):
        return reference
    if reference is not None:
        print(f"warning: {path} was built for another classifier, split or knn_k; embedding '{split}' anew",
              file=sys.stderr)
    return build_reference(embed, load_split(split)[0], split, knn_k, classifier_sha256)


def holdout_rows(total: int, n: int, seed: int) -> np.ndarray:
    """Sorted indices of n of `total` rows drawn without replacement with `default_rng(seed)`: the
    real-data row of seed k is a different slice for every k, so its spread shows the noise floor."""
    if n > total:
        raise ValueError(f"real holdout: {n} samples requested from a split of {total}")
    return np.sort(np.random.default_rng(seed).choice(total, n, replace=False))
