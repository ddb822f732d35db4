"""k-NN manifold metrics: precision / recall (Kynkäänniemi et al. 2019), density / coverage (Naeem
et al. 2020), over the whole set and per class."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ganbench.evaluation.metrics.arrays import as_matrix
from ganbench.evaluation.metrics.exact import (
    Candidates,
    PairSpace,
    canonical_sq_norms,
    map_blocks,
    row_blocks,
    scan_self,
    sparse_nonzero,
    up32,
)

SPACES = ("unit", "raw")


def unit_rows(features: np.ndarray) -> np.ndarray:
    """Rows of (N, D) scaled to unit Euclidean length (an all-zero row stays zero); the norm is
    summed in feature order (`canonical_sq_norms`), so identical rows stay bit-identical."""
    f = as_matrix(features, "features")
    return f / np.maximum(np.sqrt(canonical_sq_norms(f)), 1e-12)[:, None]


def to_space(features: np.ndarray, space: str) -> np.ndarray:
    """Features (N, D) in the k-NN space `space` (params eval.knn_space).

    "raw" is the standard definition (Kynkäänniemi et al. 2019; Naeem et al. 2020; the `prdc`
    package). "unit" (the default) scales every row to unit length first: in raw ReLU features,
    images unlike any digit (uniform noise) land near the origin, inside the k-NN balls of
    low-norm real images, and scored precision 1.0 on MNIST (README "Metrics" has both spaces).
    """
    if space not in SPACES:
        raise ValueError(f"k-NN space must be one of {', '.join(SPACES)}, got {space!r}")
    return unit_rows(features) if space == "unit" else as_matrix(features, "features")


@dataclass(frozen=True)
class Manifold:
    """Points (N, D) float64 with their squared k-NN radii (N,): the real side of `prdc`, computed
    once per reference set. With `labels` (N,) in 0..C-1, `class_sq_radii` (N,) holds each point's
    radius among the points of its own class (NaN where the class has k points or fewer)."""

    points: np.ndarray
    k: int
    sq_radii: np.ndarray
    labels: np.ndarray | None = None
    class_sq_radii: np.ndarray | None = None

    @property
    def num_classes(self) -> int:
        return 0 if self.labels is None else int(self.labels.max()) + 1


def _upper_bounds(space: PairSpace, k: int, groupings: list[np.ndarray]) -> list[np.ndarray]:
    """Upper bounds (N,) on each row's k-NN radius among all rows, then among the rows of its own
    label per grouping: the k-th smallest GEMM value (self at 0 counted) over every 8th column
    (a subset only raises an order statistic). inf where the subset holds k or fewer of the label."""
    n = len(space.norm_a)
    sub = np.arange(0, n, 8 if n >= 64 * (k + 1) else 1)

    def bounds(block: slice) -> list[np.ndarray]:
        c = space.block(block, sub)
        out = [np.partition(c, k, axis=1)[:, k]]
        for groups in groupings:
            same = np.full(len(c), np.inf, np.float32)
            for label in np.unique(groups[block]):
                rows, cols = np.flatnonzero(groups[block] == label), np.flatnonzero(groups[sub] == label)
                if len(cols) > k:
                    same[rows] = np.partition(c[np.ix_(rows, cols)], k, axis=1)[:, k]
            out.append(same)
        return out

    parts = map_blocks(bounds, row_blocks(n))
    return [np.concatenate([p[i] for p in parts]).astype(np.float64) for i in range(1 + len(groupings))]


def _self_radii(x: np.ndarray, k: int, groupings: list[np.ndarray], num_classes: int) -> tuple[np.ndarray, list]:
    """Squared k-NN radii (N,) of x (N, D) among all rows, and per grouping (N,) labels among the
    rows of the same label (NaN for labels held by k rows or fewer), all canonical
    (`ganbench.evaluation.metrics.exact`): upper bounds from a strided subset of columns, then one scan of
    the upper triangle for every pair below a row's largest bound, then exact selection."""
    space, n = PairSpace(x), len(x)
    e_max = space.row_bound()
    limits = [u + 2 * e_max for u in _upper_bounds(space, k, groupings)]  # inf: the subset gave no bound
    pairs = scan_self(space, np.fmax.reduce([np.where(np.isinf(t), -np.inf, t) for t in limits]))
    rows = pairs.rows
    within = pairs.values <= limits[0][rows]
    radii = pairs.subset(within).kth(rows[within], n, k, e_max)
    per_grouping = []
    for groups, limit in zip(groupings, limits[1:]):
        sizes = np.bincount(groups, minlength=num_classes)[groups]  # how many rows share each row's label
        scanned = np.isfinite(limit) & (sizes > k)
        keep = scanned[rows] & (groups[rows] == groups[pairs.cols]) & (pairs.values <= limit[rows])
        class_radii = np.where(scanned, pairs.subset(keep).kth(rows[keep], n, k, e_max), np.nan)
        for label in np.unique(groups[~scanned & (sizes > k)]):  # labels too rare for the subset: all their pairs
            members = np.flatnonzero(groups == label)
            r, j = np.unravel_index(np.arange(len(members) ** 2), (len(members), len(members)))
            every = Candidates(space, members[r], members[j], space.block(members, members).ravel())
            class_radii[members] = every.kth(r, len(members), k, e_max[members])
        per_grouping.append(class_radii)
    return radii, per_grouping


