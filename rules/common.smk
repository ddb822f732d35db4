# Names the rules share: the study grid from params.yaml and the per-run directory pattern.
DATASETS = config["datasets"]
VARIANTS = list(config["variants"])
SEEDS = config["seeds"]
RUN = "results/{dataset}/{variant}/seed{seed}"


wildcard_constraints:
    dataset="|".join(DATASETS),
    variant="|".join(VARIANTS),
    seed=r"\d+",


def runs_of(dataset, filename):
    """Every run's `filename` for one dataset (inputs of the per-dataset plot stage)."""
    return expand(f"{RUN}/{filename}", dataset=dataset, variant=VARIANTS, seed=SEEDS)
