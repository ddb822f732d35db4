"""What a variant's generator costs to run on the machine at hand (latency at batch 1, throughput),
and the machine it was measured on.

The study's unit of compute is FLOPs (`ganbench.training.flops`), a property of the model; these are
wall-clock measurements, reported beside the FLOPs and never used to decide anything.
"""
from __future__ import annotations

import os
import platform
import time

import keras
import numpy as np
import tensorflow as tf


def _generator_call(generator: keras.Model):
    """tf.function of the generator in inference mode, and a function making its inputs for a batch."""
    conditional = len(generator.inputs) == 2
    latent_dim = generator.inputs[0].shape[-1]

    @tf.function(autograph=False)
    def call(inputs):
        return generator(inputs, training=False)

    def inputs(batch: int):
        z = tf.random.stateless_normal((batch, latent_dim), seed=(0, 0))
        return [z, tf.zeros((batch,), tf.int32)] if conditional else z

    return call, inputs


def generator_latency_ms(generator: keras.Model, calls: int = 200, warmup: int = 20) -> dict:
    """Median and 95th percentile of wall milliseconds per single-image call (batch 1)."""
    call, inputs = _generator_call(generator)
    z = inputs(1)
    for _ in range(warmup):
        call(z).numpy()
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        call(z).numpy()
        timings.append((time.perf_counter() - started) * 1000)
    return {"median": float(np.median(timings)), "p95": float(np.percentile(timings, 95))}


def generator_throughput(generator: keras.Model, batch: int = 1000, repeats: int = 3) -> float:
    """Images per second at a large batch: the best of `repeats` timed calls after one warm-up."""
    call, inputs = _generator_call(generator)
    z = inputs(batch)
    call(z).numpy()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        call(z).numpy()
        best = min(best, time.perf_counter() - started)
    return batch / best


def machine() -> dict:
    """What the timings were measured on."""
    model = platform.processor()
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), model)
    return {"cpu": model, "cpu_count": os.cpu_count(), "threads": int(os.environ.get("OMP_NUM_THREADS", 0)) or None,
            "gpus": len(tf.config.list_physical_devices("GPU")), "tensorflow": tf.__version__}
