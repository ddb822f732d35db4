"""The DVC remote round trip: push a finished study, clone the git repo afresh, `dvc pull`, and both
front ends have nothing to do, with no stage rerun.

Slow (minutes; works on copies of the shared finished study): select or skip it with `-m e2e` / `-m "not e2e"`.
"""
import subprocess
import sys

import pytest
from helpers import GIT_USER, commit, dvc_json, edit_params, output_hashes, sh, snakemake

pytestmark = pytest.mark.e2e


def test_a_fresh_clone_pulls_the_study_and_neither_front_end_has_anything_to_do(study_copy):
    origin = study_copy
    sh(origin, sys.executable, "-m", "ganbench", "remote")  # the default: ../ganbench-dvc-remote
    assert (origin.parent / "ganbench-dvc-remote").is_dir()
    commit(origin, "study results")  # dvc.lock, the small metrics files, the remote in .dvc/config
    sh(origin, sys.executable, "-m", "dvc", "push")

    clone = origin.parent / "clone"  # beside the origin, so the remote's relative path holds for it too
    subprocess.run(["git", *GIT_USER, "clone", "-q", str(origin), str(clone)], check=True)
    assert not (clone / "data/mnist/data.npz").exists()  # large outputs live in DVC, not git
    sh(clone, sys.executable, "-m", "dvc", "pull")
    sh(clone, sys.executable, "-m", "ganbench", "sync", "--from", "dvc")

    assert dvc_json(clone, "status") == {}
    assert "Nothing to be done" in snakemake(clone, "--cores", "1", "--dry-run")
    # nothing was recomputed: every output is the origin's, byte for byte, and no stage wrote a log
    # (Snakemake's --touch leaves empty log files; a stage that ran tees its output into its log)
    assert output_hashes(clone) == output_hashes(origin)
    assert [p for p in (clone / "logs").rglob("*.log") if p.stat().st_size] == []  # stage logs (not the accounting)
    assert sh(clone, "git", "status", "--porcelain") == ""


def test_editing_threads_or_cluster_resources_reruns_nothing(study_copy):
    edit_params(study_copy, lambda p: p["resources"]["train"].update(threads=1, mem_mb=123, runtime=5, gpu=1))
    assert dvc_json(study_copy, "status") == {}
    assert "Nothing to be done" in snakemake(study_copy, "--cores", "1", "--dry-run")
