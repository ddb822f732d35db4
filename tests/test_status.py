"""`ganbench status`: a fresh clone's absent heavy outputs are told apart from stale records and from
cells not run yet."""
from helpers import REPO

from ganbench.config import load_params
from ganbench.pipeline.status import CloneState, classify, render, stage_names

STAGES = ["fetch_data@mnist", "train@mnist-cdcgan-0", "score@mnist-cdcgan-0", "train@mnist-mlp-0", "plot@mnist",
          "train@mnist-dcgan-0"]
LOCKED = set(STAGES) - {"train@mnist-dcgan-0"}
FRESH_CLONE = {  # the shape of `dvc status --json` on a clone without the DVC cache
    "fetch_data@mnist": [{"changed outs": {"data/mnist/data.npz": "not in cache"}}],
    "train@mnist-cdcgan-0": [{"changed deps": {"data/mnist/data.npz": "deleted"}},
                             {"changed outs": {"artifacts/mnist/cdcgan/seed0/generator.keras": "not in cache"}}],
    "train@mnist-dcgan-0": [{"changed deps": {"params.yaml": "new"}},  # never run
                            {"changed outs": {"results/mnist/dcgan/seed0/train.json": "deleted"}}],
}


def test_a_fresh_clone_is_only_missing_files_and_cells_not_run():
    state = classify(FRESH_CLONE, LOCKED, STAGES)
    assert state.stale == {}
    assert set(state.not_here) == {"fetch_data@mnist", "train@mnist-cdcgan-0"}
    assert state.not_run == ["train@mnist-dcgan-0"]
    assert [state.state(s) for s in ("train@mnist-cdcgan-0", "train@mnist-dcgan-0", "plot@mnist")] == \
        ["absent", "new", "current"]
    assert "Not here" in render(state) and "Not run yet: 1" in render(state) and "Stale" not in render(state)


def test_changed_code_params_or_git_tracked_files_are_stale():
    status = {**FRESH_CLONE,
              "score@mnist-cdcgan-0": [{"changed deps": {"src/ganbench/evaluation/metrics/knn.py": "modified"}}],
              "train@mnist-mlp-0": [{"changed deps": {"params.yaml": {"variants.mlp": "modified"}}}],
              "plot@mnist": [{"changed deps": {"results/fashion": "modified"}}, "changed command"]}
    state = classify(status, LOCKED, STAGES)
    assert set(state.stale) == {"score@mnist-cdcgan-0", "train@mnist-mlp-0", "plot@mnist"}
    assert state.stale["plot@mnist"] == ["results/fashion", "changed command"]
    assert "3 stage cells" in render(state)


def test_a_current_clone_says_so():
    assert "Everything is here and current" in render(CloneState(40, {}, {}, []))


def test_the_stage_table_names_every_stage_cell_as_dvc_does():
    """status lists the study's stage cells from the stage table and params, not from DVC's index: the same
    names, on the shipped study's grid."""
    from dvc.repo import Repo

    with Repo(str(REPO)) as repo:
        dvc_names = [stage.addressing for stage in repo.index.stages]
    ours = stage_names(load_params(REPO / "params.yaml"))
    assert len(ours) == len(set(ours)) and set(ours) == set(dvc_names) and "train@mnist-cdcgan-0" in ours
