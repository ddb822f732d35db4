"""Train one GAN variant on one dataset with one seed (resumes from checkpoints/ if killed)."""
from ganbench import cli, paths
from ganbench.config import load_params, run_budget, variant
from ganbench.data import load_split
from ganbench.embedding import load_classifier
from ganbench.io import atomic_path, write_json
from ganbench.model_files import save_model
from ganbench.runtime import configure, peak_rss_mb
from ganbench.train import train_gan


def run() -> None:
    args = cli.parser(__doc__, run=True).parse_args()
    params = load_params(args.params)
    settings = variant(params, args.variant, args.params)
    budget = {**run_budget(params, settings), "latent_seed": params["eval"]["latent_seed"]}
    configure(args.seed)
    x_train, y_train = load_split(paths.data_npz(args.dataset), "train", budget["train_samples"])
    x_ref, _ = load_split(paths.data_npz(args.dataset), params["eval"]["reference"])
    classifier = load_classifier(paths.classifier_model(args.dataset))
    gan, train_log, status = train_gan(x_train, y_train, x_ref, classifier, settings, budget, args.seed,
                                       paths.checkpoint_dir(args.dataset, args.variant, args.seed))
    out = paths.run_dir(args.dataset, args.variant, args.seed)
    save_model(gan.sampler, out / "generator.keras")
    with atomic_path(out / "train_log.csv") as tmp:
        train_log.to_csv(tmp, index=False)
    write_json(out / "train.json", {"dataset": args.dataset, "variant": args.variant, "seed": args.seed,
                                    "ema": settings["ema_decay"] is not None, **status,
                                    "peak_rss_mb": round(peak_rss_mb(), 1)})


if __name__ == "__main__":
    cli.main(run)
