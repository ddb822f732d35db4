"""The project's own error types: what the stage scripts report as one line instead of a traceback.

Anything else (a TypeError, an IndexError in library code) is a bug and keeps its traceback.
"""
from __future__ import annotations


class GanbenchError(Exception):
    """A failure the user can fix (bad params, missing or corrupt input); the message is one line
    that names the offending file or key."""


def one_line(text: object) -> str:
    """`text` with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join(str(text).split())


class UnknownName(GanbenchError, KeyError):
    """A registry (architectures, losses) has no entry of that name; the message lists the known ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])
