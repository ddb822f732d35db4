"""Sample-quality metrics from classifier outputs: pure NumPy/SciPy, float64 inside.

Inputs are a classifier's class probabilities (N, C) and penultimate-layer features (N, D) of
generated and real images; see `ganbench.scoring` for how they are produced. Every function is
pure (no state, no I/O, seeded randomness only) and returns plain Python floats/ints so results
serialise to JSON unchanged. TensorFlow is deliberately not imported here: the math is tested on
hand-made arrays with known answers, independent of any model.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg

EPS = 1e-12  # probability floor in classifier_score: keeps log(0) out, negligible (<1e-10) otherwise
SQRTM_EPS = 1e-6  # diagonal offset for a singular covariance product, as in pytorch-fid
IMAG_TOL = 1e-3  # largest imaginary part of diag(sqrtm) taken as rounding noise, as in pytorch-fid
_CHUNK_ROWS = 2048  # rows per distance block in prdc: 2048 x 10000 float64 = 164 MB at a time


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


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """Fréchet (2-Wasserstein) distance between N(mu1, sigma1) and N(mu2, sigma2):
    ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^1/2) (Heusel et al. 2017, "GANs Trained by a Two
    Time-Scale Update Rule Converge to a Local Nash Equilibrium").

    Means have shape (D,), covariances (D, D); scalars are accepted for D = 1 (variances).
    The matrix square root follows the reference implementation (pytorch-fid): if sqrtm is not
    finite (singular product, e.g. dead ReLU features or N < D), retry with `SQRTM_EPS` on both
    diagonals; an imaginary part from rounding is dropped, but one above `IMAG_TOL` on the
    diagonal means the inputs are not covariances and raises ValueError. A result that rounding
    made slightly negative is returned as 0 (the true distance is >= 0).
    """
    m1, m2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    s1, s2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    d = len(m1)
    if m1.shape != (d,) or m2.shape != (d,) or s1.shape != (d, d) or s2.shape != (d, d):
        raise ValueError(f"frechet_distance: shapes {m1.shape}, {s1.shape}, {m2.shape}, {s2.shape} "
                         "are not (D,), (D, D), (D,), (D, D)")
    diff = m1 - m2
    with warnings.catch_warnings():  # singular products are expected (dead ReLU features), handled below
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(s1 @ s2)
        if not np.isfinite(covmean).all():
            offset = np.eye(d) * SQRTM_EPS
            covmean = linalg.sqrtm((s1 + offset) @ (s2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=IMAG_TOL):
            raise ValueError(f"frechet_distance: imaginary component {np.max(np.abs(covmean.imag)):.3g} "
                             "in sqrtm(S1 S2); are both covariances symmetric positive semi-definite?")
        covmean = covmean.real
    distance = diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)
    if not np.isfinite(distance):
        return float("nan")
    return float(max(distance, 0.0))


def fid(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to feature sets (N, D) and (M, D) (Heusel et al.
    2017). Biased in N (it shrinks as N grows), so only compare FIDs computed with equal N."""
    return frechet_distance(*gaussian_stats(features_a), *gaussian_stats(features_b))


def _cubic_kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """k(a_i, b_j) = (a_i.b_j / D + 1)^3 for a (m, D), b (n, D) -> (m, n), the KID kernel
    (Binkowski et al. 2018). Cubed by multiplication in place: `** 3` costs as much as the GEMM."""
    k = a @ b.T
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
    kxx, kyy = _cubic_kernel(x, x), _cubic_kernel(y, y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2.0 * _cubic_kernel(x, y).mean())


def kid(features_a: np.ndarray, features_b: np.ndarray, subsets: int = 100, subset_size: int = 1000,
        seed: int = 0) -> tuple[float, float]:
    """Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs"): mean and
    (population) std of the unbiased MMD^2 over `subsets` pairs of random subsets.

    Features are (N, D) and (M, D). Each subset has min(subset_size, N, M) rows drawn without
    replacement by `numpy.random.default_rng(seed)`, so the result is deterministic given the seed.
    Unbiased, so unlike FID its expectation does not depend on the sample size, and it can be
    slightly negative when both sets come from one distribution.
    """
    a, b = _matrix(features_a, "features_a"), _matrix(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"kid: feature dimensions differ, {a.shape[1]} vs {b.shape[1]}")
    size = min(subset_size, len(a), len(b))
    if size < 2 or subsets < 1:
        raise ValueError(f"kid: need subsets >= 1 and subsets of >= 2 rows, got {subsets} of {size}")
    rng = np.random.default_rng(seed)
    values = [_mmd2_unbiased(a[rng.choice(len(a), size, replace=False)], b[rng.choice(len(b), size, replace=False)])
              for _ in range(subsets)]
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


def _distance_rows(rows: np.ndarray, b: np.ndarray, b_sq: np.ndarray) -> np.ndarray:
    """Euclidean distances (len(rows), len(b)) from ||a||^2 + ||b||^2 - 2 a.b (one BLAS call),
    clipped at 0 before the square root since rounding can make it slightly negative."""
    sq = np.einsum("ij,ij->i", rows, rows)[:, None] + b_sq[None, :] - 2.0 * (rows @ b.T)
    np.maximum(sq, 0.0, out=sq)
    return np.sqrt(sq, out=sq)


def _knn_radii(x: np.ndarray, k: int) -> np.ndarray:
    """Distance of each row of x (N, D) to its k-th nearest neighbour in x, self excluded: the
    (k+1)-th smallest distance counting self at 0, i.e. sorted[:, k] (reference `prdc` package).
    Computed in row blocks so only a (_CHUNK_ROWS, N) block is held."""
    x_sq = np.einsum("ij,ij->i", x, x)
    radii = np.empty(len(x))
    for start in range(0, len(x), _CHUNK_ROWS):
        block = _distance_rows(x[start:start + _CHUNK_ROWS], x, x_sq)
        radii[start:start + _CHUNK_ROWS] = np.partition(block, k, axis=1)[:, k]
    return radii


def prdc(real: np.ndarray, fake: np.ndarray, k: int = 3) -> dict:
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

    Distances are streamed in blocks of real rows, so memory stays O(_CHUNK_ROWS * max(N, M)) and
    no N x M matrix is held. Requires 1 <= k < min(N, M).
    """
    r, f = _matrix(real, "real"), _matrix(fake, "fake")
    if r.shape[1] != f.shape[1]:
        raise ValueError(f"prdc: feature dimensions differ, {r.shape[1]} vs {f.shape[1]}")
    if not 1 <= k < min(len(r), len(f)):
        raise ValueError(f"prdc: need 1 <= k < min(N, M) = {min(len(r), len(f))}, got k={k}")
    center = r.mean(axis=0)  # distances are shift-invariant; centring cuts cancellation in a.b
    r, f = r - center, f - center
    real_radii, fake_radii = _knn_radii(r, k), _knn_radii(f, k)
    f_sq = np.einsum("ij,ij->i", f, f)
    fake_in_real = np.zeros(len(f), bool)  # precision: fake j inside some real ball
    balls_per_fake = np.zeros(len(f), np.int64)  # density: number of real balls holding fake j
    real_in_fake = np.empty(len(r), bool)  # recall: real i inside some fake ball
    covered = np.empty(len(r), bool)  # coverage: nearest fake inside real i's ball
    for start in range(0, len(r), _CHUNK_ROWS):
        rows = slice(start, start + _CHUNK_ROWS)
        d = _distance_rows(r[rows], f, f_sq)  # (block, M)
        inside = d < real_radii[rows, None]
        fake_in_real |= inside.any(axis=0)
        balls_per_fake += inside.sum(axis=0)
        real_in_fake[rows] = (d < fake_radii[None, :]).any(axis=1)
        covered[rows] = d.min(axis=1) < real_radii[rows]
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