def manifold(points: np.ndarray, k: int, labels: np.ndarray | None = None) -> Manifold:
    """The k-NN manifold of points (N, D): radii as the reference `prdc` package defines them (the
    k-th nearest other point), canonical values (`ganbench.evaluation.metrics.exact`); per class if labelled."""
    x = as_matrix(points, "real")
    if not 1 <= k < len(x):
        raise ValueError(f"knn radii: need 1 <= k < N = {len(x)}, got k={k}")
    if labels is None:
        return Manifold(x, k, _self_radii(x, k, [], 0)[0])
    labels = np.asarray(labels)
    if labels.shape != (len(x),) or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError(f"knn radii: labels must be non-negative integers of shape ({len(x)},)")
    radii, (class_radii,) = _self_radii(x, k, [labels], int(labels.max()) + 1)
    return Manifold(x, k, radii, labels, class_radii)


def prdc(real: np.ndarray | Manifold, fake: np.ndarray, k: int = 3,
         fake_groups: dict[str, np.ndarray] | None = None) -> dict:
    """Precision, recall, density and coverage of `fake` (M, D) against `real` (N, D) or its Manifold.

    Precision and recall on k-NN manifolds (Kynkäänniemi et al. 2019, "Improved Precision and
    Recall Metric for Assessing Generative Models") separate fidelity (fakes inside the real
    manifold) from diversity (reals inside the fake manifold); density and coverage (Naeem et al.
    2020, "Reliable Fidelity and Diversity Metrics for Generative Models") are the outlier-robust
    versions. Definitions of the reference `prdc` package (clovaai/generative-evaluation-prdc),
    strict '<' included; with r_i the k-NN radius of real i and s_j that of fake j:

        precision = mean_j any_i d(real_i, fake_j) < r_i
        recall    = mean_i any_j d(real_i, fake_j) < s_j
        density   = (1/k) mean_j #{i : d(real_i, fake_j) < r_i}
        coverage  = mean_i [min_j d(real_i, fake_j) < r_i]

    Every comparison is exact for the canonical float64 distance (`ganbench.evaluation.metrics.exact`): a
    point exactly on a radius (duplicated rows, a repeated image, integer features) is outside.

    `fake_groups` maps a grouping name to fake labels (M,); the real side must then be a labelled
    Manifold, and `per_class[name]` gives, for each class c, `recall` and `coverage` of the fakes
    labelled c against the reals of class c, with radii within the class (list of C; None where
    the fakes of c are k or fewer or there are no reals of c, for recall, or the reals of c are k
    or fewer, for coverage; coverage of a class without fakes is 0), and `samples` (fakes per
    class). Requires 1 <= k < min(N, M).
    """
    real = real if isinstance(real, Manifold) else manifold(real, k)
    f = as_matrix(fake, "fake")
    if real.k != k:
        raise ValueError(f"prdc: the real manifold was built for k={real.k}, not k={k}")
    if real.points.shape[1] != f.shape[1]:
        raise ValueError(f"prdc: feature dimensions differ, {real.points.shape[1]} vs {f.shape[1]}")
    if not 1 <= k < min(len(real.points), len(f)):
        raise ValueError(f"prdc: need 1 <= k < min(N, M) = {min(len(real.points), len(f))}, got k={k}")
    groups = dict(fake_groups or {})
    if groups and real.labels is None:
        raise ValueError("prdc: per-class metrics need a labelled real Manifold")
    num_classes = real.num_classes
    for name, g in groups.items():
        if np.shape(g) != (len(f),) or (len(g) and (np.min(g) < 0 or np.max(g) >= num_classes)):
            raise ValueError(f"prdc: fake_groups[{name!r}] must be labels 0..{num_classes - 1} of shape ({len(f)},)")
    fake_radii, fake_class_radii = _self_radii(f, k, list(groups.values()), num_classes)
    n, m = len(real.points), len(f)
    space = PairSpace(real.points, f)
    real_limit = np.fmax(real.sq_radii, real.class_sq_radii) if groups else real.sq_radii  # largest of any test
    row_limit = up32(real_limit + space.row_bound())
    col_limit = up32(np.fmax.reduce([fake_radii, *fake_class_radii]) + space.col_bound())

    def run(block: slice) -> tuple:
        c = space.block(block)
        r, j = sparse_nonzero((c < row_limit[block, None]) | (c < col_limit[None, :]))
        pairs = Candidates(space, r + block.start, j, c[r, j])
        in_real, in_fake = pairs.below(real.sq_radii[pairs.rows]), pairs.below(fake_radii[j])
        size = block.stop - block.start
        per_grouping = []
        for fake_labels, class_radii in zip(groups.values(), fake_class_radii):
            same = real.labels[pairs.rows] == fake_labels[j]
            covered = same & pairs.below(real.class_sq_radii[pairs.rows])
            recalled = same & pairs.below(class_radii[j])
            per_grouping.append((np.bincount(r[covered], minlength=size) > 0,
                                 np.bincount(r[recalled], minlength=size) > 0))
        return (np.bincount(j[in_real], minlength=m), np.bincount(r[in_real], minlength=size) > 0,
                np.bincount(r[in_fake], minlength=size) > 0, per_grouping)

    parts = map_blocks(run, row_blocks(n))
    balls_per_fake = np.sum([p[0] for p in parts], axis=0)  # density: real balls holding fake j
    result = {"precision": float(np.mean(balls_per_fake > 0)),
              "recall": float(np.concatenate([p[2] for p in parts]).mean()),
              "density": float((1.0 / k) * balls_per_fake.mean()),  # written as the reference `prdc` writes it
              "coverage": float(np.concatenate([p[1] for p in parts]).mean())}
    if groups:
        result["per_class"] = {}
        real_sizes = np.bincount(real.labels, minlength=num_classes)
        for g, (name, fake_labels) in enumerate(groups.items()):
            covered, recalled = (np.concatenate([p[3][g][i] for p in parts]) for i in (0, 1))
            sizes = np.bincount(fake_labels, minlength=num_classes)
            result["per_class"][name] = {
                "recall": [float(recalled[real.labels == c].mean()) if sizes[c] > k and real_sizes[c] else None
                           for c in range(num_classes)],
                "coverage": [float(covered[real.labels == c].mean()) if real_sizes[c] > k else None
                             for c in range(num_classes)],
                "samples": sizes.tolist()}
    return result
