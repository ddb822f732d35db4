"""Sample-quality metrics from classifier outputs: pure NumPy/SciPy, float64 inside.

Inputs are a classifier's class probabilities (N, C) and penultimate-layer features (N, D) of
generated and real images; see `ganbench.scoring` for how they are produced.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg

EPS = 1e-12


def classifier_score(probs: np.ndarray) -> float:
    """exp(E_x KL(p(y|x) || p(y))) for probs (N, C): the Inception score of Salimans et al. 2016
    computed with the dataset's own classifier (TF-GAN's mnist_score). 1 (useless) .. C (ideal)."""
    p = np.clip(np.asarray(probs, np.float64), EPS, 1.0)
    marginal = p.mean(axis=0, keepdims=True)
    return float(np.exp(np.mean(np.sum(p * (np.log(p) - np.log(marginal)), axis=1))))


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and covariance (D, D), float64, of features (N, D)."""
    f = np.asarray(features, np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False, ddof=1)


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^1/2) between two Gaussians (Heusel et al. 2017).

    The matrix square root follows the reference implementation: if it is not finite (singular
    product), retry with eps on the diagonals; a small imaginary part from rounding is dropped.
    """
    diff = np.asarray(mu1, np.float64) - np.asarray(mu2, np.float64)
    s1, s2 = np.atleast_2d(sigma1).astype(np.float64), np.atleast_2d(sigma2).astype(np.float64)
    with warnings.catch_warnings():  # singular products are expected (dead ReLU features), handled below
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(s1 @ s2)
        if not np.isfinite(covmean).all():
            offset = np.eye(len(s1)) * 1e-6
            covmean = linalg.sqrtm((s1 + offset) @ (s2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError(f"frechet_distance: imaginary component {np.max(np.abs(covmean.imag)):.3g} in sqrtm")
        covmean = covmean.real
    distance = diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)
    return float(max(distance, 0.0))


def fid(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (N, D) and (M, D)."""
    return frechet_distance(*gaussian_stats(features_a), *gaussian_stats(features_b))


def _mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2 with the cubic polynomial kernel k(a, b) = (a.b / D + 1)^3 (Binkowski et al. 2018)."""
    d = x.shape[1]
    kxx, kyy, kxy = ((a @ b.T / d + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
    m, n = len(x), len(y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2 * kxy.mean())


def kid(features_a: np.ndarray, features_b: np.ndarray, subsets: int = 100, subset_size: int = 1000,
        seed: int = 0) -> tuple[float, float]:
    """Kernel Inception Distance: mean and std of unbiased MMD^2 over random equal-size subsets.

    Unbiased, so unlike FID its expectation does not depend on N (Binkowski et al. 2018).
    """
    a, b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    size = min(subset_size, len(a), len(b))
    rng = np.random.default_rng(seed)
    values = [_mmd2_unbiased(a[rng.choice(len(a), size, replace=False)], b[rng.choice(len(b), size, replace=False)])
              for _ in range(subsets)]
    return float(np.mean(values)), float(np.std(values))


def class_histogram(probs: np.ndarray, min_fraction: float = 0.1) -> dict:
    """Mode statistics of the predicted classes (argmax) of probs (N, C).

    `classes_covered` counts classes given at least `min_fraction` of their uniform share N / C;
    `kl_to_uniform` (nats) is 0 for a perfectly balanced generator and log C for one mode.
    """
    n, c = probs.shape
    counts = np.bincount(np.argmax(probs, axis=1), minlength=c)
    share = counts / n
    nonzero = share > 0
    return {"class_counts": counts.tolist(),
            "classes_covered": int(np.sum(share >= min_fraction / c)),
            "kl_to_uniform": float(np.sum(share[nonzero] * np.log(share[nonzero] * c)))}


def _pairwise_distances(a: np.ndarray, b: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Euclidean distances (N, M) as float32, computed in row chunks to bound temporaries."""
    b = np.asarray(b, np.float64)
    b2 = np.sum(b * b, axis=1)
    out = np.empty((len(a), len(b)), np.float32)
    for start in range(0, len(a), chunk):
        rows = np.asarray(a[start:start + chunk], np.float64)
        sq = np.sum(rows * rows, axis=1)[:, None] + b2[None, :] - 2 * rows @ b.T
        out[start:start + chunk] = np.sqrt(np.maximum(sq, 0))
    return out


def _knn_radii(features: np.ndarray, k: int) -> np.ndarray:
    """Distance of each point to its k-th nearest neighbour in its own set (self excluded)."""
    d = _pairwise_distances(features, features)
    return np.partition(d, k, axis=1)[:, k]


def prdc(real: np.ndarray, fake: np.ndarray, k: int = 3) -> dict:
    """Precision and recall on k-NN manifolds (Kynkäänniemi et al. 2019) and density and coverage
    (Naeem et al. 2020), following the reference `prdc` package, for features (N, D) and (M, D)."""
    real_radii, fake_radii = _knn_radii(real, k), _knn_radii(fake, k)
    d = _pairwise_distances(real, fake)  # (N real, M fake)
    inside_real = d < real_radii[:, None]
    return {"precision": float(inside_real.any(axis=0).mean()),
            "recall": float((d < fake_radii[None, :]).any(axis=1).mean()),
            "density": float(inside_real.sum(axis=0).mean() / k),
            "coverage": float((d.min(axis=1) < real_radii).mean())}


def conditional_accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Share of class-conditional samples the classifier assigns to the class they were asked for."""
    return float(np.mean(np.argmax(probs, axis=1) == np.asarray(labels)))
