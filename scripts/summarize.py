"""Gather one dataset's metrics, training status and profiles into results/summary/<dataset>.csv
(one row per variant x seed, the real-data row included) and .json (mean and std over seeds)."""
from ganbench import cli
from ganbench.config import load_params
from ganbench.io import atomic_path, write_json
from ganbench.reporting import outputs
from ganbench.reporting.summary import aggregate, collect


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    runs = collect(load_params(args.params), args.dataset)
    with atomic_path(outputs.dataset_summary(args.dataset, "csv")) as tmp:
        runs.to_csv(tmp, index=False, float_format="%.6g")
    write_json(outputs.dataset_summary(args.dataset, "json"), aggregate(runs))


if __name__ == "__main__":
    cli.main(run)
