"""The whole pipeline on the smoke profile (real data subsets), through Snakemake and through DVC.

Runs in a temporary copy of the repository, so the real one keeps its results. Slow (minutes):
select or skip it with `-m e2e` / `-m "not e2e"`.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def sh(cwd: Path, *cmd: str) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def dvc_json(cwd: Path, *args: str) -> dict:
    return json.loads(sh(cwd, "dvc", *args, "--json"))


def edit_params(cwd: Path, edit) -> None:
    params = yaml.safe_load((cwd / "params.yaml").read_text())
    edit(params)
    (cwd / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def smoke_copy(root: Path) -> Path:
    """A git + DVC repo holding the project's git-tracked files, on the smoke profile."""
    files = sh(REPO, "git", "ls-files", "--cached").split("\n")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    sh(root, "git", "init", "-q")
    sh(root, sys.executable, "scripts/use_profile.py", "smoke")
    sh(root, "git", "add", "-A")
    sh(root, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "smoke")
    return root


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    return smoke_copy(tmp_path_factory.mktemp("ganbench"))


def outputs(root: Path) -> dict[str, int]:
    """mtime of every pipeline output file present (data/, models/, results/), by relative path."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns
            for top in ("data", "models", "results") for p in (root / top).rglob("*") if p.is_file()}


def test_snakemake_runs_everything_and_leaves_dvc_clean(repo_copy):
    sh(repo_copy, "snakemake", "--cores", "2")
    run = repo_copy / "results/mnist/dcgan_ns/seed0"
    for name in ("generator.keras", "train_log.csv", "samples.npz", "grid.png", "metrics.json"):
        assert (run / name).stat().st_size > 0, name
    for dataset in ("mnist", "fashion"):
        assert (repo_copy / f"results/plots/{dataset}/time_to_quality.png").stat().st_size > 10_000
        card = json.loads((repo_copy / f"data/{dataset}/card.json").read_text())
        assert card["counts"]["train"] == 60000
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["fid"] > 0 and 1 <= metrics["classifier_score"] <= 10
    assert metrics["protocol"]["samples"] == 500
    real = json.loads((repo_copy / "results/mnist/real/seed0/metrics.json").read_text())
    assert real["protocol"] == metrics["protocol"]  # the floor row is scored exactly like the samples
    assert real["fid"] < metrics["fid"] and real["recall"] > metrics["recall"]
    assert (repo_copy / "results/classifier/mnist/reference.npz").stat().st_size > 0
    conditional = json.loads((repo_copy / "results/fashion/cdcgan_ns/seed0/metrics.json").read_text())
    assert 0 <= conditional["conditional_accuracy"] <= 1
    assert dvc_json(repo_copy, "status") == {}
    shown = dvc_json(repo_copy, "metrics", "show")
    assert "fid" in json.dumps(shown) and "test_accuracy" in json.dumps(shown)


def test_killed_snakemake_finishes_on_rerun_without_redoing_jobs_and_same_metrics(repo_copy, tmp_path_factory):
    """kill -9 Snakemake and its jobs right after the first training finished, then start it again as
    the README says (`--rerun-incomplete`, after `snakemake --unlock` if it reports a stale lock): the
    study finishes, no output that existed at the kill is rewritten, and every score equals the
    uninterrupted run's (same machine)."""
    root = smoke_copy(tmp_path_factory.mktemp("killed"))
    proc = subprocess.Popen(["snakemake", "--cores", "2"], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if re.search(r"Finished jobid: \d+ \(Rule: train\)", line):
            break
    assert proc.poll() is None, "snakemake ended before a training finished:\n" + "".join(seen[-40:])
    os.killpg(proc.pid, signal.SIGKILL)  # snakemake and the jobs it started (one process group)
    proc.wait()
    proc.stdout.close()
    finished = outputs(root)
    assert any(name.endswith("/train.json") for name in finished)

    rerun = ["snakemake", "--cores", "2", "--rerun-incomplete"]
    again = subprocess.run(rerun, cwd=root, capture_output=True, text=True)
    if again.returncode:  # the killed run's lock is stale; Snakemake says to remove it with --unlock
        assert "--unlock" in again.stdout + again.stderr, again.stderr[-3000:]
        sh(root, "snakemake", "--unlock")
        sh(root, *rerun)
    after = outputs(root)
    assert {name: after.get(name) for name in finished} == finished  # nothing finished was redone
    assert set(after) == set(outputs(repo_copy))  # and the study is complete

    scores = sorted(p.relative_to(root) for p in root.glob("results/*/*/seed*/metrics.json"))
    assert len(scores) == 6  # 2 datasets x (2 variants + the real-data row)
    for name in scores:
        assert (root / name).read_text() == (repo_copy / name).read_text(), name
    for dataset in ("mnist", "fashion"):  # the classifier too, all but its wall time
        a, b = (json.loads((r / f"results/classifier/{dataset}/metrics.json").read_text()) for r in (root, repo_copy))
        assert a.pop("train_seconds") > 0 and b.pop("train_seconds") > 0 and a == b


def test_dvc_repro_reruns_only_what_a_param_edit_touched(repo_copy):
    sh(repo_copy, "git", "add", "-A")
    sh(repo_copy, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "results")
    data_before = (repo_copy / "data/mnist/data.npz").stat().st_mtime_ns

    edit_params(repo_copy, lambda p: p["classifier"].update(train_samples=3000))
    # dvc status names the stages whose own params changed; repro then runs everything downstream
    assert set(dvc_json(repo_copy, "status")) == {"train_classifier@mnist", "train_classifier@fashion"}
    sh(repo_copy, "dvc", "repro")
    assert (repo_copy / "data/mnist/data.npz").stat().st_mtime_ns == data_before
    assert dvc_json(repo_copy, "status") == {}
    diff = dvc_json(repo_copy, "metrics", "diff")
    changed = {f for f, m in diff.items() if any(v.get("diff") for v in m.values())}
    assert "results/classifier/mnist/metrics.json" in changed
    assert "results/mnist/dcgan_ns/seed0/metrics.json" in changed

    edit_params(repo_copy, lambda p: p["variants"]["dcgan_ns"]["g_opt"].update(lr=0.001))
    stale = set(dvc_json(repo_copy, "status"))
    # only this variant's cells (training and profile read its params) and the per-dataset stages
    # that list the variants are stale; other variants, the classifier and the real row are not
    cells = {f"{stage}@{d}-dcgan_ns-0" for stage in ("train", "profile") for d in ("mnist", "fashion")}
    assert stale == cells | {f"{stage}@{d}" for stage in ("summarize", "plot") for d in ("mnist", "fashion")}


def test_after_dvc_repro_snakemake_is_brought_in_step(repo_copy):
    edit_params(repo_copy, lambda p: p["variants"]["dcgan_ns"]["g_opt"].update(lr=2.0e-4))  # undo the last edit
    assert dvc_json(repo_copy, "status") == {}
    sh(repo_copy, sys.executable, "scripts/sync_frontends.py", "--from", "dvc")
    dry_run = subprocess.run(["snakemake", "--cores", "1", "--dry-run"], cwd=repo_copy, capture_output=True, text=True)
    assert "Nothing to be done" in dry_run.stdout + dry_run.stderr
