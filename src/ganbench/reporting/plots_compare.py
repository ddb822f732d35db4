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
from ganbench.reporting.picks import seed_values  # noqa: E402
from ganbench.reporting.plots import save  # noqa: E402

BETTER, WORSE, TIED = "#2a9d5c", "#c8553d", "0.6"


def _spread(runs: pd.DataFrame, a: str, b: str, metric: str) -> float:
    """Standard error of the difference of two seed means (the quantity Welch's test scales by)."""
    va, vb = seed_values(runs, a, metric), seed_values(runs, b, metric)
    if len(va) < 2 or len(vb) < 2:
        return 0.0
    return float(np.sqrt(va.var(ddof=1) / len(va) + vb.var(ddof=1) / len(vb)))


def ladder(compare: dict[str, str]) -> list[str]:
    """The longest chain r0 <- r1 <- ... (each compared with the one before), first rung first; [] if
    no chain has three rungs."""
    longest: list[str] = []
    for start in set(compare.values()) - set(compare):
        chain = [start]
        while True:
            nxt = [v for v, base in compare.items() if base == chain[-1]]
            if len(nxt) != 1:
                break
            chain.append(nxt[0])
        longest = max(longest, chain, key=len)
    return longest if len(longest) >= 3 else []


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


def _waterfall(ax: plt.Axes, chain: list[str], runs: pd.DataFrame, params: dict, metric: str) -> None:
    means = [float(seed_values(runs, v, metric).mean()) for v in chain]
    seconds = [float(runs.loc[runs["variant"] == v, "train_seconds"].mean()) for v in chain]
    gflop = [float(runs.loc[runs["variant"] == v, "train_gflop"].mean()) for v in chain]
    ax.bar(0, means[0], color="0.45")
    for i in range(1, len(chain)):
        low, high = sorted((means[i - 1], means[i]))
        better = means[i] < means[i - 1] if registry.metric(metric).lower_is_better else means[i] > means[i - 1]
        ax.bar(i, high - low, bottom=low, color=BETTER if better else WORSE)
        ax.plot([i - 1.4, i + 0.4], [means[i - 1]] * 2, color="0.3", linewidth=0.8)
    ax.errorbar(range(len(chain)), means, yerr=[float(seed_values(runs, v, metric).std(ddof=1)) for v in chain],
                fmt="o", color="black", ms=4, capsize=3)
    labels = [chain[0]] + ["+ " + ", ".join(k for k in comparisons.differences(params, b, v))
                           for b, v in zip(chain, chain[1:])]
    ax.set_xticks(range(len(chain)), [f"{label}\n{m:.1f}; {g / 1000:.0f} TFLOP, {s:.0f} s"
                                      for label, m, g, s in zip(labels, means, gflop, seconds)],
                  fontsize=8, rotation=20, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel(f"mean {registry.metric(metric).label} over seeds (log), ± sd")
    ax.set_title(f"the ladder: one component per rung (under each: mean {registry.metric(metric).label}, training "
                 "TFLOP and seconds)", fontsize=10)


def plot_components(runs: pd.DataFrame, params: dict, path: str | os.PathLike) -> None:
    """Left (or alone): every comparison's change of the ranking metric; right, when params' comparisons form a ladder:
    its waterfall."""
    metric, alpha = params["report"]["quality"], params["report"]["alpha"]
    trained = runs[(runs["variant"] != "real") & ~runs["diverged"].astype(bool)]
    rows = comparisons.compare(params, trained, metric)
    chain = [v for v in ladder(params["report"]["compare"]) if v in set(trained["variant"])]
    panels = 2 if len(chain) >= 3 else 1
    fig, axes = plt.subplots(1, panels, figsize=(8 * panels, 0.55 * max(len(rows), 4) + 2.5), squeeze=False)
    if rows:
        _deltas(axes[0, 0], rows, trained, metric, alpha)
    else:
        axes[0, 0].text(0.5, 0.5, "no comparisons in this study (params report.compare)", ha="center", va="center")
        axes[0, 0].set_axis_off()
    if panels == 2:
        _waterfall(axes[0, 1], chain, trained, params, metric)
    fig.suptitle(f"{runs['dataset'].iloc[0]}: what each component buys at matched training compute")
    fig.tight_layout()
    save(fig, path)
