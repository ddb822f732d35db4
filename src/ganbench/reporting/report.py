"""The study's answer as Markdown (results/report.md): per dataset, the "home AI" and "enterprise AI"
picks with their evidence and whether their leads survive the seed spread, what
each component buys one factor at a time (`reporting.comparisons`), every variant's scores, time to
threshold in GFLOP and seconds, the loss ranking against Lucic et al. 2018, and the figures.
"""
from __future__ import annotations

import math

import pandas as pd

from ganbench.evaluation import registry
from ganbench.paths import REAL_ROW, run_dir
from ganbench.reporting import comparisons, thresholds
from ganbench.reporting.figures import FIGURES
from ganbench.reporting.picks import ROLES, Pick, beyond_budget, own_budgets, ranking, seed_values, welch

TABLE = [m for m in registry.METRICS if m.table]  # the variant table's columns
PICK_NAMES = {"home": "Home AI", "enterprise": "Enterprise AI", "trained_at_home": "Home AI trained at home"}
# A run whose samples' k-NN manifold holds under 1 % of the test images has failed without diverging: one image
# per label (intra-class collapse), a few modes, or noise. Its grid shows which.
FAILED_RECALL = 0.01


def cell(entry: dict, figure: str) -> str:
    """`mean ± std` with the registry's scale, decimals and unit, thousands grouped; the std over seeds only where
    it shows at those decimals; '-' when absent, 'n/a' when missing."""
    stats = entry.get(figure)
    if stats is None:
        return "-"
    m = registry.metric(figure)
    if stats["mean"] is None or stats["mean"] != stats["mean"]:  # None or NaN
        return m.format(None)
    std = (stats["std"] or 0) * m.scale if stats["n"] > 1 else 0
    spread = f" ± {std:,.{m.digits}f}" if round(std, m.digits) else ""
    return f"{stats['mean'] * m.scale:,.{m.digits}f}{m.unit}{spread}"


def metric_label(figure: str) -> str:
    return registry.metric(figure).label


def _budget_text(params: dict) -> str:
    budget, home = params["budget"], params["report"]["home"]
    own = own_budgets(params)
    others = "".join(f"; {v} trains to {own[v]['train_gflop']:,.0f} GFLOP, a budget of its own" for v in
                     beyond_budget(params))
    return (f"every run trains to **{budget['train_gflop']:,.0f} GFLOP** (the full budget{others}) and saves its EMA "
            f"generator at **{budget['home_gflop']:,.0f} GFLOP** (the home budget); a home generator has at most "
            f"{home['max_generator_params']:,} parameters and costs at most {home['max_generator_mflops']:g} MFLOP per "
            "image")


def _beyond_budget_lines(variants: dict, params: dict) -> list[str]:
    """The variants trained to their own, larger budget (quality at any cost), each with its scores and the
    row it extends (params `report.compare`): what the extra compute bought."""
    lines, metric, own = [], params["report"]["quality"], own_budgets(params)
    for name in beyond_budget(params):
        if metric not in variants.get(name, {}):
            continue
        entry, base, gflop = variants[name], params["report"].get("compare", {}).get(name), own[name]["train_gflop"]
        base_gflop = own.get(base, params["budget"])["train_gflop"]
        where = "the full budget" if base_gflop == params["budget"]["train_gflop"] else f"{base_gflop:,.0f} GFLOP"
        against = f"; {base} at {where}: {cell(variants[base], metric)}" if metric in variants.get(base, {}) else ""
        lines.append(f"- **Beyond the study's budget: {name}**, trained to {gflop:,.0f} GFLOP "
                     f"({cell(entry, 'train_seconds')} s): {metric_label(metric)} {cell(entry, metric)} over "
                     f"{entry[metric]['n']} seeds, precision {cell(entry, 'precision')}, recall {cell(entry, 'recall')}"
                     f"{against}. The quality to be had at {gflop / params['budget']['train_gflop']:.1f}x the compute.")
    return lines


