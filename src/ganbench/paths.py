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
# The study's instrument, kept in git (5 MB a dataset): its training is not bit-reproducible across CPU
# classes, and every cell of a study, whichever machine ran it, must be scored by the same weights.
CLASSIFIER_MODEL = "models/classifier/{dataset}.keras"
CLASSIFIER_METRICS = "results/classifier/{dataset}/metrics.json"
# The reference split embedded in the classifier (features, k-NN radii, Gaussians): a cache that scoring
# builds on first use on each machine (43 MB, in float32 rounding the same on any CPU), never an output.
REFERENCE_NPZ = "results/classifier/{dataset}/reference.npz"
RUN = "results/{dataset}/{variant}/seed{seed}"  # a run's records (git): logs, scores, frames, grid; what aggregates read
REAL_RUN = RUN.replace("{variant}", REAL_ROW)
ARTIFACTS = "artifacts/{dataset}/{variant}/seed{seed}"  # a run's heavy outputs (DVC cache): generators, samples, GIF
REAL_ARTIFACTS = ARTIFACTS.replace("{variant}", REAL_ROW)
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
    """results/<dataset>/<variant>/seed<k>/: a run's small records, kept in git, the only run files the
    study's aggregates (summaries, picks, figures, report) read, so that they build on a fresh clone."""
    return Path(RUN.format(dataset=dataset, variant=variant, seed=seed))


def artifact_dir(dataset: str, variant: str, seed: int) -> Path:
    """artifacts/<dataset>/<variant>/seed<k>/: a run's heavy outputs (generators, samples, progress GIF),
    kept in the DVC cache and rebuilt on demand (`ganbench rebuild`); no aggregate reads them."""
    return Path(ARTIFACTS.format(dataset=dataset, variant=variant, seed=seed))


def checkpoint_dir(dataset: str, variant: str, seed: int) -> Path:
    """Resumable training state; ignored by git and never a declared output of either front end."""
    return Path(CHECKPOINTS.format(dataset=dataset, variant=variant, seed=seed))


def profile_json(variant: str) -> Path:
    return Path(PROFILE_JSON.format(variant=variant))
