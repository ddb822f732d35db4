"""The datasets as the models see them: names, the data error, and loading a verified split.

`data/<dataset>/data.npz` holds the raw uint8 arrays written by the fetch stage (`ganbench.data.fetch`);
every stage that reads a split re-hashes it against `card.json`, so a file rewritten after fetching
is refused instead of silently trained on. Every training and scoring stage imports this module, so
it holds only what loading needs; the known content hashes live with fetching (`ganbench.data.verify`).
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from ganbench.errors import GanbenchError, one_line
from ganbench.io import sha256_array

DATASETS = ("mnist", "fashion")
NUM_CLASSES = 10  # both datasets: labels 0..9


class DataError(GanbenchError):
    """A data file is missing, unreadable, or does not match the expected content (one-line msg)."""


# ---------------------------------------------------------------------------------------- loading
def to_model_range(x: np.ndarray) -> np.ndarray:
    """uint8 (N,28,28) -> float32 (N,28,28,1) in [-1,1] (x/127.5 - 1), the models' input range."""
    return (np.asarray(x, np.float32) / np.float32(127.5) - np.float32(1.0))[..., None]


def load_split(path: str | os.PathLike, split: str, limit: int | None = None):
    """data.npz -> (x float32 (N,28,28,1) in [-1,1], y int64 (N,)); first `limit` rows if given."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in (f"x_{split}", f"y_{split}") if k not in npz.files]
            if missing:
                raise DataError(f"{path}: missing key {missing[0]}")
            x, y = npz[f"x_{split}"], npz[f"y_{split}"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise DataError(f"{path}: unreadable ({one_line(e)})") from None
    _check_against_card(Path(path), {f"x_{split}": x, f"y_{split}": y})
    return to_model_range(x[:limit]), y[:limit].astype(np.int64)


def _check_against_card(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """If `card.json` sits next to `path` (the fetch stage writes both), the arrays must hash to it:
    a data.npz rewritten or replaced after fetching is refused instead of silently trained on."""
    card_path = path.parent / "card.json"
    if not card_path.is_file():
        return
    try:
        expected = json.loads(card_path.read_text())["sha256"]
    except (ValueError, KeyError, TypeError) as e:
        raise DataError(f"{card_path}: unreadable dataset card ({one_line(e)})") from None
    for key, array in arrays.items():
        if key in expected and sha256_array(array) != expected[key]:
            raise DataError(f"{path}: {key} does not match the sha256 in {card_path}; "
                            f"fetch it again (snakemake -R fetch_data, or dvc repro -f fetch_data@<dataset>)")
