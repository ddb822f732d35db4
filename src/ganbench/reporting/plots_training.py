"""Figures of training over time, per dataset, from the runs' train_log.csv and frames: FID against
training GFLOP and seconds with the report's thresholds and the budgets, every variant's fixed-latent samples at evaluation
points (the progress strip), and the training losses.
"""
from __future__ import annotations

import os

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from PIL import Image  # noqa: E402

from ganbench import paths  # noqa: E402
from ganbench.reporting.plots import not_kept, save  # noqa: E402
from ganbench.training.frames import FRAME_HEADER  # noqa: E402

STRIP_COLUMNS = 6  # evaluation points shown per variant (the seaborn theme is set by plots, imported above)


def train_logs(params: dict, dataset: str) -> pd.DataFrame:
    """Every run's train_log.csv (one row per eval point) with dataset, variant and seed columns."""
    return pd.concat([pd.read_csv(paths.run_dir(dataset, v, s) / "train_log.csv").assign(dataset=dataset, variant=v, seed=s)
                      for v in params["variants"] for s in params["seeds"]], ignore_index=True)


def plot_losses(logs: pd.DataFrame, path: str | os.PathLike) -> None:
    """Discriminator and generator loss per variant against step (own scales: losses differ, and steps do,
    from ~180 at batch 256 to ~13,000 for the MLP GAN or a long run, at the same compute)."""
    long = logs.melt(id_vars=["variant", "seed", "step"], value_vars=["d_loss", "g_loss"], var_name="loss",
                     value_name="value")
    grid = sns.relplot(data=long, x="step", y="value", hue="loss", col="variant", col_wrap=3, kind="line",
                       errorbar=("pi", 100), height=2.6, aspect=1.4, facet_kws={"sharey": False, "sharex": False})
    grid.set_titles("{col_name}")
    grid.set_axis_labels("generator step", "")
    grid.figure.supylabel("loss (mean over the evaluation interval)")
    grid.figure.suptitle(f"{logs['dataset'].iloc[0]}: training losses (band: seed range)", y=1.02)
    save(grid.figure, path)


def strip_steps(steps: list[int], columns: int = STRIP_COLUMNS) -> list[int]:
    """`columns` evaluation steps spread evenly over the run, the first and the last included."""
    if len(steps) <= columns:
        return steps
    picks = np.linspace(0, len(steps) - 1, columns).round().astype(int)
    return [steps[i] for i in picks]


def plot_progress(dataset: str, variants: list[str], seed: int, path: str | os.PathLike) -> None:
    """Rows: variants; columns: evaluation points; each cell the frame drawn at that point (8x8 samples
    of the fixed latents) titled with its step and FID, so a person sees what each recipe draws when,
    and where it stops improving."""
    runs = {v: paths.run_dir(dataset, v, seed) for v in variants}
    fids = {v: dict(zip(*pd.read_csv(run / "train_log.csv")[["step", "fid"]].to_numpy().T)) for v, run in runs.items()}
    frames = {v: {int(f.stem.rsplit("_", 1)[1]): f for f in (run / "frames").glob("*.png")} for v, run in runs.items()}
    columns = max(1, *(min(len(f), STRIP_COLUMNS) for f in frames.values()))
    fig, axes = plt.subplots(len(variants), columns, figsize=(1.9 * columns, 2.15 * len(variants)), squeeze=False)
    for row, variant in zip(axes, variants):
        for ax in row:
            ax.set_axis_off()
        if not frames[variant]:
            not_kept(row[0], dataset, variant, seed)
        for ax, step in zip(row, strip_steps(sorted(frames[variant]), columns)):
            pixels = np.asarray(Image.open(frames[variant][step]))[FRAME_HEADER:]  # the frame's own caption off
            ax.imshow(pixels, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
            ax.set_title(f"step {step}: FID {fids[variant].get(step, float('nan')):.0f}", fontsize=8)
        row[0].text(-0.06, 0.5, variant, transform=row[0].transAxes, ha="right", va="center", fontsize=10)
    fig.suptitle(f"{dataset}: the same latents over training (seed {seed}), every variant", y=1.0)
    fig.tight_layout()
    save(fig, path)


def plot_time_to_quality(logs: pd.DataFrame, levels: list[float], budget: dict, path: str | os.PathLike,
                         palette: dict) -> None:
    """FID during training (log) against training GFLOP (left: the same figure on any machine) and
    against training seconds on the study machine (right), one line per seed, the report's
    thresholds dashed and the home and full budgets dotted: where a line first crosses a threshold
    is that run's compute (and time) to threshold."""
    fig, axes = plt.subplots(1, 2, figsize=(15, 5.8), sharey=True)
    for ax, x, label in ((axes[0], "gflop", "training compute [GFLOP, log]"),
                         (axes[1], "seconds", "training seconds on the study machine, every core to itself (log)")):
        sns.lineplot(data=logs, x=x, y="fid", hue="variant", units="seed", estimator=None, palette=palette,
                     marker="o", markersize=3, linewidth=1.2, ax=ax, legend=ax is axes[1])
        for level in levels:
            ax.axhline(level, color="black", linestyle="--", linewidth=0.8)
        ax.set(xscale="log", yscale="log", xlabel=label)
        plain = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
        for axis in (ax.xaxis, ax.yaxis):  # 20, 50, 100 rather than 2 x 10^1
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(plain)
        ax.tick_params(which="minor", labelsize=7)
    for key, style in (("home_gflop", ":"), ("train_gflop", "-.")):
        axes[0].axvline(budget[key], color="0.4", linestyle=style, linewidth=1)
    for level in levels:
        axes[1].annotate(f"FID {level:g}", (1.0, level), xycoords=("axes fraction", "data"), xytext=(3, 0),
                         textcoords="offset points", va="center", fontsize=8)
    axes[0].set_ylabel("FID during training, eval samples (log)")
    axes[1].legend(title="variant", bbox_to_anchor=(1.08, 1), loc="upper left", fontsize=8)
    fig.suptitle(f"{logs['dataset'].iloc[0]}: quality against training compute (left: dotted, the home budget; "
                 "dash-dot, the full budget) and seconds (right); dashed: thresholds", y=1.0)
    save(fig, path)
