"""The Snakemake side of the stage table: what `rules/stages.smk` puts into each rule.

Snakemake's DSL cannot be generated from inside a function, so the rule body stays in the .smk file
(one loop over `ganbench.pipeline.stages.STAGES`); everything that rule body needs comes from here, built from
the same table that generates dvc.yaml, and computed with the params Snakemake loaded (`config`).
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.io import expand

from ganbench.config import DEFAULT_PARAMS, ConfigError
from ganbench.paths import REAL_ROW
from ganbench.pipeline.codedeps import code_deps
from ganbench.pipeline.stages import DATASET, SEED, STAGES, VARIANT, Stage

LOG_DIR = "logs"
CAPTIONS = Path("report")  # report/<caption>.rst, relative to the workflow root


def grid(config: dict) -> dict[str, list]:
    """The values each matrix wildcard takes in this study."""
    return {DATASET: list(config["datasets"]), VARIANT: list(config["variants"]), SEED: list(config["seeds"])}


def lookup(config: dict, dotted: str):
    """config['a']['b'] for 'a.b'."""
    value = config
    for part in dotted.split("."):
        value = value[part]
    return value


def inputs(stage: Stage, config: dict, root: Path = Path(".")) -> list:
    """Code, per-cell inputs, and a function expanding the gathered inputs for the cell's wildcards."""
    values = grid(config)

    def gathered(wildcards) -> list[str]:
        files = []
        for gather in stage.gathers:
            over = {w: values[w] + ([REAL_ROW] if w == VARIANT and gather.rows == "all" else []) for w in gather.over}
            fixed = {w: getattr(wildcards, w) for w in stage.matrix}
            files += expand(gather.path, **over, **{w: [v] for w, v in fixed.items()})
        return files

    return [*code_deps(stage.script, root), *stage.inputs, gathered]


def outputs(stage: Stage, report, directory) -> list:
    """Output paths; figures and the report wrapped in Snakemake's `report()` with their caption,
    directories in `directory()` (both passed in: they are Snakemake's own functions).

    Captions are resolved relative to the rule file (rules/), hence the `../`."""
    declared = []
    for out in stage.outputs:
        if out.report:
            caption = {"caption": f"../{CAPTIONS}/{out.caption}.rst"} if out.caption else {}
            declared.append(report(out.path, category="{dataset}" if "{dataset}" in out.path else "Report", **caption))
        else:
            declared.append(directory(out.path) if out.directory else out.path)
    return declared


def params(stage: Stage, config: dict):
    """The params this stage reads, by dotted key: Snakemake reruns a job when they change, as DVC does."""
    def settings(wildcards) -> dict:
        cell = {w: getattr(wildcards, w) for w in stage.matrix}
        return {key.format(**cell): lookup(config, key.format(**cell)) for key in stage.params}
    return settings


def log(stage: Stage) -> str:
    parts = {DATASET: "{dataset}", VARIANT: "{variant}", SEED: "seed{seed}"}
    cell = "/".join(parts[w] for w in stage.matrix) or stage.name
    return f"{LOG_DIR}/{stage.name}/{cell}.log"


def benchmark(stage: Stage) -> str:
    return f"{LOG_DIR}/benchmarks/{log(stage).removeprefix(LOG_DIR + '/').removesuffix('.log')}.tsv"


def command(stage: Stage):
    """The stage's command for a job (as in dvc.yaml), its output also teed into the job's log.

    Given to the rule as a param and run as `shell: "{params.command}"`: a `shell:` expression is
    evaluated when the job runs, after the loop over the stages has moved on, so it must not name
    the loop's `stage` (every rule would run the last stage's command)."""
    def formatted(wildcards) -> str:
        cell = {w: getattr(wildcards, w) for w in stage.matrix}
        return f"{stage.command.format(**cell)} 2>&1 | tee {log(stage).format(**cell)}"
    return formatted


def constraints(stage: Stage, config: dict) -> dict[str, str]:
    """Wildcard values a rule accepts: the study's datasets and trained variants, numeric seeds."""
    values = grid(config)
    allowed = {DATASET: "|".join(values[DATASET]), VARIANT: "|".join(values[VARIANT]), SEED: r"\d+"}
    return {w: allowed[w] for w in stage.matrix}


def all_outputs(config: dict) -> list[str]:
    """Every output of every stage over the whole grid: the `all` rule's input."""
    values = grid(config)
    return [path for stage in STAGES for out in stage.outputs
            for path in expand(out.path, **{w: values[w] for w in stage.matrix})]


# What each job asks of the machine or the cluster, from params.yaml `resources:`: a rule's own
# entry over `default`. Threads reach a job as OMP_NUM_THREADS: how many jobs run side by side and
# how many workers scoring uses, never the bytes of a result (ganbench.runtime fixes TensorFlow's
# pools); mem_mb, runtime (minutes) and gpu are the standard resources that cluster executor plugins
# turn into a job's request (workflow-profiles/) and that `snakemake --resources gpu=1` limits on
# one machine. Neither front end reruns a stage when they change.
# JOB_DEFAULTS serve a params file without `resources:`.
JOB_DEFAULTS = {"threads": 1, "mem_mb": 2000, "runtime": 30, "gpu": 0}


def job_settings(config: dict, rule_name: str) -> dict:
    resources = config.get("resources", {})
    return {**JOB_DEFAULTS, **resources.get("default", {}), **resources.get(rule_name, {})}


def cores_given(workflow) -> int | None:
    """`--cores` of this Snakemake run, or None where a command does not take it (`--summary`)."""
    try:
        return workflow.cores
    except WorkflowError:  # Snakemake refuses to read an undefined core count
        return None


def threads(config: dict, rule_name: str, cores: int | None) -> int:
    """The rule's threads; `all` means every core Snakemake was given (`--cores`), so the job runs alone."""
    wanted = job_settings(config, rule_name)["threads"]
    return (cores or 1) if wanted == "all" else wanted


def resources(config: dict, rule_name: str) -> dict:
    """mem_mb and runtime, plus gpu only when asked for: some plugins read a `gpu` key of 0 as a GPU job."""
    settings = job_settings(config, rule_name)
    gpu = {"gpu": settings["gpu"]} if settings["gpu"] else {}
    return {"mem_mb": settings["mem_mb"], "runtime": settings["runtime"], **gpu}


def _first_difference(a, b, prefix: str = "") -> str | None:
    """Dotted key of the first place where two parsed YAML documents differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys(), key=str):
            if key not in a or key not in b:
                return f"{prefix}{key}"
            found = _first_difference(a[key], b[key], f"{prefix}{key}.")
            if found:
                return found
        return None
    return None if a == b else prefix.rstrip(".") or "<top level>"


def refuse_overrides(config: dict, path: str | os.PathLike = DEFAULT_PARAMS) -> None:
    """Snakemake's `--config` / `--configfile` change the DAG but not what the stage scripts compute
    (they read params.yaml), so a config that differs from the file is refused with one line."""
    differing = _first_difference(dict(config), yaml.safe_load(Path(path).read_text()))
    if differing:
        raise ConfigError(f"{path}: {differing}: set on the command line (--config / --configfile), but the stage "
                          f"scripts read {path}; edit it there, or run `dvc exp run -S {differing}=...`")
