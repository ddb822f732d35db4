"""Draw one dataset's figures from results/summary/<dataset>.csv and its runs' train logs and samples into
results/plots/<dataset>/: pareto, time_to_quality, losses, samples, class_shares, scores (.png)."""
import pandas as pd

from ganbench import cli, paths, plots
from ganbench.config import load_params


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    params = load_params(args.params)
    runs = pd.read_csv(paths.dataset_summary(args.dataset, "csv"))
    logs = plots.train_logs(params, args.dataset)
    palette = plots.palette_for(list(params["variants"]))
    plots.plot_pareto(runs, paths.plot(args.dataset, "pareto"), palette)
    plots.plot_time_to_quality(logs, paths.plot(args.dataset, "time_to_quality"), palette)
    plots.plot_losses(logs, paths.plot(args.dataset, "losses"))
    plots.plot_samples(params, args.dataset, paths.plot(args.dataset, "samples"))
    plots.plot_class_shares(runs, paths.plot(args.dataset, "class_shares"))
    plots.plot_scores(runs, paths.plot(args.dataset, "scores"), palette)


if __name__ == "__main__":
    cli.main(run)
