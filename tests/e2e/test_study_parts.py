"""A study in time-boxed parts (`ganbench study --hours H`): killed with SIGKILL in its first part, the
finished cell landed with one commit, a fresh clone (no DVC cache, no remote, no heavy output) trains only
the cells that did not land, and the study ends with the same summaries, picks and leaderboard as a run in
one go; then `ganbench status --check`, which passed, fails once a module edit has made the landed records
stale (one test: the finished clone is the copy to edit). The study's real-data rows and profile are grafted
from the study run in one go (the same code and params), so the parts train and score cells only.
"""
import pandas as pd
import pytest
from helpers import GANBENCH, commit, edit_params, graft, kill_when, run, sh, two_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.parts]


def test_a_study_killed_then_resumed_on_a_fresh_clone_ends_as_one_run(smoke_study, one_go, tmp_path):
    first = smoke_study("parts")
    edit_params(first, two_seeds)
    graft(first, one_go, [*((name, {"dataset": "mnist", "seed": seed}) for name in ("real_samples", "score_real")
                            for seed in (0, 1)), ("profile", {"variant": "dcgan_ns"})])
    commit(first, "two seeds; the real-data rows and the profile as the study in one go made them")
    seen = kill_when(first, [*GANBENCH, "study", "--hours", "1"], r"cell 2 of this part")  # SIGKILL mid-part
    assert "cell 1 of this part: mnist/dcgan_ns/0" in seen
    commit(first, "part 1: what landed before the kill")

    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(first), str(clone))
    assert not (clone / "artifacts").exists() and not (clone / ".dvc/cache").exists()
    status = sh(clone, *GANBENCH, "status", "--check")
    assert "Stale" not in status and "Not here" in status and "Not run yet" in status
    assert "Study in progress: 1 of 2 cells landed" in status
    log = sh(clone, *GANBENCH, "study", "--hours", "1")
    assert "1 of 2 cells landed, 1 to run" in log
    assert "Running stage 'train@mnist-dcgan_ns-1'" in log and "Running stage 'train@mnist-dcgan_ns-0'" not in log
    assert "The study is complete: summaries, picks, figures, report and leaderboard built." in log
    assert "Land this part: git add -A dvc.lock data results models" in log
    assert sh(clone, "git", "status", "--porcelain", "--", "results/mnist/dcgan_ns/seed0") == ""  # landed cell untouched

    for name in ("results/summary/mnist.csv", "results/summary/mnist.json", "results/summary.csv", "results/summary.json",
                 "results/leaderboard.json", "results/picks/mnist.json", "results/picks/mnist-enterprise.gif",
                 "results/picks/mnist-home.gif", "results/picks/mnist-trained_at_home.gif"):  # timing is apart: results/timing/
        assert (clone / name).read_bytes() == (one_go / name).read_bytes(), name
    assert list(pd.read_csv(clone / "results/timing.csv")["seed"]) == [0, 1, 0, 1]  # the real row, then dcgan_ns
    jobs = pd.read_csv(clone / "results/study_jobs.csv")  # both parts' jobs, with the machine they ran on
    assert {"train@mnist-dcgan_ns-0 generate@mnist-dcgan_ns-0 score@mnist-dcgan_ns-0",
            "train@mnist-dcgan_ns-1 generate@mnist-dcgan_ns-1 score@mnist-dcgan_ns-1"} <= set(jobs["stage"])
    assert jobs["machine_class"].notna().all() and jobs["part_started"].nunique() == 2
    commit(clone, "part 2")
    status = sh(clone, *GANBENCH, "status", "--check")
    assert "Stale" not in status and "Study complete: 2 of 2 cells landed" in status

    # What CI runs on its fresh clone: a module of the training's import closure edited after the records
    # were made fails the check, naming the stage
    batches = clone / "src/ganbench/training/batches.py"  # in the training's closure only
    batches.write_text(batches.read_text() + "\n# an edit after the records were made\n")
    done = run(clone, *GANBENCH, "status", "--check")
    assert done.returncode == 1 and "Stale" in done.stdout and "train@mnist-dcgan_ns-0" in done.stdout
