"""Time to threshold, as MLPerf and DAWNBench report it: the training time (and FLOPs) a run needs to
first reach a fixed quality level, read off its per-evaluation log.

A run's `train_log.csv` has one row per evaluation point: `step`, `seconds` (training time so far,
evaluation excluded) and `fid` (on `budget.eval_samples` fixed latents). The first row with
FID <= T gives that run's steps and seconds to T; the training FLOPs are steps x the FLOPs of one
step (`profile.json`). A run that never gets there is "not reached" (NaN), and the summary says in
how many of a variant's seeds it was reached.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def column(kind: str, threshold: float) -> str:
    """Summary column name, e.g. `seconds_to_fid_20`."""
    return f"{kind}_to_fid_{threshold:g}"


def first_reach(log: pd.DataFrame, threshold: float) -> dict:
    """Steps and seconds of the first evaluation point with FID <= threshold (NaN if none)."""
    reached = log[log["fid"] <= threshold]
    if reached.empty:
        return {"steps": math.nan, "seconds": math.nan}
    row = reached.iloc[0]
    return {"steps": float(row["step"]), "seconds": float(row["seconds"])}


def run_columns(log: pd.DataFrame, thresholds: list[float], step_gflops: float | None) -> dict:
    """One run's summary columns: steps, seconds and GFLOP to each threshold."""
    columns = {}
    for threshold in thresholds:
        hit = first_reach(log, threshold)
        columns[column("steps", threshold)] = hit["steps"]
        columns[column("seconds", threshold)] = hit["seconds"]
        columns[column("gflops", threshold)] = hit["steps"] * step_gflops if step_gflops else math.nan
    return columns


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
