"""Sample-quality metrics from classifier outputs: pure NumPy, float64 inside (k-NN distances float32).

Inputs are a classifier's class probabilities (N, C) and penultimate-layer features (N, D) of
generated and real images; see `ganbench.scoring` for how they are produced. Every function is
pure (no state, no I/O, seeded randomness only) and returns plain Python floats/ints so results
serialise to JSON unchanged. TensorFlow is deliberately not imported here: the math is tested on
hand-made arrays with known answers, independent of any model.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

EPS = 1e-12  # probability floor in classifier_score: keeps log(0) out, negligible (<1e-10) otherwise
PSD_TOL = 1e-9  # relative asymmetry / negative eigenvalue of a covariance taken as rounding noise
_CHUNK_ROWS = 1024  # rows per distance block in prdc: 1024 x 10000 float32 = 41 MB per thread
_THREADS = 2  # distance blocks in flight; the selection (np.partition) would otherwise use one core


def _matrix(x, name: str) -> np.ndarray:
    a = np.asarray(x, np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array (N, D), got shape {a.shape}")
    return a


def classifier_score(probs: np.ndarray) -> float:
    """exp(E_x KL(p(y|x) || p(y))) for class probabilities `probs` (N, C).

    The Inception score of Salimans et al. 2016 ("Improved Techniques for Training GANs") computed
    with the dataset's own classifier instead of Inception, as TF-GAN's `mnist_score` does. It is
    high when each sample is confidently one class (low entropy p(y|x)) and the samples use all
    classes (high entropy marginal p(y)): 1 for uninformative predictions, C for confident
    predictions spread evenly over C classes, m for confident predictions on m classes.
    Probabilities are floored at `EPS` so a hard 0 does not give 0 * log 0 = nan.
    """
    p = np.clip(_matrix(probs, "probs"), EPS, 1.0)
    marginal = p.mean(axis=0, keepdims=True)  # p(y), (1, C)
    kl = np.sum(p * (np.log(p) - np.log(marginal)), axis=1)  # KL(p(y|x) || p(y)), (N,)
    return float(np.exp(np.mean(kl)))


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and unbiased (ddof=1) covariance (D, D), float64, of `features` (N, D).

    The sufficient statistics of the Gaussian that FID (Heusel et al. 2017) fits to each feature
    set; kept separate so reference statistics can be computed once and reused.
    """
    f = _matrix(features, "features")
    if len(f) < 2:
        raise ValueError(f"gaussian_stats: need at least 2 samples for a covariance, got {len(f)}")
    return f.mean(axis=0), np.atleast_2d(np.cov(f, rowvar=False, ddof=1))


def _psd_sqrt(s: np.ndarray) -> np.ndarray:
    """Symmetric square root of a symmetric PSD matrix (D, D) from its eigendecomposition;
    eigenvalues that rounding pushed slightly below 0 count as 0."""
    w, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def _check_covariance(s: np.ndarray, name: str) -> None:
    """Raise ValueError unless `s` is symmetric positive semi-definite up to rounding."""
    scale = max(float(np.max(np.abs(s))), 1e-300)
    if not np.allclose(s, s.T, rtol=0.0, atol=PSD_TOL * scale):
        raise ValueError(f"frechet_distance: {name} is not symmetric; is it a covariance matrix?")
    lowest = float(np.linalg.eigvalsh(s)[0])
    if lowest < -PSD_TOL * scale:
        raise ValueError(f"frechet_distance: {name} has a negative eigenvalue {lowest:.3g}; "
                         "is it a covariance matrix?")


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """Fréchet (2-Wasserstein) distance between N(mu1, sigma1) and N(mu2, sigma2):
    ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^1/2) (Heusel et al. 2017, "GANs Trained by a Two
    Time-Scale Update Rule Converge to a Local Nash Equilibrium").

    Means have shape (D,), covariances (D, D); scalars are accepted for D = 1 (variances).
    Tr (S1 S2)^1/2 is computed as the sum of sqrt(eigenvalues) of the symmetric PSD matrix
    S1^1/2 S2 S1^1/2, which is similar to S1 S2. This is the "stable sqrtm" of design.md: unlike
    `scipy.linalg.sqrtm` of the non-symmetric product (pytorch-fid), it needs no epsilon retry for
    singular covariances (dead ReLU features, N < D), produces no imaginary parts, and takes about
    a third of the time for D = 500. Inputs that are not covariances raise ValueError. A result
    that rounding made slightly negative is returned as 0 (the true distance is >= 0).
    """
    m1, m2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    s1, s2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    d = len(m1)
    if m1.shape != (d,) or m2.shape != (d,) or s1.shape != (d, d) or s2.shape != (d, d):
        raise ValueError(f"frechet_distance: shapes {m1.shape}, {s1.shape}, {m2.shape}, {s2.shape} "
                         "are not (D,), (D, D), (D,), (D, D)")
    if not all(np.isfinite(a).all() for a in (m1, m2, s1, s2)):
        return float("nan")
    _check_covariance(s1, "sigma1")
    _check_covariance(s2, "sigma2")
    root1 = _psd_sqrt(s1)
    inner = root1 @ s2 @ root1
    eigenvalues = np.linalg.eigvalsh((inner + inner.T) / 2)  # symmetrised against rounding
    trace_sqrt = float(np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None))))
    diff = m1 - m2
    distance = diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * trace_sqrt
    return float(max(distance, 0.0))


