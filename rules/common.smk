# Names the rules share: the study grid from params.yaml and the per-run directory pattern.
from pathlib import Path

DATASETS = config["datasets"]
VARIANTS = list(config["variants"])
SEEDS = config["seeds"]
RUN = "results/{dataset}/{variant}/seed{seed}"
REAL = "real"  # the real-data reference row, scored like a variant (ganbench.paths.REAL_ROW)
TRAINED = "|".join(VARIANTS)  # variant names that have a generator
PLOT_NAMES = ["pareto", "time_to_quality", "losses", "samples", "class_shares", "scores"]


wildcard_constraints:
    dataset="|".join(DATASETS),
    variant="|".join(VARIANTS + [REAL]),
    seed=r"\d+",


def runs_of(dataset, filename, variants=VARIANTS):
    """Every run's `filename` for one dataset (inputs of the per-dataset plot stage)."""
    return expand(f"{RUN}/{filename}", dataset=dataset, variant=variants, seed=SEEDS)


def code(*modules):
    """Library files a stage's outputs depend on (a package directory means all .py files in it).

    dvc.yaml lists the same modules as deps, so a code change reruns the same stages in both.
    """
    files = []
    for module in modules:
        path = Path("src/ganbench") / module
        files += sorted(str(p) for p in path.glob("*.py")) if path.is_dir() else [str(path)]
    return files


# What each job asks of the machine or the cluster, from params.yaml `resources:`: a rule's own
# entry over `default`. Threads reach TensorFlow as OMP_NUM_THREADS (ganbench.runtime); mem_mb,
# runtime (minutes) and gpu are the standard resources that cluster executor plugins turn into a
# job's request (workflow-profiles/) and that `snakemake --resources gpu=1` limits on one machine.
# Neither front end reruns a stage when they change (threads do move float rounding: README).
# JOB_DEFAULTS serve a params file without `resources:`.
JOB_DEFAULTS = {"threads": 1, "mem_mb": 2000, "runtime": 30, "gpu": 0}


def job_settings(rule_name):
    resources = config.get("resources", {})
    return {**JOB_DEFAULTS, **resources.get("default", {}), **resources.get(rule_name, {})}


def threads_for(rule_name):
    return job_settings(rule_name)["threads"]


def resources_for(rule_name):
    """mem_mb and runtime, plus gpu only when asked for: some plugins read a `gpu` key of 0 as a GPU job."""
    settings = job_settings(rule_name)
    gpu = {"gpu": settings["gpu"]} if settings["gpu"] else {}
    return {"mem_mb": settings["mem_mb"], "runtime": settings["runtime"], **gpu}
