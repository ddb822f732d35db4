"""The plot stage's figures, by name (ganbench.paths.PLOT_NAMES): each a function of the output path,
bound to one dataset's study table, training logs and frames."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from ganbench import paths, plots, plots_training


def figures(params: dict, dataset: str) -> dict[str, Callable]:
    """name -> a function drawing that figure of `dataset` to a path."""
    runs = pd.read_csv(paths.dataset_summary(dataset, "csv"))
    logs = plots_training.train_logs(params, dataset)
    palette = plots.palette_for(list(params["variants"]))
    levels, first_seed = params["report"]["thresholds"][dataset], params["seeds"][0]
    return {
        "pareto": lambda path: plots.plot_pareto(runs, path, palette),
        "time_to_quality": lambda path: plots_training.plot_time_to_quality(logs, levels, path, palette),
        "progress": lambda path: plots_training.plot_progress(dataset, list(params["variants"]), first_seed, path),
        "samples": lambda path: plots.plot_samples(params, dataset, path),
        "class_shares": lambda path: plots.plot_class_shares(runs, path),
        "per_class_fid": lambda path: plots.plot_intra_fid(runs, path, "by_predicted"),
        "per_class_fid_by_label": lambda path: plots.plot_intra_fid(runs, path, "by_label"),
        "per_class_recall": lambda path: plots.plot_class_recall(runs, path, "by_predicted"),
        "scores": lambda path: plots.plot_scores(runs, path, palette),
        "losses": lambda path: plots_training.plot_losses(logs, path),
    }
