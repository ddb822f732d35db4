"""Score one sample file end to end: what the score stage and `ganbench score` both run."""
from __future__ import annotations

import logging
import time

from ganbench import paths
from ganbench.config import load_params
from ganbench.data import load_split
from ganbench.embedding import Embedder, load_classifier, weights_sha256
from ganbench.io import write_json
from ganbench.reference import cached_reference
from ganbench.runtime import configure
from ganbench.scoring import read_samples, score

log = logging.getLogger(__name__)


def score_file(dataset: str, samples: str, out: str, params_path: str, allow_nonfinite: bool = False) -> dict:
    """Score `samples` (.npz: x, optional y) against the dataset's reference split in the pipeline's
    classifier; write the metrics JSON to `out`. The embedded reference comes from the cache the
    embed_reference stage writes, or is computed on the fly when it does not match."""
    eval_params = load_params(params_path)["eval"]
    configure(eval_params["latent_seed"])
    x, y = read_samples(samples, allow_nonfinite)
    if len(x) != eval_params["samples"]:
        log.warning("%s: %d samples, but eval.samples is %d; FID is biased in N, so compare these metrics only "
                    "with sets of the same size", samples, len(x), eval_params["samples"])
    classifier = load_classifier(paths.classifier_model(dataset))
    embed = Embedder(classifier)
    reference = cached_reference(paths.reference_npz(dataset), embed,
                                 lambda split: load_split(paths.data_npz(dataset), split),
                                 eval_params["reference"], eval_params["knn_k"], weights_sha256(classifier))
    started = time.perf_counter()
    result = {"dataset": dataset, "samples_file": str(samples), **score(x, reference, embed, eval_params, y)}
    log.info("scored %d samples in %.2f s", len(x), time.perf_counter() - started)
    write_json(out, result)
    return result
