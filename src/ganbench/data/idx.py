"""IDX, the format MNIST and Fashion-MNIST are published in: a big-endian header (magic 2049 for
labels, 2051 for images, then one uint32 per dimension) followed by the uint8 values.

The local directory, the canonical URLs and the Debian package all deliver the same four IDX files,
gzip'd or plain; the header is checked against the file size, so a truncated file is refused here.
"""
from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path

import numpy as np

from ganbench.data.splits import DataError
from ganbench.errors import one_line

IDX_FILES = {  # array key -> IDX base name (optionally with .gz)
    "x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte",
}


def parse_idx(raw: bytes, origin: str) -> np.ndarray:
    """Parse IDX bytes (gzip'd or plain) into uint8 (N,) labels or (N,H,W) images."""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:
            raise DataError(f"{origin}: corrupt gzip ({one_line(e)})") from None
    magic = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
    ndim = {2049: 1, 2051: 3}.get(magic)
    if ndim is None:
        raise DataError(f"{origin}: bad IDX magic {magic} (expected 2049 or 2051)")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{origin}: truncated IDX header ({len(raw)} bytes)")
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) != header + math.prod(dims):
        raise DataError(f"{origin}: IDX size {len(raw)} bytes does not match dims {dims}")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(dims).copy()


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (`.gz` or plain) from disk; see `parse_idx`."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise DataError(f"{path}: cannot read ({one_line(e.strerror or e)})") from None
    if str(path).endswith(".gz") and raw[:2] != b"\x1f\x8b":
        raise DataError(f"{path}: corrupt gzip (no gzip header)")
    return parse_idx(raw, str(path))


def read_idx_dir(directory: Path) -> dict[str, np.ndarray]:
    """Read the four IDX files (plain or .gz) from `directory`."""
    arrays = {}
    for key, base in IDX_FILES.items():
        found = [p for p in (directory / base, directory / f"{base}.gz") if p.is_file()]
        if not found:
            raise DataError(f"{directory}: missing {base}[.gz]")
        arrays[key] = read_idx(found[0])
    return arrays
