# ganbench: a GAN benchmark on MNIST and Fashion-MNIST. The stages are declared once, in
# src/ganbench/pipeline/stages.py; rules/stages.smk makes one rule of each, dvc.yaml is generated from the
# same table (`ganbench dag`). Every stage reads params.yaml, and so does this file.
from pathlib import Path

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


# The HTML report's front page: the answer (picks, ladders) once the report stage has written it.
report: "results/report_front.rst" if Path("results/report_front.rst").exists() else "report/workflow.rst"


rule all:
    input:
        glue.all_outputs(config),


# Neither hook acts on `snakemake --touch` (what `ganbench sync --from dvc` runs): it builds nothing, so
# there is nothing for dvc.lock to record, and its seconds of bookkeeping would replace the last study's
# wall time in results/hours.md. Snakemake calls neither hook on a dry run.
onstart:
    # The run's start, for the wall time in results/hours.md.
    if not workflow.touch:
        shell("mkdir -p logs && python -c 'import time; print(time.time())' > logs/run_started")


onsuccess:
    # Record the finished outputs in dvc.lock so `dvc status` is clean and DVC redoes nothing; then sum
    # every job's benchmark file per stage into results/hours.md (where the hours go).
    if not workflow.touch:
        shell("python -m ganbench sync --from snakemake && python -m ganbench hours")
