"""Load and validate params.yaml, the single source of truth for a study, and resolve its variants.

Every stage reads its settings through `load_params`, so a bad value fails before any work starts,
with a one-line error that names the file and the offending key. A variant in params.yaml lists only
what it changes; `variant_defaults` holds everything else, and `variant()` deep-merges the two: the
one place where defaults are applied (the schema requires `variant_defaults` to be complete, so no
default lives in code).
"""
from __future__ import annotations

import atexit
import copy
import json
import os
import sys
from pathlib import Path

import jsonschema
import yaml

from ganbench.errors import GanbenchError, one_line

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "params.schema.yaml"
DEFAULT_PARAMS = "params.yaml"
PARAMS_LOG = "GANBENCH_PARAMS_LOG"  # set to a file: every process appends the params keys it read (tests)
LOSS_SETTINGS = {"least_squares": ("a", "b", "c")}  # a loss's keyword settings (ganbench.training.losses; a test checks)


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
    _check_distinct(path, params)
    for where, budget in [("budget", params["budget"]),
                          *((f"variants.{n}.budget", v["budget"]) for n, v in params["variants"].items() if "budget" in v)]:
        _check_budget(path, where, {**params["budget"], **budget})
    _check_together(path, params)
    log = os.environ.get(PARAMS_LOG)
    return _recorded(params, log) if log else params


def _check_distinct(path: Path, params: dict) -> None:
    """No two variants may resolve to the same settings: every cell of the second would train the
    first's runs again, and the report would compare a recipe with itself."""
    seen: dict[str, str] = {}
    for name, overrides in params["variants"].items():
        settings = json.dumps(deep_merge(params["variant_defaults"], overrides), sort_keys=True)
        if settings in seen:
            raise ConfigError(f"{path}: variants.{name}: the same settings as variants.{seen[settings]}: "
                              "keep one of the two")
        seen[settings] = name


def _check_budget(path: Path, where: str, budget: dict) -> None:
    """The home and the full budget must fall on evaluation points: whole multiples of eval_gflop."""
    for key in ("home_gflop", "train_gflop"):
        evals = budget[key] / budget["eval_gflop"]
        if abs(evals - round(evals)) > 1e-9 or round(evals) < 1:
            raise ConfigError(f"{path}: {where}.{key}: {budget[key]:g} is not a whole multiple of eval_gflop "
                              f"({budget['eval_gflop']:g}): the budgets must fall on evaluation points")
    if budget["home_gflop"] > budget["train_gflop"]:
        raise ConfigError(f"{path}: {where}.home_gflop: {budget['home_gflop']:g} exceeds train_gflop "
                          f"({budget['train_gflop']:g})")


def _check_together(path: Path, params: dict) -> None:
    """Settings valid one by one but not together: refused here, before the first job, rather than by
    the stage that relies on them, after every training. Each message names both keys."""
    evaluation = params["eval"]
    if evaluation["samples"] < evaluation["knn_k"] + 1:
        raise ConfigError(f"{path}: eval.samples: {evaluation['samples']} is fewer than eval.knn_k + 1 = "
                          f"{evaluation['knn_k'] + 1} (the k-NN metrics need k + 1 samples)")
    for dataset in params["datasets"]:
        if dataset not in params["report"]["thresholds"]:
            raise ConfigError(f"{path}: report.thresholds: no FID levels for {dataset}, which datasets lists "
                              "(the summary and the report's time-to-threshold table read them per dataset)")
    for name, overrides in params["variants"].items():
        settings = deep_merge(params["variant_defaults"], overrides)
        _check_batch(path, name, settings["batch"], params["budget"]["train_samples"])
        _check_loss_settings(path, name, settings["loss"])


def _check_batch(path: Path, name: str, batch: int, train_samples: int | None) -> None:
    """A training pass is whole batches of the training images (`training.batches`): none fit in fewer."""
    if train_samples is not None and batch > train_samples:
        raise ConfigError(f"{path}: variants.{name}.batch: {batch} exceeds budget.train_samples = {train_samples} "
                          "(a training batch is drawn from those images)")


def _check_loss_settings(path: Path, name: str, loss: str | dict) -> None:
    """A setting is passed to the loss function as a keyword, which a loss without it refuses at the
    first training step; a mapping over a mapping merges, so a default's settings reach a variant's loss."""
    extra = sorted(set(loss) - {"name", *LOSS_SETTINGS.get(loss["name"], ())}) if isinstance(loss, dict) else []
    if extra:
        takes = "; ".join(f"{n} takes {', '.join(keys)}" for n, keys in LOSS_SETTINGS.items())
        raise ConfigError(f"{path}: variants.{name}.loss.{extra[0]}: loss.name {loss['name']} takes no setting "
                          f"{extra[0]} ({takes})")


class RecordingParams(dict):
    """A params mapping that notes every key a process reads, dotted (`eval.samples`), so that a test
    can check each stage declares the params it reads (its rerun trigger in both front ends).

    A leaf read records its own key; a mapping used whole (iterated, copied, listed, merged) records
    the mapping's key; walking through a mapping to a deeper key records only the deeper key."""

    def __init__(self, data: dict, prefix: str, seen: set[str]):
        super().__init__(data)
        self._prefix, self._seen = prefix, seen

    def _read(self, key, value):
        if isinstance(value, dict):
            return RecordingParams(value, f"{self._prefix}{key}.", self._seen)
        self._seen.add(f"{self._prefix}{key}")
        return value

    def _whole(self) -> None:
        self._seen.add(self._prefix.rstrip(".") or "<all params>")

    def __getitem__(self, key):
        return self._read(key, super().__getitem__(key))

    def get(self, key, default=None):
        return self._read(key, super().__getitem__(key)) if super().__contains__(key) else default

    def __contains__(self, key) -> bool:
        self._seen.add(f"{self._prefix}{key}")
        return super().__contains__(key)

    def __iter__(self):  # also routes dict(x) and {**x} through keys() and __getitem__
        self._whole()
        return super().__iter__()

    def keys(self):
        self._whole()
        return super().keys()

    def items(self):
        self._whole()
        return super().items()

    def values(self):
        self._whole()
        return super().values()

    def __len__(self) -> int:
        self._whole()
        return super().__len__()

    def __deepcopy__(self, memo) -> dict:
        self._whole()
        return copy.deepcopy(dict(super().items()), memo)


def _recorded(params: dict, log: str) -> RecordingParams:
    """`params` as a RecordingParams whose reads are appended to `log` as one JSON line when the
    process exits: {"argv": [...], "read": [dotted keys]}."""
    seen: set[str] = set()

    def flush() -> None:
        with open(log, "a") as f:
            f.write(json.dumps({"argv": sys.argv, "read": sorted(seen)}) + "\n")

    atexit.register(flush)
    return RecordingParams(params, "", seen)


def variant(params: dict, name: str, path: str | os.PathLike = DEFAULT_PARAMS) -> dict:
    """The complete settings of one variant: `variant_defaults` deep-merged with its overrides.
    An unknown name lists the known ones."""
    if name not in params["variants"]:
        known = ", ".join(sorted(params["variants"]))
        raise ConfigError(f"{path}: variants.{name}: no such variant; known: {known}")
    return deep_merge(params["variant_defaults"], params["variants"][name])
