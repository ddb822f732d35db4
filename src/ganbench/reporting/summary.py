"""One table of the whole study: every run's metrics, training status and profile, plus the
real-data row, and their mean and std over seeds per dataset x variant.

Built per dataset (`results/summary/<dataset>.csv|json`, the summarize stage) and merged by the
report stage into `results/summary.csv`, one row per dataset x variant x seed (the real row as
variant "real"), and `results/summary.json`, dataset -> variant -> figure -> {mean, std, n}, from
which the leaderboard (`reporting.leaderboard`, the DVC metrics) takes its headline figures.

What the machine measured (the registry's `timing` figures and the seconds to each FID level) differs
between two runs of the same code, so every table is written in two parts (`split`): the summary, the
same bytes whenever the same code and params run on the same machine class, and results/timing/, keyed
by dataset, variant and seed. Readers get both back together (`read_runs`, `read_figures`).
"""
from __future__ import annotations

import math

import pandas as pd

from ganbench import paths
from ganbench.data.splits import NUM_CLASSES
from ganbench.evaluation import registry
from ganbench.evaluation.protocol import check_comparable
from ganbench.io import atomic_path, read_json, write_json
from ganbench.paths import REAL_ROW
from ganbench.reporting import outputs, thresholds

KEY = ("dataset", "variant", "seed")  # a run's row
FLOAT_FORMAT = "%.6g"  # the tables' CSV numbers
GROUPINGS = ("by_label", "by_predicted")  # metrics.json per_class blocks (ganbench.evaluation.scoring.score)
PER_CLASS_KEYS = {"intra_fid": "fid", "class_recall": "recall", "class_coverage": "coverage"}  # summary -> json
WHOLE_SET, CLASS_MEANS, HOME = registry.keys("score"), registry.keys("per_class"), registry.keys("home")
QUALITY = (*WHOLE_SET, *CLASS_MEANS, *HOME)
TRAINING = (*registry.keys("train"), "diverged_reason")
PROFILE = registry.keys("profile")
DERIVED = registry.keys("derived")
TIMING = frozenset(registry.timing())
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
    return pd.DataFrame(rows).reindex(columns=[*KEY, "diverged", *QUALITY, *TRAINING,
                                               *PROFILE, *DERIVED, *threshold_columns(levels), *CLASS_SHARES,
                                               *per_class])


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def aggregate(runs: pd.DataFrame) -> dict:
    """dataset -> variant -> figure -> {mean, std (ddof 1; 0 for one seed), n} over the runs that
    did not diverge, plus `runs` and `diverged_runs` counts per dataset x variant."""
    out: dict = {}
    reaching = (thresholds.prefix("seconds"), thresholds.prefix("gflops"))
    reach = [c for c in runs.columns if c.startswith(reaching)]  # n: seeds reaching it
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


def is_timing(column: str) -> bool:
    """A figure the machine measured: a registry `timing` metric or the seconds to an FID level."""
    return column in TIMING or column.startswith(thresholds.prefix("seconds"))


def split(runs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the study table without timing columns, the run key with the timing columns)."""
    timed = [c for c in runs.columns if is_timing(c)]
    return runs.drop(columns=timed), runs[[*KEY, *timed]]


def split_figures(summary: dict) -> tuple[dict, dict]:
    """`aggregate`'s dataset -> variant -> figure dict in the same two parts as `split` (the run counts
    stay in the first)."""
    parts: tuple[dict, dict] = ({}, {})
    for dataset, variants in summary.items():
        for variant, figures in variants.items():
            for part, timed in zip(parts, (False, True)):
                part.setdefault(dataset, {})[variant] = {k: v for k, v in figures.items() if is_timing(k) == timed}
    return parts


def read_runs(dataset: str) -> pd.DataFrame:
    """A dataset's study table with its timing columns joined back on (results/summary/ and results/timing/)."""
    runs = pd.read_csv(outputs.dataset_summary(dataset, "csv"))
    timed = pd.read_csv(outputs.dataset_summary(dataset, "csv", timing=True))
    return runs.merge(timed, on=list(KEY), how="left", validate="one_to_one")


def read_figures(dataset: str) -> dict:
    """A dataset's `aggregate` (variant -> figure -> stats) with its timing figures merged back in."""
    figures = read_json(outputs.dataset_summary(dataset, "json"))[dataset]
    timed = read_json(outputs.dataset_summary(dataset, "json", timing=True))[dataset]
    return {variant: {**entry, **timed.get(variant, {})} for variant, entry in figures.items()}


def write(dataset: str, runs: pd.DataFrame) -> None:
    """The summarize stage's four files: the table and its seed statistics, each without and with timing."""
    for table, timing in zip(split(runs), (False, True)):
        with atomic_path(outputs.dataset_summary(dataset, "csv", timing)) as tmp:
            table.to_csv(tmp, index=False, float_format=FLOAT_FORMAT)
    for figures, timing in zip(split_figures(aggregate(runs)), (False, True)):
        write_json(outputs.dataset_summary(dataset, "json", timing), figures)
