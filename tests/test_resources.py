"""Per-rule threads and cluster resources come from params.yaml `resources:` (ganbench.pipeline.snakemake_glue)."""
import re
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, run

from ganbench.pipeline.stages import STAGES


def test_the_schema_names_exactly_the_stages():
    schema = yaml.safe_load((REPO / "schemas/params.schema.yaml").read_text())
    assert set(schema["properties"]["resources"]["propertyNames"]["enum"]) == {s.name for s in STAGES} | {"default"}


def dry_run_resources(root: Path, target: str) -> dict[str, str]:
    """rule -> its `threads:` + `resources:` lines from a forced dry run of one target."""
    done = run(root, sys.executable, "-m", "snakemake", "--nolock", "--dry-run", "--forceall", "--cores", "8",
                       target)
    assert done.returncode == 0, done.stderr[-2000:]
    found, rule = {}, None
    for line in done.stdout.splitlines():
        if m := re.match(r"^(?:local)?rule (\w+):$", line):
            rule = m[1]
        elif rule and line.startswith(("    threads:", "    resources:")):
            found[rule] = found.get(rule, "") + line.strip() + " "
    return found


@pytest.mark.parametrize("profile", ["full", "default"])
def test_each_rule_takes_its_own_entry_and_only_the_full_profile_asks_for_gpus(profile, repo_copy):
    root = repo_copy(f"resources-{profile}", only=("Snakefile", "rules/", "schemas/", "scripts/", "src/", "profiles/",
                                                   "report/", "envs/"), profile=profile)
    jobs = dry_run_resources(root, "results/mnist/cdcgan/seed0/train.json")
    if profile == "full":
        assert "threads: 4" in jobs["train"] and "gpu=1" in jobs["train"] and "runtime=480" in jobs["train"]
        assert "gpu=1" in jobs["train_classifier"]
        assert "gpu" not in jobs["fetch_data"] and "mem_mb=4000" in jobs["fetch_data"]
    else:  # threads "all": every core given to Snakemake, so a timed training runs alone
        assert "gpu" not in jobs["train"] and "threads: 8" in jobs["train"] and "mem_mb=4000" in jobs["train"]
