"""Keep the two front ends' bookkeeping in step, through their public command-line interfaces.

After `snakemake`, DVC's lock must record what Snakemake built (`dvc commit`); after `dvc repro`,
`dvc checkout` or `dvc pull`, Snakemake's own records must say the outputs are current
(`snakemake --touch`). What each tool considers stale comes from `dvc status --json` and
`snakemake --summary` (a tab-separated table: output file, date, rule, log, status, plan); which
outputs a DVC stage has comes from the stage table both front ends are built from.
"""
from __future__ import annotations

import csv
import json
import logging
import subprocess
import sys
from pathlib import Path

from ganbench.errors import GanbenchError, one_line
from ganbench.pipeline.stages import STAGES

log = logging.getLogger(__name__)
COMMIT_BATCH = 200  # stage names per `dvc commit` call, well inside any command-line length limit


class FrontendError(GanbenchError):
    """A Snakemake or DVC command failed; the message carries the end of its output."""


def run_module(workdir: Path, *cmd: str) -> str:
    """`python -m <cmd>` in `workdir`; its stdout, or a FrontendError with the end of its stderr."""
    done = subprocess.run([sys.executable, "-m", *cmd], cwd=workdir, capture_output=True, text=True)
    if done.returncode:
        raise FrontendError(f"{' '.join(cmd[:3])} failed in {workdir}: {one_line(done.stderr)[-2000:]}")
    return done.stdout


def dvc_stale_stages(workdir: Path = Path(".")) -> set[str]:
    """Stages `dvc status` reports as changed, by DVC name (e.g. `train@mnist-dcgan_ns-0`)."""
    return set(json.loads(run_module(workdir, "dvc", "status", "--json") or "{}"))


def snakemake_pending_outputs(workdir: Path = Path(".")) -> set[str]:
    """Outputs Snakemake would (re)build now: `--summary` rows whose plan is not "no update"."""
    rows = csv.DictReader(run_module(workdir, "snakemake", "--summary", "--nolock").splitlines(), delimiter="\t")
    return {row["output_file"] for row in rows if row["plan"] != "no update"}


def stage_outputs(dvc_name: str) -> list[str]:
    """Output paths of a DVC stage cell: `train@mnist-dcgan_ns-0` -> results/mnist/dcgan_ns/seed0/...

    DVC names a matrix cell by its values joined with '-' in matrix order; no dataset, variant
    (schema: [a-z0-9_]) or seed contains '-'.
    """
    name, _, cell = dvc_name.partition("@")
    stage = next(s for s in STAGES if s.name == name)
    values = dict(zip(stage.matrix, cell.split("-") if cell else []))
    return [out.path.format(**values) for out in stage.outputs]


def commit_to_dvc(workdir: Path = Path(".")) -> list[str]:
    """After a Snakemake run: record in dvc.lock every stage DVC sees as changed whose outputs all
    exist and none of which Snakemake would still rebuild (a missing output makes `dvc commit`
    fail; a pending one would bless a stale file). Committed without relinking, which would
    change the files' mtimes, which Snakemake reads. Stages are committed in the DAG's order: committing
    an output writes its .gitignore entry into its directory, which a later stage may depend on whole
    (a gathered input), so that stage must be hashed after it.

    When every changed stage is ready (a finished study) one `dvc commit` without targets records them
    all: naming the stages costs DVC a resolution of its whole index per name (seconds each, minutes for
    a study of hundreds of cells), committing everything costs one."""
    pending = snakemake_pending_outputs(workdir)
    stale = dvc_stale_stages(workdir)
    order = {stage.name: i for i, stage in enumerate(STAGES)}  # the table's order is the DAG's: a stage after its inputs
    ready = sorted((name for name in stale
                    if all((workdir / o).exists() and o not in pending for o in stage_outputs(name))),
                   key=lambda name: (order[name.partition("@")[0]], name))
    if ready and len(ready) == len(stale):
        run_module(workdir, "dvc", "commit", "--force", "--no-relink")
    else:
        for start in range(0, len(ready), COMMIT_BATCH):
            run_module(workdir, "dvc", "commit", "--force", "--no-relink", *ready[start:start + COMMIT_BATCH])
    log.info("dvc: committed %d stage(s) that Snakemake has brought up to date", len(ready))
    return ready


def touch_snakemake(workdir: Path = Path(".")) -> bool:
    """After `dvc repro`/`checkout`/`pull`: if DVC says all is current, mark Snakemake's outputs current."""
    stale = dvc_stale_stages(workdir)
    if stale:
        log.warning("dvc status is not clean (%d stage(s) to redo); run `dvc repro` first", len(stale))
        return False
    run_module(workdir, "snakemake", "--touch", "--cores", "1", "--nolock")
    log.info("snakemake: outputs marked up to date")
    return True
