"""The study through a cluster executor: Snakemake's cluster-generic plugin with the local submit
script (workflow-profiles/cluster-generic), every job a separately submitted job script. The scores
must equal those of the same study run by plain `snakemake` (tests share it via `local_study`).

Slow (minutes): select or skip it with `-m e2e` / `-m "not e2e"`.
"""
import pytest
from helpers import dvc_json, output_hashes, snakemake

pytestmark = pytest.mark.e2e
RULES = {"real_samples", "train", "generate", "score", "score_real", "profile", "summarize", "pick", "report", "plot"}
# (data, classifier and reference are seeded into the study: tests/e2e/conftest.py)


def test_cluster_generic_run_scores_exactly_as_a_local_run(local_study, smoke_study):
    root = smoke_study("cluster")
    snakemake(root, "--workflow-profile", "workflow-profiles/cluster-generic")

    submitted = {p.name.split(".")[1] for p in (root / "logs/cluster").glob("snakejob.*.log")}
    assert submitted == RULES  # every job went through cluster/local-submit.sh
    assert dvc_json(root, "status") == {}  # the onsuccess sync ran in the submitting process

    # Seeds, op determinism and the same threads per job make models, samples and scores
    # bit-identical; only wall times (train.json, train_log.csv, results/profile/) may differ.
    local, cluster = output_hashes(local_study), output_hashes(root)
    scored = [p for p in local if p.endswith(("metrics.json", "metrics_home.json", "samples.npz", "samples_home.npz",
                                              "generator.keras", "generator_home.keras", "/grid.png", "progress.gif"))
              or "/frames/" in p]
    scored = [p for p in scored if not p.startswith("results/classifier")]
    # dcgan_ns: 2 models, 2 sample sets, GIF, 2 frames, grid, 2 scores (10); the real row: samples, grid, scores (3)
    assert len(scored) == 13
    assert {p: cluster.get(p) for p in scored} == {p: local[p] for p in scored}
    assert set(cluster) == set(local)
