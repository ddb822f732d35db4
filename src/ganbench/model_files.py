"""Keras models as pipeline artifacts: byte-stable `.keras` archives and safe, one-line-error loading.

A `.keras` file is a zip of `metadata.json`, `config.json` and `model.weights.h5`. Keras stamps the
save date into `metadata.json` and the weights member's zip header, and numbers shared objects in
`config.json` by their memory address (`shared_object_id`), so saving the same model twice gives
different bytes, and DVC would then rerun every stage downstream of a rerun that changed nothing.
`save_model` rewrites the archive with the dates fixed and the shared objects numbered in order of
appearance; the weights file itself (HDF5 without object timestamps) is already deterministic.
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import keras

from ganbench.errors import GanbenchError, one_line
from ganbench.io import atomic_path

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip header can hold; Keras' other members use it


class ModelFileError(GanbenchError):
    """A saved model is missing, unreadable or unsafe to load (one line naming the file)."""


def _renumber_shared_objects(node, ids: dict) -> None:
    """Replace every `shared_object_id` (a memory address) by 1, 2, ... in order of first appearance."""
    if isinstance(node, dict):
        if "shared_object_id" in node:
            node["shared_object_id"] = ids.setdefault(node["shared_object_id"], len(ids) + 1)
        for value in node.values():
            _renumber_shared_objects(value, ids)
    elif isinstance(node, list):
        for value in node:
            _renumber_shared_objects(value, ids)


def _normalise_archive(path: Path) -> None:
    """Rewrite the zip at `path` with fixed member dates, no `date_saved` in its metadata and
    address-free shared object ids in its config."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, content in members:
            if info.filename == "metadata.json":
                metadata = json.loads(content)
                metadata.pop("date_saved", None)
                content = json.dumps(metadata, sort_keys=True).encode()
            elif info.filename == "config.json":
                config = json.loads(content)
                _renumber_shared_objects(config, {})
                content = json.dumps(config).encode()
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            archive.writestr(fixed, content)


def save_model(model: keras.Model, path: str | os.PathLike) -> None:
    """Save `model` to a `.keras` file atomically; the same weights always give the same bytes."""
    with atomic_path(path) as tmp:
        model.save(tmp)
        _normalise_archive(tmp)


def load_model(path: str | os.PathLike, what: str) -> keras.Model:
    """Load a saved model in Keras' safe mode (no Lambda bytecode); any failure is one line naming
    the file, e.g. `models/classifier/mnist.keras: cannot load classifier: ...`."""
    try:
        return keras.models.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for missing, corrupt or unsafe archives
        raise ModelFileError(f"{path}: cannot load {what}: {one_line(exc)[:200]}") from None
