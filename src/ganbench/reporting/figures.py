"""The figure registry: every figure of the study, once, with the function that draws it and its captions.

The plot stage draws `FIGURES` in order into results/plots/<dataset>/<name>.png; the stage table
declares those files as the plot stage's outputs (so `dvc.yaml` lists them); the report links them
with their `title`; `ganbench dag` writes each `caption` into report/figures/<name>.rst for the
Snakemake HTML report (reStructuredText; `{{ snakemake.wildcards.dataset }}` names the dataset).
Adding a figure is one entry here and its drawing function.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType
from typing import TYPE_CHECKING, Callable

from ganbench.reporting import outputs
from ganbench.reporting.picks import beyond_budget

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class StudyView:
    """What the figures of one dataset are drawn from, and with: each table is read, and each plotting
    module imported, once, when first needed. The stage table reads this registry on every `ganbench` and
    Snakemake command, which must not pay for matplotlib and seaborn (about 3 s of CPU)."""

    params: dict
    dataset: str

    @cached_property
    def plots(self) -> ModuleType:
        from ganbench.reporting import plots
        return plots

    @cached_property
    def compare(self) -> ModuleType:
        from ganbench.reporting import plots_compare
        return plots_compare

    @cached_property
    def training(self) -> ModuleType:
        from ganbench.reporting import plots_training
        return plots_training

    @cached_property
    def runs(self) -> pd.DataFrame:
        """The dataset's study table with its timing (results/summary/ and results/timing/<dataset>.csv)."""
        from ganbench.reporting import summary
        return summary.read_runs(self.dataset)

    @cached_property
    def logs(self) -> pd.DataFrame:
        """Every run's train_log.csv, with variant and seed columns."""
        return self.training.train_logs(self.params, self.dataset)

    @cached_property
    def palette(self) -> dict:
        return self.plots.palette_for(list(self.params["variants"]))

    @property
    def variants(self) -> list[str]:
        return list(self.params["variants"])

    @property
    def first_seed(self) -> int:
        return self.params["seeds"][0]

    @property
    def budget(self) -> dict:
        return self.params["budget"]

    @property
    def thresholds(self) -> list[float]:
        return self.params["report"]["thresholds"][self.dataset]


@dataclass(frozen=True)
class Figure:
    """`draw(view, path)` writes the PNG; `title` is the report's link text, `caption` the Snakemake
    report's (reStructuredText)."""

    name: str
    draw: Callable[[StudyView, str | os.PathLike], None]
    title: str
    caption: str


FIGURES: tuple[Figure, ...] = (
    Figure("pareto", lambda v, path: v.plots.plot_pareto(v.runs, v.logs, v.budget, path, v.palette,
                                                       frozenset(beyond_budget(v.params))),
           "quality against training GFLOP and generator MFLOP per image, Pareto fronts",
           "Left: FID during training (mean over seeds) against training GFLOP, every variant a line; the dashed\n"
           "step line is the Pareto front, the best FID any variant reaches within that compute. Right: the scored\n"
           "FID (mean ± std over seeds) against the generator's MFLOP per image at the end of each variant's\n"
           "training: the full budget (filled) or a budget of its own (diamonds), with their Pareto front (the\n"
           "picks' view: training is paid once); hollow: at the home budget.\n"
           "Both axes are machine-independent; the dotted line is the real-data floor."),
    Figure("components", lambda v, path: v.compare.plot_components(v.runs, v.params, path),
           "what each component buys (the change of the ranking metric per compared row; a ladder as a waterfall)",
           "Left: for every row of params report.compare, the change of its mean FID over seeds against the row\n"
           "it is compared with, at the same training GFLOP, with the standard error of the difference; green\n"
           "or red where Welch's test puts the change beyond the seed spread, grey where it does not. Right, when\n"
           "the comparisons form a ladder (each rung compared with the one before): the FID of each rung, top to\n"
           "bottom, one component per rung, with its change, Welch p, training TFLOP and seconds; the left then\n"
           "leaves the ladder's rungs out."),
    Figure("time_to_quality", lambda v, path: v.training.plot_time_to_quality(v.logs, v.thresholds, v.budget, path,
                                                                                 v.palette),
           "FID during training against training GFLOP and seconds, thresholds",
           "FID during training (fixed latents) against training GFLOP (left, the same on any machine) and\n"
           "training seconds on the study machine (right), one line per seed, log-log; the dashed lines are the\n"
           "report's thresholds, the dotted and dash-dotted ones the home and the full budget. Training jobs held\n"
           "every core of the machine while timed."),
    Figure("progress", lambda v, path: v.training.plot_progress(v.dataset, v.variants, v.first_seed, path),
           "every variant over training (fixed latents)",
           "Every variant of {{ snakemake.wildcards.dataset }} over its training (first seed): each cell is the frame of\n"
           "one evaluation point (8x8 samples of the fixed latents, the step and FID in its caption), so rows show what\n"
           "each recipe draws when and where it stops improving."),
    Figure("samples", lambda v, path: v.plots.plot_samples(v.params, v.dataset, path),
           "final samples, same latents",
           "Every variant's grid.png: 100 samples of the fixed latents (the same for every variant; labels 0-9 in\n"
           "turn for a conditional one) from the first seed's final generator, and real training images."),
    Figure("class_shares", lambda v, path: v.plots.plot_class_shares(v.runs, path),
           "generated class shares",
           "Share of samples per class predicted by the classifier, mean over seeds: empty columns or dark cells are\n"
           "mode collapse."),
    Figure("per_class_fid", lambda v, path: v.plots.plot_intra_fid(v.runs, path, "by_predicted"),
           "intra-class FID by predicted class",
           "Intra-class FID of {{ snakemake.wildcards.dataset }} by predicted class: for each class, the FID of the\n"
           "samples the classifier assigns to it against the test images of that class, mean over seeds (log colour\n"
           "scale, darker is worse; blank: too few samples in the class). Every variant has a row."),
    Figure("per_class_fid_by_label", lambda v, path: v.plots.plot_intra_fid(v.runs, path, "by_label"),
           "intra-class FID by label (conditional variants)",
           "Intra-class FID of {{ snakemake.wildcards.dataset }} by label: for each class, the FID of the samples\n"
           "drawn for that label against the test images of that class, mean over seeds. Only class-conditional\n"
           "variants and the real-data row have labels; a conditional generator that respects its labels but draws\n"
           "one image per label (intra-class collapse) shows as high values here with normal whole-set scores."),
    Figure("per_class_recall", lambda v, path: v.plots.plot_class_recall(v.runs, path, "by_predicted"),
           "per-class recall",
           "Per-class recall of {{ snakemake.wildcards.dataset }} by predicted class: the share of each class's test\n"
           "images inside the k-NN manifold of the samples of that class, mean over seeds (darker is worse): which\n"
           "classes a generator covers only in part."),
    Figure("scores", lambda v, path: v.plots.plot_scores(v.runs, path, v.palette),
           "final metrics, seeds as dots",
           "Final metrics per variant: bars are seed means with sd error bars, dots are seeds, the dotted line is\n"
           "the real-data row."),
    Figure("losses", lambda v, path: v.training.plot_losses(v.logs, path),
           "training losses",
           "Discriminator and generator losses per variant against generator step."),
)


def draw_all(params: dict, dataset: str) -> list[str]:
    """Draw every figure of `dataset` into its results/plots path; returns the paths written."""
    view = StudyView(params, dataset)
    written = []
    for fig in FIGURES:
        path = outputs.plot(dataset, fig.name)
        fig.draw(view, path)
        written.append(str(path))
    return written
