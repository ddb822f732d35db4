"""FID against a reference Gaussian prepared once: the whole set and per class (intra-class FID).

Scoring compares every sample set with the same reference split, so the reference side of
Tr (S1 S2)^1/2 is prepared once: the mean, the trace and the symmetric square root R of the
covariance S2. Tr (S1 S2)^1/2 is then the sum of the square roots of the eigenvalues of the
symmetric R S1 R, similar to S2 S1 (the "stable sqrtm" of `metrics.fid`): two products and one
`eigvalsh` per set and per class. Features that are constant
(dead ReLU units) in the reference have zero rows and columns in R, so R is kept on the others
only: that is exact, and a smaller eigenproblem (~420 of 500 features per MNIST class).
Kept apart from `metrics.fid`, which training imports: editing scoring code must not invalidate
trained generators. BLAS and LAPACK run on one thread, classes side by side (`metrics.threads`), so
the values do not depend on the thread count.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ganbench.evaluation.metrics.arrays import as_matrix
from ganbench.evaluation.metrics.fid import gaussian_stats
from ganbench.evaluation.metrics.threads import parallel_map, single_threaded


@dataclass(frozen=True)
class Gaussian:
    """A reference Gaussian: mean (D,), Tr(cov), the features `alive` (A,) with non-zero variance,
    and the symmetric square root (A, A) of the covariance among them (zero elsewhere)."""

    mean: np.ndarray
    trace: float
    alive: np.ndarray
    root: np.ndarray


@single_threaded
def gaussian(features: np.ndarray) -> Gaussian:
    """The Gaussian FID fits to features (N, D), N >= 2 (Heusel et al. 2017), its covariance square
    root from the eigendecomposition (eigenvalues rounded below 0 count as 0)."""
    mean, cov = gaussian_stats(features)
    alive = np.flatnonzero(np.diag(cov) > 0)
    w, v = np.linalg.eigh(cov[np.ix_(alive, alive)])
    return Gaussian(mean, float(np.trace(cov)), alive, (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T)


@single_threaded
def frechet_to(features: np.ndarray, reference: Gaussian) -> float:
    """FID of features (N, D), N >= 2, against a prepared reference: ||mu1 - mu2||^2 + Tr S1 +
    Tr S2 - 2 Tr (S1 S2)^1/2 (Heusel et al. 2017), float64, clipped at 0 against rounding. Equals
    `metrics.fid.fid(features, reference_features)` up to rounding."""
    f = as_matrix(features, "features")
    if len(f) < 2:
        raise ValueError(f"frechet_to: need at least 2 samples for a covariance, got {len(f)}")
    mean = f.mean(axis=0)
    centred = f - mean
    if not np.isfinite(centred).all():
        return float("nan")
    x = centred[:, reference.alive]
    if len(x) > x.shape[1]:  # R (X^T X) R, X^T X by syrk: cheaper than the Gram of X R when n > A
        inner = reference.root @ (x.T @ x) @ reference.root
    else:  # (X R)(X R)^T (n, n) has the same non-zero eigenvalues and is smaller
        g = x @ reference.root
        inner = g @ g.T
    inner = (inner + inner.T) / (2 * (len(f) - 1))  # symmetrised against rounding
    trace_sqrt = float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(inner), 0.0, None))))
    diff = mean - reference.mean
    trace1 = float(np.einsum("ij,ij->", centred, centred)) / (len(f) - 1)
    return float(max(diff @ diff + trace1 + reference.trace - 2.0 * trace_sqrt, 0.0))


def class_gaussians(features: np.ndarray, labels: np.ndarray, num_classes: int) -> list[Gaussian | None]:
    """The reference Gaussian of each class 0..num_classes-1 of features (N, D) with labels (N,);
    None for a class with fewer than 2 members (no covariance)."""
    f = as_matrix(features, "features")
    return parallel_map(lambda c: gaussian(f[labels == c]) if np.sum(labels == c) >= 2 else None, list(range(num_classes)))


def intra_class_fid(features: np.ndarray, groups: np.ndarray, references: list[Gaussian | None]) -> list[float | None]:
    """Intra-class FID (as in StudioGAN, Kang et al. 2023, "StudioGAN: A Taxonomy and Benchmark of
    GANs for Image Synthesis"): for each class c, the FID of the samples grouped as c (features
    (N, D), groups (N,)) against the reference Gaussian of class c, in the same features.

    None where the samples of c are fewer than 2 (no covariance) or the reference class has no
    Gaussian. With fewer samples than dimensions the covariance is singular but the distance
    finite; like FID it is biased in the sample count, so compare classes of similar size only.
    """
    f = as_matrix(features, "features")
    if np.shape(groups) != (len(f),):
        raise ValueError(f"intra_class_fid: groups shape {np.shape(groups)} does not match features {f.shape}")
    return parallel_map(lambda c: frechet_to(f[groups == c], references[c])
                        if references[c] is not None and np.sum(groups == c) >= 2 else None, list(range(len(references))))
