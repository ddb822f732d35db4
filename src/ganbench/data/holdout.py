"""The real-data row's images: a seeded slice of the train split, as many as a generator's samples."""
from __future__ import annotations

import numpy as np

from ganbench.data.splits import DataError


def holdout_rows(total: int, n: int, seed: int) -> np.ndarray:
    """Sorted indices of n of `total` rows drawn without replacement with `default_rng(seed)`: the
    real-data row of seed k is a different slice for every k, so its spread shows the noise floor."""
    if n > total:
        raise DataError(f"real holdout: {n} samples requested from a split of {total}")
    return np.sort(np.random.default_rng(seed).choice(total, n, replace=False))
