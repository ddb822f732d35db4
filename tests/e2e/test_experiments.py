"""The used-by flow on a finished (reduced) smoke study: the README's compare recipe (its `compare` block,
run as written: `dvc exp run -S`, `dvc metrics diff`, `ganbench plots-diff`); then DVC experiments: a queued
sweep (`--queue` + `dvc queue start`),
`dvc exp show` / `dvc exp diff`, `dvc exp apply` / `dvc exp branch`, `dvc plots diff` (DVC's HTML
and the offline PNG). After each step that changes the workspace, `ganbench sync --from dvc`
brings Snakemake in step, and then neither tool has work left.

The steps build on each other through module fixtures (`edited`: the README's experiment; `swept`: a second
one, queued), so every test also passes alone (`pytest <its id>`) and the steps run once.

Slow (minutes): select or skip it with `-m e2e` / `-m "not e2e"`.
"""
import json
import os
import re
import shutil
import sys
import time

import pytest
from helpers import PARAMS_READ, commit, dvc_json, edit_params, output_mtimes, run_readme_block, sh, snakemake

from ganbench.pipeline.codedeps import code_deps
from ganbench.pipeline.stages import STAGES

pytestmark = pytest.mark.e2e
LOSS = "variants.dcgan_ns.loss"  # the README's experiment: non_saturating -> hinge
CELL = "results/mnist/dcgan_ns/seed0"
HEAVY = "artifacts/mnist/dcgan_ns/seed0"
LEADERBOARD, FID = "results/leaderboard.json", "mnist.dcgan_ns.fid"  # the DVC metrics file and its key
# what an edit of dcgan_ns's params may rerun: its cell (train, generate, score, profile) and the
# per-dataset stages that read every cell; never the data, the classifier or the real-data row
DOWNSTREAM = (f"{CELL}/", f"{HEAVY}/", "results/profile/dcgan_ns", "results/summary", "results/timing", "results/picks/",
              "results/report.md", "results/report_front.rst",
              "results/leaderboard.json", "results/plots/mnist/", "results/plots_diff/")  # the last: the block's plots-diff


def dvc(root, *args: str) -> str:
    return sh(root, sys.executable, "-m", "dvc", *args)


def assert_in_step(root) -> None:
    """Sync Snakemake to DVC's work, then neither front end has anything to do."""
    sh(root, sys.executable, "-m", "ganbench", "sync", "--from", "dvc")
    assert dvc_json(root, "status") == {}
    assert "Nothing to be done" in snakemake(root, "--cores", "1", "--dry-run")


def wait_for_queue(root, timeout_s: float = 900) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = dvc(root, "queue", "status")
        if not any(word in status for word in ("Queued", "Running")):
            return status
        time.sleep(5)
    raise AssertionError(f"dvc queue still busy after {timeout_s} s:\n{status}")


def metric(shown: list, name: str, key: str = FID):
    """A leaderboard figure (dotted key) of experiment `name` from `dvc exp show --json`."""
    for baseline in shown:
        for exp in baseline.get("experiments") or []:
            for rev in exp["revs"]:
                if rev["name"] == name:
                    value = rev["data"]["metrics"][LEADERBOARD]["data"]
                    for part in key.split("."):
                        value = value[part]
                    return value
    raise AssertionError(f"experiment {name} not in dvc exp show")


@pytest.fixture(scope="module")
def study(local_study, tmp_path_factory):
    """A private copy of the finished study, committed as the experiments' baseline."""
    root = tmp_path_factory.mktemp("experiments") / "ganbench"
    shutil.copytree(local_study, root, symlinks=True)
    commit(root, "baseline study")
    return root


def test_a_forced_rerun_of_the_classifier_leaves_everything_downstream_current(study):
    """Same inputs, same bytes: retraining the classifier gives the same model file, so DVC finds
    nothing downstream changed (only the stage itself reran; its metrics record a new wall time)."""
    model = study / "models/classifier/mnist.keras"
    before = model.read_bytes()
    dvc(study, "repro", "--force", "--single-item", "train_classifier@mnist")
    assert model.read_bytes() == before
    assert dvc_json(study, "status") == {}
    assert_in_step(study)
    commit(study, "classifier retrained")  # its metrics file has a new train_seconds: the baseline of what follows


STUDY_LEVEL = {"summarize", "pick", "report", "plot"}  # what may rerun after an edit of the reporting code
EDITS = {  # module(s) edited -> (stages that must go stale in DVC, stages neither front end may plan)
    "k-NN metrics": (("evaluation/metrics/knn.py",), {"score", "score_real"},
                     {"train", "generate", "profile"}),
    "figure registry and plot code": (("reporting/figures.py", "reporting/plots.py"), {"plot", "report"},
                                      {s.name for s in STAGES} - STUDY_LEVEL),
    "metric registry": (("evaluation/registry.py",), {"score", "score_real"}, {"train", "generate", "profile"}),
}


def planned_stages(study) -> tuple[set[str], set[str]]:
    """(stages `dvc status` calls changed, rules a Snakemake dry run would run)."""
    stale = {name.split("@")[0] for name in dvc_json(study, "status")}
    planned = set(re.findall(r"^(?:local)?rule (\w+):$", snakemake(study, "--cores", "1", "--dry-run"), re.M))
    return stale, planned


