"""A study in time-boxed parts that land on main: `ganbench study --hours H` (`bash run.sh study --hours H`).

A study is hours of training on 2 cores, longer than a sitting, on machines that change without
warning. Its whole state is git: `dvc.lock` and the small records under results/. So a part:
- asks DVC which cells (a dataset x variant x seed: its train, generate and score stages) have not
  landed or went stale (their code or params changed); a landed cell whose heavy outputs
  (generators, samples, GIF) are absent counts as done (`dvc repro --allow-missing`);
- runs them one stage at a time through `dvc repro`, so each finished stage is in dvc.lock at once
  and a SIGKILL loses at most the stage in flight (a killed training resumes from its checkpoint on
  the same machine);
- starts a cell only if it will end before the deadline, estimated from the cell's training GFLOP
  and the rate measured so far on this machine class (this part's cells, else landed ones; with
  none, the cheapest cell goes first and measures it);
- builds the aggregates (summaries, picks, figures, report, leaderboard) once every cell has landed;
- prints what is done, what is left, and the commit that lands the part (README.md's generated "where
  the study stands" block included: `ganbench study` rewrites it after the part).
Order: the longest cells first (the most training per part), then the params' order of datasets,
variants and seeds; a cell that does not fit leaves the room to shorter ones.
Every stage the part ran is a row of results/study_jobs.csv (machine class, seconds): where a study
spread over parts and machines spent its hours.
"""
from __future__ import annotations

import csv
import json
import logging
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ganbench import paths
from ganbench.config import load_params, variant
from ganbench.io import read_json
from ganbench.pipeline.status import clone_state

log = logging.getLogger(__name__)
CELL_STAGES = ("train", "generate", "score")
AGGREGATES = ("summarize", "pick", "plot", "report")
JOBS_CSV = Path("results/study_jobs.csv")
JOB_FIELDS = ("part_started", "machine_class", "cpu_model", "onednn_isa", "stage", "seconds", "status")
MARGIN = 1.15           # estimates are stretched by this much: speed drifts 10-30 % within minutes
OVERHEAD_S = 120.0      # sampling + scoring + DVC per cell until one is measured this part
AGGREGATES_S = 600.0    # the aggregates' time kept free when the last cell is started


@dataclass(frozen=True)
class Cell:
    dataset: str
    variant: str
    seed: int
    gflop: float  # training compute: its steps x step GFLOP

    @property
    def stages(self) -> list[str]:
        return [f"{stage}@{self.dataset}-{self.variant}-{self.seed}" for stage in CELL_STAGES]

    def __str__(self) -> str:
        return f"{self.dataset}/{self.variant}/{self.seed}"


def study_cells(params: dict) -> list[Cell]:
    """Every cell of the study, in the params' order, with its training GFLOP."""
    gflop = {name: _training_gflop(json.dumps([params["budget"], params["eval"], variant(params, name)], sort_keys=True))
             for name in params["variants"]}
    return [Cell(d, v, s, gflop[v]) for d in params["datasets"] for v in params["variants"] for s in params["seeds"]]


@lru_cache(maxsize=None)
def _training_gflop(key: str) -> float:
    """Steps x GFLOP per step of a variant, for the JSON of [budget, eval, the variant's settings] (what its
    plan reads). Memoised: counting a variant's FLOPs builds its networks (about a second of CPU), and one
    `ganbench dag` asks for the cells of every profile several times."""
    from ganbench.training.budget import plan

    budget, evaluation, settings = json.loads(key)
    run_plan = plan({"budget": budget, "eval": evaluation}, settings)
    return run_plan["steps"] * run_plan["step_gflop"]


def run_order(cells: list[Cell]) -> list[Cell]:
    """The longest first; the params' order among equals (sorted is stable)."""
    return sorted(cells, key=lambda c: -c.gflop)


StateOf = Callable[[str], str]  # a stage's name -> "current", "absent", "stale" or "new" (status.CloneState.state)
LANDED = ("current", "absent")


def landed(cell: Cell, state_of: StateOf) -> bool:
    """A cell has landed when each of its stages is in dvc.lock and nothing it depends on changed."""
    return all(state_of(name) in LANDED for name in cell.stages)


def prerequisites(cell: Cell, params: dict) -> list[str]:
    """The dataset's and the variant's own stages a cell's scores sit beside: data, classifier,
    real-data rows, the variant's profile."""
    d = cell.dataset
    return [f"fetch_data@{d}", f"train_classifier@{d}", *(f"real_samples@{d}-{s}" for s in params["seeds"]),
            *(f"score_real@{d}-{s}" for s in params["seeds"]), f"profile@{cell.variant}"]


