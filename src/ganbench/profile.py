"""Compute profiling of a variant: how long one training step takes at its own batch size."""
from __future__ import annotations

import time

import keras
import numpy as np

from ganbench.train import build_gan, real_batches


def train_step_seconds(variant: dict, steps: int = 20, warmup: int = 5, repeats: int = 3, seed: int = 0) -> float:
    """Wall seconds per generator step (incl. its `d_steps` D updates): the best of `repeats` timings
    of `steps` steps after warmup, since a busy machine only ever makes a step slower.

    Random images stand in for data: the cost of a step does not depend on pixel values.
    """
    keras.utils.set_random_seed(seed)
    gan = build_gan(variant, seed)
    rng = np.random.default_rng(seed)
    n = variant["batch"] * 4
    x, y = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32), rng.integers(0, 10, n)
    batches = real_batches(x, y if gan.conditional else None, variant["batch"], seed)
    gan.fit(batches, epochs=1, steps_per_epoch=warmup, verbose=0)  # traces the step function
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        gan.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
        timings.append((time.perf_counter() - started) / steps)
    return min(timings)
