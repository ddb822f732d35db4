"""Set up the DVC remote that `dvc push` / `dvc pull` use, in one command.

    python scripts/setup_remote.py                            # ../ganbench-dvc-remote, a local directory
    python scripts/setup_remote.py /mnt/shared/ganbench-dvc   # any directory, e.g. on a shared file system
    python scripts/setup_remote.py s3://my-bucket/ganbench    # needs dvc-s3 (gs://: dvc-gs, ssh://: dvc-ssh)
    python scripts/setup_remote.py s3://my-bucket/ganbench --local   # this clone only (.dvc/config.local)

Then `dvc push`; on another clone `dvc pull && python scripts/sync_frontends.py --from dvc`.
"""
import argparse

from ganbench import cli
from ganbench.remote import DEFAULT_NAME, DEFAULT_URL, configure
from ganbench.runtime import setup_logging


def run() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url", nargs="?", default=DEFAULT_URL, help="directory or s3://, gs://, ssh:// URL (default: %(default)s)")
    p.add_argument("--name", default=DEFAULT_NAME, help="remote name (default: %(default)s)")
    p.add_argument("--local", action="store_true", help="write .dvc/config.local (not committed) instead of .dvc/config")
    args = p.parse_args()
    setup_logging()
    configure(args.url, args.name, local=args.local)


if __name__ == "__main__":
    cli.main(run)
