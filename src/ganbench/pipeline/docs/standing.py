"""The README's "where the study stands" block and results/study_progress.md, from the shipped records
alone (git-tracked files).

A study lands in parts (`ganbench study`), so most of the time it is incomplete: the block then says how
far it is (cells and TFLOP landed, from dvc.lock over params.yaml's grid) and points to
results/study_progress.md, which lists the landed cells' scores, each seed apart, marked as what they are,
not findings (a table that grows by a row per variant, kept out of the README so that its length stays
put). Once the last cell has landed and the report stage has built the leaderboard, the block gives the
answer instead: the picks with their Welch test, the leaderboard's headline rows and one figure. Nothing
here is measured on this machine, so the same commit always generates the same text (`ganbench dag
--check` compares it).
"""
from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

from ganbench import paths
from ganbench.config import load_params
from ganbench.evaluation import registry
from ganbench.io import read_json
from ganbench.pipeline import lock
from ganbench.pipeline.docs import study_hours
from ganbench.pipeline.study import Cell, landed, progress, study_cells
from ganbench.reporting import outputs
from ganbench.reporting.leaderboard import table
from ganbench.reporting.picks import ROLES

PARAMS = Path("params.yaml")
PROGRESS_MD = Path("results/study_progress.md")
PROFILE = re.compile(r"^# Profile `(?P<name>[\w-]+)`")
HEADLINE_ROWS = 3     # per dataset, besides the real-data row: the README shows the top; `ganbench leaderboard` all
FIGURE = "components"  # what each component buys: the question the study answers


def _profile(root: Path) -> str:
    """The profile params.yaml was written from (its header, `ganbench.pipeline.profiles.materialise`)."""
    match = PROFILE.match((root / PARAMS).read_text())
    return f"The `{match['name']}` study" if match else "The study"


def _state(root: Path):
    """A stage's state as far as the records say: in dvc.lock or not (staleness is `ganbench status --check`'s)."""
    recorded = set(lock.entries(root))
    return lambda name: "current" if name in recorded else "new"


def _scores(root: Path, cells: list[Cell]) -> list[str]:
    """One row for the landed seeds of one dataset and variant: each seed's value, in seed order, no mean."""
    runs = [root / paths.run_dir(c.dataset, c.variant, c.seed) for c in cells]

    def each(file: str, key: str) -> str:
        return " / ".join(registry.metric(key).format(read_json(run / file).get(key)) for run in runs)

    return [f"`{cells[0].dataset}/{cells[0].variant}`", ", ".join(str(c.seed) for c in cells),
            *(each("metrics.json", key) for key in ("fid", "precision", "recall")), each("metrics_home.json", "fid")]


def _floor(root: Path, params: dict, state_of) -> list[str]:
    """The real-data row's FID per dataset (mean over its landed seeds), as a paragraph after a blank line;
    nothing before any has landed."""
    said = []
    for dataset in params["datasets"]:
        fids = [read_json(root / paths.run_dir(dataset, paths.REAL_ROW, s) / "metrics.json")["fid"]
                for s in params["seeds"] if state_of(f"score_real@{dataset}-{s}") == "current"]
        if fids:
            seeds = f"{len(fids)} seed{'s' if len(fids) > 1 else ''}"
            said.append(f"{dataset} {registry.metric('fid').format(sum(fids) / len(fids))} ({seeds})")
    if not said:
        return []
    return ["", _para("Real data, the floor (FID of held-out real images, mean over the landed seeds): "
                      + "; ".join(said) + ".")]


def _para(text: str) -> str:
    return textwrap.fill(text, width=110, break_on_hyphens=False)


def _rows(cells: list[Cell]) -> list[tuple[str, str]]:
    """The study's (dataset, variant) rows, in the grid's order."""
    return list(dict.fromkeys((c.dataset, c.variant) for c in cells))


def _landed_by_variant(cells: list[Cell], state_of) -> dict[tuple[str, str], list[Cell]]:
    """(dataset, variant) -> its landed cells in seed order, in the grid's order; variants with none left out."""
    by_variant: dict[tuple[str, str], list[Cell]] = {}
    for cell in cells:
        if landed(cell, state_of):
            by_variant.setdefault((cell.dataset, cell.variant), []).append(cell)
    return by_variant


def _in_progress(root: Path, params: dict, state_of, cells: list[Cell]) -> list[str]:
    rows = _landed_by_variant(cells, state_of)
    variants = _rows(cells)
    per_dataset = ", ".join(f"{d} {sum(1 for ds, _ in rows if ds == d)}" for d in params["datasets"])
    lines = [_para("Its summaries, picks, figures, report and leaderboard are built when its last cell lands. Until "
                   f"then [{PROGRESS_MD}]({PROGRESS_MD}) lists the landed cells' scores, each seed's run on its own, with "
                   "no seed means and no tests: a record of progress, not a finding "
                   f"({len(rows)} of {len(variants)} dataset/variant rows have a landed seed: {per_dataset}).")]
    return lines + _floor(root, params, state_of)


