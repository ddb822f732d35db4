"""The DVC remote: where `dvc push` stores the cache and `dvc pull` fetches it on another clone.

A remote is a URL: a directory (the default, `../ganbench-dvc-remote`, beside the repository, so
that clones made beside it find it too), or s3://, gs:// or ssh://, each of which needs DVC's
plugin for it (`pip install dvc-s3`, `dvc-gs`, `dvc-ssh`, or this project's extras of those names).
"""
from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from ganbench.config import ConfigError

log = logging.getLogger(__name__)
DEFAULT_URL = "../ganbench-dvc-remote"
DEFAULT_NAME = "storage"
PLUGINS = {"s3": "dvc_s3", "gs": "dvc_gs", "ssh": "dvc_ssh"}  # URL scheme -> DVC's module for it


def scheme(url: str) -> str:
    """'s3', 'gs', 'ssh', ..., or '' for a directory."""
    return urlsplit(url).scheme


def check_url(url: str) -> None:
    """Refuse a scheme this project does not document, and a cloud URL whose DVC plugin is missing."""
    kind = scheme(url)
    if kind and kind not in PLUGINS:
        raise ConfigError(f"{url}: unsupported remote; use a directory or one of "
                          + ", ".join(f"{s}://" for s in PLUGINS))
    if kind and importlib.util.find_spec(PLUGINS[kind]) is None:
        package = PLUGINS[kind].replace("_", "-")
        raise ConfigError(f"{url}: DVC needs {package} for {kind}:// remotes: pip install {package}")


def configure(url: str = DEFAULT_URL, name: str = DEFAULT_NAME, *, local: bool = False,
              workdir: Path = Path(".")) -> str:
    """Make `url` the default DVC remote of the repository at `workdir`; return the URL.

    The remote goes into .dvc/config (committed: every clone pushes and pulls there), or with
    `local` into .dvc/config.local (this clone only, e.g. for credentials or a personal bucket).
    A directory remote is created if missing; DVC stores a relative path relative to .dvc/.
    """
    check_url(url)
    if not scheme(url):
        (workdir / url).mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "dvc", "remote", "add", "--force", "--default", *(["--local"] if local else []),
           name, url]
    done = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    if done.returncode:
        raise ConfigError(f"dvc remote add {name} {url} failed: {' '.join(done.stderr.split())}")
    log.info("dvc remote %r (default) -> %s, in .dvc/%s", name, url, "config.local" if local else "config")
    return url
