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
from helpers import PARAMS_READ, dvc_json, env, kill_when, output_hashes, output_mtimes, sh, snakemake, take_away

from ganbench.pipeline.stages import STAGES

pytestmark = pytest.mark.e2e
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--cores", "2"]
DVC = [sys.executable, "-m", "dvc"]


CELL = ("mnist", "dcgan_ns", 0)  # the shared study's one cell
REREAD = ("summarize", "pick", "plot", "report")  # the stages that read every cell


def scores(root) -> dict[str, str]:
    """Every score file of a study (runs and the real-data row), by path, as text."""
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.glob("results/*/*/seed*/metrics.json"))}


def test_snakemake_runs_everything_and_leaves_dvc_clean(local_study):
    run, heavy = local_study / "results/mnist/dcgan_ns/seed0", local_study / "artifacts/mnist/dcgan_ns/seed0"
    for name in ("train_log.csv", "grid.png", "metrics.json", "metrics_home.json"):  # its records, in git
        assert (run / name).stat().st_size > 0, name
    for name in ("generator.keras", "generator_home.keras", "samples.npz", "samples_home.npz", "progress.gif"):
        assert (heavy / name).stat().st_size > 0, name  # its heavy outputs, in the DVC cache
    profile = json.loads((local_study / "results/profile/dcgan_ns.json").read_text())
    trained = json.loads((run / "train.json").read_text())
    assert trained["train_gflop"] == pytest.approx(trained["steps_done"] * profile["train_step_gflops"])
    assert trained["home_gflop"] <= trained["train_gflop"] and trained["home_reached"]
    assert (local_study / "results/plots/mnist/time_to_quality.png").stat().st_size > 10_000
    report = (local_study / "results/report.md").read_text()
    assert "**Home AI" in report and "**Enterprise AI" in report and "### Time to threshold (mnist)" in report
    assert (heavy / "progress.gif").read_bytes()[:6] == b"GIF89a" and len(list((run / "frames").glob("*.png"))) == 2
    assert (local_study / "results/picks/mnist-enterprise.gif").read_bytes() == (heavy / "progress.gif").read_bytes()
    card = json.loads((local_study / "data/mnist/card.json").read_text())
    assert card["counts"]["train"] == 60000
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["fid"] > 0 and 1 <= metrics["classifier_score"] <= 10
    assert metrics["protocol"]["samples"] == 500
    real = json.loads((local_study / "results/mnist/real/seed0/metrics.json").read_text())
    assert real["protocol"] == metrics["protocol"]  # the floor row is scored exactly like the samples
    assert real["fid"] < metrics["fid"] and real["recall"] > metrics["recall"]
    assert dvc_json(local_study, "status") == {}  # Snakemake's onsuccess recorded its work in dvc.lock
    shown = dvc_json(local_study, "metrics", "show")[""]["data"]
    assert list(shown) == ["results/leaderboard.json"]  # the leaderboard is the one DVC metrics file
    board = shown["results/leaderboard.json"]["data"]
    assert board["mnist"]["dcgan_ns"]["fid"] == pytest.approx(metrics["fid"], rel=1e-4)
    trained = json.loads((local_study / "results/mnist/dcgan_ns/seed0/train.json").read_text())
    assert board["mnist"]["dcgan_ns"]["train_gflop"] == pytest.approx(trained["train_gflop"], rel=1e-4)
    assert board["picks"]["mnist"]["enterprise"] == "dcgan_ns"
    table = sh(local_study, sys.executable, "-m", "ganbench", "leaderboard")
    assert "| mnist | dcgan_ns |" in table and "| mnist | real data (floor) |" in table
    hours = (local_study / "results/hours.md").read_text()  # Snakemake's job accounting, summed per stage
    assert "| train | 1 |" in hours and "| profile | 1 |" in hours and "| sync | 1 |" in hours
    assert "Wall time of the last Snakemake run" in hours


def stage_of(argv: list[str]):
    """The stage a process ran (matched by script and, for scripts two stages share, by the command),
    and its cell values from the command line; None for processes that are not stages."""
    if not argv or not argv[0].endswith(".py") or "scripts/" not in argv[0]:
        return None
    script = "scripts/" + argv[0].rsplit("scripts/", 1)[1]
    candidates = [s for s in STAGES if s.script == script]
    stage = next((s for s in candidates if "/real/" in " ".join(argv) and "real" in s.name), candidates[0])
    cell = {argv[i].lstrip("-"): argv[i + 1] for i in range(1, len(argv) - 1) if argv[i] in ("--dataset", "--variant",
                                                                                               "--seed")}
    return stage, cell


