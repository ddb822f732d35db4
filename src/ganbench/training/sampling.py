"""The study's fixed evaluation inputs: the same latents (and balanced labels) for every model."""
from __future__ import annotations

import keras
import numpy as np

from ganbench.data.splits import NUM_CLASSES


def fixed_latents(n: int, latent_dim: int, seed: int) -> np.ndarray:
    """The same (n, latent_dim) standard-normal latents for every variant and every eval point."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def balanced_labels(n: int) -> np.ndarray:
    """(n,) int32 labels 0..9 repeated: equal classes, and each 10x10 grid column is one class."""
    return (np.arange(n) % NUM_CLASSES).astype(np.int32)


def sample(generator: keras.Model, n: int, latent_seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(n, 28, 28, 1) float32 images from the fixed latents, and their labels if G is conditional."""
    latents = fixed_latents(n, generator.inputs[0].shape[-1], latent_seed)
    labels = balanced_labels(n) if len(generator.inputs) == 2 else None
    inputs = latents if labels is None else [latents, labels]
    return generator.predict(inputs, batch_size=500, verbose=0).astype(np.float32), labels
