"""Atomic writes: a failed writer leaves neither a partial file nor a temporary beside it."""
import numpy as np
import pytest

from ganbench.io import atomic_path, read_json, save_npz, write_json


def test_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "out" / "model.keras"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            assert tmp.name.endswith(".keras")  # writers that infer the format from the suffix work
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert list((tmp_path / "out").iterdir()) == []


def test_failed_write_keeps_the_previous_version(tmp_path):
    target = tmp_path / "metrics.json"
    write_json(target, {"fid": 1.0})
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("{broken")
            raise RuntimeError("killed")
    assert read_json(target) == {"fid": 1.0}


def test_npz_roundtrip_and_readable_permissions(tmp_path):
    save_npz(tmp_path / "s.npz", x=np.arange(3))
    assert (tmp_path / "s.npz").stat().st_mode & 0o044  # not mkstemp's private 0600
    np.testing.assert_array_equal(np.load(tmp_path / "s.npz")["x"], np.arange(3))
