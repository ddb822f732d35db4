"""Study figures (seaborn PNGs): time-to-quality curves and final scores per variant."""
from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

sns.set_theme(style="whitegrid", context="notebook")

from ganbench import paths  # noqa: E402
from ganbench.io import atomic_path, read_json  # noqa: E402
from ganbench.reference import REAL_ROW  # noqa: E402
from ganbench.scoring import check_comparable  # noqa: E402


def collect(params: dict, dataset: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train logs (one row per eval point) and final metrics (one row per run, the real-data row
    included as variant "real") of one dataset's runs.

    Raises ProtocolMismatch if the metrics files were not all scored under one protocol.
    """
    logs, results = [], {}
    for variant, seed in ((v, s) for v in params["variants"] for s in params["seeds"]):
        logs.append(pd.read_csv(paths.run_dir(dataset, variant, seed) / "train_log.csv")
                    .assign(dataset=dataset, variant=variant, seed=seed))
    for variant, seed in ((v, s) for v in [*params["variants"], REAL_ROW] for s in params["seeds"]):
        path = paths.run_dir(dataset, variant, seed) / "metrics.json"
        results[str(path)] = {"dataset": dataset, "variant": variant, "seed": seed, **read_json(path)}
    check_comparable(results)
    scores = [{k: v for k, v in r.items() if not isinstance(v, (dict, list))} for r in results.values()]
    return pd.concat(logs, ignore_index=True), pd.DataFrame(scores)


def _save(fig: plt.Figure, path: str | os.PathLike) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)


def plot_time_to_quality(logs: pd.DataFrame, path: str | os.PathLike) -> None:
    """FID (classifier features, log scale) against training seconds, one line per variant.

    The band spans the seeds (min to max) when there are several.
    """
    grid = sns.relplot(data=logs, x="seconds", y="fid", hue="variant", style="variant", kind="line",
                       markers=True, dashes=False, errorbar=("pi", 100), height=4, aspect=1.4)
    grid.set(yscale="log")
    grid.set_axis_labels("training time [s] (evaluation excluded)", "FID in classifier features (lower is better)")
    grid.figure.suptitle(f"{logs['dataset'].iloc[0]}: time to quality", y=1.03)
    _save(grid.figure, path)


SCORE_PANELS = {"fid": "FID (lower is better)", "classifier_score": "classifier score (higher is better, max 10)",
                "recall": "recall (diversity, higher is better)", "coverage": "coverage (higher is better)"}


def plot_scores(scores: pd.DataFrame, path: str | os.PathLike) -> None:
    """Final metrics per variant of one dataset, one point per seed, with the real-data row on
    top and its mean as a dashed line: the floor (or ceiling) a perfect generator would reach."""
    scores = scores.assign(variant=scores["variant"].replace({REAL_ROW: "real data"}))
    order = ["real data", *[v for v in scores["variant"].unique() if v != "real data"]]
    long = scores.reindex(columns=["dataset", "variant", "seed", *SCORE_PANELS]).melt(
        id_vars=["dataset", "variant", "seed"], value_vars=list(SCORE_PANELS), var_name="metric", value_name="value")
    grid = sns.catplot(data=long, x="value", y="variant", hue="seed", col="metric", col_wrap=2, kind="strip",
                       order=order, col_order=list(SCORE_PANELS), sharex=False, palette="deep",
                       height=max(2.4, 0.45 * len(order) + 1.2), aspect=1.5, size=8, jitter=False)
    floors = long[long["variant"] == "real data"].groupby("metric")["value"].mean()
    for metric, ax in grid.axes_dict.items():
        if metric in floors and pd.notna(floors[metric]):
            ax.axvline(floors[metric], color="0.4", linestyle="--", linewidth=1, zorder=0)
        ax.set_title(SCORE_PANELS[metric])
    grid.set_axis_labels("", "")
    grid.figure.suptitle(f"{scores['dataset'].iloc[0]}: final sample quality (dashed: real data)", y=1.03)
    _save(grid.figure, path)
