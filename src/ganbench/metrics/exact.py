"""Exact k-NN radii and ball membership: a float32 GEMM as a filter with a proven error bound, and
a canonical float64 recheck of every pair the bound leaves undecided.

Why: the k-NN metrics compare a distance with a k-NN radius under strict '<' (Kynkäänniemi et al.
2019; Naeem et al. 2020). Exact ties are common: duplicated rows, a generator repeating an image,
integer-valued or quantised features. Squared distances from one float32 GEMM carry ~1e-6 relative
rounding that puts some of those ties inside and some outside. Here every radius and every
inside/outside decision is the one `canonical_sq_dist` gives, so an exact tie stays a tie and '<'
puts it outside, whatever the blocking, threading or BLAS.

The filter: rows and columns are centred on one point c, cast to float32 and augmented so one GEMM
yields ||x||^2 + ||y||^2 - 2 x.y (`_augment`). With m = ||row - c|| and S = m_a + m_b,
|GEMM value - canonical value| <= kappa(D) S^2 + tiny (`bound_coefficient`): a pair whose GEMM value
is further than that from a radius is decided by the GEMM; the rest (a few per row) are recomputed.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

U32, U64 = 2.0 ** -24, 2.0 ** -53  # unit roundoff of float32 and float64
CHUNK_ROWS = 1024  # rows per GEMM block: 1024 x 10000 float32 = 41 MB per thread
_PAIR_CHUNK = 2048  # pairs per canonical recheck batch: 2048 x 500 float64 = 8 MB


def _sequential_sum(terms: np.ndarray) -> np.ndarray:
    """Row sums (P,) of (P, D) added strictly left to right: `np.add.accumulate` is sequential by
    definition (np.sum may use pairwise or SIMD orders that differ with alignment)."""
    return np.add.accumulate(terms, axis=1)[:, -1] if terms.shape[1] else np.zeros(len(terms))


def canonical_sq_dist(a: np.ndarray, b: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Squared distances (P,) float64 between rows a[rows[p]] and b[cols[p]] of float64 (N, D), (M, D).

    The canonical formula: sum over l = 0 .. D-1, in that order, of (a_l - b_l)^2, the same
    operations for every pair (no GEMM, no blocking), so identical inputs give bit-identical results
    wherever they sit, d(x, x) = 0 and d(x, y) = d(y, x). Integer-valued features give the exact
    distance while it stays below 2^53.
    """
    out = np.empty(len(rows))
    for start in range(0, len(rows), _PAIR_CHUNK):
        part = slice(start, start + _PAIR_CHUNK)
        diff = a[rows[part]] - b[cols[part]]
        diff *= diff
        out[part] = _sequential_sum(diff)
    return out


def canonical_sq_norms(x: np.ndarray) -> np.ndarray:
    """||x_i||^2 (N,) of float64 x (N, D), summed in feature order like `canonical_sq_dist`, so
    identical rows get identical norms (used to scale features to unit length tie-consistently)."""
    return np.concatenate([_sequential_sum(x[start:start + _PAIR_CHUNK] ** 2)
                           for start in range(0, len(x), _PAIR_CHUNK)] or [np.zeros(0)])


def _gamma(n: int, u: float) -> float:
    return n * u / (1 - n * u)


def bound_coefficient(d: int) -> float:
    """kappa(D): |GEMM value - canonical value| <= kappa S^2 + (D+2) 2^-120 (1+S)^2 for a pair.

    Sources (Higham, "Accuracy and Stability of Numerical Algorithms", 2002, sec. 3.1: any
    summation order, FMA or not): rounding the centred rows to float32 moves the distance by at
    most (2 u1 + u1^2) S^2, u1 = u32 + u64 + u32 u64; the float32 squared norms carry gamma_D; the
    (D+2)-term dot product gamma_{D+2} (1 + gamma_D) (||x|| + ||y||)^2; the canonical float64 sum
    gamma64_{D+2} S^2. Inflated by 1% for the rounding of the bound itself. The absolute term covers
    float32 underflow (denormals flushed or not).
    """
    u1 = U32 + U64 + U32 * U64
    g, g2 = _gamma(d, U32), _gamma(d + 2, U32)
    return 1.01 * ((2 * u1 + u1 * u1) + (g2 * (1 + g) + g) * (1 + u1) ** 2 + _gamma(d + 2, U64))


