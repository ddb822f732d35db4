"""The real-data row's "samples": eval.samples real training images drawn with the seed, saved
like a generator's: samples.npz with their labels as y under artifacts/<dataset>/real/seed<k>/, grid.png
under results/<dataset>/real/seed<k>/."""
from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.data.holdout import holdout_rows
from ganbench.data.splits import load_split
from ganbench.io import save_npz
from ganbench.paths import REAL_ROW
from ganbench.training.grids import save_grid


def run() -> None:
    p = cli.parser(__doc__)
    p.add_argument("--seed", type=int, required=True)
    args = p.parse_args()
    n = load_params(args.params)["eval"]["samples"]
    x_train, y_train = load_split(paths.data_npz(args.dataset), "train")
    rows = holdout_rows(len(x_train), n, args.seed)
    x, y = x_train[rows], y_train[rows]
    save_npz(paths.artifact_dir(args.dataset, REAL_ROW, args.seed) / "samples.npz", x=x, y=y)
    save_grid(x, paths.run_dir(args.dataset, REAL_ROW, args.seed) / "grid.png",
              f"{args.dataset} / real training images / seed {args.seed}")


if __name__ == "__main__":
    cli.main(run)
