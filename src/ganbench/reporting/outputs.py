"""The study-level outputs of the artifact contract (docs/outputs.md): summaries, picks, the
report, the leaderboard and the figures, each path written once (the run-level files are in
`ganbench.paths`). Templates use `{dataset}`, `{role}` and `{name}` (a figure's name in
`ganbench.reporting.figures.FIGURES`).
"""
from __future__ import annotations

from pathlib import Path

DATASET_SUMMARY_CSV = "results/summary/{dataset}.csv"
DATASET_SUMMARY_JSON = "results/summary/{dataset}.json"
SUMMARY_CSV = "results/summary.csv"
SUMMARY_JSON = "results/summary.json"
# The same tables' timing columns (`ganbench.reporting.summary.split`): what the machine measured, apart
DATASET_TIMING_CSV = "results/timing/{dataset}.csv"
DATASET_TIMING_JSON = "results/timing/{dataset}.json"
TIMING_CSV = "results/timing.csv"
TIMING_JSON = "results/timing.json"
REPORT_MD = "results/report.md"
REPORT_FRONT = "results/report_front.rst"  # the front page of `snakemake --report` once the study is complete
LEADERBOARD_JSON = "results/leaderboard.json"  # the DVC metrics: the study's leaderboard
PICKS_JSON = "results/picks/{dataset}.json"  # the home AI and enterprise AI picks, with their evidence
PICK_GIF = "results/picks/{dataset}-{role}.gif"  # the training GIF of a pick (seed 0)
PLOT = "results/plots/{dataset}/{name}.png"


def dataset_summary(dataset: str, suffix: str, timing: bool = False) -> Path:
    """results/summary/<dataset>.csv or .json: one dataset's table, merged into SUMMARY_CSV/JSON; with
    `timing`, results/timing/<dataset>.csv or .json: its timing columns, merged into TIMING_CSV/JSON."""
    template = {("csv", False): DATASET_SUMMARY_CSV, ("json", False): DATASET_SUMMARY_JSON,
                ("csv", True): DATASET_TIMING_CSV, ("json", True): DATASET_TIMING_JSON}[suffix, timing]
    return Path(template.format(dataset=dataset))


def plot(dataset: str, name: str) -> Path:
    return Path(PLOT.format(dataset=dataset, name=name))


def picks_json(dataset: str) -> Path:
    return Path(PICKS_JSON.format(dataset=dataset))


def pick_gif(dataset: str, role: str) -> Path:
    return Path(PICK_GIF.format(dataset=dataset, role=role))
