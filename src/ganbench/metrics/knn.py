"""k-NN manifold metrics: precision / recall (Kynkäänniemi et al. 2019), density / coverage (Naeem et al. 2020)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ganbench.metrics.arrays import as_matrix

_CHUNK_ROWS = 1024  # rows per distance block in prdc: 1024 x 10000 float32 = 41 MB per thread
_THREADS = 2  # distance blocks in flight; the selection (np.partition) would otherwise use one core


def _augment(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column operands (N, D+2) whose product is the squared-distance matrix:
    [x, ||x||^2, 1] . [-2y, 1, ||y||^2] = ||x||^2 + ||y||^2 - 2 x.y, so one float32 GEMM yields
    the distances with no elementwise passes over the (N, M) result."""
    sq = np.einsum("ij,ij->i", x, x)[:, None]
    ones = np.ones_like(sq)
    return np.hstack([x, sq, ones]), np.hstack([-2.0 * x, ones, sq])


def _blocks(n: int) -> list[slice]:
    return [slice(start, start + _CHUNK_ROWS) for start in range(0, n, _CHUNK_ROWS)]


def _map_blocks(fn, n: int) -> list:
    """fn over row blocks of 0..n on `_THREADS` threads: BLAS and np.partition release the GIL,
    and the selection step is single-threaded otherwise."""
    with ThreadPoolExecutor(_THREADS) as pool:
        return list(pool.map(fn, _blocks(n)))


def _prepare(x: np.ndarray, center: np.ndarray) -> np.ndarray:
    """Centred float32 copy: distances are shift-invariant, and centring cuts cancellation in a.b."""
    return np.ascontiguousarray(x - center, dtype=np.float32)


def knn_sq_radii(x: np.ndarray, k: int, center: np.ndarray | None = None) -> np.ndarray:
    """Squared distance (N,) of each row of x (N, D) to its k-th nearest neighbour in x, self
    excluded: the (k+1)-th smallest counting self at 0, i.e. sorted[:, k] (reference `prdc`).

    `center` must be the one later passed to `prdc` (the real mean) when the result is reused
    there as `real_sq_radii`, so both see bit-identical distances. Computed in row blocks, so only
    (_CHUNK_ROWS, N) float32 distances per thread are held.
    """
    if not 1 <= k < len(x):
        raise ValueError(f"knn radii: need 1 <= k < N = {len(x)}, got k={k}")
    rows, cols = _augment(_prepare(x, np.zeros(x.shape[1]) if center is None else center))
    parts = _map_blocks(lambda block: np.partition(rows[block] @ cols.T, k, axis=1)[:, k], len(rows))
    return np.concatenate(parts)


def prdc(real: np.ndarray, fake: np.ndarray, k: int = 3, real_sq_radii: np.ndarray | None = None) -> dict:
    """Precision, recall, density and coverage of `fake` (M, D) against `real` (N, D).

    Precision and recall on k-NN manifolds (Kynkäänniemi et al. 2019, "Improved Precision and
    Recall Metric for Assessing Generative Models") separate fidelity (fakes inside the real
    manifold) from diversity (reals inside the fake manifold); density and coverage (Naeem et al.
    2020, "Reliable Fidelity and Diversity Metrics for Generative Models") are the outlier-robust
    versions. Definitions follow the reference `prdc` package (clovaai/generative-evaluation-prdc)
    exactly, strict '<' included; with r_i the k-NN radius of real i and s_j that of fake j:

        precision = mean_j any_i d(real_i, fake_j) < r_i
        recall    = mean_i any_j d(real_i, fake_j) < s_j
        density   = (1/k) mean_j #{i : d(real_i, fake_j) < r_i}
        coverage  = mean_i [min_j d(real_i, fake_j) < r_i]

    Squared distances come from one float32 GEMM per block of rows (`_augment`; the reference
    package is float32 too), so no N x M matrix is held and nothing but the GEMM and the
    comparisons touches it. `real_sq_radii` (N,) =
    `knn_sq_radii(real, k, real.mean(0))` may be passed in when the real set is scored against
    often (it is a property of the reference alone). Requires 1 <= k < min(N, M).
    """
    r, f = as_matrix(real, "real"), as_matrix(fake, "fake")
    if r.shape[1] != f.shape[1]:
        raise ValueError(f"prdc: feature dimensions differ, {r.shape[1]} vs {f.shape[1]}")
    if not 1 <= k < min(len(r), len(f)):
        raise ValueError(f"prdc: need 1 <= k < min(N, M) = {min(len(r), len(f))}, got k={k}")
    center = r.mean(axis=0)
    if real_sq_radii is None:
        real_sq_radii = knn_sq_radii(r, k, center)
    elif np.shape(real_sq_radii) != (len(r),):
        raise ValueError(f"prdc: real_sq_radii shape {np.shape(real_sq_radii)} is not ({len(r)},)")
    fake_sq_radii = knn_sq_radii(f, k, center)
    real_rows, _ = _augment(_prepare(r, center))
    _, fake_cols = _augment(_prepare(f, center))

    def cross(block: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        d = real_rows[block] @ fake_cols.T  # squared distances (block, M)
        inside = d < real_sq_radii[block, None]  # fake j inside real i's ball
        balls = inside.view(np.uint8).sum(axis=0, dtype=np.uint16)  # (M,); a block has < 2^16 rows
        return balls, (d < fake_sq_radii[None, :]).any(axis=1), inside.any(axis=1)

    parts = _map_blocks(cross, len(real_rows))
    balls_per_fake = np.sum([p[0] for p in parts], axis=0, dtype=np.int64)  # density: real balls holding fake j
    fake_in_real = balls_per_fake > 0  # precision: fake j inside some real ball
    real_in_fake = np.concatenate([p[1] for p in parts])  # recall: real i inside some fake ball
    covered = np.concatenate([p[2] for p in parts])  # coverage: nearest fake inside real i's ball
    return {"precision": float(fake_in_real.mean()),
            "recall": float(real_in_fake.mean()),
            "density": float(balls_per_fake.mean() / k),
            "coverage": float(covered.mean())}
