"""Learning and speed parity of ganbench's trainer with a plain tutorial-style loop, on the study's recipes.

    OMP_NUM_THREADS=2 python benchmarks/train_parity.py --dataset mnist --variants cdcgan cdcgan_g8 \\
        --seeds 0 1 2 --steps 3000 --eval-every 250 [--out benchmarks/results/train_parity]

For each recipe (a variant of params.yaml) and seed, the same models are trained twice on the same
real input pipeline (`ganbench.training.loop.real_batches`):
  - loop: the TF DCGAN tutorial's training loop, written out independently: a `tf.function` step
    with two GradientTapes, the recipe's loss, Adam optimisers and EMA of G, over the batches;
  - fit: ganbench's trainer (`train_gan`: `GAN.fit` with its callbacks, checkpoints and frames).
Both evaluate FID of the (EMA) generator on `budget.eval_samples` fixed latents against the test split
in the pipeline's classifier features every `--eval-every` steps, and time the training between
evaluations. The contenders alternate (loop, fit, loop, fit, ...) so that the machine's drift hits
both. Prints, per recipe: the FID curves (mean and range over seeds) and whether they agree within
the seed spread, and seconds per step of each (ratio fit / loop, target <= 1.0). Writes the curves
(CSV) and a figure to --out. Run it in a clone with the study's classifier, on an otherwise idle machine.
"""
import ganbench  # noqa: F401  (first: keeps TensorFlow's C++ start-up lines out, ganbench.quiet)

# isort: split
import argparse
import tempfile
import time
from pathlib import Path

import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from tutorial_loop import plain_step  # noqa: E402

from ganbench import paths  # noqa: E402
from ganbench.config import load_params, variant  # noqa: E402
from ganbench.data.splits import load_split  # noqa: E402
from ganbench.evaluation.embedding import Embedder, load_classifier  # noqa: E402
from ganbench.evaluation.metrics.fid import frechet_distance, gaussian_stats  # noqa: E402
from ganbench.runtime import configure  # noqa: E402
from ganbench.training.batches import real_batches  # noqa: E402
from ganbench.training.budget import plan  # noqa: E402
from ganbench.training.loop import train_gan  # noqa: E402
from ganbench.training.models import get_architecture  # noqa: E402
from ganbench.training.sampling import balanced_labels, fixed_latents  # noqa: E402


def plain_loop(settings: dict, x: np.ndarray, y: np.ndarray, seed: int, steps: int, eval_every: int, fid_of) -> list:
    """The tutorial's loop for `settings` (d_steps 1); [(step, seconds, fid)] at every eval point."""
    keras.utils.set_random_seed(seed)
    plain = plain_step(settings)
    conditional = get_architecture(settings["arch"]).conditional

    batches = iter(real_batches(x, y if conditional else None, settings["batch"], seed))
    points, seconds = [], 0.0
    for start in range(0, steps, eval_every):
        started = time.perf_counter()
        for _ in range(eval_every):
            plain.step(next(batches))
        plain.g_optimizer.iterations.numpy()  # wait for the last step, as Keras does to report its logs
        seconds += time.perf_counter() - started
        points.append((start + eval_every, seconds, fid_of(plain.sampler)))
    return points


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--variants", nargs="+", required=True, help="recipes: variant names of params.yaml")
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--out", type=Path, default=Path("benchmarks/results/train_parity"))
    args = p.parse_args()
    params = load_params("params.yaml")
    configure(0)
    x, y = load_split(paths.data_npz(args.dataset), "train")
    embed = Embedder(load_classifier(paths.classifier_model(args.dataset)))
    ref_stats = gaussian_stats(embed(load_split(paths.data_npz(args.dataset), "test")[0])[0])
    eval_samples, latent_seed = params["budget"]["eval_samples"], params["eval"]["latent_seed"]

    def fid_of(generator: keras.Model) -> float:
        z = fixed_latents(eval_samples, generator.inputs[0].shape[-1], latent_seed)
        inputs = [z, balanced_labels(eval_samples)] if len(generator.inputs) == 2 else z
        fake = generator.predict(inputs, batch_size=500, verbose=0)
        return frechet_distance(*gaussian_stats(embed(fake)[0]), *ref_stats)

    rows = []
    for name in args.variants:
        settings = variant(params, name)
        run_plan = {**plan(params, settings), "steps": args.steps, "eval_every": args.eval_every,
                    "evals": args.steps // args.eval_every, "home_step": args.eval_every,
                    "collapse": {"max_class_share": 1.0, "patience": 10**6}}
        for seed in args.seeds:
            for point in plain_loop(settings, x, y, seed, args.steps, args.eval_every, fid_of):
                rows.append({"recipe": name, "contender": "loop", "seed": seed, **dict(zip(("step", "seconds", "fid"), point))})
            keras.utils.set_random_seed(seed)
            with tempfile.TemporaryDirectory() as state:
                _, log, _ = train_gan(x, y, load_split(paths.data_npz(args.dataset), "test")[0], embed.classifier,
                                      settings, run_plan, seed, Path(state))
            rows += [{"recipe": name, "contender": "fit", "seed": seed, "step": r.step, "seconds": r.seconds,
                      "fid": r.fid} for r in log.itertuples()]
            print(pd.DataFrame(rows).query("recipe == @name and seed == @seed").groupby("contender").tail(1)
                  .to_string(index=False), flush=True)
    report(pd.DataFrame(rows), args.out, args.dataset)


def report(curves: pd.DataFrame, out: Path, dataset: str) -> None:
    """Agreement of the FID curves within the seed spread, and seconds per step, per recipe."""
    out.mkdir(parents=True, exist_ok=True)
    curves.to_csv(out / "curves.csv", index=False)
    for name, runs in curves.groupby("recipe"):
        by = runs.groupby(["contender", "step"])["fid"].agg(["mean", "min", "max"]).unstack(0)
        gap = (by["mean"]["fit"] - by["mean"]["loop"]).abs()
        spread = np.maximum(by["max"]["fit"] - by["min"]["fit"], by["max"]["loop"] - by["min"]["loop"])
        within = (gap <= spread).mean()
        last = runs.groupby(["contender", "seed"]).tail(1)
        per_step = (last["seconds"] / last["step"]).groupby(last["contender"]).mean()
        paired = (last[last.contender == "fit"].set_index("seed")["seconds"]
                  / last[last.contender == "loop"].set_index("seed")["seconds"])
        print(f"{name}: FID curves agree within the seed spread at {within:.0%} of {len(gap)} eval points "
              f"(final mean FID fit {by['mean']['fit'].iloc[-1]:.1f} vs loop {by['mean']['loop'].iloc[-1]:.1f}); "
              f"s/step fit {per_step['fit']:.4f} vs loop {per_step['loop']:.4f}: ratio {per_step['fit'] / per_step['loop']:.3f} "
              f"(target <= 1.0; per seed {', '.join(f'{r:.3f}' for r in paired)})")
    grid = sns.relplot(data=curves, x="step", y="fid", hue="contender", col="recipe", kind="line", errorbar=("pi", 100),
                       height=3.6, aspect=1.3, facet_kws={"sharey": False})
    grid.set(yscale="log")
    grid.set_axis_labels("generator step", "FID (eval samples, log)")
    grid.figure.suptitle(f"{dataset}: GAN.fit against the tutorial's plain loop (line: mean over seeds, band: range)",
                         y=1.03)
    grid.figure.savefig(out / "curves.png", dpi=110, bbox_inches="tight")
    plt.close(grid.figure)


if __name__ == "__main__":
    main()
