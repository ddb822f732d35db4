"""Picks survive the seed spread or are called inconclusive; time to threshold from the training log."""
import math

import numpy as np
import pandas as pd
import pytest

from ganbench.reporting import thresholds
from ganbench.reporting.picks import as_record, from_record, pick, picks, welch

HOME = {"max_generator_params": 1_000_000, "max_generator_mflops": 10.0}
SETTINGS = {"quality": "fid", "alpha": 0.05, "home": HOME}


def runs_of(fids: dict[str, list[float]], params: dict[str, int], diverged: tuple[str, ...] = (),
            home: dict[str, list[float]] | None = None) -> pd.DataFrame:
    """Runs with full-budget FIDs `fids`, home-budget FIDs `home` (default: the same), G parameters
    `params` and 5 MFLOP per image."""
    home = home or fids
    return pd.DataFrame([{"variant": v, "seed": s, "fid": f, "home_fid": home[v][s], "generator_params": params[v],
                          "generator_mflops_per_image": 5.0, "diverged": v in diverged}
                         for v, values in fids.items() for s, f in enumerate(values)])


def test_a_lead_beyond_the_seed_spread_is_conclusive_and_one_within_it_is_not():
    runs = runs_of({"big": [10.0, 10.5, 9.8], "mid": [20.0, 21.0, 19.5], "close": [10.4, 9.6, 11.0]},
                   {"big": 3_000_000, "mid": 500_000, "close": 3_000_000})
    clear = pick(runs, "fid", ["big", "mid"], 0.05)
    assert clear.variant == "big" and clear.runner_up == "mid" and clear.conclusive and clear.p_value < 1e-3
    close = pick(runs, "fid", ["big", "close"], 0.05)
    assert close.variant == "big" and not close.conclusive and close.p_value > 0.5


def test_home_pick_respects_the_device_and_unstable_variants_are_not_eligible():
    runs = runs_of({"big": [5.0, 5.1, 5.2], "small": [20.0, 21.0, 22.0], "smaller": [30.0, 31.0, 29.0],
                    "flaky": [1.0, 1.0, 90.0]}, {"big": 3_000_000, "small": 500_000, "smaller": 100_000,
                                                 "flaky": 100_000}, diverged=("flaky",))
    chosen = picks(runs, SETTINGS)
    assert chosen["enterprise"].variant == "big" and chosen["home"].variant == "small"
    assert chosen["home"].runner_up == "smaller" and chosen["home"].conclusive
    assert chosen["home"].candidates == ("small", "smaller") and chosen["home"].metric == "fid"
    assert chosen["trained_at_home"].candidates == ("small", "smaller") and chosen["trained_at_home"].metric == "home_fid"
    tiny_device = {**SETTINGS, "home": {**HOME, "max_generator_mflops": 4.0}}
    assert picks(runs, tiny_device)["home"].variant is None and picks(runs, tiny_device)["trained_at_home"].variant is None


def test_the_home_pick_is_read_at_the_end_of_training_and_the_trained_at_home_view_at_the_home_budget():
    """Training is paid once, by whoever ships the model: the home pick is the device-sized generator that is
    best when trained to the end; a model better at the end but worse within the home budget is not the
    pick of the trained-at-home view."""
    runs = runs_of({"fast": [30.0, 31.0, 29.0], "slow": [10.0, 11.0, 9.0]}, {"fast": 100_000, "slow": 100_000},
                   home={"fast": [40.0, 41.0, 39.0], "slow": [90.0, 95.0, 85.0]})
    chosen = picks(runs, SETTINGS)
    assert chosen["enterprise"].variant == "slow" and chosen["home"].variant == "slow"
    assert chosen["trained_at_home"].variant == "fast"
    record = as_record(chosen["trained_at_home"], runs)
    assert record["metric"] == "home_fid" and [c["variant"] for c in record["candidates"]] == ["fast", "slow"]
    assert record["candidates"][0]["values"] == [40.0, 41.0, 39.0]
    assert record["candidates"][0]["generator_params"] == 100_000 and record["candidates"][0]["mean"] == 40.0
    assert from_record(record) == chosen["trained_at_home"]


def test_a_generator_trained_to_a_budget_of_its_own_is_a_candidate_of_home_and_enterprise_not_trained_at_home():
    runs = runs_of({"big": [5.0, 5.1, 5.2], "small": [20.0, 21.0, 22.0], "small_long": [9.0, 9.5, 9.2]},
                   {"big": 3_000_000, "small": 500_000, "small_long": 500_000},
                   home={"big": [9.0, 9.1, 9.2], "small": [30.0, 31.0, 32.0], "small_long": [10.0, 10.5, 10.2]})
    excluded = {"home": set(), "enterprise": set(), "trained_at_home": {"small_long"}}  # it saves its home G elsewhere
    chosen = picks(runs, SETTINGS, excluded)
    assert chosen["home"].variant == "small_long" and chosen["home"].runner_up == "small"
    assert chosen["enterprise"].variant == "big" and chosen["enterprise"].runner_up == "small_long"
    assert chosen["trained_at_home"].variant == "small" and "small_long" not in chosen["trained_at_home"].candidates


def test_welch_needs_two_seeds_a_side():
    assert math.isnan(welch(np.array([1.0]), np.array([2.0, 3.0])))
    single = runs_of({"a": [1.0], "b": [2.0]}, {"a": 1, "b": 1})
    assert not pick(single, "fid", ["a", "b"], 0.05).conclusive


def test_time_to_threshold_is_the_first_evaluation_at_or_below_it():
    log = pd.DataFrame({"step": [100, 200, 300, 400], "gflop": [200.0, 400.0, 600.0, 800.0],
                        "seconds": [10.0, 20.0, 30.0, 40.0], "fid": [120.0, 45.0, 55.0, 19.0]})
    columns = thresholds.run_columns(log, [100, 50, 20, 5])
    assert columns["seconds_to_fid_50"] == 20.0 and columns["steps_to_fid_50"] == 200  # first dip, not the last
    assert columns["gflops_to_fid_20"] == 800.0
    assert math.isnan(columns["seconds_to_fid_5"])
    runs = pd.DataFrame([{"variant": "a", **columns}, {"variant": "a", **thresholds.run_columns(log.iloc[:2], [20])}])
    table = thresholds.table(runs, [20])
    assert table.loc["a", 20] == {"mean": 40.0, "std": 0.0, "reached": 1, "runs": 2}
    assert thresholds.speedup(10.0, 100.0) == pytest.approx(10.0)
