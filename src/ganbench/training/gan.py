"""A GAN as a `keras.Model` that owns its `train_step`, so `fit` and Keras callbacks do the rest.

Shape follows keras-io `dcgan_overriding_train_step.py` / `wgan_gp.py`: two optimizers, loss
trackers reported in `logs`. One training step = `d_steps - 1` discriminator-only updates, then the
TF DCGAN tutorial's simultaneous update of D and G from one forward pass (so `d_steps: 1` is exactly
the tutorial). Options: a gradient penalty on D (WGAN-GP), class labels (conditional
architectures), and an exponential moving average of G's weights.
"""
from __future__ import annotations

import keras
import tensorflow as tf

from ganbench.training.losses import LossFn, gradient_penalty

RANDOM_STATE = "seed_generator_state"  # the name Keras gives a SeedGenerator's state variable


def update_ema(average: keras.Model, model: keras.Model, decay: float, step: tf.Variable) -> None:
    """Move `average`'s trainable weights towards `model`'s; copy its BatchNorm statistics.

    The decay warms up as min(decay, (1 + t) / (10 + t)) in the generator step t, as in
    tf.train.ExponentialMovingAverage(num_updates=t): without it, a 0.999 average still holds
    about half of the random initial weights after 600 steps and samples come out grey.
    """
    t = tf.cast(step, tf.float32)
    decay = tf.minimum(decay, (1.0 + t) / (10.0 + t))
    for mean, weight in zip(average.trainable_weights, model.trainable_weights):
        mean.assign(decay * mean + (1.0 - decay) * weight)
    for stat_copy, stat in zip(average.non_trainable_weights, model.non_trainable_weights):
        stat_copy.assign(stat)


class GAN(keras.Model):
    """Adversarial pair. `fit` input: batches of real images (B, 28, 28, 1) in [-1, 1], or
    (images, int labels (B,)) tuples when `conditional`."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent_dim: int, seed: int, *,
                 conditional: bool = False, d_steps: int = 1, gp_weight: float = 0.0,
                 ema_decay: float | None = None):
        super().__init__()
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim, self.conditional = latent_dim, conditional
        self.d_steps, self.gp_weight, self.ema_decay = d_steps, gp_weight, ema_decay
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.ema_generator = None
        if ema_decay:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "gp")[:2 + bool(gp_weight)]}

    @property
    def sampler(self) -> keras.Model:
        """The generator to sample from and ship: the EMA copy where enabled."""
        return self.ema_generator or self.generator

    def compile(self, d_optimizer: keras.optimizers.Optimizer, g_optimizer: keras.optimizers.Optimizer,
                loss_fn: LossFn) -> None:
        super().compile(optimizer=None)  # the two optimizers below do the work; no unused default
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn
        # Built now so that BackupAndRestore can load optimizer state before the first step.
        d_optimizer.build(self.discriminator.trainable_variables)
        g_optimizer.build(self.generator.trainable_variables)
        self.built = True  # both networks are built from their Input layers

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self.trackers.values())

    def _random_states(self) -> list:
        """The state of every random generator in the model: latents, penalty mixing, dropout masks."""
        return [v for v in self.variables if v.name == RANDOM_STATE]

    def save_own_variables(self, store) -> None:
        """Keras' weight files leave random generator states out, so a run resumed from a checkpoint
        would draw other latents and dropout masks than an uninterrupted one; they are saved here."""
        super().save_own_variables(store)
        for i, state in enumerate(self._random_states()):
            store[f"{RANDOM_STATE}_{i}"] = state

    def load_own_variables(self, store) -> None:
        super().load_own_variables({k: store[k] for k in store.keys() if not k.startswith(RANDOM_STATE)})
        for i, state in enumerate(self._random_states()):
            state.assign(store[f"{RANDOM_STATE}_{i}"])

    def call(self, inputs, training: bool = False) -> tf.Tensor:
        return self.generator(inputs, training=training)

    def _generate(self, batch_size: tf.Tensor, labels: tf.Tensor | None) -> tf.Tensor:
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        return self.generator([z, labels] if self.conditional else z, training=True)

    def _critic(self, images: tf.Tensor, labels: tf.Tensor | None) -> tf.Tensor:
        return self.discriminator([images, labels] if self.conditional else images, training=True)

    def _d_objective(self, real: tf.Tensor, fake: tf.Tensor, labels: tf.Tensor | None):
        """(d_loss incl. weighted penalty, g_loss, penalty) for one real and one fake batch."""
        d_loss, g_loss = self.loss_fn(self._critic(real, labels), self._critic(fake, labels))
        penalty = tf.constant(0.0)
        if self.gp_weight:
            alpha = keras.random.uniform((tf.shape(real)[0], 1, 1, 1), seed=self.seed_generator)
            penalty = gradient_penalty(lambda x: self._critic(x, labels), real, fake, alpha)
            d_loss += self.gp_weight * penalty
        return d_loss, g_loss, penalty

    def _discriminator_update(self, real: tf.Tensor, labels: tf.Tensor | None) -> None:
        fake = self._generate(tf.shape(real)[0], labels)
        with tf.GradientTape() as tape:
            d_loss, _, _ = self._d_objective(real, fake, labels)
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))

    def train_step(self, data) -> dict[str, tf.Tensor]:
        real, labels = data if self.conditional else (data, None)  # fakes are drawn for the real labels
        for _ in range(self.d_steps - 1):
            self._discriminator_update(real, labels)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self._generate(tf.shape(real)[0], labels)
            d_loss, g_loss, penalty = self._d_objective(real, fake, labels)
        d_grads = d_tape.gradient(d_loss, self.discriminator.trainable_variables)
        g_grads = g_tape.gradient(g_loss, self.generator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_variables))
        self.g_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_variables))
        if self.ema_generator is not None:
            update_ema(self.ema_generator, self.generator, self.ema_decay, self.g_optimizer.iterations)

        for name, value in (("d_loss", d_loss), ("g_loss", g_loss), ("gp", penalty)):
            if name in self.trackers:
                self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}
