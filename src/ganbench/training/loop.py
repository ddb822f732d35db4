"""Train one GAN variant with `fit` and Keras callbacks: progress, CSV log, resume, NaN stop.

Budget: `steps` generator updates, split into fit-epochs of `eval_every` steps, so every epoch end
is one evaluation point of the time-to-quality curve. Resumable state lives in
`checkpoints/<dataset>/<variant>/seed<k>/` (never a declared output):
  backup/          BackupAndRestore weights + optimizers + epoch (deleted by Keras when fit ends)
  train_log.csv    CSVLogger rows so far (append mode, survives a kill)
  fingerprint.json the settings the state belongs to; a mismatch starts fresh
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from ganbench.data.splits import NUM_CLASSES
from ganbench.evaluation.embedding import Embedder
from ganbench.evaluation.metrics import fid as fid_metric
from ganbench.training.batches import real_batches
from ganbench.training.build import build_gan
from ganbench.training.gan import GAN
from ganbench.training.grids import save_frame
from ganbench.training.sampling import sample

log = logging.getLogger(__name__)


class QualityLog(keras.callbacks.Callback):
    """Adds `step`, `seconds` (cumulative training time, eval excluded), `cpu_seconds` (the process's
    CPU time over the same stretches: cpu_seconds / seconds is how many cores training kept busy, so
    a contended run shows), `fid` and `top_class_share` to each epoch's logs; draws the fixed latents'
    frame of the evaluation point; stops a run whose samples collapse into one predicted class.

    FID is measured in classifier features on fixed latents against the reference statistics, so
    the rows form a time-to-quality curve. Callback order: this one, CSVLogger (writes the row it
    completes), then BackupAndRestore: a kill between the row and the checkpoint repeats that eval
    point on resume (the log keeps the last copy, the frame is redrawn) instead of losing its row.
    """

    def __init__(self, embed: Embedder, ref_stats: tuple, budget: dict, resumed: dict, frames: Path):
        super().__init__()
        self.embed, self.ref_stats, self.budget, self.frames = embed, ref_stats, budget, frames
        self.seconds, self.cpu_seconds = resumed["seconds"], resumed["cpu_seconds"]
        self.start_epoch = resumed["step"] // budget["eval_every"]
        self.collapsed_evals, self.collapsed = 0, False

    def on_epoch_begin(self, epoch, logs=None):
        if epoch != self.start_epoch and self.start_epoch is not None:  # Keras fell back to an older checkpoint
            log.warning("resumed at epoch %d, not %d: the real batches from here on differ from an uninterrupted "
                        "run's", epoch, self.start_epoch)
        self.start_epoch = None
        self._started, self._cpu_started = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self._started
        self.cpu_seconds += time.process_time() - self._cpu_started
        step = (epoch + 1) * self.budget["eval_every"]
        fake, _ = sample(self.model.sampler, self.budget["eval_samples"], self.budget["latent_seed"])
        fid, top_share = float("nan"), float("nan")
        if np.all(np.isfinite(fake)):
            features, probs = self.embed(fake)
            fid = fid_metric.frechet_distance(*fid_metric.gaussian_stats(features), *self.ref_stats)
            top_share = float(np.bincount(probs.argmax(axis=1), minlength=NUM_CLASSES).max() / len(probs))
        save_frame(fake, self.frames / frame_name(step), f"step {step}   FID {fid:.1f}")
        logs.update(step=step, seconds=self.seconds, cpu_seconds=self.cpu_seconds, fid=fid, top_class_share=top_share)
        self._check_collapse(epoch, top_share)
        rate = step / self.seconds if self.seconds else float("nan")
        log.info("step %d/%d  fid %.2f  top class %.0f%%  %.1f steps/s  %.2f cores busy  ETA %.0fs", step,
                 self.budget["steps"], fid, 100 * top_share, rate, self.cpu_seconds / self.seconds,
                 (self.budget["steps"] - step) / rate if rate else float("nan"))

    def _check_collapse(self, epoch: int, top_share: float) -> None:
        rule = self.budget["collapse"]
        collapsed_now = epoch > 0 and top_share >= rule["max_class_share"]  # step-0-ish noise is one class
        self.collapsed_evals = self.collapsed_evals + 1 if collapsed_now else 0
        if self.collapsed_evals >= rule["patience"]:
            log.warning("mode collapse: %.0f%% of samples in one class at %d eval points; stopping",
                        100 * top_share, self.collapsed_evals)
            self.collapsed = self.model.stop_training = True


def _fingerprint(settings: dict) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def _checkpointed_epoch(state_dir: Path) -> int:
    """The epoch BackupAndRestore will resume from (its training_metadata.json), 0 without one."""
    try:
        return int(json.loads((state_dir / "backup" / "training_metadata.json").read_text())["epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def frame_name(step: int) -> str:
    """The TF tutorial's image_at_epoch_NNNN.png, per evaluation step."""
    return f"image_at_step_{step:06d}.png"


