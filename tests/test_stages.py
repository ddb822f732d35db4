"""Stage scripts on a synthetic workspace: same inputs give the same bytes; a SIGKILLed training
resumes from its checkpoint to exactly the model an uninterrupted run trains; scoring writes its JSON
and Markdown table."""
import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import REPO

from ganbench.config import variant
from ganbench.evaluation.classifier import build_lenet
from ganbench.pipeline.profiles import materialise
from ganbench.training.flops import variant_flops

RUN = Path("results/mnist/tiny/seed0")  # the run's records (git)
HEAVY = Path("artifacts/mnist/tiny/seed0")  # its generators, samples and GIF (DVC cache)
STEPS = 12  # six epochs of two steps: enough to kill after the second and resume


def make_workspace(root: Path, steps: int) -> Path:
    """data/mnist/data.npz (random uint8), an untrained classifier, and a tiny params file."""
    rng = np.random.default_rng(0)
    (root / "data/mnist").mkdir(parents=True)
    np.savez(root / "data/mnist/data.npz", x_train=rng.integers(0, 256, (200, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, 200, dtype=np.uint8), x_test=rng.integers(0, 256, (50, 28, 28), dtype=np.uint8),
             y_test=rng.integers(0, 10, 50, dtype=np.uint8))
    keras.utils.set_random_seed(0)
    (root / "models/classifier").mkdir(parents=True)
    build_lenet().save(root / "models/classifier/mnist.keras")
    params = yaml.safe_load(materialise("smoke", REPO / "profiles"))
    params["variants"] = {"tiny": {"arch": "dcgan", "width": 0.125, "batch": 8}}
    step = variant_flops(variant(params, "tiny"))["train_step_gflops"]  # budgets in GFLOP: `steps` steps, eval every 2
    params["budget"] = {"train_gflop": steps * step, "home_gflop": 4 * step, "eval_gflop": 2 * step, "eval_samples": 16,
                        "train_samples": None, "collapse": {"max_class_share": 1.0, "patience": 1000}}
    params["eval"].update(samples=50)
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    return root


def stage(root: Path, script: str, **popen) -> subprocess.Popen:
    cmd = [sys.executable, str(REPO / "scripts" / script), "--dataset", "mnist", "--variant", "tiny", "--seed", "0"]
    return subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


def finish(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out[-3000:]
    return out


@pytest.fixture(scope="module")
def clean_runs(tmp_path_factory):
    """Two uninterrupted train + generate runs with the same seed, in separate workspaces."""
    roots = [make_workspace(tmp_path_factory.mktemp(f"ws{i}"), steps=STEPS) for i in range(2)]
    for root in roots:
        finish(stage(root, "train.py"))
        finish(stage(root, "generate.py"))
    return roots


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_score_writes_the_metrics_json_and_a_markdown_table_beside_it(clean_runs):
    root = clean_runs[0]
    cmd = [sys.executable, str(REPO / "scripts" / "score.py"), "--dataset", "mnist", "--samples",
           str(HEAVY / "samples.npz"), "--out", str(RUN / "metrics.json")]
    finish(subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    metrics = json.loads((root / RUN / "metrics.json").read_text())
    assert sum(metrics["per_class"]["by_predicted"]["samples"]) == 50 and "by_label" not in metrics["per_class"]
    assert metrics["kid_se"] is None  # smoke KID: 10 subsets of 50 rows out of 50 overlap
    table = (root / RUN / "metrics.md").read_text()
    assert table.startswith(f"# mnist: {HEAVY / 'samples.npz'}") and "Protocol: N = 50 samples vs 50 'test'" in table
    assert f"| FID (lower is better) | {metrics['fid']:.2f} |" in table and "| by predicted class | recall |" in table


def test_same_inputs_give_the_same_bytes(clean_runs):
    """Every declared output of train and generate is byte-identical across two runs, the model
    archive included (no save date inside); only the wall-clock figures differ."""
    a, b = (root / RUN for root in clean_runs)
    heavy_a, heavy_b = (root / HEAVY for root in clean_runs)
    assert np.load(heavy_a / "samples.npz")["x"].shape == (50, 28, 28, 1) and (a / "grid.png").stat().st_size > 1000
    for name in ("generator.keras", "generator_home.keras", "samples.npz", "samples_home.npz", "progress.gif"):
        assert md5(heavy_a / name) == md5(heavy_b / name), name
    frames = sorted(p.name for p in (a / "frames").iterdir())
    assert frames and frames == sorted(p.name for p in (b / "frames").iterdir())
    for name in ("grid.png", *(f"frames/{f}" for f in frames)):
        assert md5(a / name) == md5(b / name), name
    timings = ["seconds", "cpu_seconds"]
    pd.testing.assert_frame_equal(pd.read_csv(a / "train_log.csv").drop(columns=timings),
                                  pd.read_csv(b / "train_log.csv").drop(columns=timings))
    status_a, status_b = (json.loads((run / "train.json").read_text()) for run in (a, b))
    for status in (status_a, status_b):
        for measured in ("train_seconds", "home_seconds", "train_cpu_seconds", "cores_busy", "peak_rss_mb",
                         "machine_load", "machine"):
            del status[measured]
    assert status_a == status_b


def test_sigkilled_training_resumes_from_its_last_checkpoint_to_the_same_model(tmp_path, clean_runs):
    root = make_workspace(tmp_path, steps=STEPS)
    proc = stage(root, "train.py", start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for line in proc.stdout:  # Keras prints "Epoch 3/6" after epoch 2's callbacks saved the backup
        if line.startswith("Epoch 3/"):
            break
    assert proc.poll() is None, "training ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    csv = root / "checkpoints/mnist/tiny/seed0/train_log.csv"
    killed_at = len(csv.read_text().splitlines()) - 1
    assert killed_at < STEPS // 2 and not (root / HEAVY / "generator.keras").exists()

    out = finish(stage(root, "train.py"))
    assert "resuming from" in out and f"Epoch 1/{STEPS // 2}" not in out  # the rerun did not start from zero
    log = pd.read_csv(root / RUN / "train_log.csv")
    assert list(log["step"]) == list(range(2, STEPS + 2, 2))
    assert log["seconds"].is_monotonic_increasing  # elapsed time continues across the kill
    assert md5(root / HEAVY / "generator.keras") == md5(clean_runs[0] / HEAVY / "generator.keras")  # as if never killed
