"""A mistyped name in params.yaml stops both front ends before any job, with the valid names on one line;
so do settings valid one by one but not together, naming both keys.

Runs in a temporary copy of the repository (tracked files only); takes seconds: Snakemake fails while
reading the Snakefile, `dvc repro` in its first stage's params check.
"""
import re
import sys
from pathlib import Path

import pytest
from helpers import run

from ganbench.training.losses import LOSSES

LOSS_ERROR = f"params.yaml: variants.dcgan_ns.loss: 'non_saturing' is not one of {sorted(LOSSES)}"
KNN_ERROR = "params.yaml: eval.samples: 2 is fewer than eval.knn_k + 1 = 4 (the k-NN metrics need k + 1 samples)"


@pytest.fixture(scope="module")
def mistyped_copy(repo_copy) -> Path:
    """The repository in a fresh git repo, on the smoke profile with the loss name mistyped."""
    return repo_copy("mistyped", profile="smoke", git=True,
                     edit=lambda params: params["variants"]["dcgan_ns"].update(loss="non_saturing"))


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


def test_snakemake_refuses_settings_that_do_not_go_together_before_any_job(repo_copy):
    """eval.samples: 2 passes the schema, but the first score, after every training, could not compute the
    k-NN metrics (smoke: eval.knn_k 3): the dry run refuses it, naming both keys."""
    root = repo_copy("too_few_samples", profile="smoke", edit=lambda params: params["eval"].update(samples=2))
    done = run(root, sys.executable, "-m", "snakemake", "--cores", "1", "--dry-run")
    assert done.returncode != 0
    assert KNN_ERROR in (done.stdout + done.stderr).splitlines(), done.stderr[-2000:]
    assert_nothing_ran(root)


def test_snakemake_refuses_a_config_override_the_stage_scripts_would_not_see(repo_copy):
    """`snakemake --config` changes Snakemake's view only; every stage reads params.yaml. So an
    override is refused before any job, naming the key (`dvc exp run -S`, which edits params.yaml,
    is the way: tests/e2e/test_experiments.py)."""
    root = repo_copy("override", profile="smoke", git=True)
    done = run(root, sys.executable, "-m", "snakemake", "--cores", "1", "--dry-run", "--config", "seeds=[0,1]")
    assert done.returncode != 0
    lines = (done.stdout + done.stderr).splitlines()
    assert any(line.startswith("params.yaml: seeds: set on the command line (--config / --configfile), but the stage "
                               "scripts read params.yaml") for line in lines), "\n".join(lines[-20:])
    assert_nothing_ran(root)
