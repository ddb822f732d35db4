"""docs/profiles.md's table of the profiles: grid, budgets and training compute, computed from profiles/.

Budgets are what a profile's readers compare (how much more than the default study, how many cells),
and they were the numbers that went stale when written by hand. Each profile is materialised and
validated as `ganbench profile` would write it, and its cells are counted and costed by the study's
own code (`ganbench.pipeline.study.study_cells`: steps x step GFLOP, the variant's own budget included).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from ganbench.config import load_params
from ganbench.pipeline.profiles import BASE, PROFILES_DIR, materialise
from ganbench.pipeline.study import study_cells

PARAMS = Path("params.yaml")


def _tflop(gflop: float) -> str:
    return f"{gflop / 1000:,.0f}" if gflop >= 1000 else f"{gflop / 1000:.2g}"


def _budgets(params: dict, base_gflop: float) -> str:
    """The shared budget a run, and every variant's own, with its multiple of the default study's."""
    def one(gflop: float) -> str:
        multiple = gflop / base_gflop
        return f"{_tflop(gflop)} ({multiple:.1f}x)" if multiple != 1 and multiple >= 0.1 else _tflop(gflop)
    own = [f"`{name}` {one(v['budget']['train_gflop'])}" for name, v in params["variants"].items()
           if "train_gflop" in v.get("budget", {})]
    return "; ".join([one(params["budget"]["train_gflop"]), *own])


def _load(text: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "params.yaml"
        path.write_text(text)
        return load_params(path)


def render(root: Path = Path(".")) -> str:
    names = sorted((p.stem for p in (root / PROFILES_DIR).glob("*.yaml")), key=lambda n: (n != BASE, n))
    shipped = load_params(root / PARAMS)  # compared as content: the header names the profile's path as given
    base_gflop = _load(materialise(BASE, root / PROFILES_DIR))["budget"]["train_gflop"]
    lines = ["| profile | datasets | seeds | variants | cells | TFLOP a run (x the default study's) | "
             "training, TFLOP | shipped |", "|---|---|---:|---:|---:|---|---:|---|"]
    for name in names:
        params = _load(materialise(name, root / PROFILES_DIR))
        cells = study_cells(params)
        lines.append(f"| `{name}` | {', '.join(params['datasets'])} | {len(params['seeds'])} | "
                     f"{len(params['variants'])} | {len(cells)} | {_budgets(params, base_gflop)} | "
                     f"{_tflop(sum(c.gflop for c in cells))} | {'**params.yaml**' if params == shipped else ''} |")
    return "\n".join(lines) + "\n"
