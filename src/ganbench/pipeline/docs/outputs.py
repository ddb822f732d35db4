"""docs/outputs.md's table of what the pipeline writes, generated from the stage table.

Which file a stage writes, and whether git or only the DVC cache keeps it, is what a user of a fresh
clone needs to know (no public DVC remote exists: what only the cache keeps is rebuilt on demand). The
stage table (`ganbench.pipeline.stages`) is where that is declared, so the list is read from it.
"""
from __future__ import annotations

import re
from pathlib import Path

from ganbench.pipeline.stages import STAGES, Output

PLACEHOLDER = re.compile(r"\{(dataset|variant|seed|role)\}")


def shown(path: str) -> str:
    """A path template as the docs write it: `results/<dataset>/<variant>/seed<seed>/train.json`."""
    return PLACEHOLDER.sub(r"<\1>", path)


def _kept(out: Output) -> str:
    where = "git" if not out.cache else "DVC cache only: made again on demand"
    return where + {"metric": "; DVC metrics", "plot": "; DVC plots"}.get(out.kind, "")


def cached() -> list[str]:
    """Every output kept in the DVC cache only, as the docs write it: what a fresh clone lacks."""
    return [shown(o.path) for stage in STAGES for o in stage.outputs if o.cache]


def render(root: Path = Path(".")) -> str:
    lines = ["| output | stage | kept in |", "|---|---|---|"]
    for stage in STAGES:
        for out in stage.outputs:
            lines.append(f"| `{shown(out.path)}{'/' if out.directory else ''}` | `{stage.name}` | {_kept(out)} |")
    return "\n".join(lines) + "\n"
