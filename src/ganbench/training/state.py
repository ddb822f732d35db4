"""A training run's resumable state, in `checkpoints/<dataset>/<variant>/seed<k>/` (never a declared
output: both front ends delete declared outputs before they rerun a job):
  backup/                 BackupAndRestore weights + optimizers + epoch (deleted by Keras when fit ends)
  train_log.csv           CSVLogger rows so far (append mode, survives a kill)
  frames/                 the fixed latents' picture at every evaluation point
  generator_home.keras    the EMA generator at the home budget, once training has passed it
  fingerprint.json        the settings the state belongs to; a mismatch starts fresh
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)
HOME_GENERATOR = "generator_home.keras"


def frame_name(step: int) -> str:
    """The TF tutorial's image_at_epoch_NNNN.png, per evaluation step."""
    return f"image_at_step_{step:06d}.png"


def _fingerprint(settings: dict) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def _checkpointed_epoch(state_dir: Path) -> int:
    """The epoch BackupAndRestore will resume from (its training_metadata.json), 0 without one."""
    try:
        return int(json.loads((state_dir / "backup" / "training_metadata.json").read_text())["epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def prepare(state_dir: Path, settings: dict, eval_every: int) -> dict:
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


def read_log(csv: Path) -> pd.DataFrame:
    """CSVLogger rows, one per eval point (last write wins after a resume), step-first column order.

    CSVLogger also writes empty `val_*` columns (there is no validation data); they are dropped.
    """
    rows = pd.read_csv(csv).drop_duplicates("step", keep="last")
    first = ["step", "gflop", "epoch", "seconds", "d_loss", "g_loss"]
    rest = sorted(c for c in rows.columns if c not in first and not c.startswith("val_"))
    return rows[first + rest].reset_index(drop=True)
