"""`ganbench rebuild <dataset>/<variant>/<seed> ...`: a landed cell's heavy outputs made again on demand,
honest about whether they are the recorded ones.

A fresh clone holds a cell's records (dvc.lock, results/) but not its heavy outputs (generators,
samples, progress GIF), which live in the DVC cache of the machine that made them. A rebuild fetches
the cell's data again if it is absent, runs the cell's train and generate commands directly (not
through DVC, so dvc.lock is never rewritten), and then:
- compares each heavy output's md5 with dvc.lock, and each git-tracked record the commands rewrote
  (train.json and train_log.csv outside their timing fields, frames/, grid.png) with git, then puts
  the records back from git: a rebuild never changes the landed records;
- prints the machine class the record was made on against this one: TensorFlow gives other bytes on
  another CPU class (`ganbench.machine`), so only a rebuild on the record's class can match it;
- when every heavy output matches and neither stage is stale, `dvc commit`s them into the DVC cache
  (the lock stays as it was): the clone now holds the recorded outputs;
- when they differ, scores the rebuilt samples into a scratch file (logs/rebuild/..., never the
  record) and sets the FID difference against the spread of the recorded FID over the variant's
  landed seeds. The rebuilt files stay in artifacts/ to look at; `dvc status` calls them modified
  until they are deleted.
Exit status 1 when any output of any cell differs from its record.
"""
from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from ganbench import paths
from ganbench.errors import GanbenchError
from ganbench.io import read_json
from ganbench.machine import describe
from ganbench.pipeline import lock
from ganbench.pipeline.cells import fill, parse, run_command
from ganbench.pipeline.comparable import comparable, file_md5, front_end_file
from ganbench.pipeline.frontends import run_module
from ganbench.pipeline.gitrepo import changed, files_at, git
from ganbench.pipeline.stages import SAMPLES, stage
from ganbench.pipeline.status import classify
from ganbench.pipeline.study import CELL_STAGES, Cell, ensure_data

HEAVY_STAGES = ("train", "generate")  # the stages that make a cell's heavy outputs
SCRATCH = Path("logs/rebuild")
VERDICTS = {  # what a difference from the record means, by the machine class it was made on
    "class not recorded": "the record does not say which machine class made it: these bytes cannot tell a code "
                          "difference from another CPU",
    "another class": "the record was made on another machine class: TensorFlow gives other bytes there, so a "
                     "difference is expected",
    "same class": "the record was made on this machine class: a difference means the run does not reproduce here "
                  "(or its code, params or inputs changed since)",
}


@dataclass(frozen=True)
class Compared:
    path: str
    heavy: bool  # DVC-cached (compared with dvc.lock) or a git-tracked record (compared with git)
    same: bool


def rebuild(names: list[str]) -> int:
    """Rebuild each named cell (see the module docstring); 1 if any output differs from its record.
    Every cell is checked (landed, records committed) before any runs."""
    cells = [parse(name) for name in names]
    entries = lock.entries()
    recorded = {cell: _recorded(cell, entries) for cell in cells}
    results = [_rebuild(cell, recorded[cell], entries) for cell in cells]
    return 0 if all(results) else 1


def _outputs(cell: Cell) -> list[tuple[str, str, bool]]:
    """(stage, output path, heavy) of the cell's train and generate stages."""
    return [(name, fill(out.path, cell), out.cache) for name in HEAVY_STAGES for out in stage(name).outputs]


def _recorded(cell: Cell, entries: dict) -> dict[str, dict[str, bytes]]:
    """The cell's git-tracked records at HEAD (record path -> its files), after refusing a cell that
    has not landed or whose records differ from HEAD (restoring them from git would lose that)."""
    for name in cell.stages:
        if name not in entries:
            raise GanbenchError(f"{cell}: not landed (dvc.lock has no {name}); the study runs it first")
    records = [path for _, path, heavy in _outputs(cell) if not heavy]
    if edited := changed(*records):
        raise GanbenchError(f"{cell}: its records differ from HEAD ({edited[0]}): commit or restore them first, "
                            "a rebuild restores them from git")
    files = {path: files_at("HEAD", path) for path in records}
    if missing := [path for path, held in files.items() if not held]:
        raise GanbenchError(f"{cell}: {missing[0]} is not in git at HEAD: commit the cell's records first")
    return files


def _workspace_files(path: str) -> dict[str, bytes]:
    root = Path(path)
    if root.is_dir():
        return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    return {path: root.read_bytes()} if root.is_file() else {}


def _same_files(rebuilt: dict[str, bytes], recorded: dict[str, bytes]) -> bool:
    """The same files, with the same comparable bytes; a front end's marker (in frames/) left out."""
    rebuilt, recorded = ({name: data for name, data in files.items() if not front_end_file(name)}
                         for files in (rebuilt, recorded))
    return rebuilt.keys() == recorded.keys() and \
        all(comparable(name, rebuilt[name]) == comparable(name, data) for name, data in recorded.items())


