"""Numbers that do not depend on the thread count: one BLAS thread per call, parallelism only over
independent items.

Why: OpenBLAS splits a GEMM, a SYRK or LAPACK's blocked eigensolver among its threads, and how it
splits them changes which kernel computes which tile and in which order partial sums meet. Measured
on this package's shapes (10,000 x 500 features): `np.cov`, `np.linalg.eigh` and a float32 GEMM give
different bytes with 1 and 2 BLAS threads, so a metrics file or a reference cache would change with
OMP_NUM_THREADS (FID in about the 9th digit; the reference cache's covariance roots). TensorFlow's
oneDNN kernels promise no more, which is why the classifier's forward pass runs in NumPy too
(`ganbench.evaluation.forward`).

The cure is the one `metrics.exact` applies to the k-NN metrics: compute every value the same way
whatever the machine's threads. Each BLAS/LAPACK call runs on one thread (`one_thread`), and the
cores are used by running independent items (image batches, KID subsets, classes) side by side
(`parallel_map`): an item's bytes then depend only on the item, never on how many threads ran or
which thread ran it. Bytes still depend on the BLAS build and the CPU's kernel family (OpenBLAS
picks its kernels by CPU type), so they agree between machines of the same kind.
"""
from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_controller: ThreadpoolController | None = None


def _blas() -> ThreadpoolController:
    """The BLAS libraries loaded in this process (NumPy's is loaded with NumPy), found once: a fresh
    scan of the loaded libraries costs ~6 ms, the limit itself ~40 us."""
    global _controller
    with _lock:
        if _controller is None:
            _controller = ThreadpoolController().select(user_api="blas")
        return _controller


@contextmanager
def one_thread():
    """Every BLAS call inside runs on one thread (process-wide; the previous limits come back on exit).
    Nesting is fine; callers that run work on a pool enter it once, around the pool."""
    with _blas().limit(limits=1):
        yield


def single_threaded(fn):
    """Decorator: `fn` runs under `one_thread`, so its result does not depend on the thread count."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with one_thread():
            return fn(*args, **kwargs)
    return wrapper


def workers() -> int:
    """Threads for `parallel_map`: OMP_NUM_THREADS (what Snakemake's `threads:` sets), else the cores."""
    return max(1, int(os.environ.get("OMP_NUM_THREADS") or 0) or os.cpu_count() or 1)


def parallel_map(fn, items: list) -> list:
    """[fn(item) for item in items], on `workers()` threads with one BLAS thread each: NumPy releases
    the GIL in BLAS, LAPACK and its loops. The results are in item order, identical for any
    number of workers as long as fn(item) depends on the item alone."""
    with one_thread():
        if workers() == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(min(workers(), len(items))) as pool:
            return list(pool.map(fn, items))
