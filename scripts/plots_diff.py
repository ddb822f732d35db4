"""Overlay the training curves (FID vs seconds, from train_log.csv) of several revisions, offline.

    python scripts/plots_diff.py HEAD my-experiment --targets results/mnist/dcgan_ns/seed0/train_log.csv

writes results/plots_diff/<plot>.png and .html (Vega bundled): what `dvc plots diff HEAD my-experiment`
shows, viewable without internet. Revisions are git revisions or `dvc exp` names; none = the
workspace against HEAD.
"""
import argparse
from pathlib import Path

from ganbench import cli
from ganbench.plots_diff import overlay_specs, render


def run() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("revisions", nargs="*", help="git revisions or experiment names (default: workspace vs HEAD)")
    p.add_argument("--targets", nargs="*", help="plot files or names from dvc.yaml (default: all)")
    p.add_argument("--out", type=Path, default=Path("results/plots_diff"), help="output folder (default: %(default)s)")
    args = p.parse_args()
    specs = overlay_specs(args.revisions, args.targets)
    if not specs:
        raise ValueError(f"no DVC plots found for revisions {args.revisions or ['workspace', 'HEAD']}")
    for png in render(specs, args.out):
        print(png)


if __name__ == "__main__":
    cli.main(run)
