"""Study figures per dataset from the final scores (seaborn PNGs): quality against training compute
and generator cost with the Pareto fronts, a sample montage, generated class shares, per-class intra-class FID
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


def save(fig: plt.Figure, path: str | os.PathLike) -> None:
    """The figure as a PNG, atomically; the same data give the same bytes."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def palette_for(variants: list[str]) -> dict:
    """One stable colour per variant across every figure of a dataset; the real row is black. Up to ten
    variants get tab10's distinct hues; more get tab20's (each hue in a dark and a light shade), not
    tab10's colours repeated."""
    colours = dict(zip(variants, sns.color_palette("tab10" if len(variants) <= 10 else "tab20", len(variants))))
    return {**colours, REAL_LABEL: (0.0, 0.0, 0.0)}


def pareto_front(cost: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """Indices of the points no other point beats on both (lower cost, lower quality value), by cost;
    of points with equal cost only the best can be on it."""
    order = np.lexsort((quality, cost))
    front, best = [], np.inf
    for i in order:
        if quality[i] < best:
            front.append(i)
            best = quality[i]
    return np.array(front, dtype=int)


def _leading_digit_formatter(digits: set[int]) -> matplotlib.ticker.FuncFormatter:
    """Label a log-axis tick only if its leading digit is in `digits` (2 and 5: 0.2, 0.5, 2, 5, 20...)."""
    return matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}" if int(f"{v:e}"[0]) in digits else "")


def _log_axes(ax: plt.Axes) -> None:
    """Log-log axes with plain tick labels (20, 50, 100 rather than 2 x 10^1)."""
    ax.set(xscale="log", yscale="log")
    plain = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
    low, high = ax.get_xlim()
    ax.xaxis.set_major_formatter(plain)  # over a decade or two, some minor ticks carry labels too
    ax.xaxis.set_minor_formatter(_minor_formatter(high / low))
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(_minor_formatter(np.divide(*ax.get_ylim()[::-1])))


def _minor_formatter(span: float) -> matplotlib.ticker.Formatter:
    """Minor tick labels for a log axis spanning `span` (high / low): 2, 3, 5 under a decade (every
    minor label crowds 4000 ... 9000 into one another), 2 and 5 under two, none beyond."""
    return _leading_digit_formatter({2, 3, 5}) if span < 10 else _leading_digit_formatter({2, 5}) if span < 100 \
        else matplotlib.ticker.NullFormatter()


FRONT = "Pareto front (nothing cheaper is better)"


def _front(ax: plt.Axes, cost: np.ndarray, fid: np.ndarray) -> np.ndarray:
    """Draw the Pareto front of the points (cost, fid) as a dashed step line with ringed points; returns its indices."""
    order = pareto_front(cost, fid)
    ax.step(cost[order], fid[order], where="post", linestyle="--", color="0.3", linewidth=1.2)
    ax.scatter(cost[order], fid[order], s=260, facecolors="none", edgecolors="0.2", linewidths=1.5, label=FRONT)
    return order