def _home_against_enterprise(chosen: dict[str, Pick], variants: dict, runs: pd.DataFrame) -> list[str]:
    """When the home and enterprise picks trained to the same GFLOP: what cutting the generator to the home
    device's size costs in quality at matched training compute (Welch's p over seeds)."""
    home, big = chosen["home"], chosen["enterprise"]
    if None in (home.variant, big.variant) or home.variant == big.variant:
        return []
    small_entry, big_entry = variants[home.variant], variants[big.variant]
    gflop = [e["train_gflop"]["mean"] for e in (small_entry, big_entry)]
    if not math.isclose(*gflop, rel_tol=0.01):
        return []
    a, b = (seed_values(runs, v, big.metric) for v in (home.variant, big.variant))
    p = welch(a, b)
    ratio = small_entry["generator_mflops_per_image"]["mean"] / big_entry["generator_mflops_per_image"]["mean"]
    return [f"- **Home against enterprise at matched training compute** ({gflop[1]:,.0f} GFLOP each): "
            f"{home.variant} {cell(small_entry, big.metric)} against {big.variant} {cell(big_entry, big.metric)}: the "
            f"generator cut to {ratio:.2f} of the MFLOP per image changes it by {a.mean() - b.mean():+.2f} "
            f"{metric_label(big.metric)} (Welch p = {'n/a' if math.isnan(p) else f'{p:.2g}'})."]


def _verdict(choice: Pick, runs: pd.DataFrame, alpha: float) -> str:
    if choice.runner_up is None:
        return "has no runner-up in this pool, so there is no lead to test"
    a, b = (seed_values(runs, v, choice.metric) for v in (choice.variant, choice.runner_up))
    gap = abs(a.mean() - b.mean())
    p = "n/a" if math.isnan(choice.p_value) else f"{choice.p_value:.3g}"
    lead = f"leads **{choice.runner_up}** by {gap:.2f} {metric_label(choice.metric)}; Welch's t-test over seeds p = {p}"
    if choice.conclusive:
        return f"{lead} < {alpha}: **the lead exceeds the seed spread**"
    return f"{lead} (needs < {alpha}): **inconclusive**, the lead is within the seed spread"


def _where(role: str, params: dict) -> str:
    """What a pick's pool is, and so what question it answers."""
    budget, home = params["budget"], params["report"]["home"]
    device = (f"the generators that fit a home device (at most {home['max_generator_params']:,} parameters and "
              f"{home['max_generator_mflops']:g} MFLOP per image)")
    return {"home": f"among {device}, each at the end of its own training, whatever that cost (training is paid once, "
                    "by whoever ships the model): the model to ship to a home device",
            "enterprise": "among all generators, each at the end of its own training, whatever that cost: the model "
                          "to run in a data centre",
            "trained_at_home": f"({budget['home_gflop']:,.0f} GFLOP, matched compute) among {device}: what a home "
                               "device could train itself"}[role]


ANSWER_COLUMNS = ("dataset", "pick", "variant", "quality (seeds)", "G params", "G MFLOP/img", "train GFLOP",
                  "lead over the runner-up")


def answer(summary: dict, chosen_by_dataset: dict[str, dict[str, Pick]]) -> list[tuple[str, ...]]:
    """The picks of every dataset as rows of `ANSWER_COLUMNS`: what a reader came for, first in the report
    and on the HTML report's front page."""
    rows = []
    for dataset, chosen in chosen_by_dataset.items():
        for role in ROLES:
            choice = chosen[role]
            if choice.variant is None:
                rows.append((dataset, PICK_NAMES[role], "none", *["-"] * 5))
                continue
            entry = summary[dataset][choice.variant]
            lead = "no runner-up" if choice.runner_up is None else (
                f"{choice.runner_up}, p = {'n/a' if math.isnan(choice.p_value) else f'{choice.p_value:.2g}'}"
                f"{'' if choice.conclusive else ' (inconclusive)'}")
            gflop = "home_gflop" if choice.metric.startswith("home_") else "train_gflop"
            rows.append((dataset, PICK_NAMES[role], choice.variant,
                         f"{metric_label(choice.metric)} {cell(entry, choice.metric)} ({entry[choice.metric]['n']})",
                         cell(entry, "generator_params"), cell(entry, "generator_mflops_per_image"), cell(entry, gflop),
                         lead))
    return rows


