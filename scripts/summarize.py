"""Gather one dataset's metrics, training status and profiles into results/summary/<dataset>.csv
(one row per variant x seed, the real-data row included) and .json (mean and std over seeds), with
what the machine measured (seconds, memory) apart in results/timing/<dataset>.csv and .json."""
from ganbench import cli
from ganbench.config import load_params
from ganbench.reporting import summary


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    summary.write(args.dataset, summary.collect(load_params(args.params), args.dataset))


if __name__ == "__main__":
    cli.main(run)
