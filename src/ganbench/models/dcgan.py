"""DCGAN of the TensorFlow tutorial (tensorflow.org/tutorials/generative/dcgan).

Generator: z (B, latent_dim) -> Dense 7*7*256 -> BN -> LeakyReLU -> Conv2DTranspose 128/64/1 5x5
(strides 1, 2, 2) -> tanh image (B, 28, 28, 1). Discriminator: image -> Conv 64/128 5x5 stride 2,
LeakyReLU, dropout 0.3 -> Dense(1) logit (B, 1). `width` scales every channel count, so the same
layout gives small "home" models (width 0.25) and the tutorial model (width 1.0). The trunks are
shared with the class-conditional variant (`cdcgan.py`).
"""
from __future__ import annotations

import keras
from keras import layers


def channels(base: int, width: float) -> int:
    return max(1, int(round(base * width)))


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


def discriminator_trunk(x: keras.KerasTensor, width: float) -> keras.KerasTensor:
    """(B, 28, 28, 1) image -> (B, F) features, F = 7*7*128*width."""
    h = x
    for filters in (channels(64, width), channels(128, width)):
        h = layers.Conv2D(filters, 5, strides=2, padding="same")(h)
        h = layers.Dropout(0.3)(layers.LeakyReLU(0.3)(h))
    return layers.Flatten()(h)


def build_generator(latent_dim: int, width: float = 1.0) -> keras.Model:
    z = keras.Input((latent_dim,), name="z")
    return keras.Model(z, generator_trunk(z, width), name="dcgan_generator")


def build_discriminator(width: float = 1.0) -> keras.Model:
    x = keras.Input((28, 28, 1), name="image")
    return keras.Model(x, layers.Dense(1)(discriminator_trunk(x, width)), name="dcgan_discriminator")
