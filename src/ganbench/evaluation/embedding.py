"""The trained classifier as the metrics see it: loaded safely, hashed, and split into two heads.

Every sample-quality metric is computed from the pipeline's own classifier (`ganbench.evaluation.classifier`
trains it): its softmax for the classifier score and mode statistics, its penultimate layer
(`FEATURE_LAYER`, 500-d) for FID, KID and the k-NN metrics. Kept apart from the training code so
that the stages which only embed images (train's quality log, score, embed_reference) do not
depend on how the classifier is trained.
"""
from __future__ import annotations

import hashlib
import os

import keras
import numpy as np

from ganbench.model_files import load_model

FEATURE_LAYER = "features"


def weights_sha256(model: keras.Model) -> str:
    """Hash of the weights alone: what the protocol block records as the classifier's identity."""
    h = hashlib.sha256()
    for w in model.get_weights():
        h.update(np.ascontiguousarray(w).tobytes())
    return h.hexdigest()


def load_classifier(path: str | os.PathLike) -> keras.Model:
    return load_model(path, "classifier")


class Embedder:
    """The classifier seen by the metrics: images (N,28,28,1) -> features (N,500), probs (N,10).

    Built once per classifier so that repeated calls (every eval point) reuse one traced graph.
    """

    def __init__(self, classifier: keras.Model):
        self.classifier = classifier
        self.feature_layer = FEATURE_LAYER
        self._two_headed = keras.Model(classifier.inputs,
                                       [classifier.get_layer(FEATURE_LAYER).output, classifier.outputs[0]])

    def __call__(self, x: np.ndarray, batch: int = 1000) -> tuple[np.ndarray, np.ndarray]:
        features, probs = self._two_headed.predict(x, batch_size=batch, verbose=0)
        return features.astype(np.float64), probs.astype(np.float64)
