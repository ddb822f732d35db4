"""k-NN manifold metrics: precision / recall (Kynkäänniemi et al. 2019), density / coverage (Naeem
et al. 2020), over the whole set and per class."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ganbench.metrics.arrays import as_matrix
from ganbench.metrics.exact import PairSpace, ball_pairs, canonical_sq_norms, kth_sq_radii, map_blocks

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


def _members(groups: np.ndarray, num_classes: int) -> list[np.ndarray]:
    """Indices of each class 0..num_classes-1 in labels `groups` (N,)."""
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(num_classes + 1))
    return [order[bounds[c]:bounds[c + 1]] for c in range(num_classes)]


def _self_radii(x: np.ndarray, k: int, groupings: list[np.ndarray], num_classes: int) -> tuple[np.ndarray, list]:
    """Squared k-NN radii (N,) of x (N, D) among all rows, and per grouping (N,) labels among the
    rows of the same label (NaN for labels held by k rows or fewer), from one pass of GEMM blocks."""
    space, ids = PairSpace(x), np.arange(len(x))
    members = [_members(g, num_classes) for g in groupings]

    def run(block: slice) -> tuple[np.ndarray, list[np.ndarray]]:
        c, rows = space.block(block), ids[block]
        per_grouping = []
        for groups, classes in zip(groupings, members):
            radii = np.full(len(rows), np.nan)
            for local, cols in zip(_members(groups[block], num_classes), classes):
                if len(cols) > k and len(local):
                    radii[local] = kth_sq_radii(space, c[np.ix_(local, cols)], rows[local], cols, k)
            per_grouping.append(radii)
        return kth_sq_radii(space, c, rows, ids, k), per_grouping

    parts = map_blocks(run, len(x))
    return (np.concatenate([p[0] for p in parts]),
            [np.concatenate([p[1][g] for p in parts]) for g in range(len(groupings))])


def manifold(points: np.ndarray, k: int, labels: np.ndarray | None = None) -> Manifold:
    """The k-NN manifold of points (N, D): radii as the reference `prdc` package defines them (the
    k-th nearest other point), canonical values (`ganbench.metrics.exact`); per class if labelled."""
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

    Every comparison is exact for the canonical float64 distance (`ganbench.metrics.exact`): a
    point exactly on a radius (duplicated rows, a repeated image, integer features) is outside.

    `fake_groups` maps a grouping name to fake labels (M,); the real side must then be a labelled
    Manifold, and `per_class[name]` gives, for each class c, `recall` and `coverage` of the fakes
    labelled c against the reals of class c, with radii within the class (list of C; None where
    the fakes of c are k or fewer, for recall, or the reals of c are, for coverage), and `samples`
    (fakes per class). Requires 1 <= k < min(N, M).
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
    space, real_ids, fake_ids = PairSpace(real.points, f), np.arange(n), np.arange(m)
    members = [_members(g, num_classes) for g in groups.values()]

    def run(block: slice) -> tuple:
        c, rows = space.block(block), real_ids[block]
        r, j, in_real, in_fake = ball_pairs(space, c, rows, fake_ids, real.sq_radii[block], fake_radii)
        per_grouping = []
        real_classes = _members(real.labels[block], num_classes) if groups else []
        for classes, radii in zip(members, fake_class_radii):
            covered, recalled = np.zeros(len(rows), bool), np.zeros(len(rows), bool)
            for local, cols in zip(real_classes, classes):
                if len(local) and len(cols):
                    rc, _, in_r, in_f = ball_pairs(space, c[np.ix_(local, cols)], rows[local], cols,
                                                   real.class_sq_radii[rows[local]], radii[cols])
                    covered[local[rc[in_r]]] = True
                    recalled[local[rc[in_f]]] = True
            per_grouping.append((covered, recalled))
        return (np.bincount(j[in_real], minlength=m), np.bincount(r[in_real], minlength=len(rows)) > 0,
                np.bincount(r[in_fake], minlength=len(rows)) > 0, per_grouping)

    parts = map_blocks(run, n)
    balls_per_fake = np.sum([p[0] for p in parts], axis=0)  # density: real balls holding fake j
    result = {"precision": float(np.mean(balls_per_fake > 0)),
              "recall": float(np.concatenate([p[2] for p in parts]).mean()),
              "density": float((1.0 / k) * balls_per_fake.mean()),  # written as the reference `prdc` writes it
              "coverage": float(np.concatenate([p[1] for p in parts]).mean())}
    if groups:
        result["per_class"] = {}
        real_members = _members(real.labels, num_classes)
        for g, (name, classes) in enumerate(zip(groups, members)):
            cov = np.concatenate([p[3][g][0] for p in parts])
            rec = np.concatenate([p[3][g][1] for p in parts])
            result["per_class"][name] = {
                "recall": [float(rec[r].mean()) if len(f_c) > k else None for r, f_c in zip(real_members, classes)],
                "coverage": [float(cov[r].mean()) if len(r) > k else None for r in real_members],
                "samples": [int(len(f_c)) for f_c in classes]}
    return result
