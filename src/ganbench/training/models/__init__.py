"""Architecture registry: the `arch` name in params.yaml -> generator and discriminator builders."""
from __future__ import annotations

from typing import Callable, NamedTuple

import keras

from ganbench.errors import UnknownName
from ganbench.training.models import cdcgan, dcgan, mlp


class Architecture(NamedTuple):
    generator: Callable[..., keras.Model]       # (latent_dim, width) -> G: z (B, latent) [, y (B,)] -> (B,28,28,1)
    discriminator: Callable[..., keras.Model]   # (width, spectral_norm, dropout) -> D: x (B,28,28,1) [, y (B,)] -> (B,1)
    conditional: bool = False                   # G and D also take integer class labels


ARCHITECTURES: dict[str, Architecture] = {
    "dcgan": Architecture(dcgan.build_generator, dcgan.build_discriminator),
    "mlp": Architecture(mlp.build_generator, mlp.build_discriminator),
    "cdcgan": Architecture(cdcgan.build_generator, cdcgan.build_discriminator, conditional=True),
}


def get_architecture(name: str) -> Architecture:
    """Look up an architecture; an unknown name fails with the list of known ones."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise UnknownName(f"unknown architecture {name!r}; known: {', '.join(sorted(ARCHITECTURES))}") from None
