"""Time to threshold, as MLPerf and DAWNBench report it: the training time (and FLOPs) a run needs to
first reach a fixed quality level, read off its per-evaluation log.

A run's `train_log.csv` has one row per evaluation point: `step`, `gflop` (training compute so far,
`ganbench.training.flops`), `seconds` (training time so far, evaluation excluded) and `fid` (on
`budget.eval_samples` fixed latents). The first row with FID <= T gives that run's steps, GFLOP and
seconds to T. A run that never gets there is "not reached" (NaN), and the summary says in how many
of a variant's seeds it was reached.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def prefix(kind: str) -> str:
    """What every summary column of `kind` begins with, e.g. `seconds_to_fid_`."""
    return f"{kind}_to_fid_"


def column(kind: str, threshold: float) -> str:
    """Summary column name, e.g. `seconds_to_fid_20`."""
    return f"{prefix(kind)}{threshold:g}"


KINDS = {"steps": "step", "gflops": "gflop", "seconds": "seconds"}  # summary kind -> train_log column


def first_reach(log: pd.DataFrame, threshold: float) -> dict:
    """Steps, GFLOP and seconds of the first evaluation point with FID <= threshold (NaN if none)."""
    reached = log[log["fid"] <= threshold]
    if reached.empty:
        return {kind: math.nan for kind in KINDS}
    return {kind: float(reached.iloc[0][col]) for kind, col in KINDS.items()}


def run_columns(log: pd.DataFrame, thresholds: list[float]) -> dict:
    """One run's summary columns: steps, GFLOP and seconds to each threshold."""
    return {column(kind, threshold): value for threshold in thresholds
            for kind, value in first_reach(log, threshold).items()}


def table(runs: pd.DataFrame, thresholds: list[float], kind: str = "seconds") -> pd.DataFrame:
    """variant x threshold: mean and std over the seeds that reached it, and how many did."""
    rows = []
    for variant, group in runs.groupby("variant", sort=False):
        row = {"variant": variant}
        for threshold in thresholds:
            values = group[column(kind, threshold)].to_numpy(dtype=float)
            hit = values[np.isfinite(values)]
            row[threshold] = {"mean": float(hit.mean()) if len(hit) else math.nan,
                              "std": float(hit.std(ddof=1)) if len(hit) > 1 else 0.0,
                              "reached": int(len(hit)), "runs": int(len(values))}
        rows.append(row)
    return pd.DataFrame(rows).set_index("variant")


def speedup(fast: float, slow: float) -> float:
    """slow / fast: how many times sooner the fast recipe gets there."""
    return slow / fast if fast and math.isfinite(fast) and math.isfinite(slow) else math.nan
