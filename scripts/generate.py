"""Sample a trained generator on the study's fixed latents (and balanced labels if conditional):
samples.npz and a 10x10 grid.png."""
from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.io import save_npz
from ganbench.model_files import load_model
from ganbench.runtime import configure
from ganbench.training.grids import save_grid
from ganbench.training.sampling import sample


def run() -> None:
    args = cli.parser(__doc__, run=True).parse_args()
    params = load_params(args.params)
    configure(args.seed)
    out = paths.run_dir(args.dataset, args.variant, args.seed)
    x, y = sample(load_model(out / "generator.keras", "generator"), params["eval"]["samples"], params["eval"]["latent_seed"])
    save_npz(out / "samples.npz", x=x, **({} if y is None else {"y": y}))
    save_grid(x, out / "grid.png", f"{args.dataset} / {args.variant} / seed {args.seed}")


if __name__ == "__main__":
    cli.main(run)
