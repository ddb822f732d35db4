"""DCGAN of the TensorFlow tutorial (tensorflow.org/tutorials/generative/dcgan).

Generator: z (B, latent_dim) -> Dense 7*7*256 -> BN -> LeakyReLU -> Conv2DTranspose 128/64/1 5x5
(strides 1, 2, 2) -> tanh image (B, 28, 28, 1). Discriminator: image -> Conv 64/128 5x5 stride 2,
LeakyReLU, dropout (0.3 in the tutorial) -> Dense(1) logit (B, 1), optionally spectrally normalised
(`models.blocks`). `width` scales every channel count, so the same layout gives small "home" models
(width 0.25) and the tutorial model (width 1.0). The trunks are shared with the class-conditional
variant (`cdcgan.py`).
"""
from __future__ import annotations

import keras
from keras import layers

from ganbench.training.models.blocks import channels, d_activation, d_layer


def generator_trunk(h: keras.KerasTensor, width: float) -> keras.KerasTensor:
    """(B, any) latent code -> (B, 28, 28, 1) image in [-1, 1]."""
    c256, c128, c64 = (channels(c, width) for c in (256, 128, 64))
    h = layers.Dense(7 * 7 * c256, use_bias=False)(h)
    h = layers.LeakyReLU(0.3)(layers.BatchNormalization()(h))
    h = layers.Reshape((7, 7, c256))(h)
    for filters, stride in ((c128, 1), (c64, 2)):
        h = layers.Conv2DTranspose(filters, 5, strides=stride, padding="same", use_bias=False)(h)
        h = layers.LeakyReLU(0.3)(layers.BatchNormalization()(h))
    return layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh")(h)


def discriminator_trunk(x: keras.KerasTensor, width: float, spectral_norm: bool, dropout: float) -> keras.KerasTensor:
    """(B, 28, 28, 1) image -> (B, F) features, F = 7*7*128*width."""
    h = x
    for filters in (channels(64, width), channels(128, width)):
        h = d_layer(layers.Conv2D(filters, 5, strides=2, padding="same"), spectral_norm)(h)
        h = d_activation(h, 0.3, dropout)
    return layers.Flatten()(h)


def build_generator(latent_dim: int, width: float = 1.0) -> keras.Model:
    z = keras.Input((latent_dim,), name="z")
    return keras.Model(z, generator_trunk(z, width), name="dcgan_generator")


def build_discriminator(width: float = 1.0, spectral_norm: bool = False, dropout: float = 0.3) -> keras.Model:
    x = keras.Input((28, 28, 1), name="image")
    logit = d_layer(layers.Dense(1), spectral_norm)(discriminator_trunk(x, width, spectral_norm, dropout))
    return keras.Model(x, logit, name="dcgan_discriminator")
