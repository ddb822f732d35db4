"""Figures of training over time, per dataset: every variant's fixed-latent samples at evaluation
points (the progress strip), and FID against training seconds with the report's thresholds.
"""
from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from PIL import Image  # noqa: E402

from ganbench import paths  # noqa: E402
from ganbench.io import atomic_path  # noqa: E402

STRIP_COLUMNS = 6  # evaluation points shown per variant


def _save(fig: plt.Figure, path: str | os.PathLike) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def strip_steps(steps: list[int], columns: int = STRIP_COLUMNS) -> list[int]:
    """`columns` evaluation steps spread evenly over the run, the first and the last included."""
    if len(steps) <= columns:
        return steps
    picks = np.linspace(0, len(steps) - 1, columns).round().astype(int)
    return [steps[i] for i in picks]


def plot_progress(dataset: str, variants: list[str], seed: int, path: str | os.PathLike) -> None:
    """Rows: variants; columns: evaluation points; each cell the frame drawn at that point (8x8 samples
    of the fixed latents, its step and FID in the caption), so a person sees what each recipe draws
    when, and where it stops improving."""
    frames = {v: sorted((paths.run_dir(dataset, v, seed) / "frames").glob("*.png")) for v in variants}
    columns = max(min(len(f), STRIP_COLUMNS) for f in frames.values())
    fig, axes = plt.subplots(len(variants), columns, figsize=(1.9 * columns, 2.05 * len(variants)), squeeze=False)
    for row, variant in zip(axes, variants):
        by_step = {int(f.stem.rsplit("_", 1)[1]): f for f in frames[variant]}
        shown = strip_steps(sorted(by_step), columns)
        for ax in row:
            ax.set_axis_off()
        for ax, step in zip(row, shown):
            ax.imshow(np.asarray(Image.open(by_step[step])), cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        row[0].text(-0.06, 0.5, variant, transform=row[0].transAxes, ha="right", va="center", fontsize=9)
    fig.suptitle(f"{dataset}: fixed latents over training (seed {seed}; each cell: step and FID at that evaluation)",
                 y=1.0)
    fig.tight_layout()
    _save(fig, path)


def plot_time_to_quality(logs: pd.DataFrame, levels: list[float], path: str | os.PathLike, palette: dict) -> None:
    """FID during training (log) against training seconds (log), one line per seed, the report's
    thresholds as dashed lines: where a line first crosses one is that run's time to threshold."""
    fig, ax = plt.subplots(figsize=(9.5, 5.8))
    sns.lineplot(data=logs, x="seconds", y="fid", hue="variant", units="seed", estimator=None, palette=palette,
                 marker="o", markersize=3, linewidth=1.2, ax=ax)
    for level in levels:
        ax.axhline(level, color="black", linestyle="--", linewidth=0.8)
        ax.annotate(f"FID {level:g}", (1.0, level), xycoords=("axes fraction", "data"), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set(xscale="log", yscale="log", xlabel="training seconds on the study machine, every core to itself (log)",
           ylabel="FID during training, eval samples (log)",
           title=f"{logs['dataset'].iloc[0]}: time to quality (one line per seed; dashed: thresholds)")
    ax.legend(title="variant", bbox_to_anchor=(1.08, 1), loc="upper left", fontsize=8)
    _save(fig, path)
