"""`ganbench status`: a fresh clone's missing cache files are told apart from real staleness."""
from ganbench.pipeline.status import CloneState, classify, render

FRESH_CLONE = {  # the shape of `dvc status --json` on a clone without the DVC cache
    "fetch_data@mnist": [{"changed outs": {"data/mnist/data.npz": "not in cache"}}],
    "train@mnist-cdcgan-0": [{"changed deps": {"data/mnist/data.npz": "deleted"}},
                             {"changed outs": {"results/mnist/cdcgan/seed0/generator.keras": "not in cache"}}],
    "summarize@mnist": [{"changed deps": {"results/mnist": "modified"}}],  # a gathered directory, files missing
}


def test_a_fresh_clone_is_only_missing_files():
    state = classify(FRESH_CLONE, 40)
    assert state.stale == {}
    assert set(state.not_here) == {"fetch_data@mnist", "train@mnist-cdcgan-0"}
    assert "Not here" in render(state) and "Stale" not in render(state)


def test_changed_code_params_or_files_are_stale():
    status = {**FRESH_CLONE,
              "score@mnist-cdcgan-0": [{"changed deps": {"src/ganbench/evaluation/metrics/knn.py": "modified"}}],
              "train@mnist-mlp-0": [{"changed deps": {"params.yaml": {"variants.mlp": "modified"}}}],
              "plot@mnist": [{"changed deps": {"results/fashion": "modified"}}]}  # nothing missing under it
    state = classify(status, 40)
    assert set(state.stale) == {"score@mnist-cdcgan-0", "train@mnist-mlp-0", "plot@mnist"}
    assert "3 stage cells" in render(state)


def test_a_current_clone_says_so():
    assert "Everything is here and current" in render(CloneState(40, {}, {}))
