"""Make a profile the study: validate profiles/<name>.yaml and copy it onto params.yaml.

    python scripts/use_profile.py smoke     # then `snakemake -c all` or `dvc repro`
"""
import shutil
from pathlib import Path

from ganbench import cli
from ganbench.config import ConfigError, load_params

PROFILES = Path("profiles")


def run() -> None:
    p = cli.parser(__doc__, dataset=False)
    p.add_argument("profile", help="name of a file in profiles/ (without .yaml)")
    args = p.parse_args()
    source = PROFILES / f"{args.profile}.yaml"
    if not source.is_file():
        known = ", ".join(sorted(f.stem for f in PROFILES.glob("*.yaml")))
        raise ConfigError(f"{source}: no such profile; known: {known}")
    load_params(source)
    shutil.copyfile(source, args.params)
    print(f"{args.params} <- {source}")


if __name__ == "__main__":
    cli.main(run)
