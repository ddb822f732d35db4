"""Load and validate params.yaml, the single source of truth for a study, and resolve its variants.

Every stage reads its settings through `load_params`, so a bad value fails before any work starts,
with a one-line error that names the file and the offending key. A variant in params.yaml lists only
what it changes; `variant_defaults` holds everything else, and `variant()` deep-merges the two: the
one place where defaults are applied (the schema requires `variant_defaults` to be complete, so no
default lives in code).
"""
from __future__ import annotations

import copy
import math
import os
from pathlib import Path

import jsonschema
import yaml

from ganbench.errors import GanbenchError, one_line

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "params.schema.yaml"
DEFAULT_PARAMS = "params.yaml"
FULL_TRAIN_SPLIT = 60000


class ConfigError(GanbenchError, ValueError):
    """A params file is unreadable or invalid; the message is one line naming file and key."""


def _schema() -> dict:
    return yaml.safe_load(SCHEMA_PATH.read_text())


def _first_error(instance, schema: dict) -> jsonschema.ValidationError | None:
    return jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(instance))


def _where(prefix: str, error: jsonschema.ValidationError) -> str:
    return ".".join([prefix, *map(str, error.absolute_path)] if prefix else map(str, error.absolute_path)) \
        or "<top level>"


def deep_merge(base: dict, overrides: dict) -> dict:
    """A copy of `base` with `overrides` applied: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_params(path: str | os.PathLike = DEFAULT_PARAMS) -> dict:
    """Read and schema-validate a params file, every variant resolved against `variant_defaults`;
    raise ConfigError naming the first bad key. Returns the file's content as written."""
    path = Path(path)
    try:
        params = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read params: {one_line(exc)}") from None
    schema = _schema()
    error = _first_error(params, schema)
    if error is not None:
        raise ConfigError(f"{path}: {_where('', error)}: {one_line(error.message)}")
    complete = {"$ref": "#/$defs/complete_variant", "$defs": schema["$defs"]}
    for name in params["variants"]:
        error = _first_error(deep_merge(params["variant_defaults"], params["variants"][name]), complete)
        if error is not None:
            raise ConfigError(f"{path}: {_where(f'variants.{name}', error)}: {one_line(error.message)}")
    return params


def variant(params: dict, name: str, path: str | os.PathLike = DEFAULT_PARAMS) -> dict:
    """The complete settings of one variant: `variant_defaults` deep-merged with its overrides.
    An unknown name lists the known ones."""
    if name not in params["variants"]:
        known = ", ".join(sorted(params["variants"]))
        raise ConfigError(f"{path}: variants.{name}: no such variant; known: {known}")
    return deep_merge(params["variant_defaults"], params["variants"][name])


def run_budget(params: dict, variant_settings: dict) -> dict:
    """The shared budget (equal compute), overridden only where a variant says so explicitly.

    A budget in `epochs` becomes steps = ceil(epochs * train_samples / batch) for this variant.
    """
    budget, override = dict(params["budget"]), variant_settings.get("budget", {})
    if {"steps", "epochs"} & set(override):
        budget.pop("steps", None), budget.pop("epochs", None)
    budget.update(override)
    if "epochs" in budget:
        train_samples = budget["train_samples"] or FULL_TRAIN_SPLIT
        budget["steps"] = math.ceil(budget.pop("epochs") * train_samples / variant_settings["batch"])
    return budget


def _first_difference(a, b, prefix: str = "") -> str | None:
    """Dotted key of the first place where two parsed YAML documents differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys(), key=str):
            if key not in a or key not in b:
                return f"{prefix}{key}"
            found = _first_difference(a[key], b[key], f"{prefix}{key}.")
            if found:
                return found
        return None
    return None if a == b else prefix.rstrip(".") or "<top level>"


def refuse_overrides(config: dict, path: str | os.PathLike = DEFAULT_PARAMS) -> None:
    """Snakemake's `--config` / `--configfile` change the DAG but not what the stage scripts compute
    (they read params.yaml), so a config that differs from the file is refused with one line."""
    differing = _first_difference(dict(config), yaml.safe_load(Path(path).read_text()))
    if differing:
        raise ConfigError(f"{path}: {differing}: set on the command line (--config / --configfile), but the stage "
                          f"scripts read {path}; edit it there, or run `dvc exp run -S {differing}=...`")
