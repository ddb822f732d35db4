"""The study's answer: per dataset, the best variant under a home compute budget and the best at
any cost, with the evidence (mean +- std over seeds), as Markdown (results/report.md).
"""
from __future__ import annotations

import pandas as pd

from ganbench.paths import REAL_ROW

LOWER_IS_BETTER = {"fid": True, "kid_mean": True, "classifier_score": False, "precision": False, "recall": False,
                   "density": False, "coverage": False}
TABLE = {"fid": "FID", "kid_mean": "KID", "classifier_score": "score", "precision": "precision", "recall": "recall",
         "coverage": "coverage", "classes_covered": "classes", "train_seconds": "train s",
         "train_gflops_total": "train GFLOP", "generator_params": "G params", "latency_ms_median": "G ms/img"}


def _mean(entry: dict, figure: str) -> float | None:
    return entry.get(figure, {}).get("mean")


def _cell(entry: dict, figure: str) -> str:
    stats = entry.get(figure)
    if stats is None:
        return "-"
    mean, std = stats["mean"], stats["std"]
    if figure in ("generator_params",):
        return f"{mean / 1e6:.2f} M"
    if figure in ("train_seconds", "train_gflops_total", "classes_covered"):
        return f"{mean:.0f}" + (f" ± {std:.0f}" if stats["n"] > 1 else "")
    digits = 4 if figure == "kid_mean" else 2 if figure in ("fid", "latency_ms_median", "classifier_score") else 3
    return f"{mean:.{digits}f}" + (f" ± {std:.{digits}f}" if stats["n"] > 1 else "")


def home_eligible(entry: dict, home: dict) -> bool:
    """Within the home budget: every limit in `home` (max_<figure>) holds for the mean."""
    limits = {"max_generator_params": "generator_params", "max_latency_ms": "latency_ms_median",
              "max_train_seconds": "train_seconds"}
    for key, figure in limits.items():
        if key in home and (_mean(entry, figure) is None or _mean(entry, figure) > home[key]):
            return False
    return True


def picks(variants: dict, settings: dict) -> dict:
    """{'home': name or None, 'enterprise': name or None} for one dataset's aggregated variants
    (summary.json[dataset] without the real row), ranked by the mean of settings['quality']."""
    quality, lower = settings["quality"], LOWER_IS_BETTER[settings["quality"]]
    ranked = sorted((name for name, entry in variants.items() if _mean(entry, quality) is not None),
                    key=lambda name: _mean(variants[name], quality) * (1 if lower else -1))
    home = [name for name in ranked if home_eligible(variants[name], settings["home"])]
    return {"enterprise": ranked[0] if ranked else None, "home": home[0] if home else None}


def _evidence(name: str | None, entry: dict, quality: str) -> str:
    if name is None:
        return "none: no variant meets the budget"
    return (f"**{name}**: {TABLE.get(quality, quality)} {_cell(entry, quality)} over {entry[quality]['n']} seed(s); "
            f"precision {_cell(entry, 'precision')}, recall {_cell(entry, 'recall')}, coverage "
            f"{_cell(entry, 'coverage')}; generator {_cell(entry, 'generator_params')} parameters, "
            f"{_cell(entry, 'latency_ms_median')} ms per image at batch 1; training {_cell(entry, 'train_seconds')} s")


def _budget_text(home: dict) -> str:
    names = {"max_generator_params": "generator parameters <= {:,.0f}", "max_latency_ms": "latency <= {} ms per image",
             "max_train_seconds": "training <= {} s"}
    return ", ".join(names[k].format(v) for k, v in home.items())


def render(summary: dict, runs: pd.DataFrame, settings: dict, study: dict) -> str:
    """Markdown report from summary.json, the per-run table and params (report, budget, seeds)."""
    quality = settings["quality"]
    order = "lower" if LOWER_IS_BETTER[quality] else "higher"
    lines = ["# ganbench study report", "",
             f"Datasets {', '.join(study['datasets'])}; {len(study['variants'])} variants; seeds "
             f"{', '.join(map(str, study['seeds']))}; budget {study['budget'].get('steps', '-')} generator steps "
             "(see params.yaml). Quality is ranked by the mean "
             f"{TABLE.get(quality, quality)} over seeds ({order} is better); diverged runs are left out of the "
             "means and counted in the table.", "",
             f"Home budget: {_budget_text(settings['home'])}, measured on the study machine.", ""]
    for dataset, variants in summary.items():
        trained = {name: entry for name, entry in variants.items() if name != REAL_ROW}
        chosen = picks(trained, settings)
        lines += [f"## {dataset}", "",
                  f"- Home pick: {_evidence(chosen['home'], trained.get(chosen['home'], {}), quality)}.",
                  f"- Data-centre pick: {_evidence(chosen['enterprise'], trained.get(chosen['enterprise'], {}), quality)}.",
                  "", "| variant | " + " | ".join(TABLE.values()) + " | diverged |",
                  "|---|" + "---:|" * (len(TABLE) + 1)]
        ranked = sorted(trained, key=lambda n: (_mean(trained[n], quality) is None,
                                                (_mean(trained[n], quality) or 0) * (1 if order == "lower" else -1)))
        for name in [REAL_ROW, *ranked]:
            entry = variants[name]
            label = "real data (floor)" if name == REAL_ROW else name
            cells = [_cell(entry, figure) for figure in TABLE]
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {entry['diverged_runs']}/{entry['runs']} |")
        diverged = runs[(runs["dataset"] == dataset) & runs["diverged"].astype(bool)]
        if len(diverged):
            why = ", ".join(f"{r.variant} seed {r.seed} ({r.diverged_reason or 'non-finite samples'})"
                            for r in diverged.itertuples())
            lines += ["", f"Diverged runs: {why}."]
        lines += ["", f"Figures: [Pareto](plots/{dataset}/pareto.png), "
                  f"[time to quality](plots/{dataset}/time_to_quality.png), [losses](plots/{dataset}/losses.png), "
                  f"[samples](plots/{dataset}/samples.png), [class shares](plots/{dataset}/class_shares.png), "
                  f"[scores](plots/{dataset}/scores.png).", ""]
    return "\n".join(lines)
