"""Score sample files end to end: what the score stage and `ganbench score` both run."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from ganbench import paths
from ganbench.config import ConfigError, load_params
from ganbench.data.splits import load_split
from ganbench.evaluation.embedding import Embedder, load_classifier
from ganbench.evaluation.identity import weights_sha256
from ganbench.evaluation.reference import cached_reference
from ganbench.evaluation.score_table import render_markdown
from ganbench.evaluation.scoring import read_samples, score
from ganbench.io import atomic_path, write_json
from ganbench.runtime import configure

log = logging.getLogger(__name__)


def table_path(out: str | Path) -> Path:
    """The Markdown table written beside the metrics JSON: metrics.json -> metrics.md."""
    return Path(out).with_suffix(".md")


def score_files(dataset: str, samples: list[str], outs: list[str], params_path: str,
                allow_nonfinite: bool = False) -> list[dict]:
    """Score each sample file (.npz: x, optional y) against the dataset's reference split in the
    pipeline's classifier, loaded once; write each metrics JSON to the matching `outs` entry and a
    Markdown table beside it. The embedded reference comes from its cache (results/classifier/<dataset>/
    reference.npz), built here and saved for the next score when it is absent or was made for another
    classifier or other eval settings."""
    if len(samples) != len(outs):
        raise ConfigError(f"--samples has {len(samples)} files but --out {len(outs)}: give one output per sample file")
    for out in outs:
        if Path(out).suffix == ".md":
            raise ConfigError(f"--out {out}: give the JSON path; its .md table is written beside it")
    eval_params = load_params(params_path)["eval"]
    configure(eval_params["latent_seed"])
    sets = [read_samples(path, allow_nonfinite) for path in samples]  # bad input fails before anything loads
    classifier = load_classifier(paths.classifier_model(dataset))
    embed = Embedder(classifier)
    reference = cached_reference(paths.reference_npz(dataset), embed, lambda split: load_split(paths.data_npz(dataset), split),
                                 eval_params, weights_sha256(classifier), save=True)
    return [_score_one(dataset, path, x, y, out, reference, embed, eval_params)
            for path, (x, y), out in zip(samples, sets, outs)]


def _score_one(dataset: str, samples: str, x, y, out: str, reference, embed: Embedder, eval_params: dict) -> dict:
    if len(x) != eval_params["samples"]:
        log.warning("%s: %d samples, but eval.samples is %d; FID is biased in N, so compare these metrics only "
                    "with sets of the same size", samples, len(x), eval_params["samples"])
    started = time.perf_counter()
    result = {"dataset": dataset, "samples_file": str(samples), **score(x, reference, embed, eval_params, y)}
    log.info("scored %d samples of %s in %.2f s", len(x), samples, time.perf_counter() - started)
    write_json(out, result)
    with atomic_path(table_path(out)) as tmp:
        tmp.write_text(render_markdown(result, f"{dataset}: {samples}"))
    return result
