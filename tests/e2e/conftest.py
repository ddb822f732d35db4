"""Smoke studies for the end-to-end tests: the smoke profile cut to one dataset and one variant.

The shared finished study (`local_study`) is the README's first run, its block run as written. The inputs
the seeded studies share (MNIST's data and smoke classifier) are built once per session by Snakemake, by
that run when the session has it, else in a copy of their own (`smoke_inputs`); a seeded study starts
from them, committed to its DVC lock, so neither front end rebuilds them. The DVC end-to-end test runs
Fashion-MNIST in a `new_study`, so every stage, the other dataset's source included, also runs through DVC.
"""
import shutil

import pytest
import yaml
from helpers import GANBENCH, PARAMS_READ, commit, edit_params, graft, run_readme_block, sh, snakemake, two_seeds

SEEDED = "mnist"  # the dataset of every seeded study
INPUT_STAGES = ("fetch_data", "train_classifier")


def cut(dataset: str, variant: str):
    def edit(params: dict) -> None:
        params["datasets"] = [dataset]
        params["variants"] = {variant: params["variants"][variant]}
    return edit


@pytest.fixture(scope="session")
def smoke_inputs(request, repo_copy):
    """A copy holding MNIST's data and smoke classifier, built by Snakemake: the README's first run
    (`local_study`, the same smoke settings) when this session runs it anyway, else a copy in which
    Snakemake built only those."""
    if any("local_study" in item.fixturenames for item in request.session.items):
        return request.getfixturevalue("local_study")
    root = repo_copy("inputs", profile="smoke", git=True)
    snakemake(root, "--cores", "2", f"models/classifier/{SEEDED}.keras")
    return root


@pytest.fixture(scope="session")
def new_study(repo_copy):
    """new_study(name, dataset, variant) -> a committed git copy of the smoke study cut to one dataset and one
    variant, nothing built yet: every stage, the data's included, runs in it."""
    return lambda name, dataset, variant: repo_copy(name, profile="smoke", git=True, edit=cut(dataset, variant))


@pytest.fixture(scope="session")
def smoke_study(new_study, smoke_inputs):
    """smoke_study(name, variant) -> `new_study` on MNIST with its data and classifier grafted from
    `smoke_inputs` and committed: neither front end builds them again."""
    def make(name: str, variant: str = "dcgan_ns"):
        root = new_study(name, SEEDED, variant)
        graft(root, smoke_inputs, [(stage, {"dataset": SEEDED}) for stage in INPUT_STAGES])
        commit(root, "inputs seeded")
        return root
    return make


def cut_smoke_profile(root, dataset: str, variant: str) -> None:
    """profiles/smoke.yaml of the copy at `root` cut to one dataset and one variant, so that `ganbench profile
    smoke` there gives the params `cut(dataset, variant)` gives (checked)."""
    from ruamel.yaml import YAML

    from ganbench.pipeline.profiles import materialise

    expected = yaml.safe_load(materialise("smoke", root / "profiles"))
    cut(dataset, variant)(expected)
    rt, path = YAML(), root / "profiles/smoke.yaml"
    profile = rt.load(path.read_text())
    profile.insert(0, "datasets", [dataset])
    for name in [v for v in profile["variants"] if v != variant]:
        del profile["variants"][name]
    with path.open("w") as f:
        rt.dump(profile, f)
    assert yaml.safe_load(materialise("smoke", root / "profiles")) == expected


@pytest.fixture(scope="session")
def local_study(repo_copy):
    """The README's five-minute first run (its `first-run` block, run as written) in a copy whose smoke profile
    is cut to MNIST and dcgan_ns: the finished study in `<tmp>/ganbench-smoke`, the clone the block makes, shared
    by the tests of every module: read it, never change it (take a `study_copy` to change one)."""
    root = repo_copy("local", git=True)
    cut_smoke_profile(root, SEEDED, "dcgan_ns")
    commit(root, "the smoke profile cut to one dataset and one variant")
    study = root.parent / "ganbench-smoke"
    log = root.parent / "params_read.jsonl"
    run_readme_block(root, "first-run", log)
    shutil.move(log, study / PARAMS_READ)  # where test_every_stage_declares_the_params_it_reads looks
    return study


@pytest.fixture
def study_copy(local_study, tmp_path):
    """A private copy of the finished study in `<tmp>/ganbench`; its siblings are free for a DVC remote
    and clones."""
    root = tmp_path / "ganbench"
    shutil.copytree(local_study, root, symlinks=True)
    return root


@pytest.fixture(scope="session")
def one_go(smoke_study):
    """The seeded smoke study at two seeds (two cells), run by `ganbench study` in one part and committed, as
    a landed study is on main: read it, never change it (copy it to change it, as `landed` does)."""
    root = smoke_study("one_go")
    edit_params(root, two_seeds)
    commit(root, "two seeds")
    sh(root, *GANBENCH, "study", "--hours", "1")
    commit(root, "the study, landed in one part")
    return root


@pytest.fixture
def landed(one_go, tmp_path):
    """A private copy of `one_go` in `<tmp>/ganbench`, to change."""
    root = tmp_path / "ganbench"
    shutil.copytree(one_go, root, symlinks=True)
    return root
