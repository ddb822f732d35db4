"""Atomic writes and small file helpers.

Every output goes to a temporary file in the destination directory and is moved into place with
`os.replace`, so a killed process never leaves a partial file that a later stage would take as
complete.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success move it onto `path`, on error delete it.

    The temporary name keeps the suffix, so writers that infer a format from it (Keras, PIL) work.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.chmod(0o666 & ~_umask())  # mkstemp makes 0600; outputs should look like any other file
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_json(path: str | os.PathLike, obj: dict) -> None:
    """Write `obj` as indented, key-sorted JSON, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path: str | os.PathLike) -> dict:
    return json.loads(Path(path).read_text())


def save_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Write arrays into an uncompressed .npz, atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)


def sha256_array(a: np.ndarray) -> str:
    """Hash of an array's raw bytes in C order (the content hash used in data cards)."""
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def replace_dir(files: list[Path], directory: str | os.PathLike) -> None:
    """Make `directory` hold exactly copies of `files`: copied into a temporary sibling first, then
    swapped in, so a reader never sees a half-filled directory (a kill in the swap leaves the old
    directory or none)."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.", suffix=".tmp"))
    try:
        for f in files:
            shutil.copyfile(f, staging / f.name)
        staging.chmod(0o777 & ~_umask())
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
