"""Train one GAN variant on one dataset with one seed, to the study's compute budget (resumes from
checkpoints/ if killed): the generator at the full and at the home budget and progress.gif (artifacts/),
its quality-vs-compute log, its status with the machine it ran on, and the fixed latents' picture at
each evaluation (frames/) (results/, in git)."""
import shutil

from ganbench import cli, machine, paths
from ganbench.config import load_params, variant
from ganbench.data.splits import load_split
from ganbench.evaluation.embedding import load_classifier
from ganbench.io import atomic_path, replace_dir, write_json
from ganbench.model_files import save_model
from ganbench.runtime import configure, machine_load, peak_rss_mb
from ganbench.training.budget import plan
from ganbench.training.frames import save_gif
from ganbench.training.loop import train_gan
from ganbench.training.state import HOME_GENERATOR


def run() -> None:
    args = cli.parser(__doc__, run=True).parse_args()
    params = load_params(args.params)
    settings = variant(params, args.variant, args.params)
    configure(args.seed)  # before anything builds a model: TensorFlow's threads are fixed at its first use
    run_plan = plan(params, settings)
    load_before = machine_load()
    x_train, y_train = load_split(paths.data_npz(args.dataset), "train", run_plan["train_samples"])
    x_ref, _ = load_split(paths.data_npz(args.dataset), params["eval"]["reference"])
    classifier = load_classifier(paths.classifier_model(args.dataset))
    state = paths.checkpoint_dir(args.dataset, args.variant, args.seed)
    gan, train_log, status = train_gan(x_train, y_train, x_ref, classifier, settings, run_plan, args.seed, state)
    out, heavy = paths.run_dir(args.dataset, args.variant, args.seed), paths.artifact_dir(args.dataset, args.variant, args.seed)
    save_model(gan.sampler, heavy / "generator.keras")
    home = state / HOME_GENERATOR
    if home.exists():
        with atomic_path(heavy / HOME_GENERATOR) as tmp:
            shutil.copyfile(home, tmp)
    else:  # a run stopped (diverged) before the home budget: what it has is its home generator too
        save_model(gan.sampler, heavy / HOME_GENERATOR)
    frames = sorted((state / "frames").glob("*.png"))
    replace_dir(frames, out / "frames")
    save_gif(frames, heavy / "progress.gif")
    with atomic_path(out / "train_log.csv") as tmp:
        train_log.to_csv(tmp, index=False)
    write_json(out / "train.json", {"dataset": args.dataset, "variant": args.variant, "seed": args.seed,
                                    "ema": settings["ema_decay"] is not None, **status,
                                    "home_reached": home.exists(), "peak_rss_mb": round(peak_rss_mb(), 1),
                                    "machine_load": {"before": load_before, "after": machine_load()},
                                    "machine": machine.fingerprint()})


if __name__ == "__main__":
    cli.main(run)
