"""The reference classifier: a LeNet-style CNN per dataset, trained by the pipeline itself.

Scoring MNIST with ImageNet Inception features is meaningless (design.md section 1), so every
sample-quality metric is computed from this network: its softmax for the classifier score and
mode statistics, its penultimate layer (`FEATURE_LAYER`, 500-d) for FID, KID and k-NN metrics.
"""
from __future__ import annotations

import sys

import keras
import numpy as np
from keras import layers

from ganbench.evaluation.identity import FEATURE_LAYER


def build_lenet(num_classes: int = 10) -> keras.Model:
    """LeNet-5 as in Caffe's MNIST example: conv 20 5x5, pool, conv 50 5x5, pool, dense 500, dense 10.

    Input (B, 28, 28, 1) in [-1, 1]; output class probabilities (B, 10). Dropout before the head
    is the one addition; it buys the last few tenths of a percent on Fashion-MNIST.
    """
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(20, 5, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(50, 5, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(500, activation="relu", name=FEATURE_LAYER),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax", name="probs"),
        ],
        name="lenet",
    )


def train_classifier(x_train: np.ndarray, y_train: np.ndarray, epochs: int, batch: int, lr: float,
                     seed: int) -> keras.Model:
    """Fit LeNet with Adam on (N, 28, 28, 1) images in [-1, 1] and integer labels (N,)."""
    model = build_lenet()
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x_train))  # fixed order: fit's own shuffle draws from the global seed
    model.fit(x_train[order], y_train[order], epochs=epochs, batch_size=batch, shuffle=True,
              verbose=1 if sys.stderr.isatty() else 2)
    return model


def evaluate(model: keras.Model, x: np.ndarray, y: np.ndarray) -> dict:
    loss, accuracy = model.evaluate(x, y, batch_size=1000, verbose=0)
    return {"test_loss": float(loss), "test_accuracy": float(accuracy), "test_samples": int(len(x))}
