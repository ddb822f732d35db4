"""Sample grids: the 10x10 tiles of images a person looks at first, the TF tutorial's per-evaluation
frames (`image_at_step_NNNNNN.png`) and the animated GIF of them.

Frames and GIFs are drawn with Pillow alone (no timestamps in the files), so the same images always
give the same bytes.
"""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from ganbench.io import atomic_path  # noqa: E402

FRAME_ROWS = 8     # a frame shows the first 8 x 8 fixed-latent samples
FRAME_SCALE = 2    # pixels per image pixel
FRAME_HEADER = 14  # pixels of caption above the tiles
FRAME_MS = 400     # GIF frame duration


def tile(images: np.ndarray, rows: int) -> np.ndarray:
    """The first rows*rows images (N, 28, 28, 1) in [-1, 1] as one (rows*30, rows*30) array in [0, 1],
    each image framed by a 1-pixel white border; NaN (a diverged run) is drawn mid-grey."""
    n = rows * rows
    tiles = (np.clip(np.nan_to_num(images[:n, ..., 0]), -1, 1) + 1) / 2
    tiles = np.pad(tiles, ((0, n - len(tiles)), (1, 1), (1, 1)), constant_values=1.0)
    return tiles.reshape(rows, rows, 30, 30).transpose(0, 2, 1, 3).reshape(rows * 30, rows * 30)


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


def frame(images: np.ndarray, caption: str) -> Image.Image:
    """One evaluation point's picture: an 8x8 grid, scaled 2x, under a one-line caption."""
    pixels = (tile(images, FRAME_ROWS) * 255).round().astype(np.uint8)
    grid = Image.fromarray(pixels, "L").resize((pixels.shape[1] * FRAME_SCALE,) * 2, Image.NEAREST)
    canvas = Image.new("L", (grid.width, grid.height + FRAME_HEADER), 255)
    canvas.paste(grid, (0, FRAME_HEADER))
    ImageDraw.Draw(canvas).text((4, 1), caption, fill=0)
    return canvas


def save_frame(images: np.ndarray, path: str | os.PathLike, caption: str) -> None:
    with atomic_path(path) as tmp:
        frame(images, caption).save(tmp, format="PNG")


def save_gif(frame_files: list[Path], path: str | os.PathLike) -> None:
    """The frames in order as an endlessly looping GIF; the last frame stays up three times as long."""
    frames = [Image.open(f).convert("L") for f in frame_files]
    durations = [FRAME_MS] * (len(frames) - 1) + [3 * FRAME_MS]
    with atomic_path(path) as tmp:
        frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
