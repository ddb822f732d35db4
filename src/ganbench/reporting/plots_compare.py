"""What each component buys, as a figure: the change of the ranking metric (params `report.quality`)
of every compared row against the row it is compared with (params `report.compare`,
`reporting.comparisons`), and, where the comparisons form a chain (a ladder: each rung compared with
the one before, one component per rung), the ladder as a waterfall from its first rung to its last.
"""
from __future__ import annotations

import os
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ganbench.evaluation import registry  # noqa: E402
from ganbench.reporting import comparisons  # noqa: E402
from ganbench.reporting.picks import seed_values, welch  # noqa: E402
from ganbench.reporting.plots import save  # noqa: E402

BETTER, WORSE, TIED = "#2a9d5c", "#c8553d", "0.6"


def _spread(runs: pd.DataFrame, a: str, b: str, metric: str) -> float:
    """Standard error of the difference of two seed means (the quantity Welch's test scales by)."""
    va, vb = seed_values(runs, a, metric), seed_values(runs, b, metric)
    if len(va) < 2 or len(vb) < 2:
        return 0.0
    return float(np.sqrt(va.var(ddof=1) / len(va) + vb.var(ddof=1) / len(vb)))


def _row_label(row: comparisons.Comparison, width: int = 48, lines: int = 2) -> str:
    """'<variant> vs <baseline>' over what they differ in, wrapped to `lines` lines of `width` characters
    (a row in its own recipe differs in a dozen settings: the report's table lists them all)."""
    return "\n".join([f"{row.variant} vs {row.baseline}"]
                     + textwrap.wrap(row.change, width, max_lines=lines, placeholder=" ... (report)"))


def _deltas(ax: plt.Axes, rows: list[comparisons.Comparison], runs: pd.DataFrame, metric: str, alpha: float) -> None:
    lower = registry.metric(metric).lower_is_better
    rows = sorted((r for r in rows if np.isfinite(r.delta)), key=lambda r: r.delta if lower else -r.delta)
    y = np.arange(len(rows))
    for i, r in enumerate(rows):
        colour = TIED if not r.p_value < alpha else BETTER if (r.delta < 0) == lower else WORSE
        spread = _spread(runs, r.variant, r.baseline, metric)
        ax.barh(i, r.delta, xerr=spread, color=colour, capsize=3)
        p = "p n/a" if not np.isfinite(r.p_value) else f"p = {r.p_value:.2g}"
        end = r.delta + spread if r.delta >= 0 else r.delta - spread  # the label starts past the error bar
        ax.annotate(f"{r.delta:+.2f} ({p})", (end, i), xytext=(4 if r.delta >= 0 else -4, 0),
                    textcoords="offset points", ha="left" if r.delta >= 0 else "right", va="center", fontsize=8)
    ax.set_yticks(y, [_row_label(r) for r in rows], fontsize=8)
    ax.margins(x=0.3)  # room for the labels beside the longest bars
    ax.axvline(0, color="black", linewidth=0.8)
    label = registry.metric(metric).label
    ax.set_xlabel(f"change of the mean {label} over seeds ({'left' if lower else 'right'} is better); bars: ± standard "
                  "error of the difference;\ncolour: Welch p < alpha (green better, red worse), grey: within the seed spread")


def _rung_label(params: dict, chain: list[str], i: int, gflop: float, seconds: float) -> str:
    """A rung's name, what it adds to the rung before (wrapped, as the report's table words it), its cost."""
    added = "the start" if i == 0 else "+ " + comparisons.change(params, chain[i], chain[i - 1])
    return "\n".join([chain[i], *textwrap.wrap(added, 44, max_lines=2, placeholder=" ... (report)"),
                      f"{gflop / 1000:.0f} TFLOP, {seconds:.0f} s"])


def _waterfall(ax: plt.Axes, chain: list[str], runs: pd.DataFrame, params: dict, metric: str) -> None:
    """The ladder top to bottom: the first rung's bar from the axis, then each rung's change as a bar from
    the rung before, green where it improves; ± sd over seeds; beside each, the mean, change and Welch p."""
    lower = registry.metric(metric).lower_is_better
    values = [seed_values(runs, v, metric) for v in chain]
    means = [float(v.mean()) for v in values]
    cost = [runs.loc[runs["variant"] == v, ["train_gflop", "train_seconds"]].mean() for v in chain]
    ax.barh(0, means[0], color="0.45")
    for i in range(1, len(chain)):
        low, high = sorted((means[i - 1], means[i]))
        better = (means[i] < means[i - 1]) == lower
        ax.barh(i, high - low, left=low, color=BETTER if better else WORSE)
        ax.plot([means[i - 1]] * 2, [i - 1.4, i + 0.4], color="0.3", linewidth=0.8)
    ax.errorbar(means, range(len(chain)), xerr=[float(v.std(ddof=1)) if len(v) > 1 else 0.0 for v in values],
                fmt="o", color="black", ms=4, capsize=3)
    for i, mean in enumerate(means):
        if i:
            p = welch(values[i], values[i - 1])
            step = f"  {mean - means[i - 1]:+.1f}" + ("" if np.isnan(p) else f" (p = {p:.2g})")
        ax.annotate(f"{mean:.1f}" + (step if i else ""), (max(mean, means[i - 1] if i else mean), i), xytext=(8, 6),
                    textcoords="offset points", fontsize=8, va="bottom")
    ax.set_yticks(range(len(chain)), [_rung_label(params, chain, i, c["train_gflop"], c["train_seconds"])
                                      for i, c in enumerate(cost)], fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.margins(x=0.25)
    plain = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
    ax.xaxis.set_major_formatter(plain)
    ax.xaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}" if f"{v:e}"[0] in "25" else ""))
    ax.tick_params(axis="x", which="minor", labelsize=7)
    label = registry.metric(metric).label
    ax.set_xlabel(f"mean {label} over seeds (log), ± sd; beside each rung: its mean,\n"
                  "its change from the rung above and Welch p (green: better, red: worse)")
    ax.set_title("the ladder: one component per rung", fontsize=10)


def plot_components(runs: pd.DataFrame, params: dict, path: str | os.PathLike) -> None:
    """Left (or alone): every comparison's change of the ranking metric; right, when params' comparisons form a ladder:
    its waterfall, and the left leaves the ladder's rungs out (their changes, often ten times the others', would
    flatten every other bar)."""
    metric, alpha = params["report"]["quality"], params["report"]["alpha"]
    trained = runs[(runs["variant"] != "real") & ~runs["diverged"].astype(bool)]
    chain, _, rows = comparisons.split_ladder(params, comparisons.compare(params, trained, metric), set(trained["variant"]))
    panels = 2 if chain else 1
    fig, axes = plt.subplots(1, panels, figsize=(8.5 * panels, 0.55 * max(len(rows), 1.1 * len(chain), 4) + 2.5),
                             squeeze=False)
    if rows:
        _deltas(axes[0, 0], rows, trained, metric, alpha)
    else:
        axes[0, 0].text(0.5, 0.5, "no comparisons in this study (params report.compare)", ha="center", va="center")
        axes[0, 0].set_axis_off()
    if panels == 2:
        axes[0, 0].set_title("every other component against the row it is compared with", fontsize=10)
        _waterfall(axes[0, 1], chain, trained, params, metric)
    fig.suptitle(f"{runs['dataset'].iloc[0]}: what each component buys at matched training compute")
    fig.tight_layout()
    save(fig, path)
