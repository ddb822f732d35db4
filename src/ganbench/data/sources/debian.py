"""Fashion-MNIST from the Debian package `dataset-fashion-mnist` (the original IDX content, recompressed gz).

`apt-get download` fetches the package (after `apt-get update` when running as root and the first try
fails). Its data tar is streamed from `dpkg-deb --fsys-tarfile` and only the four members with the
exact expected names are parsed, in memory: nothing is extracted, so member names like `../../x`,
absolute paths or symlinks cannot write or read anywhere (a symlink counts as a missing member).
"""
from __future__ import annotations

import logging
import os
import subprocess
import tarfile
from pathlib import Path

import numpy as np

from ganbench.data.idx import IDX_FILES, parse_idx
from ganbench.data.sources.cache import cached_download, read_verified, run_command
from ganbench.data.splits import DataError
from ganbench.errors import one_line

log = logging.getLogger(__name__)

DEB_PACKAGE = "dataset-fashion-mnist"
DEB_PREFIX = "./usr/share/datasets/fashion-mnist/"


def from_debian(name: str, local_dir: str | None) -> tuple[str, dict]:
    """Fashion-MNIST from the Debian package; only the four exact IDX members are read."""
    def download(tmp: Path) -> None:
        log.info("downloading package %s", DEB_PACKAGE)
        try:
            run_command(["apt-get", "download", DEB_PACKAGE], tmp)
        except DataError:
            if os.geteuid() != 0:
                raise
            log.info("apt-get download failed; running apt-get update and retrying")
            run_command(["apt-get", "update"], tmp)
            run_command(["apt-get", "download", DEB_PACKAGE], tmp)

    deb = cached_download(f"{DEB_PACKAGE}_*.deb", download)
    return f"debian:{DEB_PACKAGE}", read_verified(name, deb, read_deb)


def read_deb(deb: Path) -> dict[str, np.ndarray]:
    """Stream the package's data tar and parse only the four exact IDX members (never extract-all)."""
    wanted = {f"{DEB_PREFIX}{base}.gz": key for key, base in IDX_FILES.items()}
    arrays = {}
    try:
        with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL) as proc:
            with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
                for member in tar:
                    if member.name in wanted and member.isfile():
                        raw = tar.extractfile(member).read()
                        arrays[wanted[member.name]] = parse_idx(raw, f"{deb}:{member.name}")
    except (OSError, tarfile.TarError) as e:
        raise DataError(f"{deb}: cannot read package ({one_line(e)})") from None
    missing = sorted(m for m, k in wanted.items() if k not in arrays)
    if missing:
        raise DataError(f"{deb}: missing members {missing}")
    return arrays
