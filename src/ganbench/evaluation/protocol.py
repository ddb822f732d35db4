"""Comparability of metrics files: the protocol block every metrics file carries must agree before
two files' numbers are put side by side (summary, plots)."""
from __future__ import annotations

from ganbench.errors import GanbenchError


class ProtocolMismatch(GanbenchError, ValueError):
    """Two metrics files were scored under different protocols; their numbers must not be compared."""


def check_comparable(results: dict[str, dict]) -> None:
    """Raise ProtocolMismatch unless every metrics dict (by file name) has the same protocol block.

    The message names both files and each setting that differs, e.g. `samples: 10000 vs 500`.
    """
    items = list(results.items())
    for name, result in items:
        if "protocol" not in result:
            raise ProtocolMismatch(f"{name}: no 'protocol' block, so it cannot be compared; rescore it")
    first_name, first = items[0]
    for name, result in items[1:]:
        a, b = first["protocol"], result["protocol"]
        differing = [f"{key}: {a.get(key)} vs {b.get(key)}" for key in sorted(a.keys() | b.keys()) if a.get(key) != b.get(key)]
        if differing:
            raise ProtocolMismatch(f"{first_name} and {name} were scored under different protocols "
                                   f"({'; '.join(differing)}); rescore one with the other's settings")