PROGRESS_HEADER = """# Where the study stands: the landed cells

Generated from the shipped records (`dvc.lock`, each landed cell's `metrics.json` and `metrics_home.json`)
by each part of the study and by `ganbench dag` (`ganbench.pipeline.docs.standing`); the README's "where
the study stands" block sums it up. Each seed's run is shown on its own, with no seed means and no tests:
a record of progress, not a finding (the report and the leaderboard give those, once the study is
complete). FID on `eval.samples` images at the full budget and at the home budget.

"""


def render_progress(root: Path = Path(".")) -> str:
    """results/study_progress.md: the progress line, one row per dataset and variant with a landed seed
    (each seed's value apart), the variants with none yet, and the real-data floor."""
    params = load_params(root / PARAMS)
    state_of, cells = _state(root), study_cells(params)
    rows = _landed_by_variant(cells, state_of)
    lines = [PROGRESS_HEADER + _para(f"{_profile(root)} (`params.yaml`): "
                                     + progress(params, state_of, None).removeprefix("Study ")), ""]
    if rows:
        lines += ["| dataset/variant | seeds | FID | precision | recall | home FID |", "|---|---|---:|---:|---:|---:|"]
        lines += ["| " + " | ".join(_scores(root, group)) + " |" for group in rows.values()]
    else:
        lines.append("No cell has landed yet.")
    waiting = [f"`{d}/{v}`" for d, v in _rows(cells) if (d, v) not in rows]
    if waiting:
        lines += ["", _para("No seed landed yet: " + ", ".join(waiting) + ".")]
    return "\n".join(lines + _floor(root, params, state_of)) + "\n"


def _picks(board: dict, quality: str, alpha: float) -> list[str]:
    """One line per dataset: each pick, its quality and its test against the runner-up
    (the leaderboard's `picks` block, `ganbench.reporting.leaderboard.build`)."""
    lines = []
    for dataset, picks in board.get("picks", {}).items():
        said = []
        for role in ROLES:
            p, value = picks.get(f"{role}_welch_p"), picks.get(f"{role}_{quality}")
            test = "no test" if p is None else f"Welch p = {p:g}, " + ("beyond the seed spread" if p < alpha
                                                                         else "**inconclusive**")
            shown = "" if value is None else f" {registry.metric(quality).label} {value:g}"
            said.append(f"{role} AI **`{picks.get(role)}`**{shown} ({test})")
        lines.append(f"- {dataset}: " + "; ".join(said))
    return lines


def _complete(root: Path, params: dict) -> list[str]:
    board = read_json(root / outputs.LEADERBOARD_JSON)
    quality = params["report"]["quality"]
    sign = 1 if registry.metric(quality).lower_is_better else -1
    headline: dict = {"picks": board.get("picks", {})}
    for dataset, rows in board.items():
        if dataset == "picks":
            continue
        ranked = sorted((v for v in rows if v != paths.REAL_ROW), key=lambda v: sign * rows[v].get(quality, sign * math.inf))
        headline[dataset] = {v: rows[v] for v in [*ranked[:HEADLINE_ROWS], paths.REAL_ROW] if v in rows}
    lines = [_para("The picks (`results/picks/<dataset>.json`; a lead counts when Welch's t-test over the seeds "
                   f"gives p < {params['report']['alpha']:g}):"), "", *_picks(board, quality, params["report"]["alpha"]), "",
             _para(f"The leaderboard's top {HEADLINE_ROWS} per dataset (`ganbench leaderboard` prints every row; "
                   "`results/report.md` has every comparison):"), "", table(headline, quality)]
    figure = outputs.plot(params["datasets"][0], FIGURE)
    if (root / figure).is_file():
        lines += ["", f"![What each component buys, {params['datasets'][0]}]({figure})"]
    return lines


def render(root: Path = Path(".")) -> str:
    params = load_params(root / PARAMS)
    state_of, cells = _state(root), study_cells(params)
    complete = all(landed(c, state_of) for c in cells) and state_of("report") == "current"
    lines = [_para(f"**{_profile(root)}** (`params.yaml`): {progress(params, state_of, None).removeprefix('Study ')}"),
             ""]
    lines += _complete(root, params) if complete else _in_progress(root, params, state_of, cells)
    if hours := study_hours.summary(root):
        lines += ["", _para(hours)]
    return "\n".join(lines) + "\n"
