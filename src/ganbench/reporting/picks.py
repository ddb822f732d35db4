"""The picks per dataset, "home AI" and "enterprise AI", and whether each lead survives the seeds.

- enterprise AI: the best variant by the mean of the quality metric over seeds, any generator, each at
  the end of its own training, whatever that cost: a data centre pays for quality, so a variant trained
  to a budget of its own (`beyond_budget`) is a candidate, its training GFLOP shown beside it; what each
  component buys at matched compute is the report's component table, not a pick;
- home AI: the best quality among the generators that fit the home device (every `max_<figure>` in
  params' `report.home`: parameters, MFLOP per image), each at the end of its own training, whatever
  that cost: training is paid once, by whoever ships the model, not on the device, so the constraint is
  what the generator costs per image;
- home AI trained at home (`trained_at_home`, the secondary view): the best `home_<metric>` (the
  generator each run saved when it had spent `home_gflop`) among the same generators, at matched home
  compute: what a home device could train itself.
A pick's lead over its runner-up (the next best in the same pool) is tested with Welch's t-test on
the per-seed values (unequal variances; Welch 1947); a lead with p >= `alpha`, or fewer than two
seeds on either side, is "inconclusive": training seeds move FID more than sampling does, so a lead
smaller than the seed spread is not a pick (The FID Lottery, 2026; Lucic et al. 2018).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ganbench.evaluation import registry

ROLES = ("home", "enterprise", "trained_at_home")
HOME_LIMITS = {"max_generator_params": "generator_params", "max_generator_mflops": "generator_mflops_per_image"}


@dataclass(frozen=True)
class Pick:
    variant: str | None
    runner_up: str | None
    p_value: float          # Welch's t-test, pick vs runner-up; NaN when it cannot be computed
    conclusive: bool
    metric: str = "fid"     # the summary column ranked: `fid`, or `home_fid` for the home pick
    candidates: tuple[str, ...] = ()


def seed_values(runs: pd.DataFrame, variant: str, metric: str) -> np.ndarray:
    """The finite per-seed values of `metric` for `variant` (NaN and missing left out)."""
    values = pd.to_numeric(runs.loc[runs["variant"] == variant, metric], errors="coerce").to_numpy(dtype=float)
    return values[np.isfinite(values)]


def within_home_budget(runs: pd.DataFrame, variant: str, home: dict) -> bool:
    """Every limit of the home budget holds for the variant's generator (the same in every seed)."""
    for key, figure in HOME_LIMITS.items():
        values = seed_values(runs, variant, figure)
        if not len(values) or values.max() > home[key]:
            return False
    return True


def ranking(runs: pd.DataFrame, metric: str, candidates: list[str]) -> list[str]:
    """Candidates with at least one finite value, best mean first."""
    sign = 1 if registry.metric(metric).lower_is_better else -1
    scored = [(sign * seed_values(runs, v, metric).mean(), v) for v in candidates if len(seed_values(runs, v, metric))]
    return [v for _, v in sorted(scored)]


def welch(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided p-value of Welch's t-test; NaN with fewer than two values on a side or no spread."""
    if len(a) < 2 or len(b) < 2 or (np.std(a) == 0 and np.std(b) == 0):
        return math.nan
    from scipy import stats  # here, not at the top: the stage table imports ROLES on every command

    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def pick(runs: pd.DataFrame, metric: str, candidates: list[str], alpha: float) -> Pick:
    """The best candidate and whether its lead over the runner-up is significant at `alpha`."""
    ranked = ranking(runs, metric, candidates)
    if not ranked:
        return Pick(None, None, math.nan, False, metric, tuple(candidates))
    if len(ranked) == 1:
        return Pick(ranked[0], None, math.nan, False, metric, tuple(ranked))
    p_value = welch(seed_values(runs, ranked[0], metric), seed_values(runs, ranked[1], metric))
    return Pick(ranked[0], ranked[1], p_value, bool(p_value < alpha), metric, tuple(ranked))


def own_budgets(params: dict) -> dict[str, dict]:
    """{variant: its budget}: the study's `budget`, with the keys of the variant's own `budget` over it."""
    return {name: {**params["budget"], **settings.get("budget", {})} for name, settings in params["variants"].items()}


def beyond_budget(params: dict) -> list[str]:
    """The variants whose own `budget` trains to another `train_gflop` than the study's, sorted."""
    shared = params["budget"]["train_gflop"]
    return sorted(v for v, b in own_budgets(params).items() if b["train_gflop"] != shared)


def off_budget(params: dict) -> dict[str, set[str]]:
    """Per role, the variants not among its candidates: for trained_at_home (read at matched home compute),
    those that save their home generator at another `home_gflop`; the home and enterprise picks read every
    generator at the end of its own training (none off it)."""
    shared, own = params["budget"], own_budgets(params)
    return {"home": set(), "enterprise": set(),
            "trained_at_home": {v for v, b in own.items() if b["home_gflop"] != shared["home_gflop"]}}


def picks(runs: pd.DataFrame, settings: dict, excluded: dict[str, set[str]] | None = None) -> dict[str, Pick]:
    """{role: Pick} for one dataset's runs (`ROLES`). A variant with a diverged run is not eligible: a
    recipe that fails on some seeds is not one to ship; nor is one in `excluded[role]` (`off_budget`)."""
    excluded = excluded or {}
    trained = runs[runs["variant"] != "real"]
    unstable = set(trained.loc[trained["diverged"].astype(bool), "variant"])
    healthy = trained[~trained["variant"].isin(unstable)]
    variants = list(dict.fromkeys(healthy["variant"]))
    fits = [v for v in variants if within_home_budget(healthy, v, settings["home"])]
    pools = {"home": (settings["quality"], fits), "enterprise": (settings["quality"], variants),
             "trained_at_home": (f"home_{settings['quality']}", fits)}
    return {role: pick(healthy, metric, [v for v in pool if v not in excluded.get(role, set())], settings["alpha"])
            for role, (metric, pool) in pools.items()}


def as_record(choice: Pick, runs: pd.DataFrame) -> dict:
    """A pick as JSON: the variant, its runner-up, the test's p-value, and every candidate ranked
    with its per-seed values and its generator's cost."""
    def candidate(variant: str) -> dict:
        values = [float(v) for v in seed_values(runs, variant, choice.metric)]
        cost = {figure: float(seed_values(runs, variant, figure)[0]) for figure in HOME_LIMITS.values()
                if len(seed_values(runs, variant, figure))}
        return {"variant": variant, "mean": float(np.mean(values)) if values else None,
                "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0, "values": values, **cost}
    return {"variant": choice.variant, "runner_up": choice.runner_up, "metric": choice.metric,
            "welch_p": None if math.isnan(choice.p_value) else choice.p_value, "conclusive": choice.conclusive,
            "candidates": [candidate(v) for v in choice.candidates]}


def from_record(record: dict) -> Pick:
    p_value = record["welch_p"]
    return Pick(record["variant"], record["runner_up"], math.nan if p_value is None else p_value, record["conclusive"],
                record["metric"], tuple(c["variant"] for c in record["candidates"]))
