# Names the rules share: the study grid from params.yaml and the per-run directory pattern.
from pathlib import Path

DATASETS = config["datasets"]
VARIANTS = list(config["variants"])
SEEDS = config["seeds"]
RUN = "results/{dataset}/{variant}/seed{seed}"
REAL = "real"  # the real-data reference row, scored like a variant (ganbench.reference.REAL_ROW)
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
