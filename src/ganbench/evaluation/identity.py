"""The reference classifier's identity, shared by the code that trains it and the code that embeds with
it: the name of its feature layer and the hash of its weights (what every metrics file's protocol
records). Kept apart from both so that editing the forward pass does not retrain the classifier,
and editing its training does not rescore anything."""
from __future__ import annotations

import hashlib

import keras
import numpy as np

FEATURE_LAYER = "features"  # the penultimate, 500-d layer: FID, KID and the k-NN metrics live in its space


def weights_sha256(model: keras.Model) -> str:
    """Hash of the weights alone: what the protocol block records as the classifier's identity."""
    h = hashlib.sha256()
    for w in model.get_weights():
        h.update(np.ascontiguousarray(w).tobytes())
    return h.hexdigest()
