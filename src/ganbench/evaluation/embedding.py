"""The trained classifier as the metrics see it: loaded safely, hashed, and split into two heads.

Every sample-quality metric is computed from the pipeline's own classifier (`ganbench.evaluation.classifier`
trains it): its softmax for the classifier score and mode statistics, its penultimate layer
(`FEATURE_LAYER`, 500-d) for FID, KID and the k-NN metrics. Kept apart from the training code so
that the stages which only embed images (train's quality log, score, embed_reference) do not
depend on how the classifier is trained.
"""
from __future__ import annotations

import os

import keras
import numpy as np

from ganbench.evaluation.forward import Forward
from ganbench.evaluation.identity import FEATURE_LAYER
from ganbench.model_files import load_model


def load_classifier(path: str | os.PathLike) -> keras.Model:
    return load_model(path, "classifier")


class Embedder:
    """The classifier seen by the metrics: images (N,28,28,1) float32 in [-1, 1] -> features (N,500)
    and probs (N,10), float64.

    Computed in NumPy from the classifier's weights (`ganbench.evaluation.forward`), not by
    `predict`: the same bytes whatever OMP_NUM_THREADS is, to float32 rounding the same values. The
    weights are read once, when the Embedder is built.
    """

    def __init__(self, classifier: keras.Model):
        self.classifier = classifier
        self.feature_layer = FEATURE_LAYER
        self._forward = Forward(classifier, FEATURE_LAYER)

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        features, probs = self._forward(x)
        return features.astype(np.float64), probs
