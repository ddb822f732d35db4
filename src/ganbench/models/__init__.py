"""Architecture registry: the `arch` name in params.yaml -> generator and discriminator builders."""
from __future__ import annotations

from typing import Callable, NamedTuple

import keras

from ganbench.models import dcgan


class Architecture(NamedTuple):
    generator: Callable[..., keras.Model]       # (latent_dim, width) -> G: (B, latent) -> (B,28,28,1)
    discriminator: Callable[..., keras.Model]   # (width) -> D: (B,28,28,1) -> (B,1) logits


ARCHITECTURES: dict[str, Architecture] = {
    "dcgan": Architecture(dcgan.build_generator, dcgan.build_discriminator),
}


def get_architecture(name: str) -> Architecture:
    """Look up an architecture; an unknown name fails with the list of known ones."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise KeyError(f"unknown architecture {name!r}; known: {', '.join(sorted(ARCHITECTURES))}") from None
