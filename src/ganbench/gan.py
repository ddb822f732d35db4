"""A GAN as a `keras.Model` that owns its `train_step`, so `fit` and Keras callbacks do the rest.

Shape follows keras-io `dcgan_overriding_train_step.py`: two optimizers, loss trackers reported in
`logs` as `d_loss` and `g_loss`; the update itself follows the TF DCGAN tutorial.
"""
from __future__ import annotations

import keras
import tensorflow as tf

from ganbench.losses import LossFn


class GAN(keras.Model):
    """Adversarial pair. Input to `fit`: batches of real images (B, 28, 28, 1) in [-1, 1]."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent_dim: int, seed: int):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer: keras.optimizers.Optimizer, g_optimizer: keras.optimizers.Optimizer,
                loss_fn: LossFn) -> None:
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
        # Built now so that BackupAndRestore can load optimizer state before the first step.
        d_optimizer.build(self.discriminator.trainable_variables)
        g_optimizer.build(self.generator.trainable_variables)
        self.built = True  # both networks are built from their Input layers

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z: tf.Tensor, training: bool = False) -> tf.Tensor:
        return self.generator(z, training=training)

    def _latents(self, batch_size: tf.Tensor) -> tf.Tensor:
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def train_step(self, real_images: tf.Tensor) -> dict[str, tf.Tensor]:
        """One simultaneous update of D and G from one forward pass, as in the TF DCGAN tutorial."""
        z = self._latents(tf.shape(real_images)[0])
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake_images = self.generator(z, training=True)
            real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            d_loss, g_loss = self.loss_fn(real_logits, fake_logits)
        d_grads = d_tape.gradient(d_loss, self.discriminator.trainable_variables)
        g_grads = g_tape.gradient(g_loss, self.generator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_variables))
        self.g_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_variables))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
