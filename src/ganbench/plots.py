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


def collect(params: dict, dataset: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train logs (one row per eval point) and final metrics (one row per run) of one dataset's runs."""
    logs, scores = [], []
    for variant, seed in ((v, s) for v in params["variants"] for s in params["seeds"]):
        run = paths.run_dir(dataset, variant, seed)
        key = {"dataset": dataset, "variant": variant, "seed": seed}
        logs.append(pd.read_csv(run / "train_log.csv").assign(**key))
        flat = {k: v for k, v in read_json(run / "metrics.json").items() if not isinstance(v, (dict, list))}
        scores.append({**key, **flat})
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


def plot_scores(scores: pd.DataFrame, path: str | os.PathLike) -> None:
    """Final FID and classifier score per variant of one dataset, one point per seed."""
    long = scores.melt(id_vars=["dataset", "variant", "seed"], value_vars=["fid", "classifier_score"],
                       var_name="metric", value_name="value")
    titles = {"fid": "FID (lower is better)", "classifier_score": "classifier score (higher is better, max 10)"}
    long["metric"] = long["metric"].map(titles)
    grid = sns.catplot(data=long, x="value", y="variant", hue="seed", col="metric", kind="strip",
                       sharex=False, height=max(2.4, 0.5 * scores["variant"].nunique() + 1.5), aspect=1.5,
                       size=8, jitter=False)
    grid.set_titles("{col_name}")
    grid.set_axis_labels("", "")
    grid.figure.suptitle(f"{scores['dataset'].iloc[0]}: final sample quality", y=1.04)
    _save(grid.figure, path)
