"""The two front ends seen as one DAG: expand each, compare them, and keep their bookkeeping in step.

Snakemake's expanded DAG comes from `snakemake --forceall --dry-run --printshellcmds` (its stable
command-line report); DVC's from its stage index. A job is (command, inputs, outputs); the log
redirect Snakemake appends (` 2>&1 | tee logs/...`) is not part of the stage command.
"""
from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)
LOG_SUFFIX = re.compile(r"\s+2>&1\s+\|\s+tee\s+\S+\s*$")
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


class Job(NamedTuple):
    cmd: str
    inputs: frozenset[str]
    outputs: frozenset[str]


def normalize_cmd(cmd: str) -> str:
    return " ".join(LOG_SUFFIX.sub("", cmd).split())


def _snakemake(workdir: Path, *args: str) -> str:
    done = subprocess.run([*SNAKEMAKE, "--nolock", *args], cwd=workdir, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"snakemake {' '.join(args)} failed in {workdir}: {done.stderr.strip()[-2000:]}")
    return done.stdout + done.stderr


def parse_dry_run(report: str) -> list[Job]:
    """Jobs from a `--dry-run --printshellcmds` report; rules without a shell command are skipped."""
    jobs, fields = [], None
    for line in report.splitlines():
        if re.match(r"^(local)?rule \S+:$", line):
            fields = {}
        elif fields is not None and (m := re.match(r"^    (input|output): (.*)$", line)):
            fields[m[1]] = frozenset(p.strip() for p in m[2].split(","))
        elif fields is not None and line.startswith("Shell command: "):
            if line != "Shell command: None":  # a rule without a shell (e.g. `all`)
                jobs.append(Job(normalize_cmd(line.removeprefix("Shell command: ")),
                                fields.get("input", frozenset()), fields.get("output", frozenset())))
            fields = None
    return jobs


def snakemake_jobs(workdir: Path = Path(".")) -> list[Job]:
    """Every job of the Snakemake workflow as if nothing had been built yet."""
    return parse_dry_run(_snakemake(workdir, "--forceall", "--dry-run", "--printshellcmds"))


def dvc_jobs(workdir: Path = Path(".")) -> list[Job]:
    """Every stage of dvc.yaml; params are excluded (Snakemake tracks them as rule params, not files)."""
    from dvc.repo import Repo

    with Repo(str(workdir)) as repo:
        return [Job(normalize_cmd(stage.cmd),
                    frozenset(str(d.def_path) for d in stage.deps if d.def_path != "params.yaml"),
                    frozenset(str(o.def_path) for o in stage.outs))
                for stage in repo.index.stages]


def _covered(path: str, deps: frozenset[str]) -> bool:
    """A Snakemake input is covered by a DVC dep equal to it or by a DVC dep directory above it."""
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in deps)


def differences(snake: list[Job], dvc: list[Job]) -> list[str]:
    """Human-readable mismatches between the two DAGs, matched by command; empty when in parity."""
    problems = []
    by_cmd = {j.cmd: j for j in dvc}
    for cmd in sorted({j.cmd for j in snake} ^ set(by_cmd)):
        side = "Snakefile" if cmd in {j.cmd for j in snake} else "dvc.yaml"
        problems.append(f"only in {side}: {cmd}")
    for job in snake:
        other = by_cmd.get(job.cmd)
        if other is None:
            continue
        if job.outputs != other.outputs:
            problems.append(f"outputs differ for `{job.cmd}`: snakemake {sorted(job.outputs)} dvc {sorted(other.outputs)}")
        uncovered = sorted(p for p in job.inputs if not _covered(p, other.inputs))
        unused = sorted(d for d in other.inputs if not any(_covered(p, frozenset([d])) for p in job.inputs))
        if uncovered or unused:
            problems.append(f"inputs differ for `{job.cmd}`: only snakemake {uncovered}, only dvc {unused}")
    return problems


def commit_to_dvc(workdir: Path = Path(".")) -> list[str]:
    """After a Snakemake run: record in dvc.lock every stage whose outputs Snakemake considers current.

    `dvc commit -f` fails when an output is missing, and would bless stale outputs, so only stages
    none of whose outputs is in Snakemake's to-do list (and all of which exist) are committed; and
    only those `dvc status` reports as changed (committing a current stage re-hashes its outputs for
    nothing: minutes on the default study's 163 stages).
    """
    from dvc.repo import Repo

    pending = {o for job in parse_dry_run(_snakemake(workdir, "--dry-run", "--printshellcmds")) for o in job.outputs}
    committed = []
    with Repo(str(workdir)) as repo:
        changed = set(repo.status())
        for stage in repo.index.stages:
            outs = [str(o.def_path) for o in stage.outs]
            if stage.addressing in changed and all((workdir / o).exists() for o in outs) \
                    and not pending.intersection(outs):
                repo.commit(stage.addressing, force=True, relink=False)  # keep mtimes: Snakemake reads them
                committed.append(stage.addressing)
    log.info("dvc: committed %d stage(s) that Snakemake has brought up to date", len(committed))
    return committed


def touch_snakemake(workdir: Path = Path(".")) -> bool:
    """After `dvc repro`/`checkout`/`pull`: if DVC says all is current, mark Snakemake's outputs current."""
    from dvc.repo import Repo

    with Repo(str(workdir)) as repo:
        stale = repo.status()
    if stale:
        log.warning("dvc status is not clean (%d stage(s) to redo); run `dvc repro` first", len(stale))
        return False
    _snakemake(workdir, "--touch", "--cores", "1")
    log.info("snakemake: outputs marked up to date")
    return True
