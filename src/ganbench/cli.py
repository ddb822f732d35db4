"""Shared plumbing of the thin stage scripts: one-line errors instead of tracebacks."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

from ganbench.config import DEFAULT_PARAMS, ConfigError
from ganbench.data import DATASETS, DataError

EXPECTED_ERRORS = (ConfigError, DataError, OSError, KeyError, ValueError)
EXIT_FAILURE, EXIT_CONFIG = 1, 2  # exit statuses: expected failure; bad params (as argparse's usage errors)


def parser(description: str, *, dataset: bool = True, run: bool = False) -> argparse.ArgumentParser:
    """Argument parser with the flags every stage shares: --params, and --dataset/--variant/--seed."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--params", default=DEFAULT_PARAMS, help="params file (default: %(default)s)")
    if dataset:
        p.add_argument("--dataset", required=True, choices=DATASETS)
    if run:
        p.add_argument("--variant", required=True)
        p.add_argument("--seed", type=int, required=True)
    return p


def main(entry: Callable[[], None]) -> None:
    """Run a stage; an expected failure prints `error: <one line>` to stderr and exits non-zero.

    Exit status 2 means bad settings (a ConfigError: the params file, like argparse's usage
    errors), 1 any other expected failure (data, files). Set GANBENCH_DEBUG=1 to get the full
    traceback instead.
    """
    try:
        entry()
    except EXPECTED_ERRORS as exc:
        if os.environ.get("GANBENCH_DEBUG"):
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
        sys.exit(EXIT_CONFIG if isinstance(exc, ConfigError) else EXIT_FAILURE)
