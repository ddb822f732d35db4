"""The real images a GAN trains on, as an endless, resumable stream of batches."""
from __future__ import annotations

import numpy as np
import tensorflow as tf


def real_batches(x: np.ndarray, y: np.ndarray | None, batch: int, seed: int, start_step: int = 0) -> tf.data.Dataset:
    """Endless batches of real images (batch, 28, 28, 1) [and labels (batch,)], starting at batch
    `start_step` of the sequence. Each pass over the data is a permutation drawn statelessly from
    (seed, pass), so the batch at step s is the same whether a run got there in one go or was resumed
    on the way (a resumed run is bit-identical to an uninterrupted one)."""
    images, labels = tf.constant(x), None if y is None else tf.constant(y.astype(np.int32))
    per_pass = len(x) // batch
    first_pass, offset = divmod(start_step, per_pass)

    def one_pass(index: tf.Tensor) -> tf.data.Dataset:
        order = tf.random.experimental.stateless_shuffle(tf.range(len(x), dtype=tf.int64),
                                                         seed=tf.stack([tf.constant(seed, tf.int64), index]))
        return tf.data.Dataset.from_tensor_slices(tf.reshape(order[:per_pass * batch], (per_pass, batch)))

    def gather(rows: tf.Tensor):
        return tf.gather(images, rows) if labels is None else (tf.gather(images, rows), tf.gather(labels, rows))

    return (tf.data.Dataset.range(first_pass, np.iinfo(np.int64).max)
            .flat_map(one_pass)
            .skip(offset)
            .map(gather)
            .prefetch(2))
