"""Commands run inside a copy of the repository (tests/conftest.py makes the copies), and what the
tests read back from it.

A copy is self-contained: its own git repo, and its own `src/` first on PYTHONPATH, so the stage
scripts run the copy's library and not the installed one (an editable install points elsewhere).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import yaml

GIT_USER = ["-c", "user.name=t", "-c", "user.email=t@t"]


def env(root: Path) -> dict:
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PYTHONPATH": str(root / "src"), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def sh(cwd: Path, *cmd: str) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env(cwd))
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def snakemake(cwd: Path, *args: str) -> str:
    return sh(cwd, sys.executable, "-m", "snakemake", *args)


def dvc_json(cwd: Path, *args: str) -> dict:
    return json.loads(subprocess.run([sys.executable, "-m", "dvc", *args, "--json"], cwd=cwd, capture_output=True,
                                     text=True, env=env(cwd), check=True).stdout)


def commit(root: Path, message: str) -> None:
    sh(root, "git", "add", "-A")
    sh(root, "git", *GIT_USER, "commit", "-qm", message)


def output_hashes(root: Path) -> dict[str, str]:
    """sha256 of every pipeline output (data/, models/, results/), by path relative to `root`."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for top in ("data", "models", "results") for p in sorted((root / top).rglob("*"))
            if p.is_file() and p.name != ".gitignore"}


def output_mtimes(root: Path) -> dict[str, int]:
    """mtime of every pipeline output (data/, models/, results/), by path relative to `root`:
    an output whose mtime changed was rewritten by a stage that ran."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns
            for top in ("data", "models", "results") for p in sorted((root / top).rglob("*"))
            if p.is_file() and p.name != ".gitignore"}


def edit_params(root: Path, edit) -> None:
    """Apply `edit(params: dict)` to root/params.yaml."""
    params = yaml.safe_load((root / "params.yaml").read_text())
    edit(params)
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


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
