# Shared by the rules: the study grid from params.yaml and the glue from the stage table
# (src/ganbench/pipeline/stages.py) to Snakemake's directives (src/ganbench/pipeline/snakemake_glue.py).
from ganbench.pipeline import snakemake_glue as glue
from ganbench.pipeline.stages import STAGES

CONDA_ENV = "../envs/ganbench.yaml"  # documents the software of every rule (snakemake --use-conda)


wildcard_constraints:
    seed=r"\d+",