def _rebuild(cell: Cell, recorded: dict[str, dict[str, bytes]], entries: dict) -> bool:
    """Rebuild one cell, compare, restore its records, report; whether every output matched.
    This machine's fingerprint is the one the rebuilt train.json records: taken, like the record's,
    in a stage process (one that has loaded TensorFlow, which sets variables the fingerprint holds)."""
    train_json = str(paths.run_dir(cell.dataset, cell.variant, cell.seed) / "train.json")
    made_on = json.loads(recorded[train_json][train_json]).get("machine")
    stage_name = dict(zip(CELL_STAGES, cell.stages))
    ensure_data(cell.dataset)
    try:
        for name in HEAVY_STAGES:
            run_command(stage(name).command, cell)
        here = read_json(train_json)["machine"]
        compared = []
        for name, path, heavy in _outputs(cell):
            if heavy:
                expected = lock.out_md5(entries[stage_name[name]], path)
                compared.append(Compared(path, True, Path(path).is_file() and file_md5(path) == expected))
            else:
                compared.append(Compared(path, False, _same_files(_workspace_files(path), recorded[path])))
    finally:  # the records as git holds them, whatever happened
        git("checkout", "--", *recorded)
        git("clean", "-fq", "--", *recorded)  # a file the rebuild added to frames/
    relation = "class not recorded" if not made_on else \
        "same class" if made_on.get("class") == here["class"] else "another class"
    lines = [f"{cell}: the record's machine: {describe(made_on)}; this machine: {describe(here)} ({relation})"]
    lines += [f"  {'match ' if c.same else 'DIFFER'}  {c.path}" + ("" if c.heavy else " (git; restored from it)")
              for c in compared]
    heavy_names = [stage_name[name] for name in HEAVY_STAGES]
    if all(c.same for c in compared if c.heavy):
        lines.append(_commit(heavy_names, entries))
    else:
        lines += [f"  {VERDICTS[relation]}", *_fid(cell, entries)]
    print("\n".join(lines), flush=True)
    return all(c.same for c in compared)


def _commit(names: list[str], entries: dict) -> str:
    """`dvc commit` the matching stages, unless one is stale (that would record other deps)."""
    status = json.loads(run_module(Path("."), "dvc", "status", "--json", *names) or "{}")
    stale = classify(status, set(entries), names).stale
    if stale:
        name = sorted(stale)[0]
        return (f"  every heavy output matches dvc.lock, but {name} is stale ({', '.join(stale[name][:3])}): "
                "not committed to the DVC cache")
    run_module(Path("."), "dvc", "commit", "--force", "--no-relink", *names)
    return "  every heavy output matches dvc.lock: committed to the DVC cache (dvc.lock unchanged)"


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _landed_fids(cell: Cell, entries: dict) -> list[float]:
    """The recorded FID of each landed seed of the cell's variant on its dataset."""
    fids = []
    for name in entries:
        kind, _, values = name.partition("@")
        dataset, variant, seed = (values.split("-") + ["", "", ""])[:3]
        if kind == "score" and (dataset, variant) == (cell.dataset, cell.variant) and seed.isdigit():
            metrics = paths.run_dir(dataset, variant, int(seed)) / "metrics.json"
            fid = read_json(metrics).get("fid") if metrics.is_file() else None
            if _finite(fid):
                fids.append(float(fid))
    return fids


def _fid(cell: Cell, entries: dict) -> list[str]:
    """Score the rebuilt samples into the scratch file; their FID against the record's and the seed spread."""
    samples = fill(SAMPLES, cell)
    out = SCRATCH / cell.dataset / cell.variant / f"seed{cell.seed}" / "metrics.json"
    run_command(f"python {stage('score').script} --dataset {cell.dataset} --samples {samples} --out {out} "
                "--allow-nonfinite", cell)
    rebuilt = read_json(out).get("fid")
    recorded = read_json(paths.run_dir(cell.dataset, cell.variant, cell.seed) / "metrics.json").get("fid")
    lines = [f"  the rebuilt files stay in {paths.artifact_dir(cell.dataset, cell.variant, cell.seed)}/ to look at; "
             "`dvc status` calls them modified until they are deleted"]
    if not (_finite(rebuilt) and _finite(recorded)):
        lines.append(f"  FID rebuilt {rebuilt}, recorded {recorded}: not comparable (a diverged set has none)")
    else:
        difference = rebuilt - recorded
        lines.append(f"  FID rebuilt {rebuilt:.3f}, recorded {recorded:.3f}, difference {difference:+.3f} ({out})")
        fids = _landed_fids(cell, entries)
        if len(fids) < 2:
            lines.append(f"  seed spread unknown: {len(fids)} landed seed(s) of {cell.variant} on {cell.dataset}")
        else:
            sd = statistics.stdev(fids)
            within = ", ".join(f"within {word}: {'yes' if abs(difference) <= k * sd else 'no'}"
                               for k, word in ((1, "one sd"), (2, "two")))
            lines.append(f"  seed spread (sd of the recorded FID over {len(fids)} landed seeds) {sd:.3f}: {within}")
    return lines
