"""Draw one dataset's figures from results/summary/<dataset>.csv and its runs' train logs and samples into
results/plots/<dataset>/: pareto, time_to_quality, losses, samples, class_shares, scores (.png)."""
import pandas as pd

from ganbench import cli, paths, plots
from ganbench.config import load_params


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    params = load_params(args.params)
    out = paths.PLOTS_DIR / args.dataset
    runs = pd.read_csv(paths.dataset_summary(args.dataset, "csv"))
    logs = plots.train_logs(params, args.dataset)
    palette = plots.palette_for(list(params["variants"]))
    plots.plot_pareto(runs, out / "pareto.png", palette)
    plots.plot_time_to_quality(logs, out / "time_to_quality.png", palette)
    plots.plot_losses(logs, out / "losses.png")
    plots.plot_samples(params, args.dataset, out / "samples.png")
    plots.plot_class_shares(runs, out / "class_shares.png")
    plots.plot_scores(runs, out / "scores.png", palette)


if __name__ == "__main__":
    cli.main(run)
