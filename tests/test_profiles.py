"""Profiles are overlays on profiles/default.yaml; `use_profile` writes the merged study to params.yaml."""
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import REPO

from ganbench.config import ConfigError, load_params
from ganbench.pipeline.profiles import materialise, use_profile


@pytest.fixture
def profiles(tmp_path) -> Path:
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(REPO / "profiles/default.yaml", folder / "default.yaml")
    return folder


def test_overlay_merges_mappings_replaces_values_and_replace_tagged_mappings(profiles):
    (profiles / "tiny.yaml").write_text(
        "# a tiny study\nseeds: [7]   # one seed\nbudget:\n  train_gflop: 7000\nvariant_defaults:\n  g_opt: {lr: 0.5}\n"
        "variants: !replace\n  only: {width: 0.5}\n")
    default = yaml.safe_load((profiles / "default.yaml").read_text())
    text = materialise("tiny", profiles)
    merged = yaml.safe_load(text)
    assert merged["seeds"] == [7] and merged["budget"]["train_gflop"] == 7000
    assert merged["budget"]["eval_gflop"] == default["budget"]["eval_gflop"]  # merged, not replaced
    assert merged["variant_defaults"]["g_opt"] == {**default["variant_defaults"]["g_opt"], "lr": 0.5}
    assert merged["variants"] == {"only": {"width": 0.5}}  # replaced whole
    assert "!replace" not in text and "# one seed" in text
    assert text.startswith("# Profile `tiny`: ")


def test_default_profile_materialises_verbatim(profiles):
    assert materialise("default", profiles) == (profiles / "default.yaml").read_text()


def test_use_profile_writes_params_and_refuses_an_invalid_profile_without_touching_them(profiles, tmp_path):
    params = tmp_path / "params.yaml"
    (profiles / "small.yaml").write_text("seeds: [3]\n")
    use_profile("small", params, profiles)
    assert load_params(params)["seeds"] == [3]
    (profiles / "broken.yaml").write_text("budget:\n  eval_gflop: -1\n")
    with pytest.raises(ConfigError, match=r"^profile .*broken\.yaml: budget\.eval_gflop: -1 is less than"):
        use_profile("broken", params, profiles)
    assert load_params(params)["seeds"] == [3]  # still the previous profile
    with pytest.raises(ConfigError, match="no such profile; known: broken, default, small"):
        use_profile("nope", params, profiles)
