"""A cell through a cluster executor: Snakemake's cluster-generic plugin with the local submit script
(workflow-profiles/cluster-generic), every job a separately submitted job script. The cell's models,
samples and scores must equal those of the same cell run by plain `snakemake` (tests share it via
`local_study`). The cell's chain (train, generate, score) is what a scheduler runs for hours and what
must not depend on where a job ran; the other rules are submitted the same way.

Slow (minutes): select or skip it with `-m e2e` / `-m "not e2e"`.
"""
import pytest
from helpers import dvc_json, output_hashes, snakemake, take_away

pytestmark = pytest.mark.e2e
CELL = ("mnist", "dcgan_ns", 0)
RULES = {"train", "generate", "score"}  # the cell's chain, taken away from a copy of the finished study


def test_a_cell_through_the_cluster_executor_scores_exactly_as_a_local_run(local_study, study_copy):
    root = study_copy
    take_away(root, *CELL)
    dataset, variant, seed = CELL
    snakemake(root, "--workflow-profile", "workflow-profiles/cluster-generic",
              f"results/{dataset}/{variant}/seed{seed}/metrics.json")

    submitted = {p.name.split(".")[1] for p in (root / "logs/cluster").glob("snakejob.*.log")}
    assert submitted == RULES  # every job went through cluster/local-submit.sh
    stages = [f"{rule}@{dataset}-{variant}-{seed}" for rule in RULES]
    assert dvc_json(root, "status", *stages) == {}  # the onsuccess sync ran in the submitting process

    # Seeds, op determinism and the same threads per job make models, samples and scores
    # bit-identical; only wall times (train.json, train_log.csv) may differ.
    local, cluster = output_hashes(local_study), output_hashes(root)
    cell = (f"results/{dataset}/{variant}/seed{seed}/", f"artifacts/{dataset}/{variant}/seed{seed}/")
    scored = [p for p in local if p.startswith(cell) and (
        p.endswith(("metrics.json", "metrics_home.json", "samples.npz", "samples_home.npz", "generator.keras",
                    "generator_home.keras", "/grid.png", "progress.gif")) or "/frames/" in p)]
    # 2 models, 2 sample sets, the GIF, 2 frames, the grid, 2 scores
    assert len(scored) == 10
    assert {p: cluster.get(p) for p in scored} == {p: local[p] for p in scored}
