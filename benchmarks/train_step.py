"""Benchmark: seconds per training step of every variant in a params file, at its own batch size.

    OMP_NUM_THREADS=2 python benchmarks/train_step.py [--params params.yaml] [--steps 10]

Prints one row per variant and the projected training time of the study's budget per dataset x seed.
"""
from ganbench import cli
from ganbench.config import load_params, run_budget, variant
from ganbench.runtime import configure
from ganbench.training.profile import train_step_seconds


def run() -> None:
    p = cli.parser(__doc__, dataset=False)
    p.add_argument("--steps", type=int, default=10, help="timed steps per repeat (best of 3, after 5 warm-up steps)")
    args = p.parse_args()
    params = load_params(args.params)
    configure(0)
    total = 0.0
    print(f"{'variant':<20} {'batch':>5} {'s/step':>8} {'img/s':>7} {'budget steps':>12} {'train min':>9}")
    for name in params["variants"]:
        settings = variant(params, name, args.params)
        seconds = train_step_seconds(settings, steps=args.steps)
        steps = run_budget(params, settings)["steps"]
        total += seconds * steps
        print(f"{name:<20} {settings['batch']:>5} {seconds:>8.3f} {settings['batch'] / seconds:>7.0f} "
              f"{steps:>12} {seconds * steps / 60:>9.1f}")
    cells = len(params["datasets"]) * len(params["seeds"])
    print(f"projected training time per dataset x seed: {total / 60:.0f} min (x{cells} runs: {total * cells / 3600:.1f} h)")


if __name__ == "__main__":
    cli.main(run)
