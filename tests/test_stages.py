"""Stage scripts on a synthetic workspace: a SIGKILLed training resumes, seeds reproduce samples,
scoring writes its JSON and Markdown table."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest
import yaml

from ganbench.classifier import build_lenet

REPO = Path(__file__).resolve().parents[1]
RUN = Path("results/mnist/tiny/seed0")


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
    params = yaml.safe_load((REPO / "profiles/smoke.yaml").read_text())
    params["budget"] = {"steps": steps, "eval_every": 2, "eval_samples": 16, "train_samples": None,
                        "collapse": {"max_class_share": 1.0, "patience": 1000}}
    params["eval"].update(samples=50)
    params["variants"] = {"tiny": {**params["variants"]["dcgan_ns"], "width": 0.125, "batch": 8}}
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
    roots = [make_workspace(tmp_path_factory.mktemp(f"ws{i}"), steps=6) for i in range(2)]
    for root in roots:
        finish(stage(root, "train.py"))
        finish(stage(root, "generate.py"))
    return roots


def test_same_seed_gives_identical_samples(clean_runs):
    a, b = (np.load(root / RUN / "samples.npz")["x"] for root in clean_runs)
    assert a.shape == (50, 28, 28, 1)
    np.testing.assert_array_equal(a, b)
    assert (clean_runs[0] / RUN / "grid.png").stat().st_size > 1000


def test_score_writes_the_metrics_json_and_a_markdown_table_beside_it(clean_runs):
    root = clean_runs[0]
    cmd = [sys.executable, str(REPO / "scripts" / "score.py"), "--dataset", "mnist", "--samples",
           str(RUN / "samples.npz"), "--out", str(RUN / "metrics.json")]
    finish(subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    metrics = json.loads((root / RUN / "metrics.json").read_text())
    assert sum(metrics["per_class"]["by_predicted"]["samples"]) == 50 and "by_label" not in metrics["per_class"]
    assert metrics["kid_se"] is None  # smoke KID: 10 subsets of 50 rows out of 50 overlap
    table = (root / RUN / "metrics.md").read_text()
    assert table.startswith(f"# mnist: {RUN / 'samples.npz'}") and "Protocol: N = 50 samples vs 50 'test'" in table
    assert f"| FID (lower is better) | {metrics['fid']:.2f} |" in table and "| by predicted class | recall |" in table


def test_sigkilled_training_resumes_from_its_last_checkpoint(tmp_path):
    root = make_workspace(tmp_path, steps=40)
    proc = stage(root, "train.py", start_new_session=True)
    csv = root / "checkpoints/mnist/tiny/seed0/train_log.csv"
    deadline = time.time() + 300
    while not (csv.exists() and len(csv.read_text().splitlines()) >= 3):  # header + 2 eval points
        assert proc.poll() is None and time.time() < deadline, "training ended before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = len(csv.read_text().splitlines()) - 1
    assert killed_at < 20 and not (root / RUN / "generator.keras").exists()

    out = finish(stage(root, "train.py"))
    assert "resuming from" in out
    log = pd.read_csv(root / RUN / "train_log.csv")
    assert list(log["step"]) == list(range(2, 42, 2))
    assert log["seconds"].is_monotonic_increasing  # elapsed time continues across the kill
    assert "Epoch 1/20" not in out  # the rerun did not start from zero
