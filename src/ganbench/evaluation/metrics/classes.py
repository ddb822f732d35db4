"""Metrics of the predicted classes: classifier score, mode statistics, conditional accuracy."""
from __future__ import annotations

import numpy as np

from ganbench.evaluation.metrics.arrays import as_matrix

EPS = 1e-12  # probability floor in classifier_score: keeps log(0) out, negligible (<1e-10) otherwise


def classifier_score(probs: np.ndarray) -> float:
    """exp(E_x KL(p(y|x) || p(y))) for class probabilities `probs` (N, C).

    The Inception score of Salimans et al. 2016 ("Improved Techniques for Training GANs") computed
    with the dataset's own classifier instead of Inception, as TF-GAN's `mnist_score` does. It is
    high when each sample is confidently one class (low entropy p(y|x)) and the samples use all
    classes (high entropy marginal p(y)): 1 for uninformative predictions, C for confident
    predictions spread evenly over C classes, m for confident predictions on m classes.
    Probabilities are floored at `EPS` so a hard 0 does not give 0 * log 0 = nan.
    """
    p = np.clip(as_matrix(probs, "probs"), EPS, 1.0)
    marginal = p.mean(axis=0, keepdims=True)  # p(y), (1, C)
    kl = np.sum(p * (np.log(p) - np.log(marginal)), axis=1)  # KL(p(y|x) || p(y)), (N,)
    return float(np.exp(np.mean(kl)))


def class_histogram(probs: np.ndarray, min_fraction: float = 0.1) -> dict:
    """Mode statistics of the predicted classes (argmax) of `probs` (N, C); a direct view of mode
    collapse, as in the mode counts of Metz et al. 2017 (Unrolled GANs) and Srivastava et al. 2017
    (VEEGAN).

    Returns `class_counts` (C ints), `classes_covered` (classes given at least `min_fraction` of
    their uniform share N / C) and `kl_to_uniform` = KL(counts / N || uniform) in nats with
    0 log 0 = 0: 0 for a perfectly balanced generator, log C for a single mode.
    """
    p = as_matrix(probs, "probs")
    n, c = p.shape
    counts = np.bincount(np.argmax(p, axis=1), minlength=c)
    share = counts / n
    nonzero = share > 0
    # counts / N >= min_fraction / C, compared as counts * C >= min_fraction * N with rounding slack
    covered = counts * c >= min_fraction * n * (1 - 1e-12)
    return {"class_counts": counts.tolist(),
            "classes_covered": int(np.sum(covered)),
            "kl_to_uniform": float(np.sum(share[nonzero] * np.log(share[nonzero] * c)))}


def conditional_accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Share of class-conditional samples, probs (N, C) and requested labels (N,), that the
    classifier assigns to the class they were asked for: how well a conditional GAN (Mirza &
    Osindero 2014) obeys its label, which the unconditional metrics above cannot see."""
    p, y = as_matrix(probs, "probs"), np.asarray(labels)
    if y.shape != (len(p),):
        raise ValueError(f"conditional_accuracy: labels shape {y.shape} does not match probs {p.shape}")
    return float(np.mean(np.argmax(p, axis=1) == y))
