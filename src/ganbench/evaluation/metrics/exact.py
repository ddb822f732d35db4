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
    summation order, FMA or not, so any BLAS blocking; a Strassen-like GEMM, which no CPU BLAS
    numpy links uses, would void it): rounding the centred rows to float32 moves the distance by at
    most (2 u1 + u1^2) S^2, u1 = u32 + u64 + u32 u64; the float32 squared norms carry gamma_D; the
    (D+2)-term dot product gamma_{D+2} (1 + gamma_D) (||x|| + ||y||)^2; the canonical float64 sum
    gamma64_{D+2} S^2. Inflated by 1% for the rounding of the bound itself. The absolute term covers
    float32 underflow (denormals flushed or not).
    """
    u1 = U32 + U64 + U32 * U64
    g, g2 = _gamma(d, U32), _gamma(d + 2, U32)
    return 1.01 * ((2 * u1 + u1 * u1) + (g2 * (1 + g) + g) * (1 + u1) ** 2 + _gamma(d + 2, U64))


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

    Features that are 0 in every row of both sets add exactly 0 to every distance and are left out
    of the GEMM (dead ReLU units: ~5 % of the classifier's; a feature whose squares underflow
    counts as 0, an error far below the bound's absolute term). Indices passed to the methods
    are global row / column numbers, so a per-class sub-block of a GEMM block is rechecked with the
    same bound and formula as the whole block.
    """

    def __init__(self, a: np.ndarray, b: np.ndarray | None = None):
        self.a, self.b = a, a if b is None else b
        used = np.einsum("ij,ij->j", a, a) > 0  # all-zero features (dead units) add exactly 0
        if b is not None:
            used |= np.einsum("ij,ij->j", b, b) > 0
        keep = np.flatnonzero(used)
        pa = np.take(a, keep, axis=1)  # a copy: 3x faster than a[:, keep]
        pb = None if b is None else np.take(b, keep, axis=1)
        centre = pa.mean(axis=0) if b is None else (pa.sum(axis=0) + pb.sum(axis=0)) / (len(a) + len(b))
        pa -= centre  # centring cuts cancellation in ||x||^2 + ||y||^2 - 2 x.y, and the bound
        self.norm_a = np.sqrt(np.einsum("ij,ij->i", pa, pa))
        self.rows32 = _augment(pa, 1.0)
        if pb is None:
            self.norm_b, self.cols32 = self.norm_a, _augment(pa, -2.0)
        else:
            pb -= centre
            self.norm_b, self.cols32 = np.sqrt(np.einsum("ij,ij->i", pb, pb)), _augment(pb, -2.0)
        self.kappa, self.tiny = bound_coefficient(len(keep)), (len(keep) + 2) * 2.0 ** -120
        largest = 2 * max(self.norm_a.max(initial=0.0), self.norm_b.max(initial=0.0))  # NaN if any feature is
        if not largest ** 2 < 1e36:  # finite norms this small: every float32 operand and product is finite
            raise ValueError("k-NN metrics: features are not finite, or too large for float32 distances")

    def block(self, rows: slice, cols: slice | np.ndarray = slice(None)) -> np.ndarray:
        """Approximate squared distances (rows, cols), float32."""
        return self.rows32[rows] @ self.cols32[cols].T

    def bound(self, norm_a: np.ndarray, norm_b: np.ndarray) -> np.ndarray:
        """Upper bound on |GEMM value - canonical value| for centred norms m_a, m_b (broadcast)."""
        s = norm_a + norm_b
        return self.kappa * s * s + self.tiny * (1 + s) ** 2

    def row_bound(self) -> np.ndarray:
        """(N,) bound of each row against its farthest-from-centre column: covers every pair of the row."""
        return self.bound(self.norm_a, self.norm_b.max())

    def col_bound(self) -> np.ndarray:
        return self.bound(self.norm_a.max(), self.norm_b)

    def canonical(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return canonical_sq_dist(self.a, self.b, rows, cols)


def up32(x: np.ndarray) -> np.ndarray:
    """float32 values >= x (float64): thresholds the float32 filter may compare against safely."""
    y = x.astype(np.float32)
    return np.where(y < x, np.nextafter(y, np.float32(np.inf)), y)


def sparse_nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.nonzero of a sparse C-contiguous 2-D bool mask, scanned 8 bytes at a time: ~3x faster
    than np.nonzero when few entries are set, as in every k-NN mask here."""
    flat = mask.reshape(-1)
    if flat.size % 8:
        return np.nonzero(mask)
    words = np.flatnonzero(flat.view(np.uint64))
    candidates = (words[:, None] * 8 + np.arange(8)).ravel()
    return np.divmod(candidates[flat[candidates]], mask.shape[1])


class Candidates:
    """Pairs (global row, column numbers) with their GEMM values: each pair's canonical squared
    distance lies within `space.bound` of its value, and is computed only where a decision needs it."""

    def __init__(self, space: PairSpace, rows: np.ndarray, cols: np.ndarray, values: np.ndarray):
        self.space, self.rows, self.cols = space, rows, cols
        self.values = values.astype(np.float64)
        self.error = space.bound(space.norm_a[rows], space.norm_b[cols])
        self._exact = np.full(len(rows), np.nan)

    def subset(self, keep: np.ndarray) -> Candidates:
        out = Candidates.__new__(Candidates)
        out.space, out.rows, out.cols, out.values = self.space, self.rows[keep], self.cols[keep], self.values[keep]
        out.error, out._exact = self.error[keep], self._exact[keep]
        return out

    def exact(self, which: np.ndarray) -> np.ndarray:
        """Canonical values of the pairs `which` (indices), computed once."""
        todo = which[np.isnan(self._exact[which])]
        self._exact[todo] = self.space.canonical(self.rows[todo], self.cols[todo])
        return self._exact[which]

    def below(self, limits: np.ndarray) -> np.ndarray:
        """canonical < limits (P,), exactly; NaN limits hold nothing."""
        inside = self.values + self.error < limits
        unsure = np.flatnonzero(~inside & (self.values - self.error < limits))
        inside[unsure] = self.exact(unsure) < limits[unsure]
        return inside

    def kth(self, keys: np.ndarray, n_keys: int, k: int, e_max: np.ndarray) -> np.ndarray:
        """Canonical (k+1)-th smallest value (n_keys,) of the pairs of each key (keys (P,) in
        0..n_keys-1); NaN for a key with k pairs or fewer.

        Precondition: each key has its k+1 smallest GEMM values among its pairs, and every pair
        of the key left out has a value above g + 2 e_max[key], g the key's (k+1)-th smallest.
        Then the result r lies in [g - E, g + E] (E = e_max, which bounds every pair's error):
        pairs surely below or above it are counted, the rest get their canonical value, and r is
        picked among those.
        """
        out = np.full(n_keys, np.nan)
        counts = np.bincount(keys, minlength=n_keys)
        valid = counts > k
        if not valid.any():
            return out
        order = np.lexsort((self.values, keys))
        keys, values, error = keys[order], self.values[order], self.error[order]
        g = np.full(n_keys, np.nan)
        g[valid] = values[(np.cumsum(counts) - counts)[valid] + k]
        below = values + error < g[keys] - e_max[keys]  # NaN g (invalid keys): neither below nor in the band
        band = ~below & (values - error <= g[keys] + e_max[keys])
        exact, band_keys = self.exact(order[band]), keys[band]
        band_counts = np.bincount(band_keys, minlength=n_keys)
        pick = np.cumsum(band_counts) - band_counts + k - np.bincount(keys[below], minlength=n_keys)
        out[valid] = exact[np.lexsort((exact, band_keys))][pick[valid]]
        return out


def map_blocks(fn, items: list) -> list:
    """fn over items on as many threads as OMP_NUM_THREADS allows (2 by default): BLAS,
    np.partition and the mask scans release the GIL, and the selection is serial otherwise."""
    threads = max(1, min(2, int(os.environ.get("OMP_NUM_THREADS") or 2)))
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, items))


def row_blocks(n: int) -> list[slice]:
    return [slice(start, min(start + CHUNK_ROWS, n)) for start in range(0, n, CHUNK_ROWS)]


def scan_self(space: PairSpace, thresholds: np.ndarray) -> Candidates:
    """Every pair (i, j) of a set against itself whose GEMM value is <= thresholds[i] (N,), from the
    upper triangle of tiles only: each tile serves its rows and, transposed, its columns (the bound
    and the canonical formula are symmetric), so the GEMM work is halved."""
    limit = up32(thresholds)
    blocks = row_blocks(len(limit))
    tiles = [(a, b) for i, a in enumerate(blocks) for b in blocks[i:]]

    def scan(tile: tuple[slice, slice]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = tile
        c = space.block(a, b)
        r, j = sparse_nonzero(c <= limit[a, None])
        rows, cols, values = [r + a.start], [j + b.start], [c[r, j]]
        if a != b:
            r, j = sparse_nonzero(c <= limit[None, b])
            rows, cols, values = rows + [j + b.start], cols + [r + a.start], values + [c[r, j]]
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(values)

    parts = map_blocks(scan, tiles)
    return Candidates(space, *(np.concatenate([p[i] for p in parts]) for i in range(3)))
