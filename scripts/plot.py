"""Draw one dataset's figures into results/plots/<dataset>/ from results/summary/<dataset>.csv and the
runs' train logs, frames and samples: one PNG per name in ganbench.paths.PLOT_NAMES."""
from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.figures import figures


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    draw = figures(load_params(args.params), args.dataset)
    for name in paths.PLOT_NAMES:
        draw[name](paths.plot(args.dataset, name))


if __name__ == "__main__":
    cli.main(run)
