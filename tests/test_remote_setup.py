"""`ganbench remote`: one command makes a directory (default) or cloud URL the DVC remote."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from ganbench.config import ConfigError
from ganbench.pipeline.remote import DEFAULT_URL, check_url, configure


@pytest.fixture
def dvc_repo(tmp_path) -> Path:
    root = tmp_path / "ganbench"
    root.mkdir()
    subprocess.run([sys.executable, "-m", "dvc", "init", "--no-scm", "-q"], cwd=root, check=True)
    return root


def dvc_config(root: Path, *args: str) -> str:
    """`dvc config ...` as DVC itself reads it ('' when the key is not set at that level)."""
    done = subprocess.run([sys.executable, "-m", "dvc", "config", *args], cwd=root, capture_output=True, text=True)
    return done.stdout.strip()


def test_default_is_a_directory_beside_the_repository(dvc_repo):
    done = subprocess.run([sys.executable, "-m", "ganbench", "remote"], cwd=dvc_repo, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert done.returncode == 0, done.stderr
    assert DEFAULT_URL == "../ganbench-dvc-remote" and (dvc_repo.parent / "ganbench-dvc-remote").is_dir()
    assert dvc_config(dvc_repo, "--project", "core.remote") == "storage"
    assert dvc_config(dvc_repo, "--project", "remote.storage.url") == str(dvc_repo.parent / "ganbench-dvc-remote")
    assert "url = ../../ganbench-dvc-remote" in (dvc_repo / ".dvc/config").read_text()  # stored relative: clones beside


def test_local_flag_keeps_the_remote_out_of_the_committed_config(dvc_repo, tmp_path):
    configure(str(tmp_path / "elsewhere"), "mine", local=True, workdir=dvc_repo)
    assert dvc_config(dvc_repo, "--local", "remote.mine.url") == str(tmp_path / "elsewhere")
    assert dvc_config(dvc_repo, "--local", "core.remote") == "mine"
    assert dvc_config(dvc_repo, "--project", "remote.mine.url") == ""


def test_unsupported_scheme_and_missing_plugin_are_one_line_errors():
    with pytest.raises(ConfigError, match=r"ftp://x/y: unsupported remote; use a directory or one of s3://, gs://, ssh://"):
        check_url("ftp://x/y")
    for url, package in [("s3://b/p", "dvc-s3"), ("gs://b/p", "dvc-gs"), ("ssh://h/p", "dvc-ssh")]:
        if importlib.util.find_spec(package.replace("-", "_")) is None:
            with pytest.raises(ConfigError, match=f"pip install {package}"):
                check_url(url)
        else:
            check_url(url)