@dataclass
class Rate:
    """Training GFLOP per second and the rest of a cell's time, on this machine class."""

    gflop: float = 0.0
    seconds: float = 0.0
    overheads: list[float] = field(default_factory=list)

    def add(self, gflop: float, train_seconds: float, overhead: float | None = None) -> None:
        self.gflop, self.seconds = self.gflop + gflop, self.seconds + train_seconds
        if overhead is not None:
            self.overheads.append(overhead)

    @property
    def known(self) -> bool:
        return self.seconds > 0

    @property
    def gflop_per_s(self) -> float:
        return self.gflop / self.seconds

    def estimate(self, cell: Cell) -> float:
        """Seconds the cell will take, stretched by MARGIN."""
        overhead = sum(self.overheads) / len(self.overheads) if self.overheads else OVERHEAD_S
        return MARGIN * (cell.gflop / self.gflop_per_s + overhead)


def landed_rate(cells: list[Cell], machine_class: str) -> Rate:
    """The rate of the landed cells trained on this machine class (train.json `machine.class`)."""
    rate = Rate()
    for cell in cells:
        record = paths.run_dir(cell.dataset, cell.variant, cell.seed) / "train.json"
        if record.is_file():
            trained = read_json(record)
            if (trained.get("machine") or {}).get("class") == machine_class and trained.get("train_seconds"):
                rate.add(trained["train_gflop"], trained["train_seconds"])
    return rate


def next_cell(pending: list[Cell], rate: Rate, remaining: float) -> Cell | None:
    """The first pending cell (run order) that ends in the time left (the aggregates' time kept free
    when it is the last); with no rate known yet, the cheapest, which measures it."""
    if not pending:
        return None
    if not rate.known:
        return min(pending, key=lambda c: c.gflop)
    for cell in pending:
        needed = rate.estimate(cell) + (AGGREGATES_S if len(pending) == 1 else 0.0)
        if needed <= remaining:
            return cell
    return None


def dvc_repro(*args: str) -> None:
    """`dvc repro <args>` in this process's directory, its output passed through; raises on failure."""
    done = subprocess.run([sys.executable, "-m", "dvc", "repro", *args])
    if done.returncode:
        raise subprocess.CalledProcessError(done.returncode, ["dvc", "repro", *args])


def ensure_data(dataset: str) -> None:
    """A landed dataset's data.npz is absent on a fresh clone: fetch it again (verified against its
    known hashes, so the record does not change)."""
    if not paths.data_npz(dataset).is_file():
        log.info("%s: data absent, fetching it again", dataset)
        dvc_repro("--single-item", "--force", f"fetch_data@{dataset}")


class JobLog:
    """results/study_jobs.csv: one row per stage a part ran, appended as it ends."""

    def __init__(self, machine: dict, path: Path = JOBS_CSV):
        self.path, self.started = path, datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.machine = machine

    def write(self, stage: str, seconds: float, status: str) -> None:
        new = not self.path.is_file()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", newline="") as f:
            writer = csv.writer(f)
            if new:
                writer.writerow(JOB_FIELDS)
            writer.writerow([self.started, self.machine["class"], self.machine["cpu_model"], self.machine["onednn_isa"],
                             stage, f"{seconds:.1f}", status])


def stages_to_run(cell: Cell, state_of: StateOf) -> tuple[list[str], bool]:
    """(the cell's stages to run, whether to force them). From its first stage that has not landed on;
    all of them, forced, when that is not train and train's heavy outputs are absent here: a cell's
    records come from one generator, trained on the machine that scores it."""
    todo = [name for name in cell.stages if state_of(name) not in LANDED]
    if not todo:
        return [], False
    if todo[0] != cell.stages[0] and state_of(cell.stages[0]) == "absent":
        return cell.stages, True
    return cell.stages[cell.stages.index(todo[0]):], False


def run_stages(names: list[str], jobs: JobLog, force: bool = False) -> None:
    """The stages, in this order, through one `dvc repro --single-item` (DVC skips a stage whose record
    is current; each one it runs is in dvc.lock as soon as it ends), timed as one job."""
    if not names:
        return
    started = time.monotonic()
    try:
        dvc_repro("--single-item", "--force" if force else "--allow-missing", *names)
    except subprocess.CalledProcessError:
        jobs.write(" ".join(names), time.monotonic() - started, "failed")
        raise
    jobs.write(" ".join(names), time.monotonic() - started, "ok")


