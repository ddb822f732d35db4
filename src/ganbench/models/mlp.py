"""The classic fully connected GAN (Goodfellow et al. 2014, as in most MNIST tutorials).

Generator: z -> Dense 256-512-1024 (LeakyReLU 0.2) -> Dense 784 tanh -> (B, 28, 28, 1).
Discriminator: flatten -> Dense 1024-512-256 (LeakyReLU 0.2, dropout 0.3) -> Dense(1) logit.
`width` scales every hidden layer.
"""
from __future__ import annotations

import keras
from keras import layers

from ganbench.models.dcgan import channels


def build_generator(latent_dim: int, width: float = 1.0) -> keras.Model:
    z = keras.Input((latent_dim,), name="z")
    h = z
    for units in (256, 512, 1024):
        h = layers.LeakyReLU(0.2)(layers.Dense(channels(units, width))(h))
    image = layers.Reshape((28, 28, 1))(layers.Dense(784, activation="tanh")(h))
    return keras.Model(z, image, name="mlp_generator")


def build_discriminator(width: float = 1.0) -> keras.Model:
    x = keras.Input((28, 28, 1), name="image")
    h = layers.Flatten()(x)
    for units in (1024, 512, 256):
        h = layers.Dropout(0.3)(layers.LeakyReLU(0.2)(layers.Dense(channels(units, width))(h)))
    return keras.Model(x, layers.Dense(1)(h), name="mlp_discriminator")
