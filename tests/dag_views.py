"""Both front ends' DAGs, expanded for every cell of the study, as comparable jobs.

Snakemake's jobs come from its API (a forced dry run; each job's command, files and params), run in
a subprocess because the API changes the working directory; DVC's from its stage index. A job is
(command, inputs, outputs, params keys); the log redirect Snakemake appends is not part of the command.

    python tests/dag_views.py <workflow root>   # prints Snakemake's jobs as JSON (what snakemake_jobs reads)
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

LOG_SUFFIX = re.compile(r"\s+2>&1\s+\|\s+tee\s+\S+\s*$")


class Job(NamedTuple):
    cmd: str
    inputs: frozenset[str]
    outputs: frozenset[str]
    params: frozenset[str]


def normalize_cmd(cmd: str) -> str:
    return " ".join(LOG_SUFFIX.sub("", cmd).split())


def _dump_snakemake_jobs(root: Path) -> list[dict]:
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import DAGSettings, OutputSettings, Quietness, ResourceSettings

    with SnakemakeApi(OutputSettings(quiet={Quietness.ALL})) as api:
        workflow_api = api.workflow(resource_settings=ResourceSettings(cores=1), snakefile=root / "Snakefile",
                                    workdir=root)
        workflow_api.dag(DAGSettings(forceall=True)).execute_workflow(executor="dryrun")
        jobs = []
        for job in workflow_api._workflow.dag.jobs:  # the API has no public accessor for the planned jobs
            if job.rule.name == "all":
                continue
            params = dict(job.params.items())
            del params["command"]  # the job's command, compared as such
            jobs.append({"cmd": job.shellcmd, "inputs": sorted(map(str, job.input)),
                         "outputs": sorted(map(str, job.output)),
                         "params": sorted(params.pop("settings", {})) + [f"<param {k}>" for k in params]})
        return jobs


def snakemake_jobs(root: Path) -> list[Job]:
    """Every Snakemake job of the workflow at `root` as if nothing had been built yet."""
    done = subprocess.run([sys.executable, __file__, str(root)], capture_output=True, text=True, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root / "src")})
    assert done.returncode == 0, done.stderr[-3000:]
    return [Job(normalize_cmd(j["cmd"]), frozenset(j["inputs"]), frozenset(j["outputs"]), frozenset(j["params"]))
            for j in json.loads(done.stdout)]


def dvc_jobs(root: Path) -> list[Job]:
    """Every stage cell of dvc.yaml, with the params keys it declares."""
    from dvc.dependency.param import ParamsDependency
    from dvc.repo import Repo

    with Repo(str(root)) as repo:
        return [Job(normalize_cmd(stage.cmd),
                    frozenset(str(d.def_path) for d in stage.deps if not isinstance(d, ParamsDependency)),
                    frozenset(str(o.def_path) for o in stage.outs),
                    frozenset(p for d in stage.deps if isinstance(d, ParamsDependency) for p in d.params))
                for stage in repo.index.stages]


def _covered(path: str, deps: frozenset[str]) -> bool:
    """A Snakemake input is covered by a DVC dep equal to it or by a DVC dep directory above it."""
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in deps)


def differences(snake: list[Job], dvc: list[Job]) -> list[str]:
    """Human-readable mismatches between the two DAGs, matched by command; empty when in parity."""
    problems = []
    by_cmd = {j.cmd: j for j in dvc}
    snake_cmds = {j.cmd for j in snake}
    for cmd in sorted(snake_cmds ^ set(by_cmd)):
        problems.append(f"only in {'Snakefile' if cmd in snake_cmds else 'dvc.yaml'}: {cmd}")
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
        if job.params != other.params:
            problems.append(f"params differ for `{job.cmd}`: only snakemake {sorted(job.params - other.params)}, "
                            f"only dvc {sorted(other.params - job.params)}")
    return problems


if __name__ == "__main__":
    print(json.dumps(_dump_snakemake_jobs(Path(sys.argv[1]).resolve())))
