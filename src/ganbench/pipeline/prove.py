"""`ganbench prove <old-rev> <dataset>/<variant>/<seed> ...`: a code change proven neutral on this machine.

Editing code a landed stage depends on makes its record stale, even when the edit (a comment, a
refactoring, a faster path to the same numbers) cannot change a byte; rerunning the study to find out
costs hours. This runs only the named cells, twice, on this machine: at `old-rev` and at HEAD, each in
a fresh git worktree of its commit (the committed code, never the workspace: uncommitted changes under
src/, scripts/ or params.yaml are refused). Both sides get the same inputs: the workspace's data
(fetched again first if absent) and the classifier git holds at each commit (a commit of an older
layout, which kept it in the DVC cache, gets HEAD's). Each side runs train, generate and score with the
commands of its own stage table, its own src/ first on PYTHONPATH.

Every declared output of those stages is then compared, output by output, outside the fields that
differ on every run (`ganbench.pipeline.comparable`); outputs are matched by file name within the
cell, so a commit of another layout compares too. The proof, results/proofs/<short HEAD sha>.json (for
git; one per HEAD commit, a later `prove` replaces it), holds both commits, this machine's
fingerprint (as HEAD's train recorded it), the cells, each output's old and new md5 (of what was compared) and whether they are
identical, and for each proven stage the md5 of every file of its code at HEAD (`code`) and at the old
commit (`code_old`): what `ganbench relock` checks a stale record against. Exit status 1 if any output
differs.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ganbench import paths
from ganbench.errors import GanbenchError, one_line
from ganbench.io import read_json, write_json
from ganbench.machine import describe
from ganbench.pipeline.cells import fill, parse, run_command
from ganbench.pipeline.comparable import digest, file_md5
from ganbench.pipeline.gitrepo import changed, commit_of, git
from ganbench.pipeline.study import CELL_STAGES, Cell, ensure_data

PROOFS = Path("results/proofs")
COMMITTED = ("src", "scripts", "params.yaml")  # what a proof runs from git, never from the workspace
SIDES = ("old", "new")
# Each side's own stage table and code closure, read by its own code: a commit of another layout
# has other output paths and other score arguments.
_TABLE = ("import json, sys\n"
          "from ganbench.pipeline.codedeps import code_deps\n"
          "from ganbench.pipeline.stages import stage\n"
          "print(json.dumps({n: {'command': stage(n).command, 'outputs': [o.path for o in stage(n).outputs],\n"
          "                      'code': code_deps(stage(n).script)} for n in sys.argv[1:]}))\n")


def prove(old_rev: str, names: list[str]) -> int:
    """Run the cells at `old_rev` and at HEAD, compare, write the proof (see the module docstring);
    1 if any output differs."""
    cells = [parse(name) for name in names]
    if edited := changed(*COMMITTED):
        raise GanbenchError(f"{edited[0]}: uncommitted; prove runs the committed code (HEAD): commit it first")
    shas = {"old": commit_of(old_rev), "new": commit_of("HEAD")}
    for dataset in dict.fromkeys(cell.dataset for cell in cells):
        ensure_data(dataset)
    scratch = Path(tempfile.mkdtemp(prefix="ganbench-prove-"))
    tree = {side: scratch / side for side in SIDES}
    added: list[Path] = []
    try:
        for side in ("new", "old"):  # HEAD's first: a commit of an older layout borrows its classifier
            git("worktree", "add", "--detach", "--quiet", str(tree[side]), shas[side])
            added.append(tree[side])
            _inputs(tree[side], cells, shas[side], tree["new"] if side == "old" else None)
        tables = {side: _table(tree[side]) for side in SIDES}
        for side in SIDES:
            env = {**os.environ, "PYTHONPATH": str(tree[side] / "src")}
            for cell in cells:
                for name in CELL_STAGES:
                    run_command(tables[side][name]["command"], cell, tree[side], env)
        stages: dict[str, dict] = {name: {} for name in CELL_STAGES}
        for cell in cells:
            for name, rows in _compare(cell, tables, tree).items():
                stages[name][str(cell)] = rows
        code = {side: _code(tree[side], tables[side]) for side in SIDES}
        machine = _machine(tree["new"], tables["new"], cells[0])
    finally:
        for path in added:
            subprocess.run(["git", "worktree", "remove", "--force", str(path)], capture_output=True)
        subprocess.run(["git", "worktree", "prune"], capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    neutral = all(row["identical"] for by_cell in stages.values() for rows in by_cell.values() for row in rows.values())
    proof = PROOFS / f"{git('rev-parse', '--short', 'HEAD').strip()}.json"
    write_json(proof, {"old": shas["old"], "new": shas["new"], "machine": machine, "cells": [str(c) for c in cells],
                       "neutral": neutral, "stages": stages, "code": code["new"], "code_old": code["old"]})
    verdict = "neutral: every output identical" if neutral else "NOT neutral: outputs differ"
    print(f"{_table_text(stages)}\n{shas['old'][:12]} -> {shas['new'][:12]} on {describe(machine)}: {verdict}; "
          f"proof: {proof}", flush=True)
    return 0 if neutral else 1


def _inputs(tree: Path, cells: list[Cell], sha: str, borrow_from: Path | None) -> None:
    """The worktree's inputs: a link to the workspace's data; the classifier its commit holds in git,
    else (an older layout) `borrow_from`'s."""
    for dataset in dict.fromkeys(cell.dataset for cell in cells):
        data = tree / paths.data_npz(dataset)
        data.parent.mkdir(parents=True, exist_ok=True)
        data.symlink_to(paths.data_npz(dataset).resolve())
        classifier = tree / paths.classifier_model(dataset)
        if not classifier.is_file():
            if borrow_from is None or not (borrow_from / paths.classifier_model(dataset)).is_file():
                raise GanbenchError(f"{paths.classifier_model(dataset)}: not in git at {sha[:12]}; both sides must "
                                    "score with the same classifier")
            classifier.parent.mkdir(parents=True, exist_ok=True)
            classifier.symlink_to(borrow_from / paths.classifier_model(dataset))


