"""Images side by side: the one tiling every picture of samples uses (grids, frames, the report's montage)."""
from __future__ import annotations

import numpy as np


def tile(images: np.ndarray, rows: int) -> np.ndarray:
    """The first rows*rows images (N, 28, 28, 1) in [-1, 1] as one (rows*30, rows*30) array in [0, 1],
    each image framed by a 1-pixel white border; NaN (a diverged run) is drawn mid-grey."""
    n = rows * rows
    tiles = (np.clip(np.nan_to_num(images[:n, ..., 0]), -1, 1) + 1) / 2
    tiles = np.pad(tiles, ((0, n - len(tiles)), (1, 1), (1, 1)), constant_values=1.0)
    return tiles.reshape(rows, rows, 30, 30).transpose(0, 2, 1, 3).reshape(rows * 30, rows * 30)
