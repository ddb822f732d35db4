"""The real side of every comparison: the embedded reference split, and the real-data floor row.

Scoring compares samples with the reference split (eval.reference, the test split) in classifier
features, overall and class by class (the split's labels). Embedding those 10,000 images, finding
their k-NN radii (in eval.knn_space, overall and within each class) and the square roots of their
covariances (overall and per class) costs more than all the metric math, and it is the same for
every model, so the `reference` stage does it once per dataset into
`results/classifier/<dataset>/reference.npz`; scoring checks that the cache belongs to the
classifier and protocol at hand and rebuilds it otherwise.

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

from ganbench.evaluation.metrics import fid_cached, kid, knn
from ganbench.evaluation.metrics.threads import single_threaded
from ganbench.io import save_npz

if TYPE_CHECKING:  # the classifier needs TensorFlow; summaries and plots import this module without it
    from ganbench.evaluation.embedding import Embedder

FORMAT = 2  # cache layout; 2 added labels, per-class radii and Gaussians, KID terms and eval.knn_space


@dataclass(frozen=True)
class Reference:
    """Classifier view of the reference split and everything scoring reuses from it.

    features (M, 500) and probs (M, 10) float64, labels (M,); `manifold`: the features in the
    k-NN space `meta['knn_space']` with their k-NN radii, overall and within each label
    (`knn.Manifold`); `gaussian` and `class_gaussians` (one per label, None below 2 images):
    FID's reference Gaussians with their covariance square roots (`metrics.fid_cached`);
    `kid_terms`: KID's reference-side terms (`metrics.kid.reference_terms`) for the settings
    `meta['kid_terms_for']` = [seed, subsets, subset rows] (other settings compute them anew);
    `meta` says what it was built from.
    """

    features: np.ndarray
    probs: np.ndarray
    labels: np.ndarray
    manifold: knn.Manifold
    gaussian: fid_cached.Gaussian
    class_gaussians: list
    kid_terms: np.ndarray
    meta: dict

    def matches(self, classifier_sha256: str, eval_params: dict) -> bool:
        keys = ("format", "classifier_sha256", "split", "knn_k", "knn_space")
        want = (FORMAT, classifier_sha256, eval_params["reference"], eval_params["knn_k"], eval_params["knn_space"])
        return tuple(self.meta.get(k) for k in keys) == want

    def kid_terms_for(self, n: int, eval_params: dict) -> list[float] | None:
        """The cached KID reference terms if they fit n samples scored under eval_params, else None."""
        key = _kid_key(n, len(self.features), eval_params)
        return self.kid_terms.tolist() if self.meta.get("kid_terms_for") == key else None


def _kid_key(n: int, n_reference: int, eval_params: dict) -> list[int]:
    return [eval_params["latent_seed"], eval_params["kid_subsets"], min(eval_params["kid_subset_size"], n, n_reference)]


@single_threaded
def build_reference(embed: Embedder, x_ref: np.ndarray, y_ref: np.ndarray, eval_params: dict,
                    classifier_sha256: str) -> Reference:
    """Embed x_ref (M, 28, 28, 1) with labels y_ref (M,), and prepare the k-NN radii (in
    eval.knn_space, for eval.knn_k) and the Gaussians, overall and per class. BLAS on one thread
    (`metrics.threads`): the cache has the same bytes whatever OMP_NUM_THREADS is."""
    features, probs = embed(x_ref)
    labels = np.asarray(y_ref, np.int64)
    space, k = eval_params["knn_space"], eval_params["knn_k"]
    meta = {"format": FORMAT, "split": eval_params["reference"], "samples": int(len(x_ref)), "knn_k": int(k),
            "knn_space": space, "feature_layer": embed.feature_layer, "classifier_sha256": classifier_sha256,
            "kid_terms_for": _kid_key(eval_params["samples"], len(x_ref), eval_params)}
    terms = kid.reference_terms(features, eval_params["samples"], eval_params["kid_subsets"],
                                eval_params["kid_subset_size"], eval_params["latent_seed"])
    return Reference(features, probs, labels, knn.manifold(knn.to_space(features, space), k, labels),
                     fid_cached.gaussian(features), fid_cached.class_gaussians(features, labels, probs.shape[1]),
                     np.array(terms), meta)


def _gaussian_arrays(g: fid_cached.Gaussian | None, d: int) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """(mean (D,), trace, alive mask (D,), root padded to (D, D)) of a Gaussian; None is NaN trace."""
    if g is None:
        return np.zeros(d), float("nan"), np.zeros(d, bool), np.zeros((d, d))
    mask, root = np.zeros(d, bool), np.zeros((d, d))
    mask[g.alive] = True
    root[np.ix_(g.alive, g.alive)] = g.root
    return g.mean, g.trace, mask, root


def _gaussian(mean: np.ndarray, trace: float, mask: np.ndarray, root: np.ndarray) -> fid_cached.Gaussian | None:
    alive = np.flatnonzero(mask)
    return None if np.isnan(trace) else fid_cached.Gaussian(mean, float(trace), alive, root[np.ix_(alive, alive)])


def save_reference(reference: Reference, path: str | os.PathLike) -> None:
    """Features and probs are stored as float32, the classifier's own precision, so nothing is lost;
    the k-NN space is recomputed from them on loading, bit for bit (`knn.to_space`)."""
    d = reference.features.shape[1]
    mean, trace, alive, root = _gaussian_arrays(reference.gaussian, d)
    classes = [np.array(a) for a in zip(*(_gaussian_arrays(g, d) for g in reference.class_gaussians))]
    save_npz(path, features=reference.features.astype(np.float32), probs=reference.probs.astype(np.float32),
             labels=reference.labels, sq_radii=reference.manifold.sq_radii,
             class_sq_radii=reference.manifold.class_sq_radii, mean=mean, trace=trace, alive=alive, root=root,
             class_means=classes[0], class_traces=classes[1], class_alive=classes[2], class_roots=classes[3],
             kid_terms=reference.kid_terms, meta=np.array(json.dumps(reference.meta, sort_keys=True)))


def _from_npz(npz) -> Reference:
    meta = json.loads(str(npz["meta"]))
    if meta.get("format") != FORMAT:
        raise ValueError(f"cache format {meta.get('format')}, this version reads {FORMAT}")
    features, labels = npz["features"].astype(np.float64), npz["labels"]
    manifold = knn.Manifold(knn.to_space(features, meta["knn_space"]), meta["knn_k"], npz["sq_radii"], labels,
                            npz["class_sq_radii"])
    classes = [_gaussian(*a) for a in zip(npz["class_means"], npz["class_traces"], npz["class_alive"],
                                          npz["class_roots"])]
    return Reference(features, npz["probs"].astype(np.float64), labels, manifold,
                     _gaussian(npz["mean"], npz["trace"], npz["alive"], npz["root"]), classes, npz["kid_terms"], meta)


def load_reference(path: str | os.PathLike) -> Reference | None:
    """The cached reference, or None when there is none or it is unreadable (it is then rebuilt)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            return _from_npz(npz)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        print(f"warning: {path}: unreadable reference cache ({' '.join(str(exc).split())}); rebuilding it",
              file=sys.stderr)
        return None


def cached_reference(path: str | os.PathLike, embed: Embedder, load_split, eval_params: dict,
                     classifier_sha256: str, save: bool = False) -> Reference:
    """The cache at `path` if it was built from this classifier and eval.reference, knn_k and
    knn_space; else a fresh one, written to `path` (atomically) when `save`. `load_split(split)`
    -> (x, y) is only called when the cache cannot be used."""
    reference = load_reference(path)
    if reference is not None and reference.matches(classifier_sha256, eval_params):
        return reference
    split = eval_params["reference"]
    if reference is not None:
        print(f"warning: {path} was built for another classifier, split, knn_k or knn_space; embedding '{split}' "
              "anew", file=sys.stderr)
    fresh = build_reference(embed, *load_split(split), eval_params, classifier_sha256)
    if save:
        save_reference(fresh, path)
    return fresh
