"""One factor at a time: each variant against the row it is compared with (params `report.compare`).

What the two rows differ in is computed from their complete settings (`ganbench.config.variant`), not
written by hand, so a comparison that changes two things at once says so: a row that differs from
its baseline in one setting shares the baseline's recipe and measures that component; a row that
differs in several (a ladder rung changing batch and learning rate together, the MLP GAN in its own
recipe) is named with all of them. The difference of the quality metric's seed means is tested with Welch's t-test.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ganbench.config import variant
from ganbench.reporting.picks import seed_values, welch


def _flat(settings: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in settings.items():
        if isinstance(value, dict) and key != "loss":  # a loss with settings is one component
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _settings(params: dict, name: str) -> dict:
    """A variant's complete settings, flat, its budget the effective one (shared, or its own override)."""
    settings = variant(params, name)
    return _flat({**{k: v for k, v in settings.items() if k != "budget"},
                  "budget": {**params["budget"], **settings.get("budget", {})}})


def differences(params: dict, a: str, b: str) -> list[str]:
    """The settings (dotted) in which variants `a` and `b` of params differ, their budgets included."""
    fa, fb = _settings(params, a), _settings(params, b)
    return sorted(k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k))


def _text(value) -> str:
    """A setting for people: a loss by its name in words (`least_squares` -> least squares), numbers short."""
    if isinstance(value, dict) and "name" in value:
        return _text(value["name"])
    if isinstance(value, str):
        return value.replace("_", " ")
    return f"{value:g}" if isinstance(value, float) else str(value)


def change(params: dict, name: str, baseline: str) -> str:
    """What variant `name` changes against `baseline`: `loss: hinge -> non-saturating`, or every
    differing setting, `; `-separated (a ladder rung that changes batch and learning rate together,
    a row in its own recipe); an optimiser setting G's and D's change alike is named once, `lr (G and D)`."""
    before, after = (_settings(params, v) for v in (baseline, name))
    keys = differences(params, baseline, name)
    alike = {key.removeprefix("g_opt.") for key in keys if key.startswith("g_opt.")
             and all(s.get(key) == s.get("d_opt." + key.removeprefix("g_opt.")) for s in (before, after))}
    parts = []
    for key in keys:
        setting = key.split(".", 1)[-1]
        if key.startswith(("g_opt.", "d_opt.")) and setting in alike:
            if key.startswith("d_opt."):
                continue
            parts.append(f"{setting} (G and D): {_text(before.get(key))} -> {_text(after.get(key))}")
        else:
            parts.append(f"{key}: {_text(before.get(key))} -> {_text(after.get(key))}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Comparison:
    variant: str
    baseline: str
    change: str
    one_factor: bool
    delta: float      # mean(variant) - mean(baseline) of the metric
    p_value: float    # Welch's t-test over seeds; NaN when it cannot be computed


def compare(params: dict, runs: pd.DataFrame, metric: str) -> list[Comparison]:
    """Every comparison of `report.compare` whose two variants are in this study, in params order,
    over the runs that did not diverge (as every table and pick counts them)."""
    healthy = runs[~runs["diverged"].astype(bool)]
    present = set(healthy["variant"])
    rows = []
    for name, baseline in params["report"]["compare"].items():
        if name not in present or baseline not in present:
            continue
        a, b = seed_values(healthy, name, metric), seed_values(healthy, baseline, metric)
        delta = float(a.mean() - b.mean()) if len(a) and len(b) else math.nan
        rows.append(Comparison(name, baseline, change(params, name, baseline),
                               len(differences(params, baseline, name)) == 1, delta, welch(a, b)))
    return rows


def ladder(compare: dict[str, str]) -> list[str]:
    """The longest chain r0 <- r1 <- ... (each compared with the one before), first rung first; [] if
    no chain has three rungs."""
    longest: list[str] = []
    for start in set(compare.values()) - set(compare):
        chain = [start]
        while True:
            nxt = [v for v, base in compare.items() if base == chain[-1]]
            if len(nxt) != 1:
                break
            chain.append(nxt[0])
        longest = max(longest, chain, key=len)
    return longest if len(longest) >= 3 else []


def split_ladder(params: dict, rows: list[Comparison], present) -> tuple[list[str], list[Comparison], list[Comparison]]:
    """The ladder's rungs among the `present` variants, the comparisons that are its rungs, and the others."""
    chain = [v for v in ladder(params["report"]["compare"]) if v in present]
    rungs = set(zip(chain, chain[1:])) if len(chain) >= 3 else set()
    return (chain if rungs else [], [r for r in rows if (r.baseline, r.variant) in rungs],
            [r for r in rows if (r.baseline, r.variant) not in rungs])


def loss_rows(params: dict, comparisons: list[Comparison]) -> dict[str, str]:
    """variant -> loss name for the rows that differ from their baseline in the loss alone, the
    baseline included: the study's loss comparison."""
    rows = {}
    for c in comparisons:
        if differences(params, c.baseline, c.variant) == ["loss"]:
            for name in (c.baseline, c.variant):
                rows[name] = _text(variant(params, name)["loss"])
    return rows