def _up32(x: np.ndarray) -> np.ndarray:
    """float32 values >= x (float64): thresholds that the float32 filter may compare against safely."""
    y = x.astype(np.float32)
    return np.where(y < x, np.nextafter(y, np.float32(np.inf)), y)


def _augment(x: np.ndarray, scale: float) -> np.ndarray:
    """float32 (N, D+2) operand of centred rows x (N, D): [x, ||x||^2, 1] for scale 1 (rows),
    [-2x, 1, ||x||^2] for scale -2 (columns), so that one GEMM yields ||x - y||^2 with no
    elementwise pass over the result. The squared norms are summed in float32, as the bound assumes."""
    out = np.empty((len(x), x.shape[1] + 2), np.float32)
    out[:, :-2] = x
    sq = np.einsum("ij,ij->i", out[:, :-2], out[:, :-2])
    out[:, :-2] *= scale
    out[:, -2], out[:, -1] = (sq, 1.0) if scale == 1.0 else (1.0, sq)
    return out


class PairSpace:
    """Rows a (N, D) against columns b (M, D), float64 (b = None: a against itself): the float32
    filter, its error bound and the canonical recheck.

    Features that hold one value in every row of both sets add exactly 0 to every distance and are
    left out of the GEMM (dead ReLU units: ~5 % of the classifier's). Indices passed to the methods
    are global row / column numbers, so a per-class sub-block of a GEMM block is rechecked with the
    same bound and formula as the whole block.
    """

    def __init__(self, a: np.ndarray, b: np.ndarray | None = None):
        self.a, self.b = a, a if b is None else b
        lo, hi = a.min(axis=0), a.max(axis=0)
        if b is not None:
            lo, hi = np.minimum(lo, b.min(axis=0)), np.maximum(hi, b.max(axis=0))
        keep = np.flatnonzero(lo != hi)
        pa = a[:, keep]
        centre = pa.mean(axis=0) if b is None else (pa.sum(axis=0) + b[:, keep].sum(axis=0)) / (len(a) + len(b))
        pa -= centre  # centring cuts cancellation in ||x||^2 + ||y||^2 - 2 x.y, and the bound
        self.norm_a = np.sqrt(np.einsum("ij,ij->i", pa, pa))
        self.rows32 = _augment(pa, 1.0)
        if b is None:
            self.norm_b, self.cols32 = self.norm_a, _augment(pa, -2.0)
        else:
            pb = b[:, keep] - centre
            self.norm_b, self.cols32 = np.sqrt(np.einsum("ij,ij->i", pb, pb)), _augment(pb, -2.0)
        self.kappa, self.tiny = bound_coefficient(len(keep)), (len(keep) + 2) * 2.0 ** -120
        if not (np.isfinite(self.rows32).all() and np.isfinite(self.cols32).all()):
            raise ValueError("k-NN metrics: features are not finite, or too large for float32")

    def block(self, rows: slice) -> np.ndarray:
        """Approximate squared distances (rows, M), float32."""
        return self.rows32[rows] @ self.cols32.T

    def bound(self, norm_a: np.ndarray, norm_b: np.ndarray) -> np.ndarray:
        """Upper bound on |GEMM value - canonical value| for centred norms m_a, m_b (broadcast)."""
        s = norm_a + norm_b
        return self.kappa * s * s + self.tiny * (1 + s) ** 2

    def canonical(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return canonical_sq_dist(self.a, self.b, rows, cols)


def _nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.nonzero of a sparse C-contiguous 2-D bool mask, scanned 8 bytes at a time: ~3x faster
    than np.nonzero when few entries are set, as in every k-NN mask here."""
    flat = mask.reshape(-1)
    if flat.size % 8:
        return np.nonzero(mask)
    words = np.flatnonzero(flat.view(np.uint64))
    candidates = (words[:, None] * 8 + np.arange(8)).ravel()
    return np.divmod(candidates[flat[candidates]], mask.shape[1])


def kth_sq_radii(space: PairSpace, c: np.ndarray, rows: np.ndarray, cols: np.ndarray, k: int) -> np.ndarray:
    """Canonical squared distance (R,) of each row to its k-th nearest column, self excluded (the
    value of index k counting self at 0, as the reference `prdc`), from the approximate block
    c (R, C) of rows `rows` against columns `cols` (global numbers; each row among the columns).

    With g the (k+1)-th smallest GEMM value of a row and E its largest pair bound, the radius lies
    in [g - E, g + E]: pairs surely below or above it are counted, the rest get their canonical
    value, and the radius is picked among those. An upper bound from every 8th column limits the
    candidates to ~8 (k+1) per row without a full partition.
    """
    stride = 8 if c.shape[1] >= 64 * (k + 1) else 1
    upper = np.partition(c[:, ::stride], k, axis=1)[:, k].astype(np.float64)  # >= the row's (k+1)-th value
    e_max = space.bound(space.norm_a[rows], space.norm_b[cols].max())
    r, j = _nonzero(c <= _up32(upper + 2 * e_max)[:, None])
    vals = c[r, j].astype(np.float64)
    order = np.lexsort((vals, r))
    r, j, vals = r[order], j[order], vals[order]
    g = vals[np.searchsorted(r, np.arange(len(rows))) + k]  # (k+1)-th smallest GEMM value per row
    e = space.bound(space.norm_a[rows[r]], space.norm_b[cols[j]])
    below = vals + e < g[r] - e_max[r]
    band = ~below & (vals - e <= g[r] + e_max[r])
    exact, rb = space.canonical(rows[r[band]], cols[j[band]]), r[band]
    order = np.lexsort((exact, rb))
    first = np.searchsorted(rb[order], np.arange(len(rows)))
    return exact[order][first + k - np.bincount(r[below], minlength=len(rows))]


def ball_pairs(space: PairSpace, c: np.ndarray, rows: np.ndarray, cols: np.ndarray, row_sq_radii: np.ndarray,
               col_sq_radii: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which pairs of the approximate block c (R, C) lie strictly inside the row's ball
    (row_sq_radii (R,)) and which inside the column's (col_sq_radii (C,)), in canonical distance.

    Returns local positions r, j of the candidate pairs and two bool arrays in_row, in_col; a pair
    that is no candidate is inside neither ball. NaN radii hold nothing.
    """
    e_row = space.bound(space.norm_a[rows], space.norm_b[cols].max())
    e_col = space.bound(space.norm_a[rows].max(), space.norm_b[cols])
    mask = c < _up32(row_sq_radii + e_row)[:, None]
    mask |= c < _up32(col_sq_radii + e_col)[None, :]
    r, j = _nonzero(mask)
    vals = c[r, j].astype(np.float64)
    e = space.bound(space.norm_a[rows[r]], space.norm_b[cols[j]])
    limit_row, limit_col = row_sq_radii[r], col_sq_radii[j]
    in_row, in_col = vals + e < limit_row, vals + e < limit_col
    band = np.flatnonzero((~in_row & (vals - e < limit_row)) | (~in_col & (vals - e < limit_col)))
    exact = space.canonical(rows[r[band]], cols[j[band]])
    in_row[band], in_col[band] = exact < limit_row[band], exact < limit_col[band]
    return r, j, in_row, in_col


def map_blocks(fn, n: int) -> list:
    """fn(slice) over row blocks of 0..n, on as many threads as OMP_NUM_THREADS allows (2 by
    default): BLAS, np.partition and np.nonzero release the GIL, and the selection is serial."""
    blocks = [slice(start, min(start + CHUNK_ROWS, n)) for start in range(0, n, CHUNK_ROWS)]
    threads = max(1, min(2, int(os.environ.get("OMP_NUM_THREADS") or 2)))
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, blocks))
