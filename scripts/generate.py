"""Sample a run's generators, at the full and at the home budget, on the study's fixed latents (and
balanced labels if conditional): samples.npz and samples_home.npz (artifacts/), and the 10x10 grid.png
of the final one (results/, in git)."""
from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.io import save_npz
from ganbench.model_files import load_model
from ganbench.runtime import configure
from ganbench.training.grids import save_grid
from ganbench.training.sampling import sample


def run() -> None:
    args = cli.parser(__doc__, run=True).parse_args()
    eval_params = load_params(args.params)["eval"]
    configure(args.seed)
    heavy = paths.artifact_dir(args.dataset, args.variant, args.seed)
    for budget in ("", "_home"):
        generator = load_model(heavy / f"generator{budget}.keras", "generator")
        x, y = sample(generator, eval_params["samples"], eval_params["latent_seed"])
        save_npz(heavy / f"samples{budget}.npz", x=x, **({} if y is None else {"y": y}))
        if not budget:
            save_grid(x, paths.run_dir(args.dataset, args.variant, args.seed) / "grid.png",
                      f"{args.dataset} / {args.variant} / seed {args.seed}")


if __name__ == "__main__":
    cli.main(run)
