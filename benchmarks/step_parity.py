"""ganbench's trainer against the TensorFlow DCGAN tutorial's plain training loop, same model.

    OMP_NUM_THREADS=2 python benchmarks/step_parity.py [--steps 20] [--warmup 5] [--repeats 5]

For the tutorial DCGAN at batch 256 and the MLP GAN at batch 128 it prints seconds per step of
  - the tutorial loop: a `tf.function` with two GradientTapes on a constant in-memory batch,
  - ganbench's `GAN.fit` on the same constant batch, and on the real input pipeline
    (`ganbench.training.loop.real_batches`: shuffled batches of 60,000 images),
the ratios (targets: trainer / plain <= 1.0, pipeline / constant <= 1.05), and the achieved
GFLOP/s of the step (the traced step's matmuls and convolutions, `ganbench.training.flops`) against a float32 matmul peak
(best of 1024-4096 square matmuls) measured in every turn of the same run (target >= 80 %). Each figure
is the steady-state mean over `steps` steps taken inside one run after `warmup` steps (tracing,
thread-pool start and the shuffle buffer's first fill excluded), best of `repeats` runs taken in
turns: how a long training run spends its time. The per-turn ratios (median, range) show how
much of a gap is the machine's drift.
"""
import ganbench  # noqa: F401  (first: keeps TensorFlow's C++ start-up lines out, ganbench.quiet)

# isort: split
import argparse
import time

import keras
import numpy as np
import tensorflow as tf
from tutorial_loop import plain_step

from ganbench.config import deep_merge, load_params
from ganbench.runtime import configure
from ganbench.training.batches import real_batches
from ganbench.training.build import build_gan
from ganbench.training.flops_traced import graph_flops

CASES = {  # name -> variant settings of the tutorial recipe (Adam 1e-4, default betas)
    "dcgan (tutorial), batch 256": {"arch": "dcgan", "batch": 256},
    "mlp, batch 128": {"arch": "mlp", "batch": 128},
}


def variant(arch: str, batch: int) -> dict:
    """The tutorial's recipe on `arch`: the study's variant defaults with Adam(1e-4) and default betas."""
    return deep_merge(load_params("params.yaml")["variant_defaults"], {
        "arch": arch, "loss": "non_saturating", "latent_dim": 100, "width": 1.0, "d_width": 1.0, "batch": batch,
        "ema_decay": None, "d_steps": 1, "gp_weight": 0.0, "d_spectral_norm": False, "d_dropout": 0.3,
        "g_opt": {"lr": 1e-4, "beta_1": 0.9, "beta_2": 0.999},
        "d_opt": {"lr": 1e-4, "beta_1": 0.9, "beta_2": 0.999}})


class StepClock(keras.callbacks.Callback):
    """Wall-clock time at the end of every training batch of a `fit` call."""

    def on_train_begin(self, logs=None):
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())


def steady_seconds_per_step(ends: list[float], warmup: int) -> float:
    """Mean step time from the end of step `warmup` to the end of the last step."""
    return (ends[-1] - ends[warmup - 1]) / (len(ends) - warmup)


def interleaved(runs: dict, repeats: int) -> dict[str, np.ndarray]:
    """Seconds per step of each run, `repeats` times, taken in turns (A, B, C, A, B, C, ...) so that
    a slow spell of the machine hits every contender alike and turn i of A pairs with turn i of B."""
    timings = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            timings[name].append(run())
    return {name: np.array(values) for name, values in timings.items()}


def paired_ratio(numerator: np.ndarray, denominator: np.ndarray) -> str:
    """Median and range of the per-turn ratios: how far apart the contenders are beyond drift."""
    ratios = numerator / denominator
    return f"per turn median {np.median(ratios):.3f}, range {ratios.min():.3f}-{ratios.max():.3f}"


def tutorial_loop(settings: dict, images: tf.Tensor):
    """The tutorial's train_step (benchmarks/tutorial_loop.py) on a constant batch; a timing function."""
    plain = plain_step(settings)

    def run(warmup: int, steps: int) -> float:
        ends = []
        for _ in range(warmup + steps):
            plain.step(images)
            plain.g_optimizer.iterations.numpy()  # wait for the step, as Keras does to report its logs
            ends.append(time.perf_counter())
        return steady_seconds_per_step(ends, warmup)

    return run


def ganbench_fit(settings: dict, dataset: tf.data.Dataset):
    """ganbench's GAN.fit on `dataset`; one call per timing, like one training run."""
    gan, clock = build_gan(settings, 0), StepClock()

    def run(warmup: int, steps: int) -> float:
        gan.fit(dataset, epochs=1, steps_per_epoch=warmup + steps, verbose=0, callbacks=[clock])
        return steady_seconds_per_step(clock.ends, warmup)

    return gan, run


def matmul_peak_gflops(sizes: tuple[int, ...] = (1024, 2048, 4096), repeats: int = 5) -> float:
    """Best float32 GFLOP/s of square TensorFlow matmuls: the machine's practical compute peak."""
    best = 0.0
    for n in sizes:
        a, b = tf.random.normal([n, n]), tf.random.normal([n, n])
        (a @ b).numpy()
        for _ in range(repeats):
            started = time.perf_counter()
            (a @ b).numpy()
            best = max(best, 2 * n**3 / (time.perf_counter() - started) / 1e9)
    return best


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=20, help="timed steps per run (the MLP takes 10x as many)")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    configure(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (60000, 28, 28, 1)).astype(np.float32)
    for name, case in CASES.items():
        settings = variant(case["arch"], case["batch"])
        constant = tf.constant(x[:settings["batch"]])
        steps = args.steps * (10 if case["arch"] == "mlp" else 1)  # ~40 ms steps need more of them
        tutorial = tutorial_loop(settings, constant)
        gan, on_constant = ganbench_fit(settings, tf.data.Dataset.from_tensors(constant).repeat())
        _, on_pipeline = ganbench_fit(settings, real_batches(x, None, settings["batch"], 0))
        timings = interleaved({"plain": lambda: tutorial(args.warmup, steps),
                               "constant": lambda: on_constant(args.warmup, steps),
                               "pipeline": lambda: on_pipeline(args.warmup, steps),
                               "matmul": lambda: 1 / matmul_peak_gflops()}, args.repeats)  # s per GFLOP
        plain, fit_constant, fit_pipeline = (timings[name].min() for name in ("plain", "constant", "pipeline"))
        gflop = graph_flops(tf.function(gan.train_step, autograph=False).get_concrete_function(constant)) / 1e9
        peak, achieved = 1 / timings["matmul"].min(), gflop / fit_constant  # best spells of the run
        print(f"{name}: tutorial loop {plain:.3f} s/step | ganbench fit {fit_constant:.3f} s/step "
              f"(ratio of bests {fit_constant / plain:.2f}, target <= 1.00; "
              f"{paired_ratio(timings['constant'], timings['plain'])}) | with the input pipeline "
              f"{fit_pipeline:.3f} s/step (ratio {fit_pipeline / fit_constant:.2f}, target <= 1.05; "
              f"{paired_ratio(timings['pipeline'], timings['constant'])}) | {gflop:.1f} GFLOP/step = "
              f"{achieved:.1f} GFLOP/s = {100 * achieved / peak:.0f} % of the best matmul peak {peak:.1f} GFLOP/s "
              f"(target >= 80 %; {paired_ratio(timings['matmul'] * gflop, timings['constant'])})")


if __name__ == "__main__":
    main()
