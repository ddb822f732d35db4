"""dvc.yaml, generated from the stage table (`ganbench.pipeline.stages`): `ganbench dag` writes it.

Each stage becomes a DVC matrix stage over the params lists it names (`${datasets}`, `${variants}`,
`${seeds}`), so DVC expands the grid from params.yaml itself and the file does not change when the
grid does. A gathered input becomes its directory (see `ganbench.pipeline.stages`).
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import yaml

from ganbench.io import atomic_path
from ganbench.pipeline.codedeps import code_deps
from ganbench.pipeline.stages import STAGES, Gather, Output, Stage

DVC_YAML = Path("dvc.yaml")
MATRIX_LISTS = {"dataset": "${datasets}", "variant": "${variants}", "seed": "${seeds}"}
HEADER = ("# Generated from src/ganbench/pipeline/stages.py by `ganbench dag`: do not edit by hand (tests/test_dag.py\n"
          "# regenerates it and fails on any difference). The same table builds the Snakemake rules.\n")


def _templated(text: str) -> str:
    """`{dataset}` -> `${item.dataset}`: the cell's value in DVC's matrix syntax."""
    return re.sub(r"\{(dataset|variant|seed)\}", r"${item.\1}", text)


def gather_dir(gather: Gather) -> str:
    """The directory holding every file a gather expands to: the path up to the last `/` before its
    first gathered wildcard (results/{dataset}/{variant}/... -> results/{dataset})."""
    first = min(gather.path.index("{" + w + "}") for w in gather.over)
    return gather.path[:first].rsplit("/", 1)[0]


def _output(out: Output):
    props = {**({"cache": False} if not out.cache else {}), **(out.plot or {})}
    path = _templated(out.path)
    return {path: props} if props else path


def stage_entry(stage: Stage, root: Path = Path(".")) -> dict:
    entry: dict = {}
    if stage.matrix:
        entry["matrix"] = {w: MATRIX_LISTS[w] for w in stage.matrix}
    entry["cmd"] = _templated(stage.command)
    gathered = list(dict.fromkeys(_templated(gather_dir(g)) for g in stage.gathers))
    entry["deps"] = [*code_deps(stage.script, root), *map(_templated, stage.inputs), *gathered]
    if stage.params:
        entry["params"] = [_templated(p) for p in stage.params]
    for kind, section in (("out", "outs"), ("metric", "metrics"), ("plot", "plots")):
        outs = [_output(o) for o in stage.outputs if o.kind == kind]
        if outs:
            entry[section] = outs
    return entry


def render(root: Path = Path(".")) -> str:
    """The text of dvc.yaml: one block per stage, in the table's order, separated by blank lines."""
    blocks = [textwrap.indent(yaml.safe_dump({s.name: stage_entry(s, root)}, sort_keys=False, width=120), "  ")
              for s in STAGES]
    return HEADER + "stages:\n" + "\n".join(blocks)


def write(root: Path = Path(".")) -> Path:
    """Regenerate root/dvc.yaml atomically; returns its path."""
    path = root / DVC_YAML
    with atomic_path(path) as tmp:
        tmp.write_text(render(root))
    return path
