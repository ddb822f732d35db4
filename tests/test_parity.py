"""The Snakefile and dvc.yaml must expand to the same DAG: same commands, inputs and outputs."""
import shutil
import subprocess
from pathlib import Path

import pytest

from ganbench.frontends import Job, differences, dvc_jobs, parse_dry_run, snakemake_jobs

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ["Snakefile", "rules", "dvc.yaml", "params.yaml", "schemas", "scripts", "src"]


@pytest.fixture(scope="module")
def workflow_copy(tmp_path_factory) -> Path:
    """The workflow definition alone, in a fresh DVC repo, so edits cannot touch the real one."""
    root = tmp_path_factory.mktemp("workflow")
    for name in WORKFLOW_FILES:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    subprocess.run(["dvc", "init", "--no-scm", "-q"], cwd=root, check=True)
    return root


def test_snakefile_and_dvc_yaml_expand_to_the_same_dag():
    snake, dvc = snakemake_jobs(REPO), dvc_jobs(REPO)
    assert differences(snake, dvc) == []
    assert len(snake) == len(dvc) > 0  # no command appears twice on one side only


def test_a_stage_added_only_to_dvc_yaml_is_caught(workflow_copy):
    original = (workflow_copy / "dvc.yaml").read_text()
    try:
        (workflow_copy / "dvc.yaml").write_text(original + (
            "  extra:\n    cmd: python scripts/plot.py --dataset extra\n"
            "    deps:\n      - scripts/plot.py\n    outs:\n      - results/extra.png\n"))
        problems = differences(snakemake_jobs(workflow_copy), dvc_jobs(workflow_copy))
    finally:
        (workflow_copy / "dvc.yaml").write_text(original)
    assert problems == ["only in dvc.yaml: python scripts/plot.py --dataset extra"]


def test_a_rule_added_only_to_the_snakefile_is_caught(workflow_copy):
    snakefile = workflow_copy / "Snakefile"
    original = snakefile.read_text()
    try:
        snakefile.write_text(original.replace(
            "rule all:\n    input:\n", "rule all:\n    input:\n        \"results/extra.txt\",\n") + (
            "\n\nrule extra:\n    input:\n        \"params.yaml\",\n    output:\n        \"results/extra.txt\",\n"
            "    shell:\n        \"python scripts/extra.py > {output}\"\n"))
        problems = differences(snakemake_jobs(workflow_copy), dvc_jobs(workflow_copy))
    finally:
        snakefile.write_text(original)
    assert problems == ["only in Snakefile: python scripts/extra.py > results/extra.txt"]


def test_changed_inputs_or_outputs_are_caught():
    snake = [Job("python a.py", frozenset({"a.py", "data/x.npz"}), frozenset({"out/y"}))]
    assert differences(snake, [Job("python a.py", frozenset({"a.py"}), frozenset({"out/y"}))]) != []
    assert differences(snake, [Job("python a.py", frozenset({"a.py", "data/x.npz"}), frozenset({"out/z"}))]) != []
    # a DVC directory dep covers the Snakemake files inside it
    assert differences(snake, [Job("python a.py", frozenset({"a.py", "data"}), frozenset({"out/y"}))]) == []


def test_dry_run_parser_reads_commands_and_files_and_drops_the_log_redirect():
    report = ("rule train:\n    input: a.py, data/x.npz\n    output: out/y\n    log: logs/t.log\n"
              "Shell command: python a.py --seed 0 2>&1 | tee logs/t.log\n\nlocalrule all:\n    input: out/y\n")
    assert parse_dry_run(report) == [Job("python a.py --seed 0", frozenset({"a.py", "data/x.npz"}),
                                         frozenset({"out/y"}))]
