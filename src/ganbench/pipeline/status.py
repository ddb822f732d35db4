"""What a clone holds, in a few lines: `ganbench status`.

On a fresh clone `dvc status` lists every output kept in the DVC cache as deleted (hundreds of lines),
and a stage whose code or params changed since its results were made looks the same as one whose
large outputs are only not downloaded. This sorts `dvc status --json` into those two kinds: stages
that are *stale* (a dependency changed: rerun them) and stages whose outputs are only *not here*
(`dvc pull` fetches them from a remote; the study rebuilds them), and says what works without either.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ganbench.pipeline.frontends import run_module

GONE = ("deleted", "not in cache")  # how `dvc status` names an output that is not in the workspace


@dataclass(frozen=True)
class CloneState:
    stages: int                   # stage cells of dvc.yaml over this study's grid
    stale: dict[str, list[str]]   # stage -> the dependencies that changed
    not_here: dict[str, list[str]]  # stage -> its outputs missing from the workspace (nothing else changed)


def classify(status: dict, cells: int) -> CloneState:
    """Sort `dvc status --json` (stage -> list of change blocks) into stale stages and absent outputs.

    A changed dependency counts as absent, not stale, when it was deleted (an upstream output not
    downloaded) or is a directory holding such outputs (a gathered input); params and every other
    change make the stage stale."""
    blocks = {stage: [b for b in changes if isinstance(b, dict)] for stage, changes in status.items()}
    missing = {path for changes in blocks.values() for b in changes
               for path, what in b.get("changed outs", {}).items() if what in GONE}

    def absent(path: str, what) -> bool:
        return what in GONE or (what == "modified" and any(m.startswith(path.rstrip("/") + "/") for m in missing))

    stale, not_here = {}, {}
    for stage, changes in status.items():
        changed = [str(c) for c in changes if not isinstance(c, dict)]  # "always changed", ...
        for b in blocks[stage]:
            changed += [path for path, what in b.get("changed deps", {}).items() if not absent(path, what)]
            changed += [path for path, what in b.get("changed outs", {}).items() if what not in GONE]
        outs = [path for b in blocks[stage] for path, what in b.get("changed outs", {}).items() if what in GONE]
        if changed:
            stale[stage] = changed
        elif outs:
            not_here[stage] = outs
    return CloneState(cells, stale, not_here)


def clone_state(workdir: Path = Path(".")) -> CloneState:
    from dvc.repo import Repo

    with Repo(str(workdir)) as repo:
        cells = len(repo.index.stages)
    return classify(json.loads(run_module(workdir, "dvc", "status", "--json") or "{}"), cells)


def render(state: CloneState) -> str:
    outputs = sum(len(paths) for paths in state.not_here.values())
    lines = [f"The study has {state.stages} stage cells (dvc.yaml over params.yaml's grid)."]
    if not state.stale and not state.not_here:
        lines.append("Everything is here and current: `ganbench leaderboard`, results/report.md and every figure "
                     "show this study; `snakemake -n` and `dvc status` have nothing to do.")
    if state.not_here:
        lines.append(f"Not here (kept in the DVC cache, nothing changed): {outputs} outputs of {len(state.not_here)} "
                     "stage cells (data, models, generators, samples, frames). `dvc pull` fetches them from the "
                     "remote, `bash run.sh study` rebuilds them. Until then `dvc status` lists each of them "
                     "(\"not in cache\" or \"deleted\").")
    if state.stale:
        names = sorted(state.stale)
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        lines.append(f"Stale (code, params or inputs changed since the results were made): {len(names)} stage cells: "
                     f"{shown}. `dvc repro` (or `snakemake -c all`) reruns them and what follows.")
    lines.append("Works now, from git alone: `ganbench leaderboard`, `dvc metrics diff <rev>`, results/report.md, "
                 "results/plots/, results/summary.csv, the per-run metrics.json and train_log.csv (once a study's "
                 "results are committed).")
    return "\n".join(lines)
