"""The TF DCGAN tutorial's training step (tensorflow.org/tutorials/generative/dcgan), written once for
the parity benchmarks (`step_parity.py`: speed; `train_parity.py`: learning): a `tf.function` with two
GradientTapes, written out independently of ganbench's `GAN.train_step`, for any variant's settings
(architecture, loss, Adam settings, class labels, EMA of G; `d_steps` 1 only).
"""
from __future__ import annotations

import ganbench  # noqa: F401  (first: keeps TensorFlow's C++ start-up lines out, ganbench.quiet)

# isort: split
from typing import NamedTuple

import keras
import tensorflow as tf

from ganbench.training.losses import get_loss
from ganbench.training.models import get_architecture


class PlainStep(NamedTuple):
    step: tf.types.experimental.PolymorphicFunction  # step(batch): batch = images, or (images, labels)
    generator: keras.Model
    sampler: keras.Model       # the EMA copy of G where the settings ask for one, else G
    g_optimizer: keras.optimizers.Optimizer


def plain_step(settings: dict) -> PlainStep:
    """The tutorial's step for a complete variant (ganbench.config.variant)."""
    arch = get_architecture(settings["arch"])
    g = arch.generator(settings["latent_dim"], settings["width"])
    d = arch.discriminator(settings["d_width"], settings["d_spectral_norm"], settings["d_dropout"])
    ema = keras.models.clone_model(g) if settings["ema_decay"] else None
    if ema is not None:
        ema.set_weights(g.get_weights())
    loss_fn = get_loss(settings["loss"])
    g_opt, d_opt = (keras.optimizers.Adam(o["lr"], beta_1=o["beta_1"], beta_2=o["beta_2"])
                    for o in (settings["g_opt"], settings["d_opt"]))
    conditional, latent_dim = arch.conditional, settings["latent_dim"]

    @tf.function
    def step(batch):
        real, labels = batch if conditional else (batch, None)
        noise = tf.random.normal([tf.shape(real)[0], latent_dim])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake = g([noise, labels] if conditional else noise, training=True)
            real_logits = d([real, labels] if conditional else real, training=True)
            fake_logits = d([fake, labels] if conditional else fake, training=True)
            d_loss, g_loss = loss_fn(real_logits, fake_logits)
        g_opt.apply_gradients(zip(gen_tape.gradient(g_loss, g.trainable_variables), g.trainable_variables))
        d_opt.apply_gradients(zip(disc_tape.gradient(d_loss, d.trainable_variables), d.trainable_variables))
        if ema is not None:
            t = tf.cast(g_opt.iterations, tf.float32)
            decay = tf.minimum(settings["ema_decay"], (1.0 + t) / (10.0 + t))
            for e, w in zip(ema.trainable_weights, g.trainable_weights):
                e.assign(decay * e + (1.0 - decay) * w)
            for e, w in zip(ema.non_trainable_weights, g.non_trainable_weights):
                e.assign(w)

    return PlainStep(step, g, ema or g, g_opt)
