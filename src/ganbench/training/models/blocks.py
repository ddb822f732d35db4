"""Pieces the architectures share: channel scaling and the discriminator's regularisers.

Spectral normalisation (Miyato et al. 2018, "Spectral Normalization for GANs") divides each D
layer's kernel by its largest singular value (one power iteration per call), keeping D
1-Lipschitz-ish; it is what lets the hinge and non-saturating recipes run with Adam(beta_1=0) and
without dropout. Dropout after D's activations is the TF DCGAN tutorial's regulariser.
"""
from __future__ import annotations

import keras
from keras import layers


def channels(base: int, width: float) -> int:
    return max(1, int(round(base * width)))


def d_layer(layer: keras.layers.Layer, spectral_norm: bool) -> keras.layers.Layer:
    """`layer`, wrapped in SpectralNormalization when asked for."""
    return layers.SpectralNormalization(layer) if spectral_norm else layer


def d_activation(h: keras.KerasTensor, slope: float, dropout: float) -> keras.KerasTensor:
    """LeakyReLU, then dropout (if any)."""
    h = layers.LeakyReLU(slope)(h)
    return layers.Dropout(dropout)(h) if dropout else h
