"""Probe a recipe change before a study spends hours on it: train one variant of params.yaml, with
overrides, and score it with every metric (FID, precision, recall, density, coverage) at checkpoints
of training compute (GFLOP, `ganbench.training.flops`: the study's budget unit).

    OMP_NUM_THREADS=1 python benchmarks/recipe_probe.py --dataset fashion --variant cdcgan_lsgan \\
        --seed 0 --set d_width=0.5 --gflop 7000 14000 28000

Run it in a clone of main (the classifier is in git) once the dataset is there (`dvc repro --single-item
--force fetch_data@<dataset>`; the reference cache is built on first use). Prints one JSON line per
checkpoint (GFLOP, the steps they buy this variant, the scores), with the minutes since the start
(quality, not speed: probes may share the machine). This is how `d_width` was chosen (README "The base
recipe"). No checkpoints, no frames, nothing written: a probe, not a run.

`--ema 0.999 0.9999` also scores EMA generators of other decays from the same run (the EMA of G
never feeds back into training, so one run serves every decay): one JSON line per decay and
checkpoint, `"ema"` naming the decay (the variant's own sampler has `"ema": "variant"`).
"""
import ganbench  # noqa: F401  (first: keeps TensorFlow's C++ start-up lines out, ganbench.quiet)

# isort: split
import argparse
import json
import time

import keras
import yaml

from ganbench import paths
from ganbench.config import deep_merge, load_params, variant
from ganbench.data.splits import load_split
from ganbench.evaluation.embedding import Embedder, load_classifier
from ganbench.evaluation.identity import weights_sha256
from ganbench.evaluation.reference import cached_reference
from ganbench.evaluation.scoring import score
from ganbench.runtime import configure
from ganbench.training.batches import real_batches
from ganbench.training.build import build_gan
from ganbench.training.flops import variant_flops
from ganbench.training.gan import update_ema
from ganbench.training.sampling import sample


def override(text: str) -> dict:
    """'g_opt.lr=1e-4' -> {'g_opt': {'lr': 0.0001}} (the value read as YAML)."""
    key, _, value = text.partition("=")
    nested = yaml.safe_load(value)
    for part in reversed(key.split(".")):
        nested = {part: nested}
    return nested


class ExtraEMA(keras.callbacks.Callback):
    """EMA copies of G's weights at other decays, updated after every step by `update_ema`, as the
    run's own copy is (the same warm-up, BatchNorm statistics copied)."""

    def __init__(self, gan, decays: list[float]):
        super().__init__()
        self.gan, self.copies = gan, {}
        for decay in decays:
            copy = keras.models.clone_model(gan.generator)
            copy.set_weights(gan.generator.get_weights())
            self.copies[decay] = copy

    def on_train_batch_end(self, batch, logs=None) -> None:
        for decay, copy in self.copies.items():
            update_ema(copy, self.gan.generator, decay, self.gan.g_optimizer.iterations)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="fashion")
    p.add_argument("--variant", default="cdcgan_lsgan")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--set", action="append", default=[], type=override, help="KEY=VALUE override of the variant")
    p.add_argument("--gflop", type=float, nargs="+", default=[7000, 28000], help="checkpoints: training GFLOP")
    p.add_argument("--ema", type=float, nargs="*", default=[], help="also score EMA generators of these decays")
    args = p.parse_args()
    params = load_params("params.yaml")
    settings = variant(params, args.variant, "params.yaml")
    for change in args.set:
        settings = deep_merge(settings, change)
    configure(args.seed)
    step_gflop = variant_flops(settings)["train_step_gflops"]
    gan = build_gan(settings, args.seed, round(max(args.gflop) / step_gflop))  # lr_decay: to 0 at the last checkpoint
    print(json.dumps({"variant": args.variant, "settings": settings, "g_params": gan.generator.count_params(),
                      "d_params": gan.discriminator.count_params()}), flush=True)
    x, y = load_split(paths.data_npz(args.dataset), "train")
    classifier = load_classifier(paths.classifier_model(args.dataset))
    embed, eval_params = Embedder(classifier), params["eval"]
    reference = cached_reference(paths.reference_npz(args.dataset), embed,
                                 lambda split: load_split(paths.data_npz(args.dataset), split), eval_params,
                                 weights_sha256(classifier))
    batches = real_batches(x, y if gan.conditional else None, settings["batch"], args.seed)
    extra = ExtraEMA(gan, args.ema)
    samplers = {"variant": gan.sampler, **extra.copies}
    done, started = 0, time.time()
    for gflop in sorted(args.gflop):
        step = max(done + 1, round(gflop / step_gflop))
        gan.fit(batches, epochs=1, steps_per_epoch=step - done, verbose=0, callbacks=[extra] if args.ema else [])
        done = step
        for ema, sampler in samplers.items():
            images, labels = sample(sampler, eval_params["samples"], eval_params["latent_seed"])
            metrics = score(images, reference, embed, eval_params, labels)
            scores = {k: metrics[k] for k in ("fid", "precision", "recall", "density", "coverage")}
            print(json.dumps({"gflop": round(step * step_gflop), "step": step, "ema": ema, **scores,
                              "minutes": round((time.time() - started) / 60, 1)}), flush=True)


if __name__ == "__main__":
    main()
