"""Bring one front end's bookkeeping in step with the other's finished work.

    python scripts/sync_frontends.py --from snakemake   # after `snakemake` (its onsuccess runs this)
    python scripts/sync_frontends.py --from dvc         # after `dvc repro`, `dvc checkout`, `dvc pull`
"""
import argparse
import sys

from ganbench.frontends import commit_to_dvc, touch_snakemake
from ganbench.runtime import setup_logging


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="source", choices=["snakemake", "dvc"], required=True,
                   help="the front end that did the work")
    args = p.parse_args()
    setup_logging()
    if args.source == "snakemake":
        commit_to_dvc()
        return 0
    return 0 if touch_snakemake() else 1


if __name__ == "__main__":
    sys.exit(main())
