"""A mistyped name in params.yaml stops both front ends before any job, with the valid names on one line.

Runs in a temporary copy of the repository (tracked files only); takes seconds: Snakemake fails while
reading the Snakefile, `dvc repro` in its first stage's params check.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
LOSS_ERROR = ("params.yaml: variants.dcgan_ns.loss: 'non_saturing' is not one of "
              "['hinge', 'least_squares', 'minimax', 'non_saturating', 'wasserstein']")


def run(cwd: Path, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def mistyped_copy(tmp_path_factory) -> Path:
    """The tracked files in a fresh git repo, on the smoke profile with the loss name mistyped."""
    root = tmp_path_factory.mktemp("mistyped")
    for name in filter(None, run(REPO, "git", "ls-files", "--cached").stdout.split("\n")):
        if (REPO / name).is_file() and not name.startswith(("results/", "data/", "dvc.lock")):  # not the shipped study
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    params = yaml.safe_load((REPO / "profiles/smoke.yaml").read_text())
    params["variants"]["dcgan_ns"]["loss"] = "non_saturing"
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"],
                ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "mistyped"]):
        assert run(root, *cmd).returncode == 0
    return root


def assert_nothing_ran(root: Path) -> None:
    assert not any((root / d).exists() for d in ("data", "models", "results", "checkpoints"))


def test_snakemake_names_the_key_and_the_valid_losses(mistyped_copy):
    done = run(mistyped_copy, sys.executable, "-m", "snakemake", "--cores", "1", "--dry-run")
    assert done.returncode != 0
    assert LOSS_ERROR in (done.stdout + done.stderr).splitlines(), done.stderr[-2000:]
    assert_nothing_ran(mistyped_copy)


def test_dvc_repro_stops_at_the_first_stage_with_the_same_line(mistyped_copy):
    done = run(mistyped_copy, "dvc", "repro")
    output = (done.stdout + done.stderr).splitlines()
    assert done.returncode != 0
    assert f"error: {LOSS_ERROR}" in output, "\n".join(output[-20:])
    assert any(re.search(r"failed to reproduce 'fetch_data@mnist'.*exited with 2", line) for line in output)
    assert_nothing_ran(mistyped_copy)
