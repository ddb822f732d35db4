"""The artifact contract (design.md section 5): every path of the pipeline, written once.

Templates use `{dataset}`, `{variant}`, `{seed}` (and `{name}` for figures); the stage table
(`ganbench.stages`) builds both front ends from them, and the stage scripts call the functions
below, so no path is spelled twice.
"""
from __future__ import annotations

from pathlib import Path

REAL_ROW = "real"  # the "variant" under which the real-data reference row is stored, scored and plotted

DATA_NPZ = "data/{dataset}/data.npz"
DATA_CARD = "data/{dataset}/card.json"
CLASSIFIER_MODEL = "models/classifier/{dataset}.keras"
CLASSIFIER_METRICS = "results/classifier/{dataset}/metrics.json"
REFERENCE_NPZ = "results/classifier/{dataset}/reference.npz"  # the embedded reference split
RUN = "results/{dataset}/{variant}/seed{seed}"  # everything one trained model (or the real row) produces
REAL_RUN = RUN.replace("{variant}", REAL_ROW)
CHECKPOINTS = "checkpoints/{dataset}/{variant}/seed{seed}"  # resumable state: never a declared output
DATASET_SUMMARY_CSV = "results/summary/{dataset}.csv"
DATASET_SUMMARY_JSON = "results/summary/{dataset}.json"
SUMMARY_CSV = "results/summary.csv"
SUMMARY_JSON = "results/summary.json"
REPORT_MD = "results/report.md"
PICKS_JSON = "results/picks/{dataset}.json"  # the home AI and enterprise AI picks, with their evidence
PICK_GIF = "results/picks/{dataset}-{role}.gif"  # the training GIF of a pick (seed 0)
PLOT = "results/plots/{dataset}/{name}.png"
PLOT_NAMES = ("pareto", "time_to_quality", "progress", "samples", "class_shares", "per_class_fid",
              "per_class_fid_by_label", "per_class_recall", "scores", "losses")


def data_dir(dataset: str) -> Path:
    return Path(DATA_NPZ.format(dataset=dataset)).parent


def data_npz(dataset: str) -> Path:
    return Path(DATA_NPZ.format(dataset=dataset))


def classifier_model(dataset: str) -> Path:
    return Path(CLASSIFIER_MODEL.format(dataset=dataset))


def classifier_metrics(dataset: str) -> Path:
    return Path(CLASSIFIER_METRICS.format(dataset=dataset))


def reference_npz(dataset: str) -> Path:
    return Path(REFERENCE_NPZ.format(dataset=dataset))


def run_dir(dataset: str, variant: str, seed: int) -> Path:
    """results/<dataset>/<variant>/seed<k>/: everything one trained model produces."""
    return Path(RUN.format(dataset=dataset, variant=variant, seed=seed))


def checkpoint_dir(dataset: str, variant: str, seed: int) -> Path:
    """Resumable training state; ignored by git and never a declared output of either front end."""
    return Path(CHECKPOINTS.format(dataset=dataset, variant=variant, seed=seed))


def dataset_summary(dataset: str, suffix: str) -> Path:
    """results/summary/<dataset>.csv or .json: one dataset's table, merged into SUMMARY_CSV/JSON."""
    template = {"csv": DATASET_SUMMARY_CSV, "json": DATASET_SUMMARY_JSON}[suffix]
    return Path(template.format(dataset=dataset))


def plot(dataset: str, name: str) -> Path:
    return Path(PLOT.format(dataset=dataset, name=name))


def picks_json(dataset: str) -> Path:
    return Path(PICKS_JSON.format(dataset=dataset))


def pick_gif(dataset: str, role: str) -> Path:
    return Path(PICK_GIF.format(dataset=dataset, role=role))
