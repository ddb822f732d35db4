"""The 10x10 grid of samples a person looks at first (grid.png of every run and of the real row), with
a title, drawn with matplotlib."""
from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ganbench.io import atomic_path  # noqa: E402
from ganbench.training.tiles import tile  # noqa: E402


def save_grid(images: np.ndarray, path: str | os.PathLike, title: str, rows: int = 10) -> None:
    """The 10x10 grid with a title, as one PNG, atomically."""
    fig, ax = plt.subplots(figsize=(6, 6.4), dpi=100)
    ax.imshow(tile(images, rows), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
