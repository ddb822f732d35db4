"""Study figures per dataset from the final scores (seaborn PNGs): quality against training time and
latency with the Pareto front, a sample montage, generated class shares, per-class intra-class FID
and recall, and final metric bars. Figures of training over time are in `ganbench.reporting.plots_training`.

Every figure reads the study table (`results/summary/<dataset>.csv`, see ganbench.reporting.summary) or the
runs' samples; the real-data row appears as "real data" wherever a metric is shown, as the floor a
perfect generator would reach.
"""
from __future__ import annotations

import os

import matplotlib
import matplotlib.colors
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ganbench import paths  # noqa: E402
from ganbench.evaluation import registry  # noqa: E402
from ganbench.io import atomic_path  # noqa: E402
from ganbench.paths import REAL_ROW  # noqa: E402
from ganbench.reporting.summary import CLASS_SHARES, PER_CLASS  # noqa: E402

sns.set_theme(style="whitegrid", context="notebook")
REAL_LABEL = "real data"


def _save(fig: plt.Figure, path: str | os.PathLike) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def palette_for(variants: list[str]) -> dict:
    """One stable colour per variant across every figure of a dataset; the real row is black."""
    colours = dict(zip(variants, sns.color_palette("tab10", len(variants))))
    return {**colours, REAL_LABEL: (0.0, 0.0, 0.0)}


def pareto_front(cost: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """Indices of the points no other point beats on both (lower cost, lower quality value), by cost."""
    order = np.argsort(cost, kind="stable")
    front, best = [], np.inf
    for i in order:
        if quality[i] < best:
            front.append(i)
            best = quality[i]
    return np.array(front, dtype=int)


def _leading_digit_formatter(digits: set[int]) -> matplotlib.ticker.FuncFormatter:
    """Label a log-axis tick only if its leading digit is in `digits` (2 and 5: 0.2, 0.5, 2, 5, 20...)."""
    return matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}" if int(f"{v:e}"[0]) in digits else "")


def plot_pareto(runs: pd.DataFrame, path: str | os.PathLike, palette: dict) -> None:
    """Mean FID (+- std over seeds) against training time and against generator latency, one point
    per variant, the Pareto front (nothing cheaper is better) drawn as a dashed step line. Training
    time was measured with each training job alone on the machine; its FLOPs are in the report."""
    trained = runs[(runs["variant"] != REAL_ROW) & ~runs["diverged"].astype(bool)]
    stats = trained.groupby("variant", sort=False).agg(
        fid=("fid", "mean"), fid_std=("fid", "std"), seconds=("train_seconds", "mean"),
        latency=("latency_ms_median", "mean")).reset_index()
    real_fid = runs.loc[runs["variant"] == REAL_ROW, "fid"].mean()
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), sharey=True)
    for ax, cost, label in ((axes[0], "seconds", "training time on the study machine [s, log]"),
                            (axes[1], "latency", "generator latency at batch 1 [ms, log]")):
        for row in stats.itertuples():
            ax.errorbar(getattr(row, cost), row.fid, yerr=0 if np.isnan(row.fid_std) else row.fid_std, fmt="o",
                        ms=8, capsize=3, color=palette[row.variant], label=row.variant)
            ax.annotate(row.variant, (getattr(row, cost), row.fid), xytext=(5, 4), textcoords="offset points",
                        fontsize=8)
        front = stats.iloc[pareto_front(stats[cost].to_numpy(), stats["fid"].to_numpy())]
        ax.step(front[cost], front["fid"], where="post", linestyle="--", color="0.3", linewidth=1.2)
        ax.scatter(front[cost], front["fid"], s=260, facecolors="none", edgecolors="0.2", linewidths=1.5,
                   label="Pareto front (nothing cheaper is better)")
        if pd.notna(real_fid):
            ax.axhline(real_fid, color="black", linestyle=":", linewidth=1, label=f"{REAL_LABEL} (floor)")
        ax.set(xscale="log", yscale="log", xlabel=label)
        plain = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
        low, high = ax.get_xlim()
        ax.xaxis.set_major_formatter(plain)  # over a decade or two, minor ticks carry labels too
        minor = plain if high / low < 10 else _leading_digit_formatter({2, 5}) if high / low < 100 \
            else matplotlib.ticker.NullFormatter()
        ax.xaxis.set_minor_formatter(minor)
        ax.yaxis.set_major_formatter(plain)
    axes[0].set_ylabel("final FID, mean ± std over seeds (log; lower is better)")
    handles, labels = axes[0].get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    axes[1].legend(unique.values(), unique.keys(), bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    fig.suptitle(f"{runs['dataset'].iloc[0]}: quality against training time and latency")
    _save(fig, path)


def plot_samples(params: dict, dataset: str, path: str | os.PathLike, per_variant: int = 16) -> None:
    """The first `per_variant` samples (fixed latents) of seed `seeds[0]` of every variant, and real images."""
    seed, names = params["seeds"][0], [REAL_ROW, *params["variants"]]
    side = int(np.sqrt(per_variant))
    cols = min(5, len(names))
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.3 * cols, 2.5 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        with np.load(paths.run_dir(dataset, name, seed) / "samples.npz", allow_pickle=False) as npz:
            x = np.nan_to_num(npz["x"][:side * side, ..., 0], nan=0.0)
        tiles = np.pad((np.clip(x, -1, 1) + 1) / 2, ((0, 0), (1, 1), (1, 1)), constant_values=1.0)
        ax.imshow(tiles.reshape(side, side, 30, 30).transpose(0, 2, 1, 3).reshape(side * 30, side * 30),
                  cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(REAL_LABEL if name == REAL_ROW else name, fontsize=9)
    for ax in axes.flat:
        ax.set_axis_off()
    fig.suptitle(f"{dataset}: samples from the same latents, seed {seed}")
    fig.tight_layout()
    _save(fig, path)


def _class_heatmap(runs: pd.DataFrame, columns: tuple[str, ...], path: str | os.PathLike, title: str,
                   xlabel: str, cbar_label: str, scale: float = 1.0, **heatmap_kws) -> None:
    """Variant x class heatmap of `columns` (one per class) of the study table, mean over seeds
    (seeds where a cell is null are skipped; a class null in every seed stays blank)."""
    values = runs[list(columns)].apply(pd.to_numeric, errors="coerce") * scale
    table = values.groupby(runs["variant"].replace({REAL_ROW: REAL_LABEL}), sort=False).mean()
    table.columns = [str(c) for c in range(len(columns))]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(table) + 1.6))
    sns.heatmap(table, annot=True, ax=ax, cbar_kws={"label": cbar_label}, **heatmap_kws)
    ax.set(xlabel=xlabel, ylabel="", title=f"{runs['dataset'].iloc[0]}: {title}")
    _save(fig, path)


