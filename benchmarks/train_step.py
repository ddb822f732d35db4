"""Benchmark: seconds per training step of every variant in a params file, at its own batch size.

    OMP_NUM_THREADS=2 python benchmarks/train_step.py [--params params.yaml] [--steps 10]

Prints one row per variant (its step's GFLOP, seconds and achieved GFLOP/s; the steps its share of the
budget buys) and the projected training time of the study's budget per dataset x seed: the base
recipe's seconds per step, measured the same day, scale the study's time to a slower day.
"""
import ganbench  # noqa: F401  (first: keeps TensorFlow's C++ start-up lines out, ganbench.quiet)

# isort: split
import time

import keras
import numpy as np

from ganbench import cli
from ganbench.config import load_params, variant
from ganbench.runtime import configure
from ganbench.training.batches import real_batches
from ganbench.training.budget import plan
from ganbench.training.build import build_gan


def _gan_with_batches(variant: dict, seed: int):
    keras.utils.set_random_seed(seed)
    gan = build_gan({**variant, "lr_decay": None}, seed)  # a step costs the same at any learning rate
    rng = np.random.default_rng(seed)
    n = variant["batch"] * 4
    x, y = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32), rng.integers(0, 10, n)
    return gan, real_batches(x, y if gan.conditional else None, variant["batch"], seed)


def train_step_seconds(variant: dict, steps: int = 20, warmup: int = 5, repeats: int = 3, seed: int = 0) -> float:
    """Wall seconds per generator step (incl. its `d_steps` D updates): the best of `repeats` timings
    of `steps` steps after warmup, since a busy machine only ever makes a step slower.

    Random images stand in for data: the cost of a step does not depend on pixel values.
    """
    gan, batches = _gan_with_batches(variant, seed)
    gan.fit(batches, epochs=1, steps_per_epoch=warmup, verbose=0)  # traces the step function
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        gan.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
        timings.append((time.perf_counter() - started) / steps)
    return min(timings)


def run() -> None:
    p = cli.parser(__doc__, dataset=False)
    p.add_argument("--steps", type=int, default=10, help="timed steps per repeat (best of 3, after 5 warm-up steps)")
    args = p.parse_args()
    params = load_params(args.params)
    configure(0)
    total = 0.0
    print(f"{'variant':<20} {'batch':>5} {'GFLOP':>7} {'s/step':>8} {'GFLOP/s':>8} {'budget steps':>12} {'train min':>9}")
    for name in params["variants"]:
        settings = variant(params, name, args.params)
        seconds = train_step_seconds(settings, steps=args.steps)
        run_plan = plan(params, settings)
        total += seconds * run_plan["steps"]
        print(f"{name:<20} {settings['batch']:>5} {run_plan['step_gflop']:>7.2f} {seconds:>8.4f} "
              f"{run_plan['step_gflop'] / seconds:>8.1f} {run_plan['steps']:>12} {seconds * run_plan['steps'] / 60:>9.1f}")
    cells = len(params["datasets"]) * len(params["seeds"])
    print(f"projected training time per dataset x seed: {total / 60:.0f} min (x{cells} runs: {total * cells / 3600:.1f} h)")


if __name__ == "__main__":
    cli.main(run)
