"""Load and validate params.yaml: the single source of truth for a study.

Every stage reads its settings through `load_params`, so a bad value fails before any work starts,
with a one-line error that names the file and the offending key.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "params.schema.yaml"
DEFAULT_PARAMS = "params.yaml"
FULL_TRAIN_SPLIT = 60000


class ConfigError(ValueError):
    """A params file is unreadable or invalid; the message is one line naming file and key."""


def _key_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "<top level>"


def load_params(path: str | os.PathLike = DEFAULT_PARAMS) -> dict:
    """Read and schema-validate a params file; raise ConfigError naming the first bad key."""
    path = Path(path)
    try:
        params = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        reason = " ".join(str(exc).split())
        raise ConfigError(f"{path}: cannot read params: {reason}") from None
    schema = yaml.safe_load(SCHEMA_PATH.read_text())
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(params))
    if error is not None:
        raise ConfigError(f"{path}: {_key_path(error)}: {' '.join(error.message.split())}")
    return params


VARIANT_DEFAULTS = {"d_steps": 1, "gp_weight": 0.0, "ema_decay": None}


def variant(params: dict, name: str, path: str | os.PathLike = DEFAULT_PARAMS) -> dict:
    """The settings of one variant with defaults filled in; an unknown name lists the known ones."""
    try:
        settings = params["variants"][name]
    except KeyError:
        known = ", ".join(sorted(params["variants"]))
        raise ConfigError(f"{path}: variants.{name}: no such variant; known: {known}") from None
    return {**VARIANT_DEFAULTS, **settings}


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
