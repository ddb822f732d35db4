"""Benchmark (issue 19): training seconds to fixed FID thresholds, the TF tutorial's recipe against
the study's recipes, measured in one run on one machine.

    python benchmarks/time_to_threshold.py --study /tmp/ttt [--out benchmarks/results/time_to_threshold]

`--study` is a clone that trained profiles/time_to_threshold.yaml (benchmarks/README.md). For each
recipe (seed 0) and each threshold of the profile's `report.thresholds` the training seconds and
steps until the FID during training first reaches it (ganbench.reporting.thresholds), then the speed-up of the
fastest recipe over the `tutorial` recipe at the highest threshold (lowest FID) the tutorial reaches.
Writes the table, each recipe's curve and a figure to --out.
"""
import argparse
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
import yaml  # noqa: E402

from ganbench.reporting.thresholds import first_reach, speedup  # noqa: E402

TUTORIAL = "tutorial"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--study", type=Path, required=True, help="clone that ran profiles/time_to_threshold.yaml")
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--out", type=Path, default=Path("benchmarks/results/time_to_threshold"))
    args = p.parse_args()
    params = yaml.safe_load((args.study / "params.yaml").read_text())
    levels = sorted(params["report"]["thresholds"][args.dataset], reverse=True)
    runs = {v: args.study / "results" / args.dataset / v / "seed0" for v in params["variants"]}
    logs = {v: pd.read_csv(run / "train_log.csv") for v, run in runs.items()}
    rows = [{"recipe": v, "threshold": t, **first_reach(log, t), "trained_seconds": log["seconds"].max(),
             "best_fid": log["fid"].min()} for v, log in logs.items() for t in levels]
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    tutorial = table[(table.recipe == TUTORIAL) & table.seconds.notna()]
    if tutorial.empty:
        print(f"the tutorial recipe reaches none of {levels} within its budget")
    else:
        level = tutorial["threshold"].min()
        at = table[table.threshold == level].dropna(subset=["seconds"]).sort_values("seconds")
        best = at[at.recipe != TUTORIAL].iloc[0] if (at.recipe != TUTORIAL).any() else None
        slow = float(tutorial.loc[tutorial.threshold == level, "seconds"].iloc[0])
        if best is not None:
            print(f"highest threshold the tutorial recipe reaches: FID <= {level:g}, at {slow:.0f} s; fastest recipe "
                  f"{best.recipe} at {best.seconds:.1f} s: {speedup(best.seconds, slow):.1f}x sooner")
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "summary.csv", index=False, float_format="%.4g")
    for v, run in runs.items():
        shutil.copyfile(run / "train_log.csv", args.out / f"{v}.csv")
    plot(logs, levels, args.out / "time_to_threshold.png")


def plot(logs: dict[str, pd.DataFrame], levels: list[float], path: Path) -> None:
    """FID against training seconds (log-log) for every recipe, the thresholds as dashed lines."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for (name, log), colour in zip(logs.items(), sns.color_palette("tab10", len(logs))):
        label = f"{name} (TF tutorial recipe)" if name == TUTORIAL else name
        ax.plot(log["seconds"], log["fid"], color=colour, lw=2.5 if name == TUTORIAL else 1.5, marker="o", ms=3,
                label=label)
    for level in levels:
        ax.axhline(level, color="black", ls="--", lw=0.8)
        ax.text(1.0, level, f" FID {level:g}", transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    ax.set(xscale="log", yscale="log", xlabel="training seconds (2 CPU cores, evaluation excluded)",
           ylabel="FID during training (eval samples, classifier features)",
           title="MNIST: time to threshold, one run per recipe on one machine")
    ax.legend(fontsize=8, loc="lower left")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


if __name__ == "__main__":
    main()