def _answer_lines(summary: dict, chosen_by_dataset: dict[str, dict[str, Pick]]) -> list[str]:
    lines = ["## The answer", "", "| " + " | ".join(ANSWER_COLUMNS) + " |", "|---|---|---|---:|---:|---:|---:|---|"]
    for row in answer(summary, chosen_by_dataset):
        bold = (*row[:2], f"**{row[2]}**" if row[2] != "none" else row[2], *row[3:])
        lines.append("| " + " | ".join(bold) + " |")
    return lines + ["", "Each pick, its pool and its evidence are in the dataset's section below.", ""]


def _ladder_span(chain: list[str], variants: dict, metric: str) -> str | None:
    """`FID a -> b` from the ladder's first rung to its last (seed means); None when either has none."""
    first, last = (variants[v].get(metric, {}).get("mean") for v in (chain[0], chain[-1]))
    return None if first is None or last is None else f"{metric_label(metric)} {first:.2f} -> {last:.2f}"


def ladder_sentence(params: dict, data: pd.DataFrame, variants: dict, metric: str) -> str | None:
    """The ladder of one dataset in a sentence (first rung to last, and the rung that buys the most), or None
    when params' comparisons form no ladder."""
    chain, rungs, _ = comparisons.split_ladder(params, comparisons.compare(params, data, metric), set(variants))
    if not rungs:
        return None
    sign = 1 if registry.metric(metric).lower_is_better else -1
    best = min((r for r in rungs if not math.isnan(r.delta)), key=lambda r: sign * r.delta, default=None)
    span = f" ({span})" if (span := _ladder_span(chain, variants, metric)) else ""
    most = (f"; the rung that buys the most: {best.variant} ({best.change}), {best.delta:+.2f}, Welch p = "
            f"{'n/a' if math.isnan(best.p_value) else f'{best.p_value:.2g}'}" if best else "")
    return f"the ladder from {chain[0]} to {chain[-1]}, one component per rung{span}{most}"


def _pick_lines(dataset: str, chosen: dict[str, Pick], variants: dict, runs: pd.DataFrame, params: dict) -> list[str]:
    lines = []
    for role in ROLES:
        choice = chosen[role]
        where = _where(role, params)
        if choice.variant is None:
            lines.append(f"- **{PICK_NAMES[role]}**: none: no variant meets the budget (or every candidate diverged).")
            continue
        entry = variants[choice.variant]
        pool = ", ".join(f"{v} {cell(variants[v], choice.metric)}" for v in choice.candidates)
        lines.append(
            f"- **{PICK_NAMES[role]}: {choice.variant}**, the best {metric_label(choice.metric)} {where}: "
            f"{cell(entry, choice.metric)} over {entry[choice.metric]['n']} seeds, trained to "
            f"{cell(entry, 'home_gflop' if choice.metric.startswith('home_') else 'train_gflop')} GFLOP; generator "
            f"{cell(entry, 'generator_params')} parameters, {cell(entry, 'generator_mflops_per_image')} MFLOP per image "
            f"({cell(entry, 'latency_ms_median')} ms at batch 1 on the study machine). It "
            f"{_verdict(choice, runs, params['report']['alpha'])}. Candidates ({len(choice.candidates)}): {pool}.")
    lines += _home_against_enterprise(chosen, variants, runs) + _beyond_budget_lines(variants, params)
    gifs = [f"![{PICK_NAMES[r]}: {chosen[r].variant}](picks/{dataset}-{r}.gif)" for r in ROLES if chosen[r].variant]
    return lines + ["", "Training of the picks (first seed, fixed latents, one frame per evaluation): " + " ".join(gifs)]


