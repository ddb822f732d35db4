"""Train one GAN variant with `fit` and Keras callbacks: progress, CSV log, resume, NaN stop.

The run's plan (`ganbench.training.budget.plan`) gives its steps, split into fit-epochs of
`eval_every` steps, so every epoch end is one evaluation point of the time-to-quality curve
(`ganbench.training.quality_log`); resumable state is in the run's checkpoint directory
(`ganbench.training.state`).
"""
from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from ganbench.evaluation.embedding import Embedder
from ganbench.evaluation.metrics import fid as fid_metric
from ganbench.training import state
from ganbench.training.batches import real_batches
from ganbench.training.build import build_gan
from ganbench.training.gan import GAN
from ganbench.training.quality_log import QualityLog

log = logging.getLogger(__name__)


def train_gan(x_train: np.ndarray, y_train: np.ndarray, x_ref: np.ndarray, classifier: keras.Model, variant: dict,
              plan: dict, seed: int, state_dir: Path) -> tuple[GAN, pd.DataFrame, dict]:
    """Train to `plan["steps"]` (resuming if state_dir holds matching state).

    x_train (N, 28, 28, 1) in [-1, 1], y_train (N,) int; x_ref: real images for the FID reference.
    Returns the model, the per-eval-point log (step, gflop, epoch, seconds, cpu_seconds, d_loss,
    g_loss, fid, top_class_share) and a status dict (steps and compute planned and spent, time,
    diverged and why). The frames of the evaluation points are in state_dir/frames, the generator
    at the home budget in state_dir/generator_home.keras.
    """
    settings = {"variant": variant, "plan": plan, "seed": seed, "train_samples": len(x_train)}
    embed = Embedder(classifier)
    ref_stats = fid_metric.gaussian_stats(embed(x_ref)[0])

    def fit() -> tuple[GAN, QualityLog]:
        resumed = state.prepare(state_dir, settings, plan["eval_every"])
        keras.utils.set_random_seed(seed)  # the initial weights depend on the seed alone, not on what ran before
        gan = build_gan(variant, seed, plan["steps"])
        backup = keras.callbacks.BackupAndRestore(str(state_dir / "backup"), save_freq="epoch", double_checkpoint=True)
        quality = QualityLog(embed, ref_stats, plan, resumed, state_dir)
        csv_log = keras.callbacks.CSVLogger(str(state_dir / "train_log.csv"), append=True)
        batches = real_batches(x_train, y_train if gan.conditional else None, variant["batch"], seed, resumed["step"])
        gan.fit(batches, epochs=plan["evals"], steps_per_epoch=plan["eval_every"], shuffle=False,
                verbose=1 if sys.stderr.isatty() else 2, callbacks=[quality, csv_log, backup])
        return gan, quality

    resuming = (state_dir / "backup").exists()
    try:
        gan, quality = fit()
    except (OSError, ValueError) as exc:  # what h5py / Keras raise for a truncated or altered checkpoint
        if not resuming:
            raise
        log.warning("%s: unreadable checkpoint (%s); restarting from step 0", state_dir / "backup",
                    " ".join(str(exc).split())[:200])
        shutil.rmtree(state_dir)
        gan, quality = fit()
    rows = state.read_log(state_dir / "train_log.csv")
    weights_finite = all(np.isfinite(w).all() for w in gan.sampler.get_weights())
    reason = "nan" if not weights_finite or not np.isfinite(rows[["d_loss", "g_loss"]].to_numpy()).all() \
        else "mode_collapse" if quality.collapsed else None
    steps_done = int(rows["step"].max()) if len(rows) else 0
    home = rows[rows["step"] == plan["home_step"]]
    status = {"steps_planned": plan["steps"], "steps_done": steps_done, "train_step_gflops": plan["step_gflop"],
              "train_gflop": steps_done * plan["step_gflop"], "home_step": plan["home_step"],
              "home_gflop": plan["home_step"] * plan["step_gflop"],
              "home_seconds": float(home["seconds"].iloc[0]) if len(home) else None,
              "train_seconds": float(quality.seconds), "train_cpu_seconds": float(quality.cpu_seconds),
              "cores_busy": float(quality.cpu_seconds / quality.seconds) if quality.seconds else None,
              "diverged": reason is not None, "diverged_reason": reason}
    return gan, rows, status
