"""Draw one dataset's figures into results/plots/<dataset>/ from results/summary/<dataset>.csv and the
runs' train logs, frames and samples: one PNG per entry of ganbench.reporting.figures.FIGURES."""
from ganbench import cli
from ganbench.config import load_params
from ganbench.reporting.figures import draw_all


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    draw_all(load_params(args.params), args.dataset)


if __name__ == "__main__":
    cli.main(run)