def hms(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


@dataclass
class Part:
    """What one part did and what the study still holds to do."""

    cells: list[Cell]
    machine: dict
    rate: Rate
    pending: list[Cell]
    done: list[Cell] = field(default_factory=list)
    aggregated: bool = False

    def report(self) -> str:
        rate, machine = self.rate, self.machine
        gflop = lambda cells: sum(c.gflop for c in cells)  # noqa: E731
        landed = len(self.cells) - len(self.pending)
        lines = [f"This part, on {machine['cpu_model']} (oneDNN {machine['onednn_isa']}, class {machine['class']}): "
                 f"{len(self.done)} cells, {gflop(self.done):,.0f} GFLOP.",
                 f"Landed: {landed} of {len(self.cells)} cells, {gflop(self.cells) - gflop(self.pending):,.0f} of "
                 f"{gflop(self.cells):,.0f} GFLOP."]
        if self.pending:
            at = f", about {hms(sum(rate.estimate(c) for c in self.pending))} at today's rate " \
                 f"({rate.gflop_per_s:.1f} GFLOP/s)" if rate.known else ""
            lines.append(f"Left: {len(self.pending)} cells, {gflop(self.pending):,.0f} GFLOP{at}; "
                         "`bash run.sh study --hours H` goes on, on any machine.")
        else:
            lines.append("The study is complete" + (": summaries, picks, figures, report and leaderboard built."
                                                   if self.aggregated else "."))
        if self.done or self.aggregated:
            lines.append("Land this part: git add -A dvc.lock data results models README.md && git commit -m "
                         f"\"study part: {len(self.done)} cells ({landed} of {len(self.cells)} landed)\"")
        return "\n".join(lines)


def run_part(hours: float, params_path: str = "params.yaml") -> Part:
    """Run the study's pending cells for at most `hours` (see the module docstring); the aggregates
    once every cell has landed."""
    from ganbench.machine import describe, fingerprint

    deadline = time.monotonic() + hours * 3600
    params, machine = load_params(params_path), fingerprint()
    cells = study_cells(params)
    state_of = clone_state().state
    rate, jobs = landed_rate(cells, machine["class"]), JobLog(machine)
    part = Part(cells, machine, rate, pending=[c for c in run_order(cells) if not landed(c, state_of)])
    log.info("study: %d of %d cells landed, %d to run; this machine: %s", len(cells) - len(part.pending), len(cells),
             len(part.pending), describe(machine))
    while (cell := next_cell(part.pending, rate, deadline - time.monotonic())) is not None:
        estimate = f", about {hms(rate.estimate(cell))}" if rate.known else " (measures this machine's rate)"
        log.info("cell %d of this part: %s, %s GFLOP%s", len(part.done) + 1, cell, f"{cell.gflop:,.0f}", estimate)
        ensure_data(cell.dataset)
        run_stages([s for s in prerequisites(cell, params) if state_of(s) not in LANDED], jobs)
        started = time.monotonic()  # the cell's own time: its dataset's first-time stages are not its overhead
        names, force = stages_to_run(cell, state_of)
        run_stages(names, jobs, force)
        trained = read_json(paths.run_dir(cell.dataset, cell.variant, cell.seed) / "train.json")
        rate.add(trained["train_gflop"], trained["train_seconds"], time.monotonic() - started - trained["train_seconds"])
        part.done.append(cell)
        part.pending.remove(cell)
        state_of = _with_landed(state_of, [*cell.stages, *prerequisites(cell, params)])
    if not part.pending and not all(state_of(s) in LANDED for s in _aggregate_stages(params)):
        if deadline - time.monotonic() >= AGGREGATES_S or not part.done:
            started = time.monotonic()
            dvc_repro("--allow-missing")
            jobs.write("aggregates", time.monotonic() - started, "ok")
            part.aggregated = True
    return part


def progress(params: dict, state_of: StateOf, machine_class: str | None) -> str:
    """Cells landed and left, in GFLOP, and the hours left at the rate this machine class has shown
    (none without a machine class: the README's generated block says only what the records say)."""
    cells = study_cells(params)
    pending = [c for c in cells if not landed(c, state_of)]
    rate = landed_rate(cells, machine_class) if machine_class else Rate()
    total, left = sum(c.gflop for c in cells), sum(c.gflop for c in pending)
    at = f", about {hms(sum(rate.estimate(c) for c in pending))} at the rate landed cells showed on this machine " \
         f"class ({rate.gflop_per_s:.1f} GFLOP/s)" if rate.known and pending else ""
    done = "complete" if not pending else "in progress"
    return (f"Study {done}: {len(cells) - len(pending)} of {len(cells)} cells landed ({(total - left) / 1000:,.0f} of "
            f"{total / 1000:,.0f} TFLOP); left: {len(pending)} cells, {left / 1000:,.0f} TFLOP{at}.")


def _with_landed(state_of: StateOf, names: list[str]) -> StateOf:
    """`state_of` with `names` landed: what a part just ran is current, and nothing else changed with it."""
    done = set(names)
    return lambda name: "current" if name in done else state_of(name)


def _aggregate_stages(params: dict) -> list[str]:
    return [*(f"{s}@{d}" for s in ("summarize", "pick", "plot") for d in params["datasets"]), "report"]
