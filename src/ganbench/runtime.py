"""Process-wide TensorFlow settings every stage applies first: seeds, determinism, threads."""
from __future__ import annotations

import logging
import os
import resource


def setup_logging() -> None:
    """Timestamped INFO lines: stage logs double as progress reports."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")


def configure(seed: int) -> None:
    """Seed Python, NumPy and TF, make TF ops deterministic, and size its thread pools.

    Threads come from OMP_NUM_THREADS, which Snakemake sets from a rule's `threads:`; the stage
    command itself stays identical in both front ends.
    """
    import keras
    import tensorflow as tf

    setup_logging()
    threads = int(os.environ.get("OMP_NUM_THREADS", "0") or 0)
    if threads > 0:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(min(threads, 2))
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_load() -> dict:
    """What else the machine is doing: the 1-minute load average against the cores, and the threads
    this process was given. A load well above the threads means other work shared the cores."""
    return {"load_1min": round(os.getloadavg()[0], 2), "cpu_count": os.cpu_count(),
            "threads": int(os.environ.get("OMP_NUM_THREADS", "0") or 0) or None}
