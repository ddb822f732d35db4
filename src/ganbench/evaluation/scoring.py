"""Score a set of samples against a dataset's reference split, in the pipeline's classifier.

Ties the classifier (features, probabilities) to the pure math in `ganbench.evaluation.metrics`, checks
sample files from any model before trusting them, and writes the evaluation protocol into every
result: two metrics files are comparable only when their `protocol` blocks agree, and
`ganbench.evaluation.protocol.check_comparable` refuses to put them side by side otherwise. Besides the whole-set metrics, each
result has a `per_class` block: the samples grouped by their labels (class-conditional sets, the
real row) and by the class the classifier predicts, each group scored against the reference
images of that class.
"""
from __future__ import annotations

import math
import os
import sys
import zipfile
from typing import TYPE_CHECKING

import numpy as np

from ganbench.data.splits import NUM_CLASSES, to_model_range
from ganbench.errors import GanbenchError, one_line
from ganbench.evaluation.metrics import classes, fid_cached, kid, knn
from ganbench.evaluation.metrics.threads import single_threaded
from ganbench.evaluation.reference import Reference

if TYPE_CHECKING:  # TensorFlow only where images are embedded, not in the summary stage
    from ganbench.evaluation.embedding import Embedder

EXPECTED = "x as float32 (N,28,28,1) in [-1,1] or uint8 (N,28,28)"
RANGE_SLACK = 1e-3  # float samples may overshoot [-1, 1] by rounding (tanh in float16, resizing)
KID_SPREAD = {"kid_std": "std (ddof 0) of the per-subset MMD^2 estimates, as torch-fidelity's kid_std",
              "kid_se": "std (ddof 1) / sqrt(kid_subsets) over disjoint subsets: standard error of kid_mean, "
                        "as TF-GAN; null when the subsets overlap"}


class SampleError(GanbenchError, ValueError):
    """A sample file is unreadable or holds something other than images (one line naming it)."""


