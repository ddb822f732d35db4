"""Fixtures every test layer shares: the default study's variant settings, and copies of the repository.

A copy holds the repository's files (tracked, plus new ones not ignored), without the shipped default
study's results, in a directory of its own, optionally as a fresh git repository and on another
profile. Commands run in a copy with `helpers.run` see its own `src/` first, so its stage scripts run
the copy's library and not the installed one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pytest
import yaml
from helpers import GIT_USER, REPO, WITHOUT_SKLEARN, edit_params, run

from ganbench.config import deep_merge

# every process a test starts without `helpers.env` (which puts it there too) finds scikit-learn absent
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(WITHOUT_SKLEARN), os.environ.get("PYTHONPATH")]))
SHIPPED_STUDY = ("results/", "data/", "models/", "dvc.lock")  # the shipped study's records: a new study starts without them


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
        edit_params(dest, edit)
    if git:
        for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "copy"]):
            assert run(dest, "git", *GIT_USER, *cmd).returncode == 0
    return dest


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
