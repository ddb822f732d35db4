"""Download helpers the sources share: where raw files are cached, a cached download, running a
download command, and reading a cached file with verification.

A cached file that fails verification is deleted, so the next fetch downloads it afresh instead of
failing forever on the same bad bytes.
"""
from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ganbench.data.splits import DataError
from ganbench.data.verify import verify_arrays
from ganbench.errors import one_line

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where downloaded raw files (wheel, deb, IDX) are kept between fetches."""
    return Path(os.environ.get("GANBENCH_CACHE") or Path.home() / ".cache" / "ganbench")


def run_command(cmd: list[str], cwd: Path) -> None:
    """Run a download command; failure becomes a one-line DataError with its last output line."""
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise DataError(f"{cmd[0]}: {one_line(e)}") from None
    if r.returncode != 0:
        lines = (r.stderr + r.stdout).strip().splitlines() or ["no output"]
        raise DataError(f"{' '.join(cmd)}: exit {r.returncode}: {one_line(lines[-1])}")


def cached_download(pattern: str, download) -> Path:
    """Return the cached file matching `pattern`, else run `download(tmpdir)` and cache its result."""
    cache = cache_dir()
    hits = sorted(cache.glob(pattern))
    if hits:
        log.info("using cached %s", hits[-1])
        return hits[-1]
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".dl.") as tmp:
        download(Path(tmp))
        got = sorted(Path(tmp).glob(pattern))
        if not got:
            raise DataError(f"download produced no file matching {pattern}")
        os.replace(got[-1], cache / got[-1].name)
        return cache / got[-1].name


def read_verified(name: str, path: Path, read) -> dict[str, np.ndarray]:
    """Read and verify a cached raw file; delete it if bad so the next fetch downloads afresh."""
    try:
        arrays = read(path)
        verify_arrays(name, arrays, str(path))
    except DataError:
        log.info("removing bad cached file %s", path)
        path.unlink(missing_ok=True)
        raise
    return arrays
