"""The Snakemake report's figure captions (report/figures/<name>.rst), generated from the figure
registry (`ganbench.reporting.figures.FIGURES`) by `ganbench dag`, like dvc.yaml: Snakemake reads a
caption from a file, the registry is where a figure's caption is written."""
from __future__ import annotations

from pathlib import Path

from ganbench.io import atomic_path
from ganbench.reporting.figures import FIGURES

CAPTIONS_DIR = Path("report/figures")


def render() -> dict[Path, str]:
    """Caption file path (relative to the repository) -> its text, for every figure."""
    return {CAPTIONS_DIR / f"{fig.name}.rst": fig.caption + "\n" for fig in FIGURES}


def stale(root: Path = Path(".")) -> list[Path]:
    """Caption files that differ from the registry, are missing, or belong to no figure."""
    wanted = render()
    present = set((root / CAPTIONS_DIR).glob("*.rst"))
    differing = [p for p, text in wanted.items() if not (root / p).is_file() or (root / p).read_text() != text]
    extra = [p.relative_to(root) for p in present if p.relative_to(root) not in wanted]
    return sorted(differing + extra)


def write(root: Path = Path(".")) -> list[Path]:
    """Write every caption file (atomically) and remove those of figures that no longer exist."""
    wanted = render()
    for path in (root / CAPTIONS_DIR).glob("*.rst"):
        if path.relative_to(root) not in wanted:
            path.unlink()
    for path, text in wanted.items():
        with atomic_path(root / path) as tmp:
            tmp.write_text(text)
    return sorted(wanted)
