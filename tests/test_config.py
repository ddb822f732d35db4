"""params.yaml validation: every profile is valid; a bad value is a one-line error naming the key."""
from pathlib import Path

import pytest
import yaml

from ganbench.config import ConfigError, load_params, run_budget, variant

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted((REPO / "profiles").glob("*.yaml")) + [REPO / "params.yaml"],
                         ids=lambda p: p.name)
def test_every_profile_is_valid(path):
    assert load_params(path)["variants"]


def write_edited(tmp_path, edit) -> Path:
    params = yaml.safe_load((REPO / "profiles/smoke.yaml").read_text())
    edit(params)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


@pytest.mark.parametrize("edit, key", [
    (lambda p: p["variants"]["dcgan_ns"].update(batch="big"), "variants.dcgan_ns.batch"),
    (lambda p: p["budget"].pop("steps"), "budget"),
    (lambda p: p.update(datasets=["cifar"]), "datasets.0"),
    (lambda p: p["eval"].update(extra=1), "eval"),
    (lambda p: p["variants"].update(real=p["variants"]["dcgan_ns"]), "variants"),  # reserved for the real row
])
def test_bad_value_names_file_and_key_on_one_line(tmp_path, edit, key):
    path = write_edited(tmp_path, edit)
    with pytest.raises(ConfigError) as err:
        load_params(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}") and "\n" not in message


def test_unreadable_yaml_is_one_line(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("datasets: [mnist\n  oops: :")
    with pytest.raises(ConfigError, match=str(path)) as err:
        load_params(path)
    assert "\n" not in str(err.value)


def test_unknown_variant_lists_known_ones():
    params = load_params(REPO / "profiles/smoke.yaml")
    with pytest.raises(ConfigError, match="known: cdcgan_ns, dcgan_ns"):
        variant(params, "nope")


def test_budget_is_shared_unless_a_variant_overrides_it():
    params = load_params(REPO / "profiles/smoke.yaml")
    settings = variant(params, "dcgan_ns")
    assert run_budget(params, settings)["steps"] == params["budget"]["steps"]
    override = {**settings, "budget": {"steps": 7}}
    assert run_budget(params, override)["steps"] == 7
    assert run_budget(params, override)["eval_every"] == params["budget"]["eval_every"]


def test_budget_in_epochs_becomes_steps_at_the_variant_batch():
    params = load_params(REPO / "profiles/full.yaml")
    budget = run_budget(params, variant(params, "dcgan_ns"))
    assert budget["steps"] == 7032 and "epochs" not in budget  # ceil(30 * 60000 / 256)
    assert run_budget(params, {**variant(params, "dcgan_ns"), "budget": {"steps": 10}})["steps"] == 10


def test_budget_needs_steps_or_epochs(tmp_path):
    path = write_edited(tmp_path, lambda p: p["budget"].update(epochs=3))
    with pytest.raises(ConfigError, match="budget"):
        load_params(path)
