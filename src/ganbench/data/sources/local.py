"""A local directory of the original IDX files: no network, so it is tried first.

The directory is `data.local_dir` in params.yaml or $GANBENCH_DATA_DIR (or its `<name>` subdirectory);
for Fashion-MNIST also the Debian `dataset-fashion-mnist` install at `FASHION_SYSTEM_DIR`.
"""
from __future__ import annotations

import os
from pathlib import Path

from ganbench.data.idx import IDX_FILES, read_idx_dir
from ganbench.data.splits import DataError

FASHION_SYSTEM_DIR = "/usr/share/datasets/fashion-mnist/"


def from_local(name: str, local_dir: str | None) -> tuple[str, dict]:
    """Local IDX directory: `local_dir` or $GANBENCH_DATA_DIR (and its `<name>` subdir)."""
    roots = [Path(d) for d in (local_dir or os.environ.get("GANBENCH_DATA_DIR"),) if d]
    if name == "fashion":
        roots.append(Path(FASHION_SYSTEM_DIR))
    subdirs = (name, "fashion-mnist") if name == "fashion" else (name,)
    candidates = [d for r in roots for d in (r, *(r / s for s in subdirs)) if d.is_dir()]
    for d in candidates:
        if any((d / f"{b}{z}").is_file() for b in IDX_FILES.values() for z in ("", ".gz")):
            return f"local:{d}", read_idx_dir(d)
    raise DataError(f"no IDX files in {[str(r) for r in roots]}" if roots else "no local dir given")
