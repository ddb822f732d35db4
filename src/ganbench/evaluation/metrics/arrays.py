"""Input checks the metric modules share."""
from __future__ import annotations

import numpy as np


def as_matrix(x, name: str) -> np.ndarray:
    """float64 (N, D) view of `x`; anything else is a ValueError naming the argument."""
    a = np.asarray(x, np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array (N, D), got shape {a.shape}")
    return a