def plot_class_shares(runs: pd.DataFrame, path: str | os.PathLike) -> None:
    """Heatmap of the share of samples per predicted class (mean over seeds): an empty column or a
    dark cell is mode collapse at a glance; the real row shows the balanced target."""
    _class_heatmap(runs, CLASS_SHARES, path, "generated class shares (uniform = 10%)",
                   "class predicted by the classifier", "% of samples", scale=100, fmt=".0f", cmap="rocket_r",
                   vmin=0, vmax=50)


GROUPED = {"by_predicted": "class predicted by the classifier", "by_label": "class asked for (label)"}


def plot_intra_fid(runs: pd.DataFrame, path: str | os.PathLike, grouping: str = "by_predicted") -> None:
    """Heatmap of intra-class FID (columns `intra_fid_<grouping>_<c>` of the study table, mean over
    seeds; log colour scale, dark is worse): which classes a generator draws badly. By predicted
    class every variant has a row; by label only class-conditional variants and the real row."""
    _class_heatmap(runs, PER_CLASS["intra_fid", grouping], path,
                   "intra-class FID, mean over seeds (lower is better; blank: too few samples)", GROUPED[grouping],
                   "intra-class FID (log scale)", fmt=".1f",
                   cmap="rocket_r", norm=matplotlib.colors.LogNorm(vmin=1, vmax=1000))


def plot_class_recall(runs: pd.DataFrame, path: str | os.PathLike, grouping: str = "by_predicted") -> None:
    """Heatmap of per-class recall (columns `class_recall_<grouping>_<c>`, mean over seeds; dark is
    worse): the share of each class's reference images inside the k-NN manifold of the samples of
    that class, i.e. which classes a generator covers only in part."""
    _class_heatmap(runs, PER_CLASS["class_recall", grouping], path,
                   "per-class recall, mean over seeds (higher is better; blank: too few samples)", GROUPED[grouping],
                   "recall within the class", fmt=".2f", cmap="rocket", vmin=0, vmax=1)


SCORE_PANELS = {m.key: f"{m.label} ({m.direction()})" for m in registry.METRICS if m.plotted}


def plot_scores(runs: pd.DataFrame, path: str | os.PathLike, palette: dict) -> None:
    """Final metrics per variant, bars = mean over seeds with sd error bars and seeds as dots; the
    real-data row is the first bar and a dotted line."""
    runs = runs.assign(variant=runs["variant"].replace({REAL_ROW: REAL_LABEL}))
    order = [REAL_LABEL, *[v for v in runs["variant"].unique() if v != REAL_LABEL]]
    long = runs.melt(id_vars=["variant", "seed"], value_vars=list(SCORE_PANELS), var_name="metric", value_name="value")
    grid = sns.catplot(data=long, x="value", y="variant", hue="variant", col="metric", col_wrap=3, kind="bar",
                       order=order, hue_order=order, col_order=list(SCORE_PANELS), palette=palette, errorbar="sd",
                       sharex=False, height=0.32 * len(order) + 1.4, aspect=1.25, legend=False)
    floors = long[long["variant"] == REAL_LABEL].groupby("metric")["value"].mean()
    for metric, ax in grid.axes_dict.items():
        sns.stripplot(data=long[long["metric"] == metric], x="value", y="variant", order=order, color="0.15",
                      size=3, jitter=False, ax=ax)  # seaborn's jitter draws from the global RNG: unreproducible PNGs
        if pd.notna(floors.get(metric)):
            ax.axvline(floors[metric], color="black", linestyle=":", linewidth=1)
        ax.set_title(SCORE_PANELS[metric])
    grid.set_axis_labels("", "")
    grid.figure.suptitle(f"{runs['dataset'].iloc[0]}: final sample quality (bars: seed mean ± sd, dots: seeds)", y=1.02)
    _save(grid.figure, path)