def as_model_input(x: np.ndarray, origin: str, allow_nonfinite: bool = False) -> np.ndarray:
    """Check samples of any model and return float32 (N, 28, 28, 1) in [-1, 1].

    Accepted: float (N,28,28,1) or (N,28,28) in [-1, 1]; uint8 (N,28,28) or (N,28,28,1) in
    [0, 255]. Anything else is a one-line ValueError naming `origin` and saying what was found.
    Non-finite values are an error unless `allow_nonfinite` (the pipeline records such a set as
    diverged instead of failing the study).
    """
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise SampleError(f"{origin}: 'x' has shape {x.shape}; expected {EXPECTED}")
    if x.dtype == np.uint8:
        return to_model_range(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise SampleError(f"{origin}: 'x' has dtype {x.dtype}; expected {EXPECTED}")
    x = x.astype(np.float32)[..., None]
    finite = np.isfinite(x)
    if not finite.all() and not allow_nonfinite:
        bad = int((~finite.all(axis=(1, 2, 3))).sum())
        raise SampleError(f"{origin}: 'x' has NaN or inf in {bad} of {len(x)} samples (a diverged model?)")
    lo, hi = (float(np.min(x, where=finite, initial=np.inf)), float(np.max(x, where=finite, initial=-np.inf)))
    if lo < -1 - RANGE_SLACK or hi > 1 + RANGE_SLACK:
        raise SampleError(f"{origin}: 'x' values span [{lo:.4g}, {hi:.4g}]; float samples must be in [-1, 1] "
                         "(pixels p in [0, 255] map to p / 127.5 - 1)")
    if lo >= 0:
        print(f"warning: {origin}: 'x' has no negative values; float samples are expected in [-1, 1], "
              "not [0, 1] (the metrics will treat 0 as mid-grey)", file=sys.stderr)
    return np.clip(x, -1.0, 1.0)


def _labels(y: np.ndarray, n: int, origin: str) -> np.ndarray:
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise SampleError(f"{origin}: 'y' has {y.dtype} {y.shape}; expected integer class labels ({n},)")
    if len(y) and (y.min() < 0 or y.max() >= NUM_CLASSES):
        raise SampleError(f"{origin}: 'y' has labels in [{y.min()}, {y.max()}]; expected 0..{NUM_CLASSES - 1}")
    return y


def read_samples(path: str | os.PathLike, allow_nonfinite: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Samples x float32 (N, 28, 28, 1) and optional labels y (N,) from an .npz of any model.

    Never unpickles (allow_pickle=False); every problem is a one-line ValueError naming the file.
    """
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("not an .npz archive (np.savez writes one)")
        with archive as npz:
            if "x" not in npz.files:
                raise ValueError(f"no array 'x' (it has: {', '.join(npz.files) or 'nothing'}); expected {EXPECTED}")
            x, y = npz["x"], (npz["y"] if "y" in npz.files else None)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise SampleError(f"{path}: cannot read samples: {one_line(exc)}") from None
    x = as_model_input(x, str(path), allow_nonfinite)
    return x, (None if y is None else _labels(y, len(x), str(path)))


def protocol(n: int, reference: Reference, eval_params: dict) -> dict:
    """How a metrics file was measured; files agree on all of it or are not comparable."""
    return {"samples": int(n), "reference": reference.meta["split"], "reference_samples": reference.meta["samples"],
            "classifier_sha256": reference.meta["classifier_sha256"],
            "feature_layer": reference.meta["feature_layer"], "knn_space": reference.meta["knn_space"],
            "kid_subsets": eval_params["kid_subsets"],
            "kid_subset_size": eval_params["kid_subset_size"], "kid_seed": eval_params["latent_seed"],
            "kid_spread": KID_SPREAD, "knn_k": eval_params["knn_k"]}


def _finite_or_none(value: float | None) -> float | None:
    """JSON has no NaN; a metric that cannot be computed is null."""
    return float(value) if value is not None and math.isfinite(value) else None


def _mean_or_none(values: list) -> float | None:
    """Mean over classes, or None if any class has no value: dropping a class must not flatter."""
    return None if any(v is None for v in values) else float(np.mean(values))


def _class_block(fids: list, knn_part: dict) -> dict:
    """One grouping's per-class figures (lists of NUM_CLASSES, None where undefined) and their means."""
    fids = [_finite_or_none(v) for v in fids]
    return {"fid": fids, "fid_mean": _mean_or_none(fids),
            "recall": knn_part["recall"], "recall_mean": _mean_or_none(knn_part["recall"]),
            "coverage": knn_part["coverage"], "coverage_mean": _mean_or_none(knn_part["coverage"]),
            "samples": knn_part["samples"]}


@single_threaded
def score(x: np.ndarray, reference: Reference, embed: Embedder, eval_params: dict,
          labels: np.ndarray | None = None) -> dict:
    """All sample-quality metrics of samples x (N, 28, 28, 1) against the reference.

    `per_class.by_predicted` groups the samples by the classifier's argmax and, with labels (N,),
    `per_class.by_label` by those; in each, class c is scored against the reference images
    labelled c: intra-class FID (`metrics.fid_cached.intra_class_fid`), recall and coverage with
    k-NN radii within the class (`metrics.knn.prdc`). A set with non-finite samples is recorded as
    diverged (no metrics), not scored. Every BLAS call runs on one thread, the work side by side
    (`metrics.threads`): the result has the same bytes whatever OMP_NUM_THREADS is.
    """
    k = eval_params["knn_k"]
    if len(x) <= k:
        raise SampleError(f"{len(x)} samples cannot be scored: the k-NN metrics need more than eval.knn_k = {k}")
    result = {"protocol": protocol(len(x), reference, eval_params)}
    finite = np.isfinite(x).all(axis=(1, 2, 3))
    if not finite.all():
        return {"diverged": True, "non_finite_samples": int((~finite).sum()), **result}
    feats, probs = embed(x)
    groups = {"by_predicted": np.argmax(probs, axis=1), **({} if labels is None else {"by_label": labels})}
    kid_mean, kid_std, kid_se = kid.kid(feats, reference.features, subsets=eval_params["kid_subsets"],
                                        subset_size=eval_params["kid_subset_size"], seed=eval_params["latent_seed"],
                                        b_terms=reference.kid_terms_for(len(feats), eval_params))
    knn_values = knn.prdc(reference.manifold, knn.to_space(feats, reference.meta["knn_space"]), k, fake_groups=groups)
    knn_classes = knn_values.pop("per_class")
    values = {"diverged": False, "classifier_score": classes.classifier_score(probs),
              "fid": fid_cached.frechet_to(feats, reference.gaussian), "kid_mean": kid_mean, "kid_std": kid_std,
              "kid_se": kid_se, **knn_values, **classes.class_histogram(probs)}
    if labels is not None:
        values["conditional_accuracy"] = classes.conditional_accuracy(probs, labels)
    values = {name: _finite_or_none(v) if isinstance(v, float) else v for name, v in values.items()}
    values["per_class"] = {name: _class_block(fid_cached.intra_class_fid(feats, g, reference.class_gaussians),
                                             knn_classes[name]) for name, g in groups.items()}
    return {**values, **result}
