"""Score a set of samples against a dataset's real reference split, in the pipeline's classifier.

Ties the classifier (features, probabilities) to the pure math in `ganbench.metrics` and writes
the evaluation protocol into every result, so two metrics files are comparable only when their
`protocol` blocks agree.
"""
from __future__ import annotations

import math

import numpy as np

from ganbench import metrics
from ganbench.classifier import FEATURE_LAYER, Embedder, weights_sha256
from ganbench.data import to_model_range


def as_model_input(x: np.ndarray, origin: str) -> np.ndarray:
    """Accept float32 [-1, 1] (N, 28, 28, 1) or uint8 (N, 28, 28); return float32 (N, 28, 28, 1)."""
    if x.dtype == np.uint8 and x.ndim == 3 and x.shape[1:] == (28, 28):
        return to_model_range(x)
    if x.ndim == 4 and x.shape[1:] == (28, 28, 1) and np.issubdtype(x.dtype, np.floating):
        return x.astype(np.float32)
    raise ValueError(f"{origin}: samples 'x' must be float (N,28,28,1) in [-1,1] or uint8 (N,28,28); "
                     f"got {x.dtype} {x.shape}")


def _finite_or_none(value: float) -> float | None:
    """JSON has no NaN; a diverged run's metrics are null."""
    return float(value) if math.isfinite(value) else None


def score(x: np.ndarray, x_ref: np.ndarray, classifier, eval_params: dict, labels: np.ndarray | None = None) -> dict:
    """All sample-quality metrics of samples x (N,28,28,1) against real x_ref (M,28,28,1)."""
    finite = np.isfinite(x).all(axis=(1, 2, 3))
    protocol = {"samples": int(len(x)), "reference": eval_params["reference"], "reference_samples": int(len(x_ref)),
                "classifier_sha256": weights_sha256(classifier), "feature_layer": FEATURE_LAYER,
                "latent_seed": eval_params["latent_seed"], "kid_subsets": eval_params["kid_subsets"],
                "kid_subset_size": eval_params["kid_subset_size"], "knn_k": eval_params["knn_k"]}
    if not finite.all():
        return {"diverged": True, "non_finite_samples": int((~finite).sum()), "protocol": protocol}
    embed = Embedder(classifier)
    feats, probs = embed(x)
    ref_feats, _ = embed(x_ref)
    kid_mean, kid_std = metrics.kid(feats, ref_feats, subsets=eval_params["kid_subsets"],
                                    subset_size=eval_params["kid_subset_size"], seed=eval_params["latent_seed"])
    result = {"diverged": False, "classifier_score": metrics.classifier_score(probs),
              "fid": metrics.fid(feats, ref_feats), "kid_mean": kid_mean, "kid_std": kid_std,
              **metrics.prdc(ref_feats, feats, k=eval_params["knn_k"]), **metrics.class_histogram(probs)}
    if labels is not None:
        result["conditional_accuracy"] = metrics.conditional_accuracy(probs, labels)
    result = {k: _finite_or_none(v) if isinstance(v, float) else v for k, v in result.items()}
    return {**result, "protocol": protocol}