def fid(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to feature sets (N, D) and (M, D) (Heusel et al.
    2017). Biased in N (it shrinks as N grows), so only compare FIDs computed with equal N."""
    return frechet_distance(*gaussian_stats(features_a), *gaussian_stats(features_b))


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


def _mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2 between samples x (m, D) and y (n, D) with the cubic polynomial kernel
    (Binkowski et al. 2018, eq. 3): the within-set means exclude the diagonal i == j, which is
    what removes the bias."""
    m, n = len(x), len(y)
    kxx, kyy = _cubic_kernel(x), _cubic_kernel(y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2.0 * _cubic_kernel(x, y).mean())


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


def kid(features_a: np.ndarray, features_b: np.ndarray, subsets: int = 10, subset_size: int = 1000,
        seed: int = 0) -> tuple[float, float]:
    """Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs"): mean and
    (population) std of the unbiased MMD^2 over `subsets` pairs of random subsets, float64.

    Features are (N, D) and (M, D). Each subset has min(subset_size, N, M) rows, chosen by
    `kid_subset_indices` with two independent streams spawned from `numpy.random.default_rng(seed)`
    (first for a, second for b), so the result is deterministic given the seed.
    Unbiased, so unlike FID its expectation does not depend on the sample size, and it can be
    slightly negative when both sets come from one distribution.
    """
    a, b = _matrix(features_a, "features_a"), _matrix(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"kid: feature dimensions differ, {a.shape[1]} vs {b.shape[1]}")
    size = min(subset_size, len(a), len(b))
    if size < 2 or subsets < 1:
        raise ValueError(f"kid: need subsets >= 1 and subsets of >= 2 rows, got {subsets} of {size}")
    rng_a, rng_b = np.random.default_rng(seed).spawn(2)
    pairs = zip(kid_subset_indices(len(a), size, subsets, rng_a), kid_subset_indices(len(b), size, subsets, rng_b))
    values = [_mmd2_unbiased(a[ia], b[ib]) for ia, ib in pairs]
    return float(np.mean(values)), float(np.std(values))


def class_histogram(probs: np.ndarray, min_fraction: float = 0.1) -> dict:
    """Mode statistics of the predicted classes (argmax) of `probs` (N, C); a direct view of mode
    collapse, as in the mode counts of Metz et al. 2017 (Unrolled GANs) and Srivastava et al. 2017
    (VEEGAN).

    Returns `class_counts` (C ints), `classes_covered` (classes given at least `min_fraction` of
    their uniform share N / C) and `kl_to_uniform` = KL(counts / N || uniform) in nats with
    0 log 0 = 0: 0 for a perfectly balanced generator, log C for a single mode.
    """
    p = _matrix(probs, "probs")
    n, c = p.shape
    counts = np.bincount(np.argmax(p, axis=1), minlength=c)
    share = counts / n
    nonzero = share > 0
    # counts / N >= min_fraction / C, compared as counts * C >= min_fraction * N with rounding slack
    covered = counts * c >= min_fraction * n * (1 - 1e-12)
    return {"class_counts": counts.tolist(),
            "classes_covered": int(np.sum(covered)),
            "kl_to_uniform": float(np.sum(share[nonzero] * np.log(share[nonzero] * c)))}


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
    r, f = _matrix(real, "real"), _matrix(fake, "fake")
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


def conditional_accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Share of class-conditional samples, probs (N, C) and requested labels (N,), that the
    classifier assigns to the class they were asked for: how well a conditional GAN (Mirza &
    Osindero 2014) obeys its label, which the unconditional metrics above cannot see."""
    p, y = _matrix(probs, "probs"), np.asarray(labels)
    if y.shape != (len(p),):
        raise ValueError(f"conditional_accuracy: labels shape {y.shape} does not match probs {p.shape}")
    return float(np.mean(np.argmax(p, axis=1) == y))
