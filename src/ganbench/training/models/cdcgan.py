"""Class-conditional DCGAN: the tutorial trunks with labels in both networks.

Generator: [z (B, latent_dim), y (B,) int] -> concat(z, Embedding(y) (B, 50)) -> DCGAN trunk.
Discriminator: projection discriminator (Miyato & Koyama 2018): logit = w.h + <Embedding(y), h>
for the DCGAN trunk's features h (B, F); output (B, 1).
"""
from __future__ import annotations

import keras
from keras import layers

from ganbench.data.splits import NUM_CLASSES
from ganbench.training.models.blocks import d_layer
from ganbench.training.models.dcgan import discriminator_trunk, generator_trunk

LABEL_EMBEDDING = 50


def build_generator(latent_dim: int, width: float = 1.0) -> keras.Model:
    z = keras.Input((latent_dim,), name="z")
    y = keras.Input((), dtype="int32", name="label")
    h = layers.Concatenate()([z, layers.Embedding(NUM_CLASSES, LABEL_EMBEDDING)(y)])
    return keras.Model([z, y], generator_trunk(h, width), name="cdcgan_generator")


def build_discriminator(width: float = 1.0, spectral_norm: bool = False, dropout: float = 0.3) -> keras.Model:
    x = keras.Input((28, 28, 1), name="image")
    y = keras.Input((), dtype="int32", name="label")
    h = discriminator_trunk(x, width, spectral_norm, dropout)
    projection = layers.Dot(axes=1)([h, layers.Embedding(NUM_CLASSES, h.shape[-1])(y)])
    logit = d_layer(layers.Dense(1), spectral_norm)(h)
    return keras.Model([x, y], layers.Add()([logit, projection]), name="cdcgan_discriminator")
