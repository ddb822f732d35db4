"""Train one GAN variant with `fit` and Keras callbacks: progress, CSV log, resume, NaN stop.

Budget: `budget.steps` generator/discriminator updates, split into fit-epochs of
`budget.eval_every` steps, so every epoch end is one evaluation point of the time-to-quality curve.
Resumable state lives in `checkpoints/<dataset>/<variant>/seed<k>/` (never a declared output):
  backup/          BackupAndRestore weights + optimizer + epoch (deleted by Keras when fit ends)
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
import tensorflow as tf

from ganbench import metrics
from ganbench.classifier import Embedder
from ganbench.gan import GAN
from ganbench.losses import get_loss
from ganbench.models import get_architecture

log = logging.getLogger(__name__)


def build_gan(variant: dict, seed: int) -> GAN:
    """Registry lookup of architecture and loss, Adam optimizers from `g_opt` / `d_opt`."""
    arch = get_architecture(variant["arch"])
    gan = GAN(arch.generator(variant["latent_dim"], variant["width"]), arch.discriminator(variant["width"]),
              variant["latent_dim"], seed)

    def adam(opt: dict) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(opt["lr"], beta_1=opt.get("beta_1", 0.9), beta_2=opt.get("beta_2", 0.999))

    gan.compile(d_optimizer=adam(variant["d_opt"]), g_optimizer=adam(variant["g_opt"]),
                loss_fn=get_loss(variant["loss"]))
    return gan


def real_batches(x: np.ndarray, batch: int, seed: int) -> tf.data.Dataset:
    """Endless, seeded-shuffled batches (batch, 28, 28, 1) of real images in [-1, 1]."""
    return (tf.data.Dataset.from_tensor_slices(x)
            .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
            .repeat()
            .batch(batch, drop_remainder=True)
            .prefetch(2))


def fixed_latents(n: int, latent_dim: int, seed: int) -> np.ndarray:
    """The same (n, latent_dim) standard-normal latents for every variant and every eval point."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


class QualityLog(keras.callbacks.Callback):
    """Adds `step`, `seconds` (cumulative training time, eval excluded) and `fid` to each epoch's logs.

    FID is measured in classifier features on fixed latents against the reference statistics, so
    the rows form a time-to-quality curve. Must precede CSVLogger in the callback list.
    """

    def __init__(self, embed: Embedder, latents: np.ndarray, ref_stats: tuple, steps_per_epoch: int,
                 total_steps: int, seconds_before: float):
        super().__init__()
        self.embed, self.latents, self.ref_stats = embed, latents, ref_stats
        self.steps_per_epoch, self.total_steps = steps_per_epoch, total_steps
        self.seconds = seconds_before

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self._started
        step = (epoch + 1) * self.steps_per_epoch
        fake = self.model.generator.predict(self.latents, batch_size=500, verbose=0)
        features, _ = self.embed(fake)
        fid = metrics.frechet_distance(*metrics.gaussian_stats(features), *self.ref_stats) \
            if np.all(np.isfinite(features)) else float("nan")
        logs.update(step=step, seconds=self.seconds, fid=fid)
        rate = step / self.seconds if self.seconds else float("nan")
        log.info("step %d/%d  fid %.2f  d_loss %.3f  g_loss %.3f  %.1f steps/s  ETA %.0fs", step,
                 self.total_steps, fid, logs.get("d_loss", float("nan")), logs.get("g_loss", float("nan")),
                 rate, (self.total_steps - step) / rate if rate else float("nan"))


def _fingerprint(settings: dict) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def _prepare_state_dir(state_dir: Path, settings: dict) -> float:
    """Keep resumable state only if it belongs to `settings`; return training seconds already spent."""
    fingerprint_file, csv = state_dir / "fingerprint.json", state_dir / "train_log.csv"
    fingerprint = _fingerprint(settings)
    resumable = (state_dir / "backup").exists() and fingerprint_file.exists() \
        and json.loads(fingerprint_file.read_text()).get("fingerprint") == fingerprint
    if not resumable:
        shutil.rmtree(state_dir, ignore_errors=True)
        state_dir.mkdir(parents=True)
        fingerprint_file.write_text(json.dumps({"fingerprint": fingerprint, "settings": settings}, indent=2))
        return 0.0
    rows = pd.read_csv(csv) if csv.exists() and csv.stat().st_size else pd.DataFrame()
    log.info("resuming from %s (%d eval points logged)", state_dir, len(rows))
    return float(rows["seconds"].iloc[-1]) if len(rows) else 0.0


def train_gan(x_train: np.ndarray, x_ref: np.ndarray, classifier: keras.Model, variant: dict, budget: dict,
              seed: int, latent_seed: int, state_dir: Path) -> tuple[GAN, pd.DataFrame, dict]:
    """Train to `budget.steps` (resuming if state_dir holds matching state).

    Returns the model, the per-eval-point log (step, epoch, seconds, d_loss, g_loss, fid) and a
    status dict (steps done, diverged flag, training seconds).
    """
    settings = {"variant": variant, "budget": budget, "seed": seed, "latent_seed": latent_seed,
                "train_samples": len(x_train)}
    seconds_before = _prepare_state_dir(state_dir, settings)
    gan = build_gan(variant, seed)
    steps_per_epoch = min(budget["eval_every"], budget["steps"])
    epochs = -(-budget["steps"] // steps_per_epoch)
    embed = Embedder(classifier)
    ref_features, _ = embed(x_ref)
    quality = QualityLog(embed, fixed_latents(budget["eval_samples"], variant["latent_dim"], latent_seed),
                         metrics.gaussian_stats(ref_features), steps_per_epoch, epochs * steps_per_epoch,
                         seconds_before)
    history = gan.fit(
        real_batches(x_train, variant["batch"], seed), epochs=epochs, steps_per_epoch=steps_per_epoch, shuffle=False,
        verbose=1 if sys.stderr.isatty() else 2,
        callbacks=[
            keras.callbacks.BackupAndRestore(str(state_dir / "backup"), save_freq="epoch", double_checkpoint=True),
            keras.callbacks.TerminateOnNaN(),
            quality,
            keras.callbacks.CSVLogger(str(state_dir / "train_log.csv"), append=True),
        ])
    rows = pd.read_csv(state_dir / "train_log.csv").drop_duplicates("step", keep="last")
    last = history.history
    diverged = any(not np.isfinite(v[-1]) for k, v in last.items() if k in ("d_loss", "g_loss") and v)
    status = {"steps_planned": int(epochs * steps_per_epoch), "steps_done": int(rows["step"].max()) if len(rows) else 0,
              "train_seconds": float(quality.seconds), "diverged": bool(diverged),
              "generator_params": int(gan.generator.count_params()),
              "discriminator_params": int(gan.discriminator.count_params())}
    return gan, rows, status
