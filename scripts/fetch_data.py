"""Fetch, verify and normalize one dataset into data/<dataset>/ (data.npz + card.json)."""
from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.data.fetch import fetch_dataset
from ganbench.runtime import setup_logging


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    setup_logging()
    local_dir = load_params(args.params)["data"].get("local_dir")
    fetch_dataset(args.dataset, paths.data_dir(args.dataset), local_dir)


if __name__ == "__main__":
    cli.main(run)
