"""Draw the study figures from every run's train_log.csv and metrics.json into results/plots/."""
from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.plots import collect, plot_scores, plot_time_to_quality


def run() -> None:
    args = cli.parser(__doc__, dataset=False).parse_args()
    logs, scores = collect(load_params(args.params))
    plot_time_to_quality(logs, paths.PLOTS_DIR / "time_to_quality.png")
    plot_scores(scores, paths.PLOTS_DIR / "scores.png")


if __name__ == "__main__":
    cli.main(run)
