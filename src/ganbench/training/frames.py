"""The TF tutorial's per-evaluation frames (`image_at_step_NNNNNN.png`: the fixed latents' 8x8 grid
under a caption) and the animated GIF of them, drawn with Pillow alone (no timestamps in the files),
so the same images always give the same bytes."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ganbench.io import atomic_path
from ganbench.training.tiles import tile

FRAME_ROWS = 8     # a frame shows the first 8 x 8 fixed-latent samples
FRAME_SCALE = 2    # pixels per image pixel
FRAME_HEADER = 14  # pixels of caption above the tiles
FRAME_MS = 400     # GIF frame duration


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
