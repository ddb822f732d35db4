"""params.yaml validation: every profile is valid; a bad value is a one-line error naming the key;
variants are their overrides deep-merged onto `variant_defaults`; --config overrides are refused."""
import inspect
from pathlib import Path

import pytest
import yaml
from helpers import REPO

from ganbench.config import LOSS_SETTINGS, ConfigError, deep_merge, load_params, variant
from ganbench.pipeline.profiles import materialise
from ganbench.pipeline.snakemake_glue import refuse_overrides
from ganbench.training.budget import plan
from ganbench.training.losses import LOSSES

PROFILES = sorted(p.stem for p in (REPO / "profiles").glob("*.yaml"))


def profile_file(tmp_path, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(materialise(name, REPO / "profiles"))
    return path


@pytest.mark.parametrize("name", PROFILES)
def test_every_profile_is_valid(tmp_path, name):
    assert load_params(profile_file(tmp_path, name))["variants"]


def test_params_yaml_is_the_components_profile(monkeypatch):
    """The shipped study's params are the components profile, byte for byte (`ganbench profile components`,
    run at the repository's root: the header names the profile files by relative path): its results
    (dvc.lock, results/) hold the default study's cells and the components' beside them."""
    monkeypatch.chdir(REPO)
    assert Path("params.yaml").read_text() == materialise("components", Path("profiles"))


def write_edited(tmp_path, edit) -> Path:
    params = yaml.safe_load(materialise("smoke", REPO / "profiles"))
    edit(params)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


@pytest.mark.parametrize("edit, key", [
    (lambda p: p["variants"]["dcgan_ns"].update(batch="big"), "variants.dcgan_ns.batch"),
    (lambda p: p["budget"].pop("train_gflop"), "budget"),
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


def test_two_variants_with_the_same_settings_are_refused_naming_both(tmp_path):
    """A variant that spells out a default is the same recipe as the one that leaves it out."""
    def duplicate(params):
        params["variants"]["dcgan_ns_again"] = {**params["variants"]["dcgan_ns"],
                                                "d_width": params["variant_defaults"]["d_width"]}
    path = write_edited(tmp_path, duplicate)
    with pytest.raises(ConfigError) as err:
        load_params(path)
    assert str(err.value) == (f"{path}: variants.dcgan_ns_again: the same settings as variants.dcgan_ns: "
                              "keep one of the two")


def test_unreadable_yaml_is_one_line(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("datasets: [mnist\n  oops: :")
    with pytest.raises(ConfigError, match=str(path)) as err:
        load_params(path)
    assert "\n" not in str(err.value)


def test_unknown_variant_lists_known_ones(tmp_path):
    params = load_params(profile_file(tmp_path, "smoke"))
    with pytest.raises(ConfigError, match="known: cdcgan_ns, dcgan_ns"):
        variant(params, "nope")


def test_every_variant_gets_the_same_compute_in_steps_of_its_own(tmp_path):
    """The budget is GFLOP: a variant with a cheaper step trains more steps, evaluated at the same
    compute; a variant may override the budget."""
    params = load_params(REPO / "profiles/default.yaml")
    base, small = plan(params, variant(params, "cdcgan")), plan(params, variant(params, "cdcgan_g8"))
    assert small["step_gflop"] < base["step_gflop"] and small["steps"] > base["steps"]
    budget = params["budget"]
    for run in (base, small):
        assert run["evals"] == budget["train_gflop"] / budget["eval_gflop"]
        assert run["home_step"] == budget["home_gflop"] / budget["eval_gflop"] * run["eval_every"]
        assert run["steps"] * run["step_gflop"] == pytest.approx(params["budget"]["train_gflop"], rel=0.01)
    override = plan(params, {**variant(params, "cdcgan"), "budget": {"train_gflop": 7000}})
    assert override["evals"] == 2 and override["eval_every"] == base["eval_every"]


@pytest.mark.parametrize("key, value", [("home_gflop", 15), ("train_gflop", 25), ("home_gflop", 30)])  # smoke: eval 10
def test_budgets_must_fall_on_evaluation_points(tmp_path, key, value):
    path = write_edited(tmp_path, lambda p: p["budget"].update({key: value}))
    with pytest.raises(ConfigError, match=f"budget.{key}: "):
        load_params(path)


# ------------------------------------------------- every kind of bad value: key and allowed values
LOSS_NAMES = str(sorted(LOSSES))  # the schema's list, generated from the registry


def variant_edit(**settings):
    return lambda p: p["variants"]["dcgan_ns"].update(settings)


@pytest.mark.parametrize("edit, key, allowed", [
    (variant_edit(arch="dcgann"), "variants.dcgan_ns.arch", "is not one of ['cdcgan', 'dcgan', 'mlp']"),
    (variant_edit(loss="non_saturing"), "variants.dcgan_ns.loss", f"is not one of {LOSS_NAMES}"),
    (variant_edit(loss={"name": "lsgan", "a": 0}), "variants.dcgan_ns.loss.name", f"is not one of {LOSS_NAMES}"),
    (variant_edit(loss={"name": "least_squares", "q": 0}), "variants.dcgan_ns.loss", "'q' is not one of ['name', 'a', 'b', 'c']"),
    (lambda p: p.update(datasets=["mnist", "cifar"]), "datasets.1", "'cifar' is not one of ['mnist', 'fashion']"),
    (variant_edit(batch="64"), "variants.dcgan_ns.batch", "'64' is not of type 'integer'"),
    (variant_edit(width="wide"), "variants.dcgan_ns.width", "'wide' is not of type 'number'"),
    (variant_edit(g_opt={"lr": -2e-4}), "variants.dcgan_ns.g_opt.lr",
     "less than or equal to the minimum of 0"),
    (variant_edit(batch=0), "variants.dcgan_ns.batch", "0 is less than the minimum of 1"),
    (variant_edit(ema_decay=1.0), "variants.dcgan_ns.ema_decay", "greater than or equal to the maximum of 1"),
    (variant_edit(ema_decay=-0.5), "variants.dcgan_ns.ema_decay", "less than or equal to the minimum of 0"),
    (lambda p: p["variant_defaults"].pop("latent_dim"), "variant_defaults", "'latent_dim' is a required property"),
    (lambda p: p["variant_defaults"]["g_opt"].pop("beta_2"), "variant_defaults.g_opt", "'beta_2' is a required property"),
    (lambda p: p["budget"].pop("train_gflop"), "budget", "'train_gflop' is a required property"),
    (lambda p: p.pop("eval"), "<top level>", "'eval' is a required property"),
    (variant_edit(lr=1e-3), "variants.dcgan_ns", "'lr' is not one of ['arch', 'loss', 'latent_dim', 'width', 'd_width', "
     "'batch', 'g_opt', 'd_opt', 'd_steps', 'gp_weight', 'ema_decay', 'lr_decay', 'd_spectral_norm', 'd_dropout', 'budget']"),
    (variant_edit(g_opt={"beta1": 0.5}), "variants.dcgan_ns.g_opt",
     "'beta1' is not one of ['name', 'lr', 'beta_1', 'beta_2']"),
    (lambda p: p.update(seed=[0]), "<top level>", "'seed' is not one of ['datasets', 'seeds', 'data',"),
], ids=["arch", "loss", "loss_dict_name", "loss_dict_key", "dataset", "type_str_for_int", "type_str_for_number",
        "negative_lr", "batch_0", "ema_1", "ema_negative", "missing_default", "missing_default_beta", "missing_steps",
        "missing_section",
        "unknown_variant_key", "unknown_optimizer_key", "unknown_top_key"])
def test_bad_params_say_key_and_allowed_values_on_one_line(tmp_path, edit, key, allowed):
    path = write_edited(tmp_path, edit)
    with pytest.raises(ConfigError) as err:
        load_params(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}: ") and allowed in message, message


# ------------------------------------------- settings valid one by one but not together: both keys named
def use_least_squares_by_default(params):
    """A mapping over a mapping merges: the default's settings reach the variant's other loss."""
    params["variant_defaults"]["loss"] = {"name": "least_squares", "a": 0.0, "b": 1.0, "c": 1.0}
    params["variants"]["dcgan_ns"]["loss"] = {"name": "non_saturating"}


@pytest.mark.parametrize("edit, message", [
    (lambda p: p["eval"].update(samples=2),
     "eval.samples: 2 is fewer than eval.knn_k + 1 = 4 (the k-NN metrics need k + 1 samples)"),
    (lambda p: p["eval"].update(knn_k=500),  # smoke: 500 samples
     "eval.samples: 500 is fewer than eval.knn_k + 1 = 501 (the k-NN metrics need k + 1 samples)"),
    (lambda p: p["report"]["thresholds"].pop("fashion"),
     "report.thresholds: no FID levels for fashion, which datasets lists (the summary and the report's "
     "time-to-threshold table read them per dataset)"),
    (lambda p: (p["budget"].update(train_samples=100), p["variants"]["dcgan_ns"].update(batch=128)),
     "variants.dcgan_ns.batch: 128 exceeds budget.train_samples = 100 (a training batch is drawn from those images)"),
    (variant_edit(loss={"name": "hinge", "a": 0.5}),
     "variants.dcgan_ns.loss.a: loss.name hinge takes no setting a (least_squares takes a, b, c)"),
    (use_least_squares_by_default,
     "variants.dcgan_ns.loss.a: loss.name non_saturating takes no setting a (least_squares takes a, b, c)"),
], ids=["knn_samples", "knn_k", "thresholds_per_dataset", "batch_over_train_samples", "loss_setting",
        "loss_setting_merged"])
def test_settings_that_do_not_go_together_name_both_keys_on_one_line(tmp_path, edit, message):
    path = write_edited(tmp_path, edit)
    with pytest.raises(ConfigError) as err:
        load_params(path)
    assert str(err.value) == f"{path}: {message}"


def test_the_settings_the_check_knows_are_the_losses_keyword_arguments():
    """The losses' keyword settings (the check of loss.name against its settings) are the registry's,
    and the schema allows exactly those keys besides `name`."""
    takes = {name: tuple(inspect.signature(loss).parameters)[2:] for name, loss in LOSSES.items()}
    assert {name: keys for name, keys in takes.items() if keys} == LOSS_SETTINGS
    loss_keys = schema()["$defs"]["variant"]["properties"]["loss"]["else"]["propertyNames"]["enum"]
    assert set(loss_keys) == {"name", *(key for keys in LOSS_SETTINGS.values() for key in keys)}


def schema() -> dict:
    return yaml.safe_load((REPO / "schemas/params.schema.yaml").read_text())


def test_schema_names_equal_the_registries():
    """The schema's lists of names are what users see in the error; they must be exactly the known
    names: architectures, losses, rankable metrics and stages are generated by `ganbench dag`."""
    from ganbench.data.splits import DATASETS
    from ganbench.pipeline import schema_enums
    from ganbench.training.losses import LOSSES
    from ganbench.training.models import ARCHITECTURES

    assert not schema_enums.stale(REPO), "schemas/params.schema.yaml is stale: run `ganbench dag`"
    defs = schema()["$defs"]
    assert defs["arch"]["enum"] == sorted(ARCHITECTURES)
    assert defs["loss_name"]["enum"] == sorted(LOSSES)
    assert schema()["properties"]["datasets"]["items"]["enum"] == list(DATASETS)


def closed_objects(node, where="schema"):
    """(location, subschema) of every object schema that lists its allowed keys in propertyNames."""
    if isinstance(node, dict):
        if "enum" in node.get("propertyNames", {}):
            yield where, node
        for key, value in node.items():
            yield from closed_objects(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from closed_objects(value, f"{where}.{i}")


def test_closed_objects_list_exactly_their_properties():
    """An unknown key's error lists propertyNames; it must match the keys the schema describes."""
    found = list(closed_objects(schema()))
    assert len(found) >= 12
    for where, node in found:
        if "properties" not in node:  # one schema for every allowed key (resources: the stage names)
            assert set(node["additionalProperties"]) == {"$ref"}, where
            continue
        assert set(node["propertyNames"]["enum"]) == set(node["properties"]), where
        assert "additionalProperties" not in node, where  # would report first, without the allowed keys


# ------------------------------------------------------------------- variant defaults and overrides
def test_a_variant_is_its_overrides_deep_merged_onto_the_defaults(tmp_path):
    path = write_edited(tmp_path, lambda p: p["variants"]["dcgan_ns"].update(g_opt={"lr": 1e-3}))
    params = load_params(path)
    resolved = variant(params, "dcgan_ns")
    assert resolved["g_opt"] == {**params["variant_defaults"]["g_opt"], "lr": 1e-3}  # betas inherited
    assert resolved["batch"] == 32 and resolved["latent_dim"] == params["variant_defaults"]["latent_dim"]
    assert params["variants"]["dcgan_ns"]["g_opt"] == {"lr": 1e-3}  # the file's content is left as written


def test_deep_merge_merges_mappings_and_replaces_everything_else():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 1}
    assert deep_merge(base, {"a": {"y": [3]}, "c": None}) == {"a": {"x": 1, "y": [3]}, "b": 1, "c": None}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 1}  # not modified


# --------------------------------------------------------------------------- command-line overrides
def test_a_config_differing_from_params_yaml_is_refused_naming_the_key(tmp_path):
    path = write_edited(tmp_path, lambda p: None)
    config = yaml.safe_load(path.read_text())
    refuse_overrides(config, path)  # the same values: fine
    config["variants"]["dcgan_ns"]["batch"] = 16
    with pytest.raises(ConfigError) as err:
        refuse_overrides(config, path)
    assert str(err.value).startswith(f"{path}: variants.dcgan_ns.batch: set on the command line")
    assert "dvc exp run -S variants.dcgan_ns.batch=" in str(err.value) and "\n" not in str(err.value)