def plot_pareto(runs: pd.DataFrame, logs: pd.DataFrame, budget: dict, path: str | os.PathLike, palette: dict,
                own_budget: frozenset[str] = frozenset()) -> None:
    """Quality against the two costs, both machine-independent. Left: FID during training (mean over
    seeds at each evaluation point) against training GFLOP, every variant a line, with the front of
    the best FID any variant reaches within each compute. Right: the scored FID (mean ± std over
    seeds) against the generator's MFLOP per image at the end of each variant's training: the full
    budget (filled circles) or, for variants trained to a budget of their own (`own_budget`), that
    budget (diamonds), with their front (nothing cheaper is better: the picks' view, training paid once),
    whose points are named; and at the home budget (hollow), for the variants that save their home
    generator there."""
    healthy = ~runs["diverged"].astype(bool)
    trained = runs[(runs["variant"] != REAL_ROW) & healthy]
    curves = logs[logs["variant"].isin(set(trained["variant"]))].groupby(["variant", "gflop"], sort=False)["fid"] \
        .mean().reset_index()
    stats = trained.groupby("variant", sort=False).agg(
        fid=("fid", "mean"), fid_std=("fid", "std"), home=("home_fid", "mean"), home_std=("home_fid", "std"),
        home_gflop=("home_gflop", "mean"), mflops=("generator_mflops_per_image", "first")).reset_index()
    at_home = np.isclose(stats["home_gflop"], budget["home_gflop"], rtol=0.05)  # the home budget, give or take a step
    real_fid = runs.loc[runs["variant"] == REAL_ROW, "fid"].mean()
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5.6), sharey=True)
    for variant, curve in curves.groupby("variant", sort=False):
        left.plot(curve["gflop"], curve["fid"], marker="o", ms=4, color=palette[variant], label=variant)
    _front(left, curves["gflop"].to_numpy(), curves["fid"].to_numpy())
    for key, style in (("home_gflop", ":"), ("train_gflop", "-.")):
        left.axvline(budget[key], color="0.4", linestyle=style, linewidth=1)
        left.annotate(key.split("_")[0].replace("train", "full") + " budget", (budget[key], 1.0),
                      xycoords=("data", "axes fraction"), xytext=(-3, -12), textcoords="offset points", ha="right",
                      fontsize=8, color="0.3")
    left.set(xlabel="training compute [GFLOP, log]",
             ylabel="FID, lower is better (log); left: during training, on the eval samples")
    for row, home in zip(stats.itertuples(), at_home):
        points = [(row.fid, row.fid_std, palette[row.variant], "D" if row.variant in own_budget else "o")]
        points += [(row.home, row.home_std, "white", "o")] if home else []
        for value, spread, face, marker in points:
            right.errorbar(row.mflops, value, yerr=0 if np.isnan(spread) else spread, fmt=marker, ms=8, capsize=3,
                           color=palette[row.variant], markerfacecolor=face)
    front = _front(right, stats["mflops"].to_numpy(), stats["fid"].to_numpy())
    for row in stats.iloc[front].itertuples():  # the rest share costs and crowd one another: the legend names them
        right.annotate(row.variant, (row.mflops, row.fid), xytext=(7, -10), textcoords="offset points", fontsize=8,
                       zorder=5, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    right.margins(x=0.3)  # room for the name of the front's costliest point
    right.set(xlabel="generator cost [MFLOP per image, log]; at the end of training: full budget (filled),\n"
                     "a budget of its own (diamond); at the home budget (hollow)")
    for ax in (left, right):
        if pd.notna(real_fid):
            ax.axhline(real_fid, color="black", linestyle=":", linewidth=1, label=f"{REAL_LABEL} (floor)")
        _log_axes(ax)
    handles = {label: h for ax in (left, right) for h, label in zip(*ax.get_legend_handles_labels())}
    right.legend(handles.values(), handles.keys(), bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    fig.suptitle(f"{runs['dataset'].iloc[0]}: quality against training compute and generator cost")
    save(fig, path)


NOT_KEPT = "not in git: landed before\nrun images were kept;\nganbench rebuild {dataset}/{variant}/{seed}"


def not_kept(ax: plt.Axes, dataset: str, variant: str, seed: int) -> None:
    """A panel saying where a run's picture is missing and the command that rebuilds it."""
    ax.text(0.5, 0.5, NOT_KEPT.format(dataset=dataset, variant=variant, seed=seed), ha="center", va="center",
            fontsize=7, color="0.35", transform=ax.transAxes)


def plot_samples(params: dict, dataset: str, path: str | os.PathLike) -> None:
    """Every variant's grid.png (10x10 samples of the fixed latents, first seed) and the real images', side
    by side: the picture a person looks at first, read from git (results/), never from the heavy samples."""
    seed, names = params["seeds"][0], [REAL_ROW, *params["variants"]]
    cols = min(5, len(names))
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.4 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        grid = paths.run_dir(dataset, name, seed) / "grid.png"
        if grid.is_file():
            ax.imshow(plt.imread(grid), interpolation="lanczos")
        else:
            not_kept(ax, dataset, name, seed)
            ax.set_title(REAL_LABEL if name == REAL_ROW else name, fontsize=9)
    for ax in axes.flat:
        ax.set_axis_off()
    fig.suptitle(f"{dataset}: samples from the same latents, seed {seed}")
    fig.tight_layout()
    save(fig, path)


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
    save(fig, path)


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
    save(grid.figure, path)
