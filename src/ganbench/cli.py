"""Shared plumbing of the command-line entry points: common flags, one-line errors instead of tracebacks.

Only the project's own errors (`GanbenchError`: bad params, missing or corrupt input) are expected
failures; anything else is a bug and keeps its traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

from ganbench.config import DEFAULT_PARAMS, ConfigError
from ganbench.errors import GanbenchError, one_line

EXIT_FAILURE, EXIT_CONFIG = 1, 2  # exit statuses: expected failure; bad params (as argparse's usage errors)


def add_stage_flags(p: argparse.ArgumentParser, *, dataset: bool = True, run: bool = False) -> argparse.ArgumentParser:
    """The flags stages share: --params, and --dataset / --variant / --seed."""
    from ganbench.data.splits import DATASETS  # here, not at the top: cli is exempt from code deps (ganbench.pipeline.codedeps)

    p.add_argument("--params", default=DEFAULT_PARAMS, help="params file (default: %(default)s)")
    if dataset:
        p.add_argument("--dataset", required=True, choices=DATASETS)
    if run:
        p.add_argument("--variant", required=True)
        p.add_argument("--seed", type=int, required=True)
    return p


def parser(description: str, *, dataset: bool = True, run: bool = False) -> argparse.ArgumentParser:
    """Argument parser of a stage script, with the shared flags."""
    return add_stage_flags(argparse.ArgumentParser(description=description), dataset=dataset, run=run)


def main(entry: Callable[[], object]) -> None:
    """Run an entry point; a GanbenchError prints `error: <one line>` to stderr and exits non-zero.

    Exit status 2 means bad settings (a ConfigError: the params file, like argparse's usage
    errors), 1 any other expected failure (data, files). Set GANBENCH_DEBUG=1 to get the full
    traceback instead. An entry point that returns an int exits with it.
    """
    try:
        status = entry()
    except GanbenchError as exc:
        if os.environ.get("GANBENCH_DEBUG"):
            raise
        print(f"error: {one_line(exc)}", file=sys.stderr)
        sys.exit(EXIT_CONFIG if isinstance(exc, ConfigError) else EXIT_FAILURE)
    if isinstance(status, int):
        sys.exit(status)
