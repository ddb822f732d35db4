"""The whole pipeline on the smoke profile (real data subsets), through Snakemake and through DVC,
each killed mid-study and started again.

Each run is the smoke profile cut to one dataset and one variant (the `smoke_study` fixture):
Snakemake on MNIST with the reference DCGAN (the shared `local_study`), DVC on Fashion-MNIST with
the class-conditional DCGAN, so together they cover both datasets' sources and both sample formats.
Runs in temporary copies of the repository. Slow (minutes): select or skip with `-m e2e` / `-m "not e2e"`.
"""
import json
import subprocess
import sys

import pytest
from workspace import dvc_json, env, kill_when, output_mtimes, sh, snakemake

pytestmark = pytest.mark.e2e
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--cores", "2"]
DVC = [sys.executable, "-m", "dvc"]


def scores(root) -> dict[str, str]:
    """Every score file of a study (runs and the real-data row), by path, as text."""
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.glob("results/*/*/seed*/metrics.json"))}


def test_snakemake_runs_everything_and_leaves_dvc_clean(local_study):
    run = local_study / "results/mnist/dcgan_ns/seed0"
    for name in ("generator.keras", "train_log.csv", "samples.npz", "grid.png", "metrics.json", "profile.json",
                 "progress.gif"):
        assert (run / name).stat().st_size > 0, name
    assert (local_study / "results/plots/mnist/time_to_quality.png").stat().st_size > 10_000
    report = (local_study / "results/report.md").read_text()
    assert "**Home AI" in report and "**Enterprise AI" in report and "### Time to threshold (mnist)" in report
    assert (run / "progress.gif").read_bytes()[:6] == b"GIF89a" and len(list((run / "frames").glob("*.png"))) == 2
    card = json.loads((local_study / "data/mnist/card.json").read_text())
    assert card["counts"]["train"] == 60000
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["fid"] > 0 and 1 <= metrics["classifier_score"] <= 10
    assert metrics["protocol"]["samples"] == 500
    real = json.loads((local_study / "results/mnist/real/seed0/metrics.json").read_text())
    assert real["protocol"] == metrics["protocol"]  # the floor row is scored exactly like the samples
    assert real["fid"] < metrics["fid"] and real["recall"] > metrics["recall"]
    assert dvc_json(local_study, "status") == {}  # Snakemake's onsuccess recorded its work in dvc.lock
    shown = json.dumps(dvc_json(local_study, "metrics", "show"))
    assert "fid" in shown and "test_accuracy" in shown


def test_killed_snakemake_finishes_on_rerun_without_redoing_jobs_and_same_metrics(local_study, smoke_study):
    """kill -9 Snakemake and its jobs right after the training finished, then start it again as the
    README says (`--rerun-incomplete`, after `snakemake --unlock` if it reports a stale lock): the
    study finishes, no output that existed at the kill is rewritten, and every score equals the
    uninterrupted run's (same machine)."""
    root = smoke_study("killed")
    kill_when(root, SNAKEMAKE, r"Finished jobid: \d+ \(Rule: train\)")
    finished = output_mtimes(root)
    assert any(name.endswith("/train.json") for name in finished)

    rerun = [*SNAKEMAKE, "--rerun-incomplete"]
    again = subprocess.run(rerun, cwd=root, capture_output=True, text=True, env=env(root))
    if again.returncode:  # the killed run's lock is stale; Snakemake says to remove it with --unlock
        assert "--unlock" in again.stdout + again.stderr, again.stderr[-3000:]
        snakemake(root, "--unlock")
        sh(root, *rerun)
    after = output_mtimes(root)
    assert {name: after.get(name) for name in finished} == finished  # nothing finished was redone
    assert set(after) == set(output_mtimes(local_study))  # and the study is complete
    assert scores(root) == scores(local_study)


def test_killed_dvc_repro_finishes_on_rerun_without_redoing_stages(smoke_study):
    """The whole pipeline through `dvc repro` (Fashion-MNIST, class-conditional DCGAN), kill -9 once
    the first generator is trained, `dvc repro` again: the stages DVC had finished are not rerun,
    the study completes, and `ganbench sync --from dvc` leaves Snakemake nothing to do."""
    root = smoke_study("dvc", "fashion", "cdcgan_ns", seeded=False)  # every stage, data included, through DVC
    kill_when(root, [*DVC, "repro"], r"Running stage 'generate@")
    finished = output_mtimes(root)
    assert "results/fashion/cdcgan_ns/seed0/generator.keras" in finished

    log = sh(root, *DVC, "repro")
    assert "Running stage 'train@" not in log and "Running stage 'fetch_data@" not in log
    after = output_mtimes(root)
    assert {name: after.get(name) for name in finished} == finished  # nothing finished was redone
    assert dvc_json(root, "status") == {}

    card = json.loads((root / "data/fashion/card.json").read_text())
    assert card["counts"] == {"train": 60000, "test": 10000}
    metrics = json.loads((root / "results/fashion/cdcgan_ns/seed0/metrics.json").read_text())
    assert 0 <= metrics["conditional_accuracy"] <= 1 and metrics["fid"] > 0
    assert (root / "results/plots/fashion/class_shares.png").stat().st_size > 10_000

    sh(root, sys.executable, "-m", "ganbench", "sync", "--from", "dvc")
    assert "Nothing to be done" in snakemake(root, "--cores", "1", "--dry-run")


def test_snakemake_html_report_bundles_the_figures_and_the_report(local_study):
    """`snakemake --report` (README): captions resolve, and the one-file report holds every figure."""
    snakemake(local_study, "--report", "results/report.html")
    page = (local_study / "results/report.html").read_text(errors="replace")
    assert len(page) > 100_000 and "time_to_quality.png" in page and "report.md" in page
