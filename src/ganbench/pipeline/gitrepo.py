"""The few git questions the record tools ask (`ganbench rebuild`, `ganbench prove`): which commit,
what a commit holds, and whether the workspace differs from it.

A study's records are git (dvc.lock and the small files under results/), so git, not the workspace,
is what a rebuilt or re-run output is compared with, and what a rebuild's rewritten records go back to.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from ganbench.errors import GanbenchError, one_line


def git(*args: str, cwd: Path = Path("."), binary: bool = False) -> str | bytes:
    """`git <args>` in `cwd`: its stdout (bytes with `binary`), or a GanbenchError with its stderr."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=not binary)
    if done.returncode:
        stderr = done.stderr.decode(errors="replace") if binary else done.stderr
        raise GanbenchError(f"git {' '.join(args[:3])} failed in {cwd}: {one_line(stderr)[-500:]}")
    return done.stdout


def commit_of(rev: str) -> str:
    """The full sha of the commit `rev` names; a one-line error when it names none."""
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], capture_output=True, text=True)
    if done.returncode:
        raise GanbenchError(f"{rev}: not a commit of this repository")
    return done.stdout.strip()


def changed(*paths: str | Path) -> list[str]:
    """The files under `paths` that differ from HEAD: modified, staged, deleted or untracked (not ignored)."""
    text = git("status", "--porcelain", "--untracked-files=all", "--", *map(str, paths))
    return [line[3:] for line in text.splitlines()]


def files_at(rev: str, path: str | Path) -> dict[str, bytes]:
    """The files git holds at `rev` under `path` (a file or a directory): path -> bytes."""
    names = git("ls-tree", "-r", "--name-only", rev, "--", str(path)).splitlines()
    return {name: git("show", f"{rev}:{name}", binary=True) for name in names}
