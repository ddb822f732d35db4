"""The study's leaderboard: the one DVC metrics file (results/leaderboard.json) and its table.

Per dataset and variant (and the real-data row): the seed mean of every `leaderboard` figure of the
metric registry, with the seed standard deviation of the ranking metric beside it (`fid_sd`); then
the picks per dataset. Per-run files (metrics.json, train.json) and the variants' profiles stay
versioned outputs, not DVC metrics, so that `dvc exp show` is a table a person can read and
`dvc metrics diff` after an edit of one variant lists that variant's changes and little else:

    {"mnist": {"cdcgan": {"fid": 8.65, "fid_sd": 0.30, "precision": 0.64, ...}, "real": {...}},
     "picks": {"mnist": {"home": "cdcgan_g4", "home_fid": 9.1, "home_welch_p": 0.01, ...}}}
"""
from __future__ import annotations

import math

from ganbench.evaluation import registry
from ganbench.paths import REAL_ROW
from ganbench.reporting.picks import ROLES, Pick

COLUMNS = tuple(m for m in registry.METRICS if m.leaderboard)


def _rounded(value: float, digits: int) -> float:
    """Enough digits to tell runs apart, few enough for a table (and for `dvc metrics diff`)."""
    return float(f"{value:.{digits + 2}f}")


def entry(figures: dict, quality: str) -> dict:
    """One leaderboard row from a summary.json entry (figure -> {mean, std, n})."""
    row = {}
    for m in COLUMNS:
        stats = figures.get(m.key)
        if stats is None:
            continue
        row[m.key] = _rounded(stats["mean"], m.digits)
        if m.key == quality:
            row[f"{m.key}_sd"] = _rounded(stats["std"], m.digits)
    return row


def build(summary: dict, chosen: dict[str, dict[str, Pick]], quality: str) -> dict:
    """The leaderboard of a study from summary.json's content (dataset -> variant -> figures) and the
    picks per dataset."""
    board: dict = {dataset: {variant: entry(figures, quality) for variant, figures in variants.items()}
                   for dataset, variants in summary.items()}
    board["picks"] = {}
    for dataset, roles in chosen.items():
        picks = {}
        for role in ROLES:
            choice = roles[role]
            picks[role] = choice.variant or "none"
            if choice.variant is not None:
                picks[f"{role}_{quality}"] = board[dataset][choice.variant].get(choice.metric)  # fid or home_fid
            if not math.isnan(choice.p_value):
                picks[f"{role}_welch_p"] = _rounded(choice.p_value, 3)
        board["picks"][dataset] = picks
    return board


def quality_of(board: dict) -> str:
    """The metric the picks ranked by: the one with a seed spread (`<metric>_sd`) in the board."""
    return next((key[:-3] for variants in board.values() for row in variants.values() if isinstance(row, dict)
                 for key in row if key.endswith("_sd")), "fid")


def table(board: dict, quality: str | None = None) -> str:
    """The leaderboard as a Markdown table: one row per dataset and variant (best first), the
    headline figures as columns, the picks marked."""
    quality = quality or quality_of(board)
    metric = registry.metric(quality)
    headers = ["dataset", "variant", *(f"{m.label} ± sd" if m.key == quality else m.label for m in COLUMNS), "pick"]
    lines = ["| " + " | ".join(headers) + " |", "|---|---|" + "---:|" * len(COLUMNS) + "---|"]
    for dataset, variants in board.items():
        if dataset == "picks":
            continue
        picks = board.get("picks", {}).get(dataset, {})
        sign = 1 if metric.lower_is_better else -1
        order = sorted(variants, key=lambda v: (v != REAL_ROW, sign * variants[v].get(quality, math.inf * sign)))
        for variant in order:
            row = variants[variant]
            cells = []
            for m in COLUMNS:
                value = row.get(m.key)
                text = "" if value is None else m.format(value)
                if m.key == quality and value is not None and f"{quality}_sd" in row:
                    text += f" ± {row[f'{quality}_sd'] * m.scale:.{m.digits}f}"
                cells.append(text)
            pick = " & ".join(f"{role} AI" for role in ROLES if picks.get(role) == variant)
            label = "real data (floor)" if variant == REAL_ROW else variant
            lines.append(f"| {dataset} | {label} | " + " | ".join(cells) + f" | {pick} |")
    return "\n".join(lines)
