"""A run's plan, from the study's compute budget in training FLOPs (`ganbench.training.flops`).

Every variant gets the same training compute, not the same number of steps: a variant whose step
costs half as much trains twice as many steps. The budget (params `budget`, a variant may override
it) is in GFLOP:
  train_gflop  the full budget (the enterprise pick is read at its end);
  home_gflop   the home budget: every run saves its EMA generator when it has spent this much, so
               one run serves both picks;
  eval_gflop   FID during training every this many GFLOP (the time-to-quality curve); both budgets
               are whole multiples of it (checked when params.yaml is loaded).
Steps are whole numbers, so each evaluation interval is the variant's whole number of steps nearest
to eval_gflop (at least one): the compute actually spent (steps x step GFLOP, in train.json) is
within half a step per interval of the budget whenever a step costs less than eval_gflop.
"""
from __future__ import annotations

from ganbench.training.flops import variant_flops


def budget_of(params: dict, variant: dict) -> dict:
    """The shared budget, with the variant's own `budget` entries over it."""
    return {**params["budget"], **variant.get("budget", {})}


def plan(params: dict, variant: dict) -> dict:
    """Everything the training loop needs to know about how long to train and when to look:
    the budget's keys plus `step_gflop`, `eval_every` (steps per evaluation interval), `evals`,
    `steps` (in all), `home_step` (the step at the home budget) and `latent_seed` (fixed latents)."""
    budget = budget_of(params, variant)
    step_gflop = variant_flops(variant)["train_step_gflops"]
    eval_every = max(1, round(budget["eval_gflop"] / step_gflop))
    evals = max(1, round(budget["train_gflop"] / budget["eval_gflop"]))
    home_evals = min(evals, max(1, round(budget["home_gflop"] / budget["eval_gflop"])))
    return {**budget, "step_gflop": step_gflop, "eval_every": eval_every, "evals": evals, "steps": evals * eval_every,
            "home_step": home_evals * eval_every, "latent_seed": params["eval"]["latent_seed"]}
