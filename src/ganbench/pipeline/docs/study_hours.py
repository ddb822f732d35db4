"""Where a study's hours went, over its parts and machines: results/study_hours.md, and a line of the README.

A study lands in parts, each on whatever machine a session had, so no single run's accounting
(results/hours.md, Snakemake's) covers it. Each part appends every job it ran to results/study_jobs.csv
(`ganbench.pipeline.study.JobLog`: the stages, the machine class, wall seconds, ok or failed), and each
landed cell's train.json records its training seconds (evaluation excluded). From those git-tracked
files alone this sorts the wall time into:
- training of the cells at the study's budget, and of the cells with a budget of their own;
- the rest of the cells' jobs: evaluation during training, sampling, scoring and DVC;
- inputs: data, classifiers, real-data rows, profiles;
- aggregates: summaries, picks, figures, report, leaderboard;
- superseded cell jobs (a cell run again after its code or params changed: the last run is the record)
  and failed jobs.
Seconds are wall seconds on the machine of each part (timing, not results): parts on machines of other
speeds add up as they ran. The file is generated whole: each part writes it (`ganbench study`), and
`ganbench dag` too (`--check` fails when it differs from what the records give).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ganbench import paths
from ganbench.config import load_params
from ganbench.io import read_json
from ganbench.pipeline.study import CELL_STAGES, JOBS_CSV
from ganbench.reporting.picks import beyond_budget

STUDY_HOURS_MD = Path("results/study_hours.md")
SHORT, LONG = "training at the study's budget", "training with a budget of its own"
REST = "evaluation during training, sampling, scoring and DVC"
INPUTS, AGGREGATES = "inputs: data, classifiers, real rows, profiles", "aggregates: summaries, picks, figures, report"
SUPERSEDED, FAILED = "superseded cell jobs", "failed jobs"
KINDS = (SHORT, LONG, REST, INPUTS, AGGREGATES, SUPERSEDED, FAILED)


def _cell(stages: str) -> tuple[str, str, int] | None:
    """(dataset, variant, seed) of a job that ran a cell's stages, else None."""
    for name in stages.split():
        stage, _, cell = name.partition("@")
        if stage in CELL_STAGES:
            dataset, rest = cell.split("-", 1)
            variant, seed = rest.rsplit("-", 1)
            return dataset, variant, int(seed)
    return None


def accounting(root: Path = Path(".")) -> pd.DataFrame:
    """One row per job of results/study_jobs.csv with its seconds split by kind (`KINDS`, a column each)."""
    jobs = pd.read_csv(root / JOBS_CSV)
    params = load_params(root / "params.yaml")
    own = set(beyond_budget(params))
    cells = jobs["stage"].map(_cell)
    last_ok = {cell: i for i, (cell, status) in enumerate(zip(cells, jobs["status"])) if cell and status == "ok"}
    split = pd.DataFrame(0.0, index=jobs.index, columns=list(KINDS))
    for i, (stages, seconds, status, cell) in enumerate(zip(jobs["stage"], jobs["seconds"], jobs["status"], cells)):
        if status != "ok":
            split.loc[i, FAILED] = seconds
        elif stages == "aggregates":
            split.loc[i, AGGREGATES] = seconds
        elif cell is None:
            split.loc[i, INPUTS] = seconds
        elif last_ok[cell] != i:
            split.loc[i, SUPERSEDED] = seconds
        else:
            trained = 0.0
            if f"train@{cell[0]}-{cell[1]}-{cell[2]}" in stages.split():
                record = root / paths.run_dir(*cell) / "train.json"
                trained = min(seconds, read_json(record).get("train_seconds") or 0.0) if record.is_file() else 0.0
            split.loc[i, LONG if cell[1] in own else SHORT] = trained
            split.loc[i, REST] = seconds - trained
    return pd.concat([jobs, split], axis=1)


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f}"


def summary(root: Path = Path(".")) -> str | None:
    """The README's line: hours so far, by kind, over how many parts and machine classes; None before any part."""
    if not (root / JOBS_CSV).is_file():
        return None
    rows = accounting(root)
    totals = rows[list(KINDS)].sum()
    training = totals[SHORT] + totals[LONG]
    parts, classes = rows["part_started"].nunique(), rows["machine_class"].nunique()
    return (f"Hours so far: {_hours(totals.sum())} h of wall time over {parts} parts on {classes} machine "
            f"class{'es' if classes > 1 else ''}: training {_hours(training)} h (at the study's budget "
            f"{_hours(totals[SHORT])}, with budgets of their own {_hours(totals[LONG])}), evaluation during "
            f"training, sampling, scoring and DVC {_hours(totals[REST])}, inputs {_hours(totals[INPUTS])}, "
            f"aggregates {_hours(totals[AGGREGATES])} ([{STUDY_HOURS_MD}]({STUDY_HOURS_MD})).")


HEADER = """# Where the study's hours went

Every part of the study (`ganbench study --hours H`) appends the jobs it ran to
[results/study_jobs.csv](study_jobs.csv) (stages, machine class, wall seconds); each landed cell's
`train.json` records its training seconds. Generated from those files by each part and by `ganbench dag`
(`ganbench.pipeline.docs.study_hours`): wall seconds on the machine of each part, so parts on machines of
other speeds add up as they ran. (A run in one go by Snakemake has its own accounting, `results/hours.md`.)

"""


def render(root: Path = Path(".")) -> str:
    """results/study_hours.md: the header, then the hours by kind and by part (its machine, jobs, cells
    trained, hours)."""
    if not (root / JOBS_CSV).is_file():
        return HEADER + "No part of the study has run yet.\n"
    rows = accounting(root)
    totals = rows[list(KINDS)].sum()
    lines = [HEADER.rstrip("\n"), "", "| where | hours | share |", "|---|---:|---:|"]
    lines += [f"| {kind} | {_hours(totals[kind])} | {totals[kind] / totals.sum():.0%} |" for kind in KINDS]
    lines += [f"| **all** | **{_hours(totals.sum())}** | 100% |", "",
              "| part started (UTC) | machine | jobs | cells trained | training h | all h |", "|---|---|---:|---:|---:|---:|"]
    for started, part in rows.groupby("part_started", sort=True):
        machine = f"{part['cpu_model'].iloc[0]}, oneDNN {part['onednn_isa'].iloc[0]} (class {part['machine_class'].iloc[0]})"
        trained = (part["stage"].str.contains("train@") & (part["status"] == "ok")).sum()
        lines.append(f"| {started} | {machine} | {len(part)} | {trained} | "
                     f"{_hours(part[[SHORT, LONG]].sum().sum())} | {_hours(part[list(KINDS)].sum().sum())} |")
    return "\n".join(lines) + "\n"