def undeclared_reads(*roots) -> tuple[list[str], set[str]]:
    """Params keys a stage process in any of `roots` read (helpers.PARAMS_READ) that its stage does not
    declare, and the stages seen. A read key is covered by a declared key equal to it or above it
    (`eval` covers `eval.samples`)."""
    problems, stages_seen = set(), set()
    for root in roots:
        for line in (root / PARAMS_READ).read_text().splitlines():
            found = stage_of(json.loads(line)["argv"])
            if found is None:
                continue
            (stage, cell), read = found, json.loads(line)["read"]
            stages_seen.add(stage.name)
            declared = [key.format(**cell) for key in stage.params]
            problems |= {f"{stage.name}: reads {key}" for key in read
                         if not any(key == d or key.startswith(d + ".") for d in declared)}
    return sorted(problems), stages_seen


def test_every_stage_declares_the_params_it_reads(local_study, smoke_inputs):
    """Each stage's declared params are its rerun trigger in both front ends: a key it reads but does not
    declare would let an edit of that key leave its outputs stale. Every process in a copy records what
    it read (ganbench.config.RecordingParams); the inputs copy ran the data, classifier and reference
    stages, the seeded study every other one."""
    problems, seen = undeclared_reads(local_study, smoke_inputs)
    assert problems == []
    assert seen == {s.name for s in STAGES}


def test_killed_snakemake_finishes_on_rerun_without_redoing_jobs_and_same_metrics(local_study, study_copy):
    """kill -9 Snakemake and its jobs in the middle of the training (as its second epoch begins, after
    the first one's checkpoint), then start it again as the README says (`--rerun-incomplete`, after
    `snakemake --unlock`, as the LockException says): the training resumes from its checkpoint, the
    study finishes, no output that existed at the kill is rewritten, and every model and score equals
    the uninterrupted run's (same machine). The training to kill is the finished study's cell, taken away
    with everything that reads it (`take_away`) in a copy."""
    root = study_copy
    take_away(root, *CELL, readers=REREAD)
    kill_when(root, SNAKEMAKE, r"Epoch 2/")  # Keras prints it after epoch 1's callbacks saved the backup
    finished = output_mtimes(root)
    assert not any(name.endswith("/train.json") for name in finished)

    rerun = [*SNAKEMAKE, "--rerun-incomplete"]
    again = subprocess.run(rerun, cwd=root, capture_output=True, text=True, env=env(root))
    said = again.stdout + again.stderr  # kill -9 left the run's lock: Snakemake refuses and says how to remove it
    assert again.returncode != 0 and "LockException" in said and "--unlock" in said, said[-3000:]
    snakemake(root, "--unlock")
    assert "resuming from" in sh(root, *rerun)
    after = output_mtimes(root)
    assert {name: after.get(name) for name in finished} == finished  # nothing finished was redone
    assert set(after) == set(output_mtimes(local_study))  # and the study is complete
    assert scores(root) == scores(local_study)
    models = [name for name in after if name.endswith(".keras") and name.startswith("artifacts/")]
    ours, uninterrupted = output_hashes(root), output_hashes(local_study)
    assert len(models) == 2 and {m: ours[m] for m in models} == {m: uninterrupted[m] for m in models}


@pytest.mark.own_study  # builds everything it runs: it runs beside the unit tests (run.sh)
def test_killed_dvc_repro_finishes_on_rerun_without_redoing_stages(new_study):
    """The whole pipeline through `dvc repro` (Fashion-MNIST, class-conditional DCGAN), kill -9 in the
    middle of the training (as its second epoch begins), `dvc repro` again: the training resumes from
    its checkpoint, the stages DVC had finished are not rerun, the study completes, and `ganbench sync
    --from dvc` leaves Snakemake nothing to do."""
    root = new_study("dvc", "fashion", "cdcgan_ns")  # every stage, data included, through DVC
    kill_when(root, [*DVC, "repro"], r"Epoch 2/")  # the classifier's smoke training has one epoch
    finished = output_mtimes(root)
    assert "data/fashion/data.npz" in finished and "artifacts/fashion/cdcgan_ns/seed0/generator.keras" not in finished

    log = sh(root, *DVC, "repro")
    assert "Running stage 'fetch_data@" not in log and "Running stage 'train_classifier@" not in log
    assert "Running stage 'train@" in log and "resuming from" in log
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


def test_snakemake_html_report_bundles_the_figures_and_the_report(local_study, tmp_path):
    """`snakemake --report` (README): captions resolve, the one-file report holds every figure, and its front
    page (results/report_front.rst) gives the picks.
    Written outside the shared study, which other tests compare file by file."""
    snakemake(local_study, "--report", str(tmp_path / "report.html"))
    page = (tmp_path / "report.html").read_text(errors="replace")
    assert len(page) > 100_000 and "time_to_quality.png" in page and "report.md" in page
    assert "the answer" in page and "Enterprise AI" in page and "dcgan_ns" in page  # the front page: the picks