@pytest.mark.parametrize("edit", EDITS)
def test_editing_a_module_stales_exactly_the_stages_that_import_it(study, edit):
    """Code deps are the import closure, and module boundaries are rerun boundaries: an edit of the
    k-NN metrics stales scoring, not training; of a figure or the plot code only the plot and report
    stages; of the metric registry no training."""
    modules, must, never = EDITS[edit]
    paths = [study / "src/ganbench" / m for m in modules]
    saved = [(p, p.read_text(), p.stat()) for p in paths]
    importers = {stage.name for stage in STAGES
                 if any(str(p.relative_to(study)) in code_deps(stage.script, study) for p in paths)}
    assert must <= importers and not importers & never
    for path in paths:
        path.write_text(path.read_text() + "\n# an edit\n")
    try:
        stale, planned = planned_stages(study)
    finally:
        for path, text, stat in saved:
            path.write_text(text)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert stale == importers  # DVC: the stages whose own deps changed
    assert importers <= planned and not planned & never  # Snakemake: those and what is downstream of them
    assert dvc_json(study, "status") == {}


@pytest.fixture(scope="module")
def edited(study) -> dict:
    """The README's `compare` block run as written in the study (HEAD is the baseline): its output and the
    outputs it rewrote."""
    before = output_mtimes(study)
    said = run_readme_block(study, "compare", study / PARAMS_READ)
    return {"said": said, "rerun": {name for name, mtime in output_mtimes(study).items() if before.get(name) != mtime}}


@pytest.fixture(scope="module")
def swept(edited, study) -> None:
    """Two experiments: the README's `hinge` and a queued `lsgan`."""
    dvc(study, "exp", "run", "--queue", "-S", f"{LOSS}=least_squares", "-n", "lsgan")
    dvc(study, "queue", "start")
    assert "Success" in wait_for_queue(study)


def test_a_param_of_the_classifier_stales_the_classifier_alone(study):
    params = study / "params.yaml"
    before = params.read_bytes()
    edit_params(study, lambda p: p["classifier"].update(train_samples=p["classifier"]["train_samples"] + 1000))
    # dvc status names the stages whose own params changed (repro would then run all downstream)
    assert set(dvc_json(study, "status")) == {"train_classifier@mnist"}
    params.write_bytes(before)  # undone
    assert dvc_json(study, "status") == {}


def test_the_readme_compare_recipe_reruns_only_the_edited_variant_and_metrics_diff_shows_it(study, edited):
    # the variant's cell (training and profile read its params) and the stages listing the variants
    assert set(re.findall(r"Running stage '([^']+)'", edited["said"])) == {
        "train@mnist-dcgan_ns-0", "generate@mnist-dcgan_ns-0", "score@mnist-dcgan_ns-0", "profile@dcgan_ns",
        "summarize@mnist", "pick@mnist", "plot@mnist", "report"}
    assert f"{HEAVY}/generator.keras" in edited["rerun"] and f"{CELL}/metrics.json" in edited["rerun"]
    assert [name for name in edited["rerun"] if not name.startswith(DOWNSTREAM)] == []
    assert any(FID in line for line in edited["said"].splitlines())  # the block's `dvc metrics diff HEAD`
    assert list((study / "results/plots_diff").glob("*.png"))  # and its `ganbench plots-diff`

    diff = dvc_json(study, "metrics", "diff")  # HEAD (the baseline) against the workspace
    assert list(diff) == [LEADERBOARD]  # the one metrics file: per-run files are versioned, not metrics
    changed = {key for key, values in diff[LEADERBOARD].items() if values.get("diff")}
    assert FID in changed and all(key.startswith(("mnist.dcgan_ns.", "picks.")) for key in changed)
    lines = sh(study, sys.executable, "-m", "dvc", "metrics", "diff").splitlines()
    assert any(FID in line for line in lines[:20])  # a person sees the edited variant's FID first
    assert_in_step(study)


def test_queued_sweep_show_and_diff(study, swept):
    shown = dvc_json(study, "exp", "show")
    fids = {name: metric(shown, name) for name in ("hinge", "lsgan")}
    assert all(f > 0 for f in fids.values()) and fids["hinge"] != fids["lsgan"]

    diff = dvc_json(study, "exp", "diff", "hinge", "lsgan")
    assert diff["params"]["params.yaml"][LOSS]["old"] == "hinge"
    assert diff["params"]["params.yaml"][LOSS]["new"] == "least_squares"
    assert diff["metrics"][LEADERBOARD][FID]["diff"] != 0


def test_apply_and_branch_keep_an_experiment(study, swept):
    dvc(study, "exp", "apply", "lsgan")
    applied = json.loads((study / f"{CELL}/metrics.json").read_text())
    assert applied["fid"] == pytest.approx(metric(dvc_json(study, "exp", "show"), "lsgan"), abs=1e-4)
    assert_in_step(study)  # the applied experiment's outputs count as built for both tools

    dvc(study, "exp", "branch", "hinge", "keep-hinge")
    assert "keep-hinge" in sh(study, "git", "branch", "--list", "keep-hinge")
    assert "loss: hinge" in sh(study, "git", "show", "keep-hinge:params.yaml")


def test_plots_diff_overlays_two_experiments_in_html_and_png(study, swept):
    out = study / "plots_diff"
    dvc(study, "plots", "diff", "hinge", "lsgan", "-o", str(out / "dvc"))
    page = (out / "dvc/index.html").read_text()
    assert "hinge" in page and "lsgan" in page  # DVC's page: one colour per experiment

    target = f"{CELL}/train_log.csv"
    sh(study, sys.executable, "-m", "ganbench", "plots-diff", "hinge", "lsgan", "--targets", target,
       "--out", str(out / "offline"))
    png = out / "offline/results__mnist__dcgan_ns__seed0__train_log.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    html = png.with_suffix(".html").read_text()
    assert "hinge" in html and "lsgan" in html and "cdn.jsdelivr" not in html  # Vega is inside
