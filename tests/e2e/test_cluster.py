"""The study through a cluster executor: Snakemake's cluster-generic plugin with the local submit
script (workflow-profiles/cluster-generic), every job a separately submitted job script. The scores
must equal those of the same study run by plain `snakemake` (tests share it via `local_study`).

Slow (minutes): select or skip it with `-m e2e` / `-m "not e2e"`.
"""
import pytest

from workspace import dvc_json, output_hashes, reduced_smoke_copy, snakemake

pytestmark = pytest.mark.e2e
RULES = {"fetch_data", "train_classifier", "embed_reference", "real_samples", "train", "generate", "score",
         "profile", "summarize", "report", "plot"}


def test_cluster_generic_run_scores_exactly_as_a_local_run(local_study, tmp_path_factory):
    root = reduced_smoke_copy(tmp_path_factory.mktemp("cluster") / "ganbench")
    snakemake(root, "--workflow-profile", "workflow-profiles/cluster-generic")

    submitted = {p.name.split(".")[1] for p in (root / "logs/cluster").glob("snakejob.*.log")}
    assert submitted == RULES  # every job went through cluster/local-submit.sh
    assert dvc_json(root, "status") == {}  # the onsuccess sync ran in the submitting process

    # Seeds, op determinism and the same threads per job make samples and scores bit-identical;
    # only wall times (train.json, train_log.csv, profile.json) and saved-model metadata may differ.
    local, cluster = output_hashes(local_study), output_hashes(root)
    scored = [p for p in local if p.endswith(("/metrics.json", "/samples.npz")) and not p.startswith("results/classifier")]
    assert len(scored) == 4  # dcgan_ns and the real-data row: samples and scores
    assert {p: cluster.get(p) for p in scored} == {p: local[p] for p in scored}
    assert set(cluster) == set(local)
