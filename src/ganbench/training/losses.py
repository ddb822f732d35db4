"""Adversarial losses, one signature: (real_logits, fake_logits) -> (d_loss, g_loss).

Logits are the discriminator's raw outputs, shape (B, 1); losses are batch means (scalars).
Gradient penalties are separate terms (`gradient_penalty`), added by the trainer with their own
weight, as in compare_gan's loss_lib / penalty_lib split. In params.yaml a loss is a name
(`loss: hinge`) or a mapping with keyword arguments (`loss: {name: least_squares, a: 0, b: 1, c: 1}`).
"""
from __future__ import annotations

import functools
from typing import Callable

import tensorflow as tf

from ganbench.errors import UnknownName

LossFn = Callable[[tf.Tensor, tf.Tensor], tuple[tf.Tensor, tf.Tensor]]
mean = tf.reduce_mean


def minimax(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """The original saturating game (Goodfellow et al. 2014): G minimises log(1 - D(G(z))).

    d_loss = softplus(-r) + softplus(f); g_loss = -softplus(f) = log(1 - sigmoid(f)).
    """
    return mean(tf.nn.softplus(-real_logits)) + mean(tf.nn.softplus(fake_logits)), -mean(tf.nn.softplus(fake_logits))


def non_saturating(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Goodfellow et al. 2014, the "-log D" generator trick used by the TF DCGAN tutorial.

    d_loss = -log sigmoid(r) - log(1 - sigmoid(f)) = softplus(-r) + softplus(f);
    g_loss = -log sigmoid(f) = softplus(-f).
    """
    d_loss = mean(tf.nn.softplus(-real_logits)) + mean(tf.nn.softplus(fake_logits))
    return d_loss, mean(tf.nn.softplus(-fake_logits))


def least_squares(real_logits: tf.Tensor, fake_logits: tf.Tensor, a: float = 0.0, b: float = 1.0,
                  c: float = 1.0) -> tuple[tf.Tensor, tf.Tensor]:
    """LSGAN (Mao et al. 2017): D pushes fakes to a and reals to b, G pushes fakes to c.

    d_loss = 1/2 E(D(x) - b)^2 + 1/2 E(D(G(z)) - a)^2; g_loss = 1/2 E(D(G(z)) - c)^2.
    """
    d_loss = 0.5 * mean(tf.square(real_logits - b)) + 0.5 * mean(tf.square(fake_logits - a))
    return d_loss, 0.5 * mean(tf.square(fake_logits - c))


def hinge(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Hinge loss (Lim & Ye 2017; Miyato et al. 2018): d = E relu(1 - r) + E relu(1 + f); g = -E f."""
    return mean(tf.nn.relu(1.0 - real_logits)) + mean(tf.nn.relu(1.0 + fake_logits)), -mean(fake_logits)


def wasserstein(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """WGAN critic loss (Arjovsky et al. 2017): d = E f - E r; g = -E f. Pair with a gradient penalty."""
    return mean(fake_logits) - mean(real_logits), -mean(fake_logits)


LOSSES: dict[str, Callable[..., tuple[tf.Tensor, tf.Tensor]]] = {
    "minimax": minimax,
    "non_saturating": non_saturating,
    "least_squares": least_squares,
    "hinge": hinge,
    "wasserstein": wasserstein,
}


def get_loss(spec: str | dict) -> LossFn:
    """Look up a loss by name or {name, **kwargs}; an unknown name fails with the known ones."""
    name, kwargs = (spec, {}) if isinstance(spec, str) else (spec["name"], {k: v for k, v in spec.items() if k != "name"})
    try:
        loss = LOSSES[name]
    except KeyError:
        raise UnknownName(f"unknown loss {name!r}; known: {', '.join(sorted(LOSSES))}") from None
    return functools.partial(loss, **kwargs) if kwargs else loss


def gradient_penalty(critic: Callable[[tf.Tensor], tf.Tensor], real: tf.Tensor, fake: tf.Tensor,
                     alpha: tf.Tensor) -> tf.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): E (||grad_x D(x_hat)||_2 - 1)^2 at x_hat = a*real + (1-a)*fake.

    real, fake: (B, ...) images; alpha: (B, 1, 1, 1) uniform in [0, 1]; `critic` maps images to logits.
    """
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        logits = critic(x_hat)
    grads = tape.gradient(logits, x_hat)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=tf.range(1, tf.rank(grads))) + 1e-12)
    return mean(tf.square(norms - 1.0))
