"""Fixtures every test layer shares: the default study's variant settings, and copies of the repository.

A copy holds the repository's files (tracked, plus new ones not ignored), without the shipped default
study's results, in a directory of its own, optionally as a fresh git repository and on another
profile. Commands run in a copy see its own `src/` first (`workspace.env`), so its stage scripts run
the copy's library and not the installed one.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pytest
import yaml
from workspace import GIT_USER, env

from ganbench.config import deep_merge

REPO = Path(__file__).resolve().parents[1]
SHIPPED_STUDY = ("results/", "data/", "dvc.lock")  # the default study's results: a new study starts without them


def run_in(root: Path, *cmd: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env(root), timeout=timeout)


def repo_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split("\n")
    return [name for name in listed if name and (REPO / name).is_file() and not name.startswith(SHIPPED_STUDY)]


def copy_repo(dest: Path, *, only: tuple[str, ...] = (), profile: str | None = None,
              edit: Callable[[dict], None] | None = None, git: bool = False) -> Path:
    """The repository at `dest` (only the files under `only`, if given); with `profile`, that profile
    is the study (params.yaml); `edit(params)` then changes it; with `git`, a fresh repo, committed."""
    for name in repo_files():
        if not only or name.startswith(only):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)
    if profile:
        from ganbench.pipeline.profiles import use_profile

        use_profile(profile, dest / "params.yaml", dest / "profiles")
    if edit:
        params = yaml.safe_load((dest / "params.yaml").read_text())
        edit(params)
        (dest / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    if git:
        for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "copy"]):
            assert run_in(dest, "git", *GIT_USER, *cmd).returncode == 0
    return dest


@pytest.fixture(scope="session")
def run_in_copy() -> Callable[..., subprocess.CompletedProcess]:
    """run_in_copy(root, *cmd) -> the finished process, run in the copy at `root` with its own src/ first."""
    return run_in


@pytest.fixture(scope="session")
def repo_copy(tmp_path_factory) -> Callable[..., Path]:
    """repo_copy(name, **copy_repo options) -> a new copy in its own temporary directory `<tmp>/ganbench`."""
    return lambda name, **options: copy_repo(tmp_path_factory.mktemp(name) / "ganbench", **options)


@pytest.fixture(scope="session")
def variant_defaults() -> dict:
    """`variant_defaults` of the default study (profiles/default.yaml)."""
    return yaml.safe_load((REPO / "profiles/default.yaml").read_text())["variant_defaults"]


@pytest.fixture(scope="session")
def make_variant(variant_defaults):
    """make_variant(**overrides) -> a complete variant: the defaults deep-merged with the overrides."""
    return lambda **overrides: deep_merge(variant_defaults, overrides)



def pytest_xdist_make_scheduler(config, log):
    """`pytest -n 2` (run.sh test) schedules whole modules, as `--dist loadscope` does, except that
    every end-to-end test goes to one worker: they share the session's smoke inputs and smoke study,
    built once per worker. The unit modules then run on the other worker beside them."""
    from xdist.scheduler import LoadScopeScheduling

    class EndToEndTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/e2e" if nodeid.startswith("tests/e2e/") else super()._split_scope(nodeid)

    return EndToEndTogether(config, log)
