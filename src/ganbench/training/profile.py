"""Compute profile of a variant on the machine at hand: FLOPs, generator latency and throughput,
and the training step's cost.

FLOPs are counted by TensorFlow's own profiler on the traced graph (the ops with registered FLOP
statistics: convolutions, matmuls, elementwise arithmetic), so they are a property of the model,
not of the machine; latency and throughput are wall-clock measurements on this machine.
"""
from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from ganbench.training.batches import real_batches
from ganbench.training.build import build_gan


def graph_flops(concrete_function) -> int:
    """Floating-point operations of one call of a traced tf.function (static shapes required)."""
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return int(tf.compat.v1.profiler.profile(graph=concrete_function.graph, options=options).total_float_ops)


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


def generator_flops_per_image(generator: keras.Model) -> int:
    call, inputs = _generator_call(generator)
    return graph_flops(call.get_concrete_function(inputs(1)))


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


def _gan_with_batches(variant: dict, seed: int):
    keras.utils.set_random_seed(seed)
    gan = build_gan(variant, seed)
    rng = np.random.default_rng(seed)
    n = variant["batch"] * 4
    x, y = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32), rng.integers(0, 10, n)
    return gan, real_batches(x, y if gan.conditional else None, variant["batch"], seed)


def train_step_flops(variant: dict, seed: int = 0) -> int:
    """FLOPs of one generator step at the variant's batch size, its `d_steps` D updates included."""
    gan, batches = _gan_with_batches(variant, seed)
    batch = next(iter(batches))
    return graph_flops(tf.function(gan.train_step, autograph=False).get_concrete_function(batch))


def train_step_seconds(variant: dict, steps: int = 20, warmup: int = 5, repeats: int = 3, seed: int = 0) -> float:
    """Wall seconds per generator step (incl. its `d_steps` D updates): the best of `repeats` timings
    of `steps` steps after warmup, since a busy machine only ever makes a step slower.

    Random images stand in for data: the cost of a step does not depend on pixel values.
    """
    gan, batches = _gan_with_batches(variant, seed)
    gan.fit(batches, epochs=1, steps_per_epoch=warmup, verbose=0)  # traces the step function
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        gan.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
        timings.append((time.perf_counter() - started) / steps)
    return min(timings)
