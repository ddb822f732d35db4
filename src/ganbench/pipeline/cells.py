"""A cell named on the command line (`mnist/dcgan_ns/0`), and its stage commands run outside DVC.

`ganbench rebuild` and `ganbench prove` run a cell's stages themselves rather than through `dvc repro`:
DVC would record whatever the run made in dvc.lock, and the point of both is to compare what a run
makes with a record, never to replace the record.
"""
from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from ganbench.errors import GanbenchError
from ganbench.pipeline.study import Cell


def parse(text: str) -> Cell:
    """`dataset/variant/seed` -> the cell; a one-line error for anything else."""
    parts = text.split("/")
    if len(parts) != 3 or not all(parts) or not parts[2].isdigit():
        raise GanbenchError(f"{text!r}: name a cell as <dataset>/<variant>/<seed>, e.g. mnist/dcgan_ns/0")
    return Cell(parts[0], parts[1], int(parts[2]), gflop=0.0)  # its training compute plays no part here


def fill(template: str, cell: Cell) -> str:
    """A stage table template (command or output path) with the cell's `{dataset}`-style values."""
    return template.format(dataset=cell.dataset, variant=cell.variant, seed=cell.seed)


def run_command(command: str, cell: Cell, cwd: Path = Path("."), env: dict | None = None) -> None:
    """Run a stage command (`python scripts/<stage>.py ...`, placeholders filled for `cell`) in `cwd`
    with this interpreter, as DVC would find `python` in this environment; its output passes through."""
    argv = shlex.split(fill(command, cell))
    if argv[0] == "python":
        argv[0] = sys.executable
    sys.stdout.flush()  # what was printed so far comes before the stage's own output
    done = subprocess.run(argv, cwd=cwd, env=env)
    if done.returncode:
        raise GanbenchError(f"{cell}: `{' '.join(argv[1:])}` failed (exit {done.returncode}) in {cwd}; "
                            "its output is above")
