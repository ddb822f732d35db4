"""The artifact contract (design.md section 5) as functions, so scripts never spell paths twice."""
from __future__ import annotations

from pathlib import Path

REAL_ROW = "real"  # the "variant" under which the real-data reference row is stored, scored and plotted


def data_dir(dataset: str) -> Path:
    return Path("data") / dataset


def data_npz(dataset: str) -> Path:
    return data_dir(dataset) / "data.npz"


def classifier_model(dataset: str) -> Path:
    return Path("models") / "classifier" / f"{dataset}.keras"


def classifier_metrics(dataset: str) -> Path:
    return Path("results") / "classifier" / dataset / "metrics.json"


def run_dir(dataset: str, variant: str, seed: int) -> Path:
    """results/<dataset>/<variant>/seed<k>/: everything one trained model produces."""
    return Path("results") / dataset / variant / f"seed{seed}"


def checkpoint_dir(dataset: str, variant: str, seed: int) -> Path:
    """Resumable training state; ignored by git and never a declared output of either front end."""
    return Path("checkpoints") / dataset / variant / f"seed{seed}"


PLOTS_DIR = Path("results") / "plots"


def reference_npz(dataset: str) -> Path:
    """The embedded reference split (features, probs, k-NN radii) that every score reuses."""
    return Path("results") / "classifier" / dataset / "reference.npz"


def dataset_summary(dataset: str, suffix: str) -> Path:
    """results/summary/<dataset>.csv or .json: one dataset's table, merged into SUMMARY_CSV/JSON."""
    return Path("results") / "summary" / f"{dataset}.{suffix}"


SUMMARY_CSV = Path("results") / "summary.csv"
SUMMARY_JSON = Path("results") / "summary.json"
REPORT_MD = Path("results") / "report.md"
