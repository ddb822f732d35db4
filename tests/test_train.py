"""Trainer on tiny synthetic data: eval log rows, determinism, fresh starts (corrupted checkpoint, changed
settings) and early ends; the exact resume after a SIGKILL is tests/test_stages.py's."""

import keras
import numpy as np
import pytest
import yaml
from helpers import REPO

from ganbench.config import deep_merge
from ganbench.evaluation.classifier import build_lenet
from ganbench.model_files import load_model
from ganbench.training.loop import train_gan
from ganbench.training.state import HOME_GENERATOR

VARIANT = deep_merge(yaml.safe_load((REPO / "profiles/default.yaml").read_text())["variant_defaults"],
                     {"arch": "dcgan", "latent_dim": 8, "width": 0.125, "batch": 8})
PLAN = {"steps": 4, "eval_every": 2, "evals": 2, "home_step": 2, "step_gflop": 0.5, "eval_samples": 16,
        "train_samples": None, "latent_seed": 1,
        "collapse": {"max_class_share": 1.01, "patience": 1}}  # collapse check off: untrained classifier


def plan(steps: int, eval_every: int, **changes) -> dict:
    return {**PLAN, "steps": steps, "eval_every": eval_every, "evals": steps // eval_every, **changes}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    keras.utils.set_random_seed(0)
    return x, rng.integers(0, 10, 64), build_lenet()


def train(data, state_dir, seed=0, variant=VARIANT, run_plan=PLAN):
    keras.utils.set_random_seed(seed)
    x, y, classifier = data
    return train_gan(x, y, x[:32], classifier, variant, run_plan, seed, state_dir=state_dir)


def test_log_has_one_row_per_eval_point_and_status(data, tmp_path):
    _, log, status = train(data, tmp_path / "state")
    assert list(log["step"]) == [2, 4] and list(log["gflop"]) == [1.0, 2.0]  # the compute axis: steps x step GFLOP
    assert {"seconds", "fid", "d_loss", "g_loss"} <= set(log.columns)
    assert log["seconds"].is_monotonic_increasing and np.isfinite(log["fid"]).all()
    assert status["steps_done"] == 4 and not status["diverged"] and status["diverged_reason"] is None
    assert status["train_gflop"] == 2.0 and status["home_gflop"] == 1.0 and status["home_seconds"] > 0
    assert not (tmp_path / "state" / "backup").exists()  # Keras removes the backup after a full run


def test_the_generator_at_the_home_budget_is_saved_during_the_run(data, tmp_path):
    """One run serves both picks: the EMA generator as it was when the run reached the home budget."""
    gan_early, _, _ = train(data, tmp_path / "early", run_plan=plan(2, 2, home_step=2))
    gan, _, _ = train(data, tmp_path / "full", run_plan=plan(4, 2, home_step=2))
    home = load_model(tmp_path / "full" / HOME_GENERATOR, "generator")
    for w_home, w_early, w_final in zip(home.get_weights(), gan_early.sampler.get_weights(), gan.sampler.get_weights()):
        np.testing.assert_array_equal(w_home, w_early)  # the same seed stopped at the home step
    assert any(not np.array_equal(a, b) for a, b in zip(home.get_weights(), gan.sampler.get_weights()))


def test_same_seed_same_weights(data, tmp_path):
    a, log_a, _ = train(data, tmp_path / "a")
    b, log_b, _ = train(data, tmp_path / "b")
    for wa, wb in zip(a.generator.get_weights(), b.generator.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    np.testing.assert_array_equal(log_a["fid"], log_b["fid"])


def crash_after_first_checkpoint(monkeypatch):
    """Make the run die (as if killed) right after the first epoch's checkpoint is written."""
    original = keras.callbacks.BackupAndRestore.on_epoch_end

    def crash(self, epoch, logs=None):
        original(self, epoch, logs)
        raise RuntimeError("killed")

    monkeypatch.setattr(keras.callbacks.BackupAndRestore, "on_epoch_end", crash)
    return lambda: monkeypatch.setattr(keras.callbacks.BackupAndRestore, "on_epoch_end", original)


def test_a_corrupted_checkpoint_restarts_from_zero_instead_of_crashing(data, tmp_path, monkeypatch, caplog):
    state = tmp_path / "state"
    restore = crash_after_first_checkpoint(monkeypatch)
    with pytest.raises(RuntimeError, match="killed"):
        train(data, state)
    restore()
    for weights in (state / "backup").rglob("*.weights.h5"):
        weights.write_bytes(weights.read_bytes()[:100])  # truncated, as by a full disk
    _, log, status = train(data, state)
    assert "unreadable checkpoint" in caplog.text and "restarting from step 0" in caplog.text
    assert list(log["step"]) == [2, 4] and status["steps_done"] == 4


def test_changed_settings_start_fresh(data, tmp_path, monkeypatch):
    state = tmp_path / "state"
    (state / "backup").mkdir(parents=True)
    (state / "fingerprint.json").write_text('{"fingerprint": "other settings"}')
    (state / "train_log.csv").write_text("epoch,step,seconds\n0,2,99.0\n")
    _, log, _ = train(data, state)
    assert list(log["step"]) == [2, 4] and log["seconds"].iloc[0] < 99


def test_nan_ends_the_run_and_is_recorded_as_diverged(data, tmp_path):
    variant = deep_merge(VARIANT, {"g_opt": {"lr": 1e30}, "d_opt": {"lr": 1e30}})  # blows up within a step or two
    _, log, status = train(data, tmp_path / "state", variant=variant, run_plan=plan(40, 20))
    assert status["diverged"] and status["diverged_reason"] == "nan"
    assert status["steps_done"] < 20 and list(log["step"]) == [status["steps_done"]]  # stopped at the bad batch


def test_collapse_into_one_class_ends_the_run(data, tmp_path):
    # an untrained classifier puts (nearly) every image in one class: a stand-in for a collapsed G
    run_plan = plan(10, 2, collapse={"max_class_share": 0.3, "patience": 2})
    _, log, status = train(data, tmp_path / "state", run_plan=run_plan)
    assert status["diverged_reason"] == "mode_collapse"
    assert list(log["step"]) == [2, 4, 6]  # eval 1 is exempt, evals 2 and 3 collapsed -> stop
