# ganbench workflow: the table of contents. Every rule runs `python scripts/<stage>.py ...`, the
# same command as the matching stage in dvc.yaml (tests/test_parity.py checks it).
from snakemake.utils import min_version, validate

from ganbench.config import load_params

min_version("8.10")


configfile: "params.yaml"


# Checked before any job starts. load_params gives the stage scripts' one-line error naming the key and
# the allowed values ("params.yaml: variants.x.loss: 'nonsat' is not one of [...]"); `validate` also
# covers values given with --config.
load_params("params.yaml")
validate(config, "schemas/params.schema.yaml")


include: "rules/common.smk"
include: "rules/data.smk"
include: "rules/classifier.smk"
include: "rules/reference.smk"
include: "rules/gan.smk"
include: "rules/plots.smk"


report: "report/workflow.rst"


rule all:
    input:
        expand("results/classifier/{dataset}/metrics.json", dataset=DATASETS),
        expand("results/plots/{dataset}/{name}.png", dataset=DATASETS, name=PLOT_NAMES),
        "results/report.md",


onsuccess:
    # Record the finished outputs in dvc.lock so `dvc status` is clean and DVC redoes nothing.
    shell("python scripts/sync_frontends.py --from snakemake")
