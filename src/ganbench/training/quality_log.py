"""The Keras callback that turns a training run into a time-to-quality curve.

At the end of every fit-epoch (one evaluation interval, `ganbench.training.budget`) it measures FID of
the (EMA) generator on fixed latents against the reference statistics in the pipeline's classifier
features, and adds to that epoch's logs: `step`, `gflop` (training compute so far, the study's
axis), `seconds` (cumulative training time, evaluation excluded), `cpu_seconds` (the process's CPU
time over the same stretches: cpu_seconds / seconds is how many cores training kept busy, so a
contended run shows), `fid` and `top_class_share`. It also draws the fixed latents' frame, saves the
EMA generator when the run reaches the home budget, and stops a run whose losses turn NaN or inf
(at that batch; Keras' TerminateOnNaN watches a `loss` a GAN does not report) or whose samples
collapse into one predicted class. Callback order: this one, CSVLogger (writes the row it completes), then
BackupAndRestore: a kill between the row and the checkpoint repeats that evaluation point on resume
(the log keeps the last copy, the frame is redrawn) instead of losing its row.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import keras
import numpy as np

from ganbench.data.splits import NUM_CLASSES
from ganbench.evaluation.embedding import Embedder
from ganbench.evaluation.metrics import fid as fid_metric
from ganbench.model_files import save_model
from ganbench.training.frames import save_frame
from ganbench.training.sampling import sample
from ganbench.training.state import HOME_GENERATOR, frame_name

log = logging.getLogger(__name__)


class QualityLog(keras.callbacks.Callback):
    """See the module docstring; `plan` is `ganbench.training.budget.plan`, `resumed` what
    `ganbench.training.state.prepare` returned, `state_dir` the run's checkpoint directory."""

    def __init__(self, embed: Embedder, ref_stats: tuple, plan: dict, resumed: dict, state_dir: Path):
        super().__init__()
        self.embed, self.ref_stats, self.plan, self.state_dir = embed, ref_stats, plan, state_dir
        self.seconds, self.cpu_seconds = resumed["seconds"], resumed["cpu_seconds"]
        self.start_epoch = resumed["step"] // plan["eval_every"]
        self.collapsed_evals, self.collapsed, self.batches = 0, False, 0

    def on_epoch_begin(self, epoch, logs=None):
        if epoch != self.start_epoch and self.start_epoch is not None:  # Keras fell back to an older checkpoint
            log.warning("resumed at epoch %d, not %d: the real batches from here on differ from an uninterrupted "
                        "run's", epoch, self.start_epoch)
        self.start_epoch = None
        self.batches = 0
        self._started, self._cpu_started = time.perf_counter(), time.process_time()

    def on_train_batch_end(self, batch, logs=None):
        self.batches = batch + 1
        losses = {k: float(v) for k, v in (logs or {}).items() if k in ("d_loss", "g_loss")}
        if not all(np.isfinite(v) for v in losses.values()):
            log.warning("non-finite losses %s at batch %d of the evaluation interval; stopping", losses, batch + 1)
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self._started
        self.cpu_seconds += time.process_time() - self._cpu_started
        step = epoch * self.plan["eval_every"] + self.batches  # short of the interval when stopped inside it
        gflop = step * self.plan["step_gflop"]
        fake, _ = sample(self.model.sampler, self.plan["eval_samples"], self.plan["latent_seed"])
        fid, top_share = float("nan"), float("nan")
        if np.all(np.isfinite(fake)):
            features, probs = self.embed(fake)
            fid = fid_metric.frechet_distance(*fid_metric.gaussian_stats(features), *self.ref_stats)
            top_share = float(np.bincount(probs.argmax(axis=1), minlength=NUM_CLASSES).max() / len(probs))
        save_frame(fake, self.state_dir / "frames" / frame_name(step), f"step {step}   FID {fid:.1f}")
        if step == self.plan["home_step"]:
            save_model(self.model.sampler, self.state_dir / HOME_GENERATOR)
        logs.update(step=step, gflop=gflop, seconds=self.seconds, cpu_seconds=self.cpu_seconds, fid=fid,
                    top_class_share=top_share)
        self._check_collapse(epoch, top_share)
        rate = step / self.seconds if self.seconds else float("nan")
        log.info("step %d/%d (%.0f of %.0f GFLOP)  fid %.2f  top class %.0f%%  %.1f steps/s  %.2f cores busy  "
                 "ETA %.0fs", step, self.plan["steps"], gflop, self.plan["steps"] * self.plan["step_gflop"], fid,
                 100 * top_share, rate, self.cpu_seconds / self.seconds,
                 (self.plan["steps"] - step) / rate if rate else float("nan"))

    def _check_collapse(self, epoch: int, top_share: float) -> None:
        rule = self.plan["collapse"]
        collapsed_now = epoch > 0 and top_share >= rule["max_class_share"]  # step-0-ish noise is one class
        self.collapsed_evals = self.collapsed_evals + 1 if collapsed_now else 0
        if self.collapsed_evals >= rule["patience"]:
            log.warning("mode collapse: %.0f%% of samples in one class at %d eval points; stopping",
                        100 * top_share, self.collapsed_evals)
            self.collapsed = self.model.stop_training = True
