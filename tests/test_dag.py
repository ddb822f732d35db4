"""One declaration of the DAG: dvc.yaml is what the stage table generates, both front ends expand to
the same jobs (commands, files, params), and every stage depends on all the code it runs."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from dag_views import differences, dvc_jobs, snakemake_jobs
from helpers import REPO, run

from ganbench.pipeline.captions import stale as stale_captions
from ganbench.pipeline.codedeps import EXEMPT, code_deps, module_file
from ganbench.pipeline.dvc_yaml import render
from ganbench.pipeline.stages import STAGES
from ganbench.reporting.figures import FIGURES

WORKFLOW = ("Snakefile", "rules/", "dvc.yaml", "params.yaml", "schemas/", "scripts/", "src/", "profiles/", "report/",
            "envs/")


@pytest.fixture
def workflow(repo_copy) -> Path:
    """The workflow definition alone, in a fresh DVC repo, so edits cannot touch the real one."""
    root = repo_copy("workflow", only=WORKFLOW)
    assert run(root, sys.executable, "-m", "dvc", "init", "--no-scm", "-q").returncode == 0
    return root


def test_dvc_yaml_is_what_the_stage_table_generates():
    assert (REPO / "dvc.yaml").read_text() == render(REPO), "dvc.yaml is stale or hand-edited: run `ganbench dag`"


def test_snakemake_and_dvc_expand_to_the_same_jobs_params_included():
    snake, dvc = snakemake_jobs(REPO), dvc_jobs(REPO)
    assert differences(snake, dvc) == []
    assert len(snake) == len(dvc) > 0  # no command appears twice on one side only
    train = next(j for j in dvc if j.cmd.startswith("python scripts/train.py --dataset mnist --variant mlp "))
    assert {"variants.mlp", "variant_defaults", "budget"} <= train.params


def test_a_hand_edit_of_dvc_yaml_is_caught(workflow):
    dvc_yaml = workflow / "dvc.yaml"
    dvc_yaml.write_text(dvc_yaml.read_text().replace("    - eval.samples\n", "    - eval.samples\n    - eval.knn_k\n", 1))
    check = run(workflow, sys.executable, "-m", "ganbench", "dag", "--check")
    named = check.stderr.partition(": not what")[0].split(", ")  # the copy has no docs: they are named too
    assert check.returncode == 1 and "dvc.yaml" in named and "run `ganbench dag`" in check.stderr, check.stderr
    assert any("params differ" in p and "eval.knn_k" in p
               for p in differences(snakemake_jobs(workflow), dvc_jobs(workflow)))


def test_a_param_added_to_the_snakemake_rules_only_is_caught(workflow):
    rules = workflow / "rules/stages.smk"
    rules.write_text(rules.read_text().replace("settings=glue.params(stage, config),",
                                               "settings=glue.params(stage, config),\n            seeds=config['seeds'],"))
    problems = differences(snakemake_jobs(workflow), dvc_jobs(workflow))
    assert problems and all("params differ" in p and "<param seeds>" in p for p in problems)


def test_a_stage_added_to_dvc_yaml_only_is_caught(workflow):
    (workflow / "dvc.yaml").write_text((workflow / "dvc.yaml").read_text() + (
        "  extra:\n    cmd: python scripts/plot.py --dataset extra\n"
        "    deps:\n      - scripts/plot.py\n    outs:\n      - results/extra.png\n"))
    assert differences(snakemake_jobs(workflow), dvc_jobs(workflow)) == [
        "only in dvc.yaml: python scripts/plot.py --dataset extra"]


# ------------------------------------------------------------------------------- code dependencies
IMPORTED = """
import json, runpy, sys
loaded = {}
for script in sys.argv[1:]:  # one interpreter for all: ganbench is unloaded between scripts (TF may stay)
    for name in [m for m in sys.modules if m == "ganbench" or m.startswith("ganbench.")]:
        del sys.modules[name]
    runpy.run_path(script, run_name="not_main")  # the script's module level: its imports, nothing run
    loaded[script] = sorted(m for m in sys.modules if m == "ganbench" or m.startswith("ganbench."))
print(json.dumps(loaded))
"""
SCRIPTS = sorted({s.script for s in STAGES})


@pytest.fixture(scope="module")
def imported() -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", IMPORTED, *SCRIPTS], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_module_a_stage_imports_is_a_declared_dependency(script, imported):
    """Walk the imports the way Python does (execute the script's module level in a fresh set of
    ganbench modules) and check each ganbench module loaded is among the stage's declared deps."""
    declared = set(code_deps(script, REPO))
    missing = [m for m in imported[script]
               if m not in EXEMPT and str(module_file(m, REPO).relative_to(REPO)) not in declared]
    assert missing == [], f"{script} imports {missing}, which its stage does not depend on"


def test_code_deps_follow_imports_inside_functions_and_count_registries_whole(tmp_path):
    pkg = tmp_path / "src/ganbench"
    (pkg / "training/models").mkdir(parents=True)
    for name in ("__init__", "a", "b", "cli", "training/__init__", "training/models/__init__", "training/models/x",
                 "training/models/y"):
        (pkg / f"{name}.py").write_text("")
    (pkg / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ganbench import cli\n"
                              "def f():\n    from ganbench.b import g\n")
    (pkg / "b.py").write_text("from ganbench.training.models import x\nfrom ganbench import cli\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts/s.py").write_text("from ganbench import a\n")
    assert code_deps("scripts/s.py", tmp_path) == [
        "scripts/s.py", *(f"src/ganbench/{n}.py" for n in ("__init__", "a", "b", "training/__init__",
                                                          "training/models/__init__", "training/models/x",
                                                          "training/models/y"))]


def test_training_does_not_depend_on_the_knn_metrics():
    """Module boundaries decide rerun granularity: editing the k-NN metrics must not retrain generators."""
    train = code_deps("scripts/train.py", REPO)
    assert "src/ganbench/evaluation/metrics/fid.py" in train and "src/ganbench/evaluation/metrics/knn.py" not in train
    assert "src/ganbench/data/fetch.py" not in train and "src/ganbench/evaluation/classifier.py" not in train


def test_every_figure_in_the_snakemake_report_has_its_caption_file():
    """Snakemake resolves captions when `--report` runs; a missing one fails the whole report. The
    figures' captions are generated from the figure registry (`ganbench dag`) and must be current."""
    captions = {out.caption for stage in STAGES for out in stage.outputs if out.caption}
    assert captions >= {f"figures/{fig.name}" for fig in FIGURES}
    assert [c for c in sorted(captions) if not (REPO / "report" / f"{c}.rst").is_file()] == []
    assert stale_captions(REPO) == [], "report/figures/ is stale: run `ganbench dag`"
