"""The study's answer as Markdown (results/report.md): per dataset, the "home AI" and "enterprise AI"
picks with their evidence and whether their leads survive the seed spread, the time-to-threshold
table, every variant's scores, the loss ranking against Lucic et al. 2018, and the figures.
"""
from __future__ import annotations

import math

import pandas as pd

from ganbench.evaluation import registry
from ganbench.paths import REAL_ROW
from ganbench.reporting import thresholds
from ganbench.reporting.figures import FIGURES
from ganbench.reporting.picks import Pick, ranking, welch

TABLE = [m for m in registry.METRICS if m.table]  # the variant table's columns
PICK_NAMES = {"home": "Home AI", "enterprise": "Enterprise AI"}


def cell(entry: dict, figure: str) -> str:
    """`mean ± std` (std over seeds, where it varies) as the registry formats the figure; '-' when absent."""
    stats = entry.get(figure)
    if stats is None:
        return "-"
    m = registry.metric(figure)
    spread = f" ± {stats['std'] * m.scale:.{m.digits}f}" if stats["n"] > 1 and stats["std"] else ""
    return m.format(stats["mean"]) + spread


def metric_label(figure: str) -> str:
    return registry.metric(figure).label


def _budget_text(home: dict) -> str:
    names = {"max_generator_params": "generator parameters <= {:,.0f}", "max_latency_ms": "latency <= {} ms per image",
             "max_train_seconds": "training <= {:,.0f} s"}
    return ", ".join(names[k].format(v) for k, v in home.items())


def _verdict(choice: Pick, runs: pd.DataFrame, metric: str, alpha: float) -> str:
    if choice.runner_up is None:
        return "has no runner-up in this pool, so there is no lead to test"
    a, b = (runs.loc[runs["variant"] == v, metric].astype(float).dropna() for v in (choice.variant, choice.runner_up))
    gap = abs(a.mean() - b.mean())
    p = "n/a" if math.isnan(choice.p_value) else f"{choice.p_value:.3g}"
    if choice.conclusive:
        return (f"leads **{choice.runner_up}** by {gap:.2f} {metric_label(metric)}; Welch's t-test over seeds "
                f"p = {p} < {alpha}: **the lead exceeds the seed spread**")
    return (f"leads **{choice.runner_up}** by {gap:.2f} {metric_label(metric)}; Welch's t-test over seeds "
            f"p = {p} (needs < {alpha}): **inconclusive**, the lead is within the seed spread")


def _pick_lines(dataset: str, chosen: dict[str, Pick], variants: dict, runs: pd.DataFrame, settings: dict) -> list[str]:
    metric, lines = settings["quality"], []
    for role in ("home", "enterprise"):
        choice = chosen[role]
        if choice.variant is None:
            lines.append(f"- **{PICK_NAMES[role]}**: none: no variant meets the budget (or every candidate diverged).")
            continue
        entry = variants[choice.variant]
        lines.append(
            f"- **{PICK_NAMES[role]}: {choice.variant}**: {metric_label(metric)} {cell(entry, metric)} over "
            f"{entry[metric]['n']} seeds; precision {cell(entry, 'precision')}, recall {cell(entry, 'recall')}; "
            f"generator {cell(entry, 'generator_params')} parameters, {cell(entry, 'latency_ms_median')} ms per image "
            f"at batch 1; training {cell(entry, 'train_seconds')} s. It "
            f"{_verdict(choice, runs, metric, settings['alpha'])}.")
    gifs = [f"![{PICK_NAMES[r]}: {chosen[r].variant}](picks/{dataset}-{r}.gif)" for r in ("home", "enterprise")
            if chosen[r].variant]
    return lines + ["", "Training of the picks (first seed, fixed latents, one frame per evaluation): " + " ".join(gifs)]


def _threshold_table(runs: pd.DataFrame, levels: list[float], order: list[str]) -> list[str]:
    seconds, gflops = thresholds.table(runs, levels, "seconds"), thresholds.table(runs, levels, "gflops")
    header = "| variant | " + " | ".join(f"FID <= {t:g}: seconds / GFLOP (seeds reaching it)" for t in levels) + " |"
    lines = [header, "|---|" + "---:|" * len(levels)]
    for variant in order:
        cells = []
        for t in levels:
            s, g = seconds.loc[variant, t], gflops.loc[variant, t]
            if not s["reached"]:
                cells.append(f"not reached (0/{s['runs']})")
            else:
                spread = f" ± {s['std']:.0f}" if s["reached"] > 1 else ""
                cells.append(f"{s['mean']:.0f}{spread} s / {g['mean']:.0f} GFLOP ({s['reached']}/{s['runs']})")
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    return lines


