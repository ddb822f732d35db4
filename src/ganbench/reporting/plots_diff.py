"""`dvc plots diff`, viewable offline: each overlaid plot as a PNG and a self-contained HTML page.

DVC's own `dvc plots diff` page loads Vega from a CDN, so it is blank on a machine without internet.
Here DVC still does the work (reading each revision's `train_log.csv`, filling its Vega-Lite
template with one colour per revision); vl-convert then renders each spec with a bundled copy of
Vega, to PNG and to HTML.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import vl_convert

from ganbench.io import atomic_path


def overlay_specs(revisions: list[str], targets: list[str] | None = None, root: Path = Path(".")) -> dict[str, dict]:
    """Vega-Lite spec per DVC plot (file path or plot name) overlaying `revisions` (git revisions
    or experiment names; none = the workspace against HEAD), as `dvc plots diff` builds them."""
    from dvc.render.match import match_defs_renderers
    from dvc.repo import Repo

    with Repo(str(root)) as repo, tempfile.TemporaryDirectory() as scratch:
        data = repo.plots.diff(revs=revisions, targets=targets)
        matched = match_defs_renderers(data=data, out=scratch, templates_dir=repo.plots.templates_dir)
        return {m.renderer.name: m.renderer.get_filled_template() for m in matched if m.renderer.TYPE == "vega"}


def file_stem(plot_name: str) -> str:
    """'results/mnist/dcgan_ns/seed0/train_log.csv' -> 'results__mnist__dcgan_ns__seed0__train_log'."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "__", plot_name.removesuffix(".csv").removesuffix(".json")).strip("_")


def render(specs: dict[str, dict], out_dir: Path, scale: float = 2.0) -> list[Path]:
    """Write `<stem>.png` and `<stem>.html` (Vega bundled, no network) per spec; returns the PNGs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = []
    for name, spec in sorted(specs.items()):
        stem = out_dir / file_stem(name)
        with atomic_path(stem.with_suffix(".png")) as tmp:
            tmp.write_bytes(vl_convert.vegalite_to_png(spec, scale=scale))
        with atomic_path(stem.with_suffix(".html")) as tmp:
            tmp.write_text(vl_convert.vegalite_to_html(spec, bundle=True))
        pngs.append(stem.with_suffix(".png"))
    return pngs
