"""What a clone holds, in a few lines: `ganbench status` (`--check`: exit 1 if a landed record is stale).

On a fresh clone `dvc status` lists every output kept in the DVC cache as deleted (hundreds of lines),
and a stage whose code or params changed since its record was made looks the same as one whose heavy
outputs are only not here, or one that never ran. This sorts `dvc status --json` and dvc.lock into:
- *stale*: a stage in dvc.lock whose code, params, command or git-tracked inputs changed: its record
  is not what the committed code computes (main must never hold one; CI checks);
- *not here*: a landed stage whose heavy outputs (DVC cache) are absent, nothing else changed:
  `ganbench rebuild` makes them again on demand;
- *not run*: a stage with no record in dvc.lock yet (a study in progress).
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from ganbench.config import load_params
from ganbench.pipeline import lock
from ganbench.pipeline.frontends import run_module
from ganbench.pipeline.stages import DATASET, SEED, STAGES, VARIANT

GONE = ("deleted", "not in cache")  # how `dvc status` names an output or input that is not in the workspace


@dataclass(frozen=True)
class CloneState:
    stages: int                     # stage cells of dvc.yaml over this study's grid
    stale: dict[str, list[str]]     # landed stage -> what changed
    not_here: dict[str, list[str]]  # landed stage -> its outputs absent from the workspace (nothing else changed)
    not_run: list[str]              # stages without a record in dvc.lock

    def state(self, name: str) -> str:
        """"stale", "absent", "new" or "current"."""
        return "stale" if name in self.stale else "absent" if name in self.not_here else \
            "new" if name in self.not_run else "current"


def classify(status: dict, locked: set[str], stages: list[str]) -> CloneState:
    """Sort `dvc status --json` (stage -> list of change blocks) of the stages `stages` into stale,
    absent and not run; `locked` names the stages dvc.lock records. An input or output that is deleted
    or not in the cache is absent; any other change (params, code, command, a modified file) is stale."""
    stale, not_here = {}, {}
    for name, changes in status.items():
        if name not in locked:
            continue
        changed, outs = [], []
        for block in changes:
            if not isinstance(block, dict):  # "always changed", "changed command"
                changed.append(str(block))
                continue
            for kind, entries in block.items():
                if kind not in ("changed deps", "changed outs"):
                    changed.append(kind)
                    continue
                changed += [path for path, what in entries.items() if what not in GONE]
                if kind == "changed outs":
                    outs += [path for path, what in entries.items() if what in GONE]
        if changed:
            stale[name] = changed
        elif outs:
            not_here[name] = outs
    return CloneState(len(stages), stale, not_here, [name for name in stages if name not in locked])


def stage_names(params: dict) -> list[str]:
    """Every stage cell of dvc.yaml over the params' grid, named as DVC names it: a matrix stage's values joined
    with '-' in matrix order (`train@mnist-cdcgan-0`), a stage without a matrix by its name. dvc.yaml is
    generated from the stage table, so the table expands it without loading DVC's index (seconds of CPU for a
    study of hundreds of cells; tests/test_status.py checks the names against DVC's)."""
    grid = {DATASET: params["datasets"], VARIANT: list(params["variants"]), SEED: params["seeds"]}
    return [stage.name + ("@" + "-".join(map(str, values)) if values else "")
            for stage in STAGES for values in itertools.product(*(grid[w] for w in stage.matrix))]


def clone_state(workdir: Path = Path(".")) -> CloneState:
    status = json.loads(run_module(workdir, "dvc", "status", "--json") or "{}")
    stages = stage_names(load_params(workdir / "params.yaml"))
    return classify(status, set(lock.entries(workdir)), stages)


def render(state: CloneState) -> str:
    outputs = sum(len(paths) for paths in state.not_here.values())
    landed = state.stages - len(state.not_run)
    lines = [f"The study has {state.stages} stage cells (dvc.yaml over params.yaml's grid); dvc.lock records {landed}."]
    if not state.stale and not state.not_here and not state.not_run:
        lines.append("Everything is here and current: `snakemake -n` and `dvc status` have nothing to do.")
    if state.stale:
        names = sorted(state.stale)
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        first = state.stale[names[0]]
        lines.append(f"Stale (code, params or inputs changed since their records were made): {len(names)} stage cells: "
                     f"{shown} (e.g. {names[0]}: {', '.join(first[:3])}). `bash run.sh study` reruns them.")
    if state.not_here:
        lines.append(f"Not here (heavy outputs kept in the DVC cache of the machine that made them, nothing changed): "
                     f"{outputs} outputs of {len(state.not_here)} stage cells. They are not needed to go on with the study "
                     "or to build its aggregates; `ganbench rebuild <dataset>/<variant>/<seed>` makes a cell's again.")
    if state.not_run:
        lines.append(f"Not run yet: {len(state.not_run)} stage cells.")
    return "\n".join(lines)