def _table(tree: Path) -> dict:
    """The side's stage table for the cell stages: command, output path templates, code files."""
    done = subprocess.run([sys.executable, "-c", _TABLE, *CELL_STAGES], cwd=tree, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tree / "src")})
    if done.returncode:
        raise GanbenchError(f"the {tree.name} side's stage table cannot be read: {one_line(done.stderr)[-300:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _machine(tree: Path, table: dict, cell: Cell) -> dict:
    """This machine's fingerprint as HEAD's train recorded it: taken, like every record's, in a stage
    process (one that has loaded TensorFlow, which sets variables the fingerprint holds)."""
    train_json = next(fill(path, cell) for path in table["train"]["outputs"] if Path(path).name == "train.json")
    return read_json(tree / train_json)["machine"]


def _code(tree: Path, table: dict) -> dict[str, dict[str, str]]:
    """stage -> md5 of each file of its code, as the side's own stage table and closure list them."""
    return {name: {path: file_md5(tree / path) for path in table[name]["code"]} for name in CELL_STAGES}


def _compare(cell: Cell, tables: dict, tree: dict[str, Path]) -> dict[str, dict[str, dict]]:
    """stage -> output path (HEAD's) -> {old_md5, new_md5, identical[, old_path]}; outputs matched by
    file name within the cell; the echo of the samples path ignored when the layouts differ."""
    declared = {side: {Path(fill(path, cell)).name: (name, fill(path, cell))
                       for name in CELL_STAGES for path in tables[side][name]["outputs"]} for side in SIDES}
    echo = {path for _, path in declared["old"].values()} == {path for _, path in declared["new"].values()}
    rows: dict[str, dict[str, dict]] = {name: {} for name in CELL_STAGES}
    for file_name in sorted(declared["old"].keys() | declared["new"].keys()):
        (old_stage, old_path), (new_stage, new_path) = (declared[side].get(file_name, (None, None)) for side in SIDES)
        old_md5 = digest(tree["old"] / old_path, echo) if old_path else None
        new_md5 = digest(tree["new"] / new_path, echo) if new_path else None
        row = {"old_md5": old_md5, "new_md5": new_md5, "identical": new_md5 is not None and old_md5 == new_md5}
        if old_path != new_path:
            row["old_path"] = old_path
        rows[new_stage or old_stage][new_path or old_path] = row
    return rows


def _table_text(stages: dict[str, dict]) -> str:
    rows = [("stage", "cell", "output", "old md5", "new md5", "identical")]
    rows += [(name, cell, Path(path).name, (row["old_md5"] or "absent")[:12], (row["new_md5"] or "absent")[:12],
              "yes" if row["identical"] else "NO")
             for name, by_cell in stages.items() for cell, outputs in by_cell.items() for path, row in outputs.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip() for row in rows)
