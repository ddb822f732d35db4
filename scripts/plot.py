"""Draw one dataset's figures from its runs' train_log.csv and metrics.json into results/plots/<dataset>/."""
from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.plots import collect, plot_scores, plot_time_to_quality


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    logs, scores = collect(load_params(args.params), args.dataset)
    plot_time_to_quality(logs, paths.PLOTS_DIR / args.dataset / "time_to_quality.png")
    plot_scores(scores, paths.PLOTS_DIR / args.dataset / "scores.png")


if __name__ == "__main__":
    cli.main(run)
