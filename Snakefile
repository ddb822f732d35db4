# ganbench: a GAN benchmark on MNIST and Fashion-MNIST. The stages are declared once, in
# src/ganbench/pipeline/stages.py; rules/stages.smk makes one rule of each, dvc.yaml is generated from the
# same table (`ganbench dag`). Every stage reads params.yaml, and so does this file.
from ganbench.config import load_params
from ganbench.pipeline.snakemake_glue import refuse_overrides


configfile: "params.yaml"


# A bad params.yaml stops here, before any job, with one line naming the key and the allowed values
# ("params.yaml: variants.x.loss: 'nonsat' is not one of [...]"); so does a value given with
# --config or --configfile, which the stage scripts would never see (they read params.yaml).
load_params("params.yaml")
refuse_overrides(config, "params.yaml")


include: "rules/common.smk"
include: "rules/stages.smk"


report: "report/workflow.rst"


rule all:
    input:
        glue.all_outputs(config),


onstart:
    # The run's start, for the wall time in results/hours.md.
    shell("mkdir -p logs && python -c 'import time; print(time.time())' > logs/run_started")


onsuccess:
    # Record the finished outputs in dvc.lock so `dvc status` is clean and DVC redoes nothing; then sum
    # every job's benchmark file per stage into results/hours.md (where the hours go).
    shell("python -m ganbench sync --from snakemake && python -m ganbench hours")
