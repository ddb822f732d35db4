"""Kernel Inception Distance (Binkowski et al. 2018) on classifier features.

Subsets are computed side by side, each with one BLAS thread (`metrics.threads`), so the values do
not depend on the thread count.
"""
from __future__ import annotations

import numpy as np

from ganbench.evaluation.metrics.arrays import as_matrix
from ganbench.evaluation.metrics.threads import parallel_map


def _cubic_kernel(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """k(a_i, b_j) = (a_i.b_j / D + 1)^3 for a (m, D), b (n, D) -> (m, n), the KID kernel
    (Binkowski et al. 2018); b = None means b = a, computed as a symmetric product (half the
    work). Cubed by multiplication in place: `** 3` costs as much as the GEMM."""
    k = a @ (a if b is None else b).T
    k /= a.shape[1]
    k += 1.0
    cube = k * k
    cube *= k
    return cube


def _within(x: np.ndarray) -> float:
    """Mean kernel value over pairs i != j of x (m, D): a within-set term of the unbiased MMD^2
    (Binkowski et al. 2018, eq. 3); excluding the diagonal is what removes the bias."""
    kxx = _cubic_kernel(x)
    return float((kxx.sum() - np.trace(kxx)) / (len(x) * (len(x) - 1)))


def _mmd2_unbiased(x: np.ndarray, y: np.ndarray, within_y: float | None = None) -> float:
    """Unbiased MMD^2 between samples x (m, D) and y (n, D) with the cubic polynomial kernel;
    `within_y` = _within(y) when already known."""
    return float(_within(x) + (_within(y) if within_y is None else within_y) - 2.0 * _cubic_kernel(x, y).mean())


def kid_subset_indices(n: int, size: int, subsets: int, rng: np.random.Generator) -> list[np.ndarray]:
    """`subsets` index arrays of `size` distinct rows out of n: consecutive blocks of a random
    permutation, and of a fresh permutation whenever one is used up.

    While subsets * size <= n the subsets are disjoint, as in TF-GAN's blockwise KID, so every
    sample counts once and the std over subsets is a std of independent estimates; 10 disjoint
    subsets of 1000 out of 10,000 give a mean nearly as precise as 100 overlapping ones (the
    `torch-fidelity` default) at a tenth of the cost.
    """
    per_permutation = n // size
    blocks: list[np.ndarray] = []
    while len(blocks) < subsets:
        order = rng.permutation(n)
        blocks += [order[i * size:(i + 1) * size] for i in range(per_permutation)]
    return blocks[:subsets]


def _subsets(n_a: int, n_b: int, subsets: int, subset_size: int, seed: int) -> tuple[list, list]:
    """Row subsets of a and b: min(subset_size, n_a, n_b) rows each, from two independent streams
    spawned from `numpy.random.default_rng(seed)` (first for a, second for b)."""
    size = min(subset_size, n_a, n_b)
    if size < 2 or subsets < 1:
        raise ValueError(f"kid: need subsets >= 1 and subsets of >= 2 rows, got {subsets} of {size}")
    rng_a, rng_b = np.random.default_rng(seed).spawn(2)
    return kid_subset_indices(n_a, size, subsets, rng_a), kid_subset_indices(n_b, size, subsets, rng_b)


def reference_terms(features_b: np.ndarray, n_a: int, subsets: int = 10, subset_size: int = 1000,
                    seed: int = 0) -> list[float]:
    """The within-set terms of `kid(features_a, features_b, ...)`'s subsets of b (N_b, D) for any
    set a of n_a rows: a third of KID's work, the same for every set scored against one reference,
    so it can be computed once and passed to `kid` (bit-identical results)."""
    b = as_matrix(features_b, "features_b")
    return parallel_map(lambda rows: _within(b[rows]), _subsets(n_a, len(b), subsets, subset_size, seed)[1])


def kid(features_a: np.ndarray, features_b: np.ndarray, subsets: int = 10, subset_size: int = 1000,
        seed: int = 0, b_terms: list[float] | None = None) -> tuple[float, float, float]:
    """Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs"): the mean of the
    unbiased MMD^2 over `subsets` pairs of random subsets, float64, and two spreads of it:

    - std: the population std (ddof 0) of the per-subset estimates, what torch-fidelity reports
      as `kernel_inception_distance_std`: the spread of one subset's estimate;
    - se: the standard error of the mean, std (ddof 1) / sqrt(subsets), what TF-GAN's
      `kernel_classifier_distance_and_std` returns for its disjoint blocks. Only a standard error
      when the subsets are disjoint (subsets x size <= min(N, M)) and there are at least 2: NaN
      otherwise.

    Features are (N, D) and (M, D). Each subset has min(subset_size, N, M) rows (`_subsets`), so
    the result is deterministic given the seed. `b_terms` = `reference_terms(features_b, N, ...)`
    skips recomputing b's within-set terms. Unbiased, so unlike FID its expectation does not depend
    on the sample size, and it can be slightly negative when both sets come from one distribution.
    """
    a, b = as_matrix(features_a, "features_a"), as_matrix(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"kid: feature dimensions differ, {a.shape[1]} vs {b.shape[1]}")
    rows_a, rows_b = _subsets(len(a), len(b), subsets, subset_size, seed)
    if b_terms is not None and len(b_terms) != subsets:
        raise ValueError(f"kid: {len(b_terms)} precomputed b terms for {subsets} subsets")
    within_b = b_terms or [None] * subsets
    values = parallel_map(lambda rows: _mmd2_unbiased(a[rows[0]], b[rows[1]], rows[2]), list(zip(rows_a, rows_b, within_b)))
    size = len(rows_a[0])
    disjoint = 2 <= subsets and subsets * size <= min(len(a), len(b))
    se = float(np.std(values, ddof=1) / np.sqrt(subsets)) if disjoint else float("nan")
    return float(np.mean(values)), float(np.std(values)), se
