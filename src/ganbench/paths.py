"""The artifact contract (design.md section 5) of data, classifier and runs: each path written once.

Templates use `{dataset}`, `{variant}`, `{seed}`; the stage table (`ganbench.pipeline.stages`)
builds both front ends from them, and the stage scripts call the functions below, so no path is
spelled twice. These are the files every training stage may read or write; the study-level outputs
(summaries, picks, report, figures) are in `ganbench.reporting.outputs`, so that adding one leaves
training's code dependencies alone.
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
PROFILE_JSON = "results/profile/{variant}.json"  # a variant's compute profile: FLOPs, parameters, latency


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


def profile_json(variant: str) -> Path:
    return Path(PROFILE_JSON.format(variant=variant))
