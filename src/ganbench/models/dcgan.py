"""DCGAN of the TensorFlow tutorial (tensorflow.org/tutorials/generative/dcgan).

Generator: z (B, latent_dim) -> Dense 7*7*256 -> BN -> LeakyReLU -> Conv2DTranspose 128/64/1 5x5
(strides 1, 2, 2) -> tanh image (B, 28, 28, 1). Discriminator: image -> Conv 64/128 5x5 stride 2,
LeakyReLU, dropout 0.3 -> Dense(1) logit (B, 1). `width` scales every channel count, so the same
layout gives small "home" models (width 0.25) and the tutorial model (width 1.0).
"""
from __future__ import annotations

import keras
from keras import layers


def _channels(base: int, width: float) -> int:
    return max(1, int(round(base * width)))


def build_generator(latent_dim: int, width: float = 1.0) -> keras.Model:
    c256, c128, c64 = (_channels(c, width) for c in (256, 128, 64))
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(7 * 7 * c256, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(0.3),
            layers.Reshape((7, 7, c256)),
            layers.Conv2DTranspose(c128, 5, strides=1, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(0.3),
            layers.Conv2DTranspose(c64, 5, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(0.3),
            layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
        ],
        name="dcgan_generator",
    )


def build_discriminator(width: float = 1.0) -> keras.Model:
    c64, c128 = (_channels(c, width) for c in (64, 128))
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(c64, 5, strides=2, padding="same"),
            layers.LeakyReLU(0.3),
            layers.Dropout(0.3),
            layers.Conv2D(c128, 5, strides=2, padding="same"),
            layers.LeakyReLU(0.3),
            layers.Dropout(0.3),
            layers.Flatten(),
            layers.Dense(1),
        ],
        name="dcgan_discriminator",
    )
