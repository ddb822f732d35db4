"""Per-rule threads and cluster resources come from params.yaml `resources:` (rules/common.smk)."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ["Snakefile", "rules", "report", "params.yaml", "profiles", "schemas", "scripts", "src"]


def rule_blocks() -> dict[str, str]:
    blocks = {}
    for smk in sorted((REPO / "rules").glob("*.smk")):
        for block in re.split(r"(?m)^(?=rule \w+:)", smk.read_text()):
            if m := re.match(r"rule (\w+):", block):
                blocks[m[1]] = block
    return blocks


def test_every_rule_takes_its_own_threads_and_resources():
    for name, block in rule_blocks().items():
        assert f'threads: threads_for("{name}")' in block, name
        assert f'**resources_for("{name}")' in block, name


def test_the_schema_names_exactly_the_rules():
    schema = yaml.safe_load((REPO / "schemas/params.schema.yaml").read_text())
    assert set(schema["properties"]["resources"]["properties"]) == set(rule_blocks()) | {"default"}


@pytest.fixture(scope="module")
def full_profile_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("full")
    for name in WORKFLOW_FILES:
        if (REPO / name).exists():
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    shutil.copy(root / "profiles/full.yaml", root / "params.yaml")
    return root


def dry_run_resources(root: Path, target: str) -> dict[str, str]:
    """rule -> its `threads:` + `resources:` lines from a forced dry run of one target."""
    done = subprocess.run([sys.executable, "-m", "snakemake", "--nolock", "--dry-run", "--forceall", "--cores", "8",
                           target], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    found, rule = {}, None
    for line in done.stdout.splitlines():
        if m := re.match(r"^(?:local)?rule (\w+):$", line):
            rule = m[1]
        elif rule and line.startswith(("    threads:", "    resources:")):
            found[rule] = found.get(rule, "") + line.strip() + " "
    return found


def test_full_profile_asks_a_gpu_for_training_and_default_does_not(full_profile_copy):
    jobs = dry_run_resources(full_profile_copy, "results/mnist/dcgan_ns/seed0/train.json")
    assert "threads: 4" in jobs["train"] and "gpu=1" in jobs["train"] and "runtime=480" in jobs["train"]
    assert "gpu=1" in jobs["train_classifier"]
    assert "gpu" not in jobs["fetch_data"] and "mem_mb=4000" in jobs["fetch_data"]
    shutil.copy(REPO / "params.yaml", full_profile_copy / "params.yaml")
    jobs = dry_run_resources(full_profile_copy, "results/mnist/dcgan_ns/seed0/train.json")
    assert "gpu" not in jobs["train"] and "threads: 2" in jobs["train"] and "mem_mb=4000" in jobs["train"]
