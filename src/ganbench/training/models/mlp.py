"""The classic fully connected GAN (Goodfellow et al. 2014, as in most MNIST tutorials).

Generator: z -> Dense 256-512-1024 (LeakyReLU 0.2) -> Dense 784 tanh -> (B, 28, 28, 1).
Discriminator: flatten -> Dense 1024-512-256 (LeakyReLU 0.2, dropout) -> Dense(1) logit, optionally
spectrally normalised (`models.blocks`).
`width` scales every hidden layer.
"""
from __future__ import annotations

import keras
from keras import layers

from ganbench.training.models.blocks import channels, d_activation, d_layer


def build_generator(latent_dim: int, width: float = 1.0) -> keras.Model:
    z = keras.Input((latent_dim,), name="z")
    h = z
    for units in (256, 512, 1024):
        h = layers.LeakyReLU(0.2)(layers.Dense(channels(units, width))(h))
    image = layers.Reshape((28, 28, 1))(layers.Dense(784, activation="tanh")(h))
    return keras.Model(z, image, name="mlp_generator")


def build_discriminator(width: float = 1.0, spectral_norm: bool = False, dropout: float = 0.3) -> keras.Model:
    x = keras.Input((28, 28, 1), name="image")
    h = layers.Flatten()(x)
    for units in (1024, 512, 256):
        h = d_activation(d_layer(layers.Dense(channels(units, width)), spectral_norm)(h), 0.2, dropout)
    return keras.Model(x, d_layer(layers.Dense(1), spectral_norm)(h), name="mlp_discriminator")
