"""Sample grids: the 10x10 tiles of images a person looks at first."""
from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ganbench.io import atomic_path  # noqa: E402


def save_grid(images: np.ndarray, path: str | os.PathLike, title: str, rows: int = 10) -> None:
    """Tile the first rows*rows images (N, 28, 28, 1) in [-1, 1] into one PNG, atomically.

    NaN pixels (a diverged run) are drawn mid-grey rather than failing the stage.
    """
    n = rows * rows
    tiles = (np.clip(np.nan_to_num(images[:n, ..., 0]), -1, 1) + 1) / 2
    tiles = np.pad(tiles, ((0, n - len(tiles)), (1, 1), (1, 1)), constant_values=1.0)
    grid = tiles.reshape(rows, rows, 30, 30).transpose(0, 2, 1, 3).reshape(rows * 30, rows * 30)
    fig, ax = plt.subplots(figsize=(6, 6.4), dpi=100)
    ax.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