def _loss_paragraph(runs: pd.DataFrame, losses: dict[str, str], metric: str, alpha: float) -> str:
    """The losses ranked on the shared base, each tested against the best, next to Lucic et al. 2018."""
    present = {v: loss for v, loss in losses.items() if v in set(runs["variant"])}
    ranked = ranking(runs, metric, list(present))
    if len(ranked) < 2:
        return ""
    best = runs.loc[runs["variant"] == ranked[0], metric].astype(float).dropna().to_numpy()
    parts = []
    for variant in ranked:
        values = runs.loc[runs["variant"] == variant, metric].astype(float).dropna().to_numpy()
        p = welch(best, values) if variant != ranked[0] else math.nan
        tag = "" if variant == ranked[0] else (f", p = {p:.2g} vs the best" if not math.isnan(p) else "")
        parts.append(f"{present[variant]} {values.mean():.1f} ± {values.std(ddof=1) if len(values) > 1 else 0:.1f}{tag}")
    tied = [present[v] for v in ranked[1:] if not welch(best, runs.loc[runs["variant"] == v, metric].astype(float)
                                                        .dropna().to_numpy()) < alpha]
    verdict = (f"{', '.join(tied)} cannot be told apart from {present[ranked[0]]} at this budget and these seeds"
               if tied else f"{present[ranked[0]]} is ahead of every other loss beyond the seed spread")
    return ("**Losses against Lucic et al. 2018.** On the shared base architecture and budget the losses rank "
            f"({metric_label(metric)}, mean ± std over seeds): {'; '.join(parts)}. {verdict.capitalize()}. "
            "Lucic et al. (\"Are GANs Created Equal?\") found that with enough tuning and compute no loss beats the "
            "original non-saturating one consistently, and that differences between losses are smaller than the "
            "spread over seeds and hyperparameters; read the ranking above with the same caution: it holds for this "
            "recipe (one learning rate, spectral norm, EMA) and budget, not for the losses in general.")


def render(summary: dict, runs: pd.DataFrame, chosen_by_dataset: dict[str, dict[str, Pick]], params: dict) -> str:
    """Markdown report from summary.json, the per-run table (summary.csv), the picks (results/picks/)
    and params."""
    settings, budget = params["report"], params["budget"]
    metric = settings["quality"]
    order = "lower" if registry.metric(metric).lower_is_better else "higher"
    lines = ["# ganbench study report", "",
             f"Datasets {', '.join(params['datasets'])}; {len(params['variants'])} variants; seeds "
             f"{', '.join(map(str, params['seeds']))}; a shared budget of {budget['steps']:,} generator steps per "
             "run (params.yaml `budget`; variants may override it, the table shows their compute). Picks and tables "
             f"rank by the mean {metric_label(metric)} over seeds ({order} is better) on "
             f"{params['eval']['samples']:,} samples against the test split, in the pipeline's own classifier "
             "features. Training seconds were measured with each training job holding every core of the machine "
             "(nothing else ran on them); a variant with a diverged run is not eligible for a pick.", "",
             f"Home AI budget: {_budget_text(settings['home'])}, measured on the study machine. Enterprise AI: best "
             f"quality at any cost. A pick's lead over the runner-up counts only if Welch's t-test on the per-seed "
             f"values gives p < {settings['alpha']}; otherwise it is called inconclusive.", "",
             "Where the hours of the study went, per stage, from Snakemake's own job accounting: [hours.md](hours.md) "
             "(written after a Snakemake run, not by a stage).", ""]
    for dataset, variants in summary.items():
        data = runs[runs["dataset"] == dataset]
        trained = {name: entry for name, entry in variants.items() if name != REAL_ROW}
        chosen = chosen_by_dataset[dataset]
        ranked = sorted(trained, key=lambda n: (metric not in trained[n],
                                                 (trained[n].get(metric, {}).get("mean") or 0) * (1 if order == "lower" else -1)))
        lines += [f"## {dataset}", "", *_pick_lines(dataset, chosen, trained, data, settings), "",
                  "| variant | " + " | ".join(m.label for m in TABLE) + " | diverged |", "|---|" + "---:|" * (len(TABLE) + 1)]
        for name in [REAL_ROW, *ranked]:
            label = "real data (floor)" if name == REAL_ROW else name
            lines.append(f"| {label} | " + " | ".join(cell(variants[name], m.key) for m in TABLE) +
                         f" | {variants[name]['diverged_runs']}/{variants[name]['runs']} |")
        diverged = data[data["diverged"].astype(bool)]
        if len(diverged):
            why = ", ".join(f"{r.variant} seed {r.seed} ({r.diverged_reason or 'non-finite samples'})"
                            for r in diverged.itertuples())
            lines += ["", f"Diverged runs: {why}."]
        levels = settings["thresholds"][dataset]
        lines += ["", f"### Time to threshold ({dataset})", "",
                  "Training seconds (and GFLOP) until the FID during training first reaches each level; mean ± std over "
                  "the seeds that reached it.", "", *_threshold_table(data[data["variant"] != REAL_ROW], levels, ranked)]
        paragraph = _loss_paragraph(data, settings["loss_comparison"], metric, settings["alpha"])
        lines += ["", paragraph] if paragraph else []
        lines += ["", "Figures: " + ", ".join(f"[{fig.title}](plots/{dataset}/{fig.name}.png)" for fig in FIGURES), ""]
    return "\n".join(lines)