def _comparison_table(rows: list[comparisons.Comparison], variants: dict, metric: str, alpha: float) -> list[str]:
    """One line per comparison: what differs, the metric and its change with Welch's p, the metric at
    the home budget, and what the change costs (training GFLOP and seconds, G's MFLOP per image)."""
    lines = [f"| variant | compared with | what differs | {metric_label(metric)} | change | Welch p | "
             f"{metric_label('home_' + metric)} | train GFLOP | train s (change) | G MFLOP/img |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for c in rows:
        p = "n/a" if math.isnan(c.p_value) else f"{c.p_value:.2g}" + (" *" if c.p_value < alpha else "")
        delta = "-" if math.isnan(c.delta) else f"{c.delta:+.2f}"
        seconds = [variants[v].get("train_seconds", {}).get("mean") for v in (c.variant, c.baseline)]
        dsec = f" ({seconds[0] - seconds[1]:+.0f})" if None not in seconds else ""
        lines.append(f"| {c.variant} | {c.baseline} | {c.change} | {cell(variants[c.variant], metric)} | {delta} | {p} | "
                     f"{cell(variants[c.variant], 'home_' + metric)} | {cell(variants[c.variant], 'train_gflop')} | "
                     f"{cell(variants[c.variant], 'train_seconds')}{dsec} | "
                     f"{cell(variants[c.variant], 'generator_mflops_per_image')} |")
    return lines


COMPONENT_TEXT = ("Each row against the row it is compared with (params `report.compare`), at the same training GFLOP "
                  "(unless the train GFLOP column says otherwise); what differs is read from their settings: a row that "
                  "differs in one setting shares its baseline's recipe and measures that component, a row that differs "
                  "in several is named with all of them. Change: difference of the seed means; Welch p over seeds "
                  "(* below alpha); train s (change): the seconds it trained, and their change against the baseline.")


def _component_lines(dataset: str, rows: list[comparisons.Comparison], variants: dict, params: dict,
                     metric: str) -> list[str]:
    """What each component buys: the ladder first, when params' comparisons form one (its waterfall and a
    table of its rungs), then every other comparison."""
    alpha, figure = params["report"]["alpha"], f"plots/{dataset}/components.png"
    chain, ladder, others = comparisons.split_ladder(params, rows, set(variants))
    lines = []
    if ladder:
        span = f": {span}, one component per rung" if (span := _ladder_span(chain, variants, metric)) else ""
        lines += [f"### The ladder ({dataset})", "",
                  f"From **{chain[0]}** to **{chain[-1]}**{span}. {COMPONENT_TEXT}", "",
                  f"![the ladder as a waterfall, and what every other component buys]({figure})", "",
                  *_comparison_table(ladder, variants, metric, alpha), ""]
    lines += [f"### What {'every other' if ladder else 'each'} component buys ({dataset})", ""]
    if not ladder:
        lines += [f"{COMPONENT_TEXT} The figure [what each component buys]({figure}) draws it.", ""]
    return lines + [*_comparison_table(others, variants, metric, alpha), ""]


def _threshold_table(runs: pd.DataFrame, levels: list[float], order: list[str]) -> list[str]:
    gflops, seconds = thresholds.table(runs, levels, "gflops"), thresholds.table(runs, levels, "seconds")
    header = "| variant | " + " | ".join(f"FID <= {t:g}: GFLOP / seconds (seeds reaching it)" for t in levels) + " |"
    lines = [header, "|---|" + "---:|" * len(levels)]
    for variant in order:
        cells = []
        for t in levels:
            g, s = gflops.loc[variant, t], seconds.loc[variant, t]
            if not g["reached"]:
                cells.append(f"not reached (0/{g['runs']})")
            else:
                spread = f" ± {g['std']:,.0f}" if g["reached"] > 1 and round(g["std"]) else ""
                cells.append(f"{g['mean']:,.0f}{spread} GFLOP / {s['mean']:.0f} s ({g['reached']}/{g['runs']})")
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    return lines


def _loss_paragraph(runs: pd.DataFrame, losses: dict[str, str], metric: str, alpha: float) -> str:
    """The losses ranked on the shared base, each tested against the best, next to Lucic et al. 2018."""
    ranked = ranking(runs, metric, list(losses))
    if len(ranked) < 2:
        return ""
    best = seed_values(runs, ranked[0], metric)
    parts, tied = [], []
    for variant in ranked:
        values = seed_values(runs, variant, metric)
        p = welch(best, values) if variant != ranked[0] else math.nan
        tag = "" if variant == ranked[0] else (f", p = {p:.2g} vs the best" if not math.isnan(p) else "")
        parts.append(f"{losses[variant]} {values.mean():.2f} ± {values.std(ddof=1) if len(values) > 1 else 0:.2f}{tag}")
        if variant != ranked[0] and not p < alpha:
            tied.append(losses[variant])
    verdict = (f"{', '.join(tied)} cannot be told apart from {losses[ranked[0]]} at this budget and these seeds"
               if tied else f"{losses[ranked[0]]} is ahead of every other loss beyond the seed spread")
    return ("**Losses against Lucic et al. 2018.** On the shared base recipe and budget the losses rank "
            f"({metric_label(metric)}, mean ± std over seeds): {'; '.join(parts)}. {verdict[0].upper() + verdict[1:]}. "
            "Lucic et al. (\"Are GANs Created Equal?\") found that with enough tuning and compute no loss beats the "
            "original non-saturating one consistently, and that differences between losses are smaller than the "
            "spread over seeds and hyperparameters; read the ranking above with the same caution: it holds for this "
            "recipe (one learning rate, spectral norm, EMA) and budget, not for the losses in general.")


def render(summary: dict, runs: pd.DataFrame, chosen_by_dataset: dict[str, dict[str, Pick]], params: dict) -> str:
    """Markdown report from summary.json, the per-run table (summary.csv), the picks (results/picks/)
    and params."""
    settings = params["report"]
    metric = settings["quality"]
    order = "lower" if registry.metric(metric).lower_is_better else "higher"
    lines = ["# ganbench study report", "",
             f"Datasets {', '.join(params['datasets'])}; {len(params['variants'])} variants; seeds "
             f"{', '.join(map(str, params['seeds']))}. Compute is matched in FLOPs (README \"Compute in FLOPs\"): "
             f"{_budget_text(params)}. Picks and tables rank by the mean {metric_label(metric)} over seeds ({order} "
             f"is better) on {params['eval']['samples']:,} samples against the test split, in the pipeline's own "
             "classifier features. Training seconds are measured and shown beside the FLOPs (each training job held "
             "every core of the machine), never used to decide; a variant with a diverged run is not eligible for a "
             f"pick. A pick's lead over the runner-up counts only if Welch's t-test on the per-seed values gives "
             f"p < {settings['alpha']}; otherwise it is called inconclusive.", "",
             "Where the hours of the study went, per stage, from Snakemake's own job accounting: [hours.md](hours.md) "
             "(written after a Snakemake run, not by a stage).", ""]
    lines[2:2] = _answer_lines(summary, chosen_by_dataset)
    for dataset, variants in summary.items():
        data = runs[runs["dataset"] == dataset]
        trained = {name: entry for name, entry in variants.items() if name != REAL_ROW}
        ranked = sorted(trained, key=lambda n: (metric not in trained[n],
                                                 (trained[n].get(metric, {}).get("mean") or 0) * (1 if order == "lower" else -1)))
        rows = comparisons.compare(params, data, metric)
        lines += [f"## {dataset}", "", *_pick_lines(dataset, chosen_by_dataset[dataset], trained, data, params), "",
                  *_component_lines(dataset, rows, trained, params, metric)]
        lines += [f"### Every variant ({dataset})", "",
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
        lines += _failed_lines(data[(data["variant"] != REAL_ROW) & ~data["diverged"].astype(bool)])
        levels = settings["thresholds"][dataset]
        lines += ["", f"### Time to threshold ({dataset})", "",
                  "Training GFLOP (and seconds) until the FID during training first reaches each level (FID on "
                  f"{params['budget']['eval_samples']:,} fixed latents, so a little above the scored FID); mean ± std over "
                  "the seeds that reached it.", "", *_threshold_table(data[data["variant"] != REAL_ROW], levels, ranked)]
        healthy = data[~data["diverged"].astype(bool)]  # as the tables count them
        paragraph = _loss_paragraph(healthy, comparisons.loss_rows(params, rows), metric, settings["alpha"])
        lines += ["", paragraph] if paragraph else []
        lines += ["", "Figures: " + ", ".join(f"[{fig.title}](plots/{dataset}/{fig.name}.png)" for fig in FIGURES), ""]
    return "\n".join(lines)


def _grid_link(run) -> str:
    """A run's grid.png (its row of the runs table) as a link from results/report.md."""
    return (run_dir(run.dataset, run.variant, run.seed) / "grid.png").relative_to("results").as_posix()


def _failed_lines(runs: pd.DataFrame) -> list[str]:
    """The runs that trained to the end but cover almost none of the test images (recall < FAILED_RECALL), per
    variant with links to their grids: a failure is a result, and the tables alone read it as a high FID."""
    failed = runs[runs["recall"] < FAILED_RECALL]
    if failed.empty:
        return []
    per_variant = [f"{variant} (seeds " + ", ".join(f"[{r.seed}]({_grid_link(r)})" for r in group.itertuples())
                   + f" of {(runs['variant'] == variant).sum()})" for variant, group in failed.groupby("variant", sort=False)]
    return ["", f"Failed runs (recall below {FAILED_RECALL}: one image per label, a few modes or noise; each seed "
                f"links its grid): {'; '.join(per_variant)}."]


def front_page(summary: dict, runs: pd.DataFrame, chosen_by_dataset: dict[str, dict[str, Pick]], params: dict) -> str:
    """The HTML report's front page (reStructuredText, `snakemake --report`): the picks of every dataset with
    their quality, cost and Welch p, then each dataset's ladder; the evidence is in results/report.md."""
    metric = params["report"]["quality"]
    lines = ["ganbench study: the answer", "=" * 26, "",
             f"Datasets {', '.join(params['datasets'])}; {len(params['variants'])} variants; seeds "
             f"{', '.join(map(str, params['seeds']))}. Each pick with its quality (mean ± std over seeds), its "
             "generator's cost, the training compute it was read at, and Welch's t-test against the runner-up "
             f"(p < {params['report']['alpha']:g} counts).", "",
             ".. list-table::", "   :header-rows: 1", ""]
    for row in [ANSWER_COLUMNS, *answer(summary, chosen_by_dataset)]:
        lines += [f"   * - {row[0]}", *(f"     - {value}" for value in row[1:])]
    lines.append("")
    for dataset, variants in summary.items():
        trained = {name: entry for name, entry in variants.items() if name != REAL_ROW}
        sentence = ladder_sentence(params, runs[runs["dataset"] == dataset], trained, metric)
        if sentence:
            lines += [f"{dataset}: {sentence}.", ""]
    lines += ["Every pick's pool and evidence, what each component buys, every variant's scores and time to threshold: "
              "``results/report.md`` (below, with the figures); the settings: ``params.yaml``.", ""]
    return "\n".join(lines)
