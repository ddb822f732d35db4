"""The DAG and its front ends: the stage table (`stages`), dvc.yaml generated from it, the Snakemake
glue, code dependencies (a stage depends on its script's import closure), bookkeeping between the two
front ends, profiles and the DVC remote. It knows files and params, never models.

Layer 5, the top of the library: may import every layer below (the figure registry names the plot
stage's outputs); no stage script imports it, so editing it reruns nothing.
"""
