"""What every test module shares: the repository's path, running a command in a copy of the repository,
editing a copy's params.yaml, and what the end-to-end tests read back from a copy.

A copy (tests/conftest.py makes them) is self-contained: its own git repo, and its own `src/` first on
PYTHONPATH, so the stage scripts run the copy's library and not the installed one (an editable install
points elsewhere), and scikit-learn hidden (`WITHOUT_SKLEARN`). Every process run in a copy appends the params keys it read to
logs/params_read.jsonl (`ganbench.config.PARAMS_LOG`), which tests/e2e/test_pipeline.py checks against
what each stage declares.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

import yaml

REPO = Path(__file__).resolve().parents[1]
GIT_USER = ["-c", "user.name=t", "-c", "user.email=t@t"]
PARAMS_READ = Path("logs/params_read.jsonl")
GANBENCH = (sys.executable, "-m", "ganbench")
# First on the PYTHONPATH of every process a test starts (tests/conftest.py, `env`): scikit-learn absent there
WITHOUT_SKLEARN = REPO / "tests/without_sklearn"
GIT_IDENTITY = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")  # for commands that commit as a user
                for what, value in (("NAME", "t"), ("EMAIL", "t@t"))}


def env(root: Path) -> dict:
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(WITHOUT_SKLEARN)]),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "GANBENCH_PARAMS_LOG": str(root / PARAMS_READ)}


def run(root: Path, *cmd: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run `cmd` in the copy at `root` (its own src/ first); the finished process, whatever its status."""
    (root / PARAMS_READ).parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env(root), timeout=timeout)


def sh(root: Path, *cmd: str) -> str:
    """Run `cmd` in `root`; fail the test with its output unless it succeeds; its stdout + stderr."""
    done = run(root, *cmd)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def snakemake(root: Path, *args: str) -> str:
    return sh(root, sys.executable, "-m", "snakemake", *args)


def dvc_json(root: Path, *args: str):
    """`dvc <args> --json` in `root`, parsed (stdout only: DVC may warn on stderr)."""
    done = run(root, sys.executable, "-m", "dvc", *args, "--json")
    assert done.returncode == 0, f"dvc {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)


def edit_params(root: Path, edit: Callable[[dict], None]) -> None:
    """Apply `edit(params: dict)` to root/params.yaml (rewritten without its comments)."""
    params = yaml.safe_load((root / "params.yaml").read_text())
    edit(params)
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def two_seeds(params: dict) -> None:
    """An `edit_params` edit: seeds 0 and 1, two cells of a one-variant study."""
    params["seeds"] = [0, 1]


def commit(root: Path, message: str) -> None:
    """Commit everything in `root` (an empty commit when nothing changed)."""
    sh(root, "git", "add", "-A")
    sh(root, "git", *GIT_USER, "commit", "-q", "--allow-empty", "-m", message)


def run_readme_block(root: Path, name: str, params_log: Path) -> str:
    """Run the README's shell block marked `<!-- ganbench:run NAME -->` in `root`, as written (bash, stopping
    at the first failing command), as a user would; fail the test with its output unless it succeeds. The
    params every process read go to `params_log` (the block may cd into a directory it makes)."""
    from ganbench.pipeline.docs import runnable

    code = runnable((root / "README.md").read_text())[name]
    params_log.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=root, capture_output=True, text=True,
                          env={**env(root), **GIT_IDENTITY, "GANBENCH_PARAMS_LOG": str(params_log)}, timeout=1800)
    assert done.returncode == 0, f"README block {name} failed:\n{code}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def _outputs(root: Path):
    """Every declared output's file: not the reference cache scoring keeps beside the classifier's metrics."""
    return [p for top in ("data", "models", "results", "artifacts") for p in sorted((root / top).rglob("*"))
            if p.is_file() and p.name not in (".gitignore", "reference.npz", ".snakemake_timestamp")]


def output_hashes(root: Path) -> dict[str, str]:
    """sha256 of every pipeline output (data/, models/, results/, artifacts/), by path relative to `root`."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in _outputs(root)}


def output_mtimes(root: Path) -> dict[str, int]:
    """mtime of every pipeline output, by path relative to `root`: an output whose mtime changed was
    rewritten by a stage that ran."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in _outputs(root)}


def kill_when(root: Path, cmd: list[str], pattern: str) -> str:
    """Run `cmd` in `root` and SIGKILL it with every process it started (its process group) as soon
    as a line of its output matches `pattern`; returns the output seen. Fails if it ends first."""
    proc = subprocess.Popen(cmd, cwd=root, env={**env(root), "PYTHONUNBUFFERED": "1"}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if re.search(pattern, line):
            break
    assert proc.poll() is None, f"{cmd} ended before printing {pattern!r}:\n" + "".join(seen[-40:])
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    return "".join(seen)


def take_away(root: Path, dataset: str, variant: str, seed: int, readers: tuple[str, ...] = ()) -> None:
    """Delete a finished cell's outputs (its train, generate and score stages'), its checkpoints and the
    outputs of the stages `readers`, as if they had never run, so that a front end runs them again;
    results/hours.* too, which Snakemake's onsuccess rewrites at the end of any run."""
    from ganbench import paths
    from ganbench.pipeline.stages import stage
    from ganbench.pipeline.study import CELL_STAGES

    cell = {"dataset": dataset, "variant": variant, "seed": seed}
    doomed = [root / o.path.format(**cell) for name in (*CELL_STAGES, *readers) for o in stage(name).outputs]
    for path in [*doomed, root / paths.checkpoint_dir(dataset, variant, seed), root / "results/hours.md",
                 root / "results/hours.csv"]:
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)


def graft(root, source, jobs: list[tuple[str, dict]]) -> None:
    """Copy the outputs of `jobs` ((stage name, its wildcard values)) from the study at `source` into `root`,
    with their jobs' accounting where Snakemake wrote it, and record them in `root`'s DVC lock, as if they
    had run there: neither front end runs them again."""
    from ganbench.pipeline.snakemake_glue import benchmark
    from ganbench.pipeline.stages import stage

    names = []
    for name, values in jobs:
        job = stage(name)
        names.append(f"{name}@{'-'.join(str(values[key]) for key in job.matrix)}")
        wildcards = {key: values[key] for key in job.matrix}
        for rel in [o.path.format(**wildcards) for o in job.outputs] + [benchmark(job).format(**wildcards)]:
            origin, target = source / rel, root / rel
            if origin.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                (shutil.copytree if origin.is_dir() else shutil.copy2)(origin, target)
    sh(root, "python", "-m", "dvc", "commit", "--force", "--no-relink", *names)  # relinking would renew mtimes
