"""One table of the whole study: every run's metrics, training status and profile, plus the
real-data row, and their mean and std over seeds per dataset x variant.

Built per dataset (`results/summary/<dataset>.csv|json`, the summarize stage) and merged by the
report stage into `results/summary.csv`, one row per dataset x variant x seed (the real row as
variant "real"), and `results/summary.json`, dataset -> variant -> figure -> {mean, std, n}, from
which the leaderboard (`reporting.leaderboard`, the DVC metrics) takes its headline figures.
"""
from __future__ import annotations

import math

import pandas as pd

from ganbench import paths
from ganbench.data.splits import NUM_CLASSES
from ganbench.evaluation import registry
from ganbench.evaluation.protocol import check_comparable
from ganbench.io import read_json
from ganbench.paths import REAL_ROW
from ganbench.reporting import thresholds

GROUPINGS = ("by_label", "by_predicted")  # metrics.json per_class blocks (ganbench.evaluation.scoring.score)
PER_CLASS_KEYS = {"intra_fid": "fid", "class_recall": "recall", "class_coverage": "coverage"}  # summary -> json
WHOLE_SET, CLASS_MEANS, HOME = registry.keys("score"), registry.keys("per_class"), registry.keys("home")
QUALITY = (*WHOLE_SET, *CLASS_MEANS, *HOME)
TRAINING = (*registry.keys("train"), "diverged_reason")
PROFILE = registry.keys("profile")
DERIVED = registry.keys("derived")
SUMMARISED = tuple(m.key for m in registry.METRICS)  # mean and std over seeds in summary.json
CLASS_SHARES = tuple(f"class_{c}_share" for c in range(NUM_CLASSES))
PER_CLASS = {(figure, g): tuple(f"{figure}_{g}_{c}" for c in range(NUM_CLASSES))  # e.g. intra_fid_by_label_3
             for g in GROUPINGS for figure in ("intra_fid", "class_recall")}


def _per_class_columns(scored: dict) -> dict:
    """Flat columns of a metrics file's per_class blocks: the means over classes for every grouping
    and figure, and each class's intra-class FID and recall (NaN where a grouping is absent)."""
    out = {}
    for g in GROUPINGS:
        block = (scored.get("per_class") or {}).get(g) or {}
        for figure, key in PER_CLASS_KEYS.items():
            out[f"{figure}_mean_{g}"] = block.get(f"{key}_mean")
            if (figure, g) in PER_CLASS:
                out.update(zip(PER_CLASS[figure, g], block.get(key) or [None] * NUM_CLASSES))
    return out


def _run_row(dataset: str, variant: str, seed: int, levels: list[float]) -> tuple[dict, dict]:
    """(flat summary row, {metrics file: its content}) of one run; the real row has no training or profile.
    A trained run also gets its scores at the home budget, its variant's profile, and its steps,
    seconds and GFLOP to each FID level (ganbench.reporting.thresholds)."""
    run = paths.run_dir(dataset, variant, seed)
    scored = read_json(run / "metrics.json")
    files = {str(run / "metrics.json"): scored}
    row = {"dataset": dataset, "variant": variant, "seed": seed, "diverged": scored["diverged"],
           **{k: scored.get(k) for k in WHOLE_SET}, **_per_class_columns(scored)}
    counts = scored.get("class_counts")
    if counts:
        row.update({name: n / sum(counts) for name, n in zip(CLASS_SHARES, counts)})
    if variant != REAL_ROW:
        trained, profiled = read_json(run / "train.json"), read_json(paths.profile_json(variant))
        home = files[str(run / "metrics_home.json")] = read_json(run / "metrics_home.json")
        row.update({k: home.get(k.removeprefix("home_")) for k in HOME})
        row.update({k: trained.get(k) for k in TRAINING})
        row["diverged"] = bool(row["diverged"] or trained["diverged"])
        row.update({k: profiled.get(k) for k in PROFILE})
        seconds, steps = trained["train_seconds"], trained["steps_done"]
        row["train_step_seconds"] = seconds / steps if steps else None
        row["train_achieved_gflops_per_s"] = trained["train_gflop"] / seconds if seconds else None
        row.update(thresholds.run_columns(pd.read_csv(run / "train_log.csv"), levels))
    return row, files


def threshold_columns(levels: list[float]) -> list[str]:
    return [thresholds.column(kind, t) for t in levels for kind in ("steps", "seconds", "gflops")]


def collect(params: dict, dataset: str) -> pd.DataFrame:
    """All runs of one dataset as rows; raises ProtocolMismatch if they were scored differently."""
    rows, scored = [], {}
    levels = params["report"]["thresholds"][dataset]
    for variant in [REAL_ROW, *params["variants"]]:
        for seed in params["seeds"]:
            row, files = _run_row(dataset, variant, seed, levels)
            rows.append(row)
            scored.update(files)
    check_comparable(scored)
    per_class = [c for columns in PER_CLASS.values() for c in columns]
    return pd.DataFrame(rows).reindex(columns=["dataset", "variant", "seed", "diverged", *QUALITY, *TRAINING,
                                               *PROFILE, *DERIVED, *threshold_columns(levels), *CLASS_SHARES,
                                               *per_class])


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def aggregate(runs: pd.DataFrame) -> dict:
    """dataset -> variant -> figure -> {mean, std (ddof 1; 0 for one seed), n} over the runs that
    did not diverge, plus `runs` and `diverged_runs` counts per dataset x variant."""
    out: dict = {}
    reach = [c for c in runs.columns if c.startswith(("seconds_to_fid_", "gflops_to_fid_"))]  # n: seeds reaching it
    for (dataset, variant), group in runs.groupby(["dataset", "variant"], sort=False):
        healthy = group[~group["diverged"].astype(bool)]
        entry = {"runs": int(len(group)), "diverged_runs": int(len(group) - len(healthy))}
        for figure in (*SUMMARISED, *reach):
            values = pd.to_numeric(healthy[figure], errors="coerce").dropna()
            if len(values):
                entry[figure] = {"mean": float(values.mean()), "std": _number(values.std(ddof=1)) or 0.0,
                                 "n": int(len(values))}
        out.setdefault(dataset, {})[variant] = entry
    return out
