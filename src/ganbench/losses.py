"""Adversarial losses, one signature: (real_logits, fake_logits) -> (d_loss, g_loss).

Logits are the discriminator's raw outputs, shape (B, 1). Losses are batch means (scalars).
Gradient penalties are separate terms, not part of a loss.
"""
from __future__ import annotations

from typing import Callable

import tensorflow as tf

LossFn = Callable[[tf.Tensor, tf.Tensor], tuple[tf.Tensor, tf.Tensor]]


def non_saturating(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Goodfellow et al. 2014, the "-log D" generator trick used by the TF DCGAN tutorial.

    d_loss = -log sigmoid(r) - log(1 - sigmoid(f)) = softplus(-r) + softplus(f);
    g_loss = -log sigmoid(f) = softplus(-f).
    """
    d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))
    g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
    return d_loss, g_loss


LOSSES: dict[str, LossFn] = {
    "non_saturating": non_saturating,
}


def get_loss(name: str) -> LossFn:
    """Look up a loss; an unknown name fails with the list of known ones."""
    try:
        return LOSSES[name]
    except KeyError:
        raise KeyError(f"unknown loss {name!r}; known: {', '.join(sorted(LOSSES))}") from None
