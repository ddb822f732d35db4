"""Process-wide TensorFlow settings every stage applies first: seeds, determinism, threads."""
from __future__ import annotations

import logging
import os
import resource


def use_onednn() -> None:
    """TensorFlow's oneDNN graph rewrites, on unless the user set TF_ENABLE_ONEDNN_OPTS.

    TensorFlow turns them on by default only on CPUs with AVX-512 features; on an AVX2 machine (an AMD
    EPYC of this pool) the base recipe's training step took 0.336 s without them and 0.129 s with them
    (benchmarks/train_step.py, 2026-12-07). Set explicitly, every machine makes the same choice, and
    the choice is recorded with the machine class (`ganbench.machine`). Must run before TensorFlow loads.
    """
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def setup_logging() -> None:
    """Timestamped INFO lines: stage logs double as progress reports."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")


TF_THREADS = 2  # TensorFlow's thread pools, whatever the job was given: see `configure`


def configure(seed: int) -> None:
    """Seed Python, NumPy and TF, make TF ops deterministic, and fix TF's thread pools.

    TensorFlow's CPU kernels (oneDNN) split their reductions by the size of the thread pool, so a
    generator trained with 1 thread differs in its last bits from one trained with 2, and so does
    everything after it. The pools are therefore always TF_THREADS (intra- and inter-op), so the
    same params give the same bytes however many cores a job gets; the cores Snakemake grants a job
    (OMP_NUM_THREADS, from a rule's `threads:`) decide what runs side by side and how many workers
    the NumPy scoring uses (`ganbench.evaluation.metrics.threads`), whose bytes do not depend on it.
    """
    import keras
    import tensorflow as tf

    setup_logging()
    tf.config.threading.set_intra_op_parallelism_threads(TF_THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(TF_THREADS)
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
