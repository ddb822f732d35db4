"""The params schema's lists of names, generated from the registries by `ganbench dag` (like dvc.yaml).

A user who mistypes a name gets the schema's one-line error with the valid names
("'nonsat' is not one of [...]"), so the schema must list exactly what the registries hold. Each
such list in schemas/params.schema.yaml ends its line with `# generated: <source>`; this module
rewrites those lists and nothing else, so the rest of the schema stays hand-written.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from ganbench.io import atomic_path

SCHEMA = Path("schemas/params.schema.yaml")
GENERATED = re.compile(r"^(?P<head>.*\benum: \[)[^\]]*(?P<tail>\].*# generated: (?P<source>[a-z ]+))$")


def _architectures() -> list[str]:
    from ganbench.training.models import ARCHITECTURES

    return sorted(ARCHITECTURES)


def _losses() -> list[str]:
    from ganbench.training.losses import LOSSES

    return sorted(LOSSES)


def _metrics() -> list[str]:
    from ganbench.evaluation.registry import rankable

    return rankable()


def _stages() -> list[str]:
    from ganbench.pipeline.stages import STAGES

    return ["default", *(s.name for s in STAGES)]


SOURCES: dict[str, Callable[[], list[str]]] = {
    "architectures": _architectures, "losses": _losses, "rankable metrics": _metrics, "stages": _stages}


def render(text: str) -> str:
    """`text` (the schema) with every generated list rewritten from its source."""
    def line(text_line: str) -> str:
        match = GENERATED.match(text_line)
        if not match:
            return text_line
        names = SOURCES[match["source"]]()
        return f"{match['head']}{', '.join(names)}{match['tail']}"
    return "\n".join(line(t) for t in text.split("\n"))


def stale(root: Path = Path(".")) -> bool:
    text = (root / SCHEMA).read_text()
    return render(text) != text


def write(root: Path = Path(".")) -> Path:
    path = root / SCHEMA
    text = render(path.read_text())
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return path