def _prepare_state_dir(state_dir: Path, settings: dict, eval_every: int) -> dict:
    """Keep resumable state only if it belongs to `settings`; return where training resumes:
    {step, seconds, cpu_seconds} spent up to it (all 0 for a fresh start)."""
    fingerprint_file, csv = state_dir / "fingerprint.json", state_dir / "train_log.csv"
    fingerprint = _fingerprint(settings)
    resumable = (state_dir / "backup").exists() and fingerprint_file.exists() \
        and json.loads(fingerprint_file.read_text()).get("fingerprint") == fingerprint
    if not resumable:
        shutil.rmtree(state_dir, ignore_errors=True)
        (state_dir / "frames").mkdir(parents=True)
        fingerprint_file.write_text(json.dumps({"fingerprint": fingerprint, "settings": settings}, indent=2))
        return {"step": 0, "seconds": 0.0, "cpu_seconds": 0.0}
    step = _checkpointed_epoch(state_dir) * eval_every
    rows = pd.read_csv(csv) if csv.exists() and csv.stat().st_size else pd.DataFrame({"step": []})
    done = rows[rows["step"] <= step]
    log.info("resuming from %s at step %d", state_dir, step)
    last = done.iloc[-1] if len(done) else {}
    return {"step": step, "seconds": float(last.get("seconds", 0.0)), "cpu_seconds": float(last.get("cpu_seconds", 0.0))}


def _read_log(csv: Path) -> pd.DataFrame:
    """CSVLogger rows, one per eval point (last write wins after a resume), step-first column order.

    CSVLogger also writes empty `val_*` columns (there is no validation data); they are dropped.
    """
    rows = pd.read_csv(csv).drop_duplicates("step", keep="last")
    first = ["step", "epoch", "seconds", "d_loss", "g_loss"]
    rest = sorted(c for c in rows.columns if c not in first and not c.startswith("val_"))
    return rows[first + rest].reset_index(drop=True)


def train_gan(x_train: np.ndarray, y_train: np.ndarray, x_ref: np.ndarray, classifier: keras.Model, variant: dict,
              budget: dict, seed: int, state_dir: Path) -> tuple[GAN, pd.DataFrame, dict]:
    """Train to `budget["steps"]` (resuming if state_dir holds matching state).

    x_train (N, 28, 28, 1) in [-1, 1], y_train (N,) int; x_ref: real images for the FID reference;
    budget also carries `latent_seed`. Returns the model, the per-eval-point log (step, epoch,
    seconds, cpu_seconds, d_loss, g_loss, fid, top_class_share) and a status dict (steps, time,
    diverged and why). The frames of the evaluation points are in state_dir/frames.
    """
    settings = {"variant": variant, "budget": budget, "seed": seed, "train_samples": len(x_train)}
    budget = {**budget, "eval_every": min(budget["eval_every"], budget["steps"])}
    epochs = -(-budget["steps"] // budget["eval_every"])
    budget["steps"] = epochs * budget["eval_every"]
    embed = Embedder(classifier)
    ref_stats = fid_metric.gaussian_stats(embed(x_ref)[0])

    def fit() -> tuple[GAN, QualityLog]:
        resumed = _prepare_state_dir(state_dir, settings, budget["eval_every"])
        gan = build_gan(variant, seed)
        backup = keras.callbacks.BackupAndRestore(str(state_dir / "backup"), save_freq="epoch", double_checkpoint=True)
        quality = QualityLog(embed, ref_stats, budget, resumed, state_dir / "frames")
        csv_log = keras.callbacks.CSVLogger(str(state_dir / "train_log.csv"), append=True)
        batches = real_batches(x_train, y_train if gan.conditional else None, variant["batch"], seed, resumed["step"])
        gan.fit(batches, epochs=epochs, steps_per_epoch=budget["eval_every"], shuffle=False,
                verbose=1 if sys.stderr.isatty() else 2, callbacks=[keras.callbacks.TerminateOnNaN(), quality, csv_log,
                                                                     backup])
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
    rows = _read_log(state_dir / "train_log.csv")
    weights_finite = all(np.isfinite(w).all() for w in gan.sampler.get_weights())
    reason = "nan" if not weights_finite or not np.isfinite(rows[["d_loss", "g_loss"]].to_numpy()).all() \
        else "mode_collapse" if quality.collapsed else None
    status = {"steps_planned": budget["steps"], "steps_done": int(rows["step"].max()) if len(rows) else 0,
              "train_seconds": float(quality.seconds), "train_cpu_seconds": float(quality.cpu_seconds),
              "cores_busy": float(quality.cpu_seconds / quality.seconds) if quality.seconds else None,
              "diverged": reason is not None, "diverged_reason": reason,
              "generator_params": int(gan.generator.count_params()),
              "discriminator_params": int(gan.discriminator.count_params())}
    return gan, rows, status
