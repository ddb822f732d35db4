"""Benchmark (issue 9, target 4): time to quality of ganbench's recipes against the TF tutorial's.

    python benchmarks/time_to_quality.py --study /tmp/ttq [--out benchmarks/results/time_to_quality]

`--study` is a clone that ran profiles/time_to_quality.yaml up to training (benchmarks/README.md).
T = the best MNIST FID (classifier features, fixed latents: train_log.csv) that the `tutorial`
variant reaches within 600 training seconds; for every other variant, the training seconds until
its FID first drops to T or below, and the speed-up (tutorial's seconds to T / the variant's).
Target: the fastest variant reaches T >= 30x sooner. Writes the curves, a table and a figure to --out.
"""
import argparse
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

TUTORIAL, WINDOW_S, TARGET_SPEEDUP = "tutorial", 600.0, 30.0


def seconds_to(log: pd.DataFrame, threshold: float) -> float | None:
    """Training seconds at the first eval point with FID <= threshold (None if never)."""
    hit = log[log["fid"] <= threshold]
    return float(hit["seconds"].iloc[0]) if len(hit) else None


def seconds_to_stay(log: pd.DataFrame, threshold: float) -> float | None:
    """Training seconds from which every later eval point has FID <= threshold (None if the last is above):
    the steadier reading, since a 1,000-sample FID can dip below T once by chance."""
    above = (log["fid"] > threshold).to_numpy().nonzero()[0]
    start = above[-1] + 1 if len(above) else 0
    return float(log["seconds"].iloc[start]) if start < len(log) else None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--study", type=Path, required=True, help="clone that ran profiles/time_to_quality.yaml")
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--out", type=Path, default=Path("benchmarks/results/time_to_quality"))
    args = p.parse_args()
    logs = {d.parent.name: pd.read_csv(d / "train_log.csv")
            for d in sorted((args.study / "results" / args.dataset).glob("*/seed0")) if (d / "train_log.csv").exists()}
    if TUTORIAL not in logs:
        raise SystemExit(f"error: {args.study}/results/{args.dataset}/{TUTORIAL}/seed0/train_log.csv not found")
    tutorial = logs[TUTORIAL]
    if tutorial["seconds"].max() < WINDOW_S:
        print(f"warning: the tutorial recipe trained only {tutorial['seconds'].max():.0f} s < {WINDOW_S:.0f} s")
    threshold = float(tutorial.loc[tutorial["seconds"] <= WINDOW_S, "fid"].min())
    tutorial_s = seconds_to(tutorial, threshold)

    rows = []
    for name, log in logs.items():
        reached = seconds_to(log, threshold)
        rows.append({"recipe": name, "best_fid": log["fid"].min(), "trained_s": log["seconds"].max(),
                     "seconds_to_T": reached, "speedup": tutorial_s / reached if reached else None,
                     "seconds_to_stay_below_T": seconds_to_stay(log, threshold)})
    table = pd.DataFrame(rows).sort_values("seconds_to_T", na_position="last")
    print(f"T = {threshold:.1f} (best FID of '{TUTORIAL}' within {WINDOW_S:.0f} training seconds, "
          f"first reached at {tutorial_s:.0f} s)")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    fastest = table[table["recipe"] != TUTORIAL].dropna(subset=["speedup"])
    if len(fastest):
        best = fastest.iloc[0]
        verdict = "met" if best["speedup"] >= TARGET_SPEEDUP else "MISSED"
        print(f"fastest recipe: {best['recipe']} reaches T in {best['seconds_to_T']:.1f} s: "
              f"{best['speedup']:.1f}x sooner (target >= {TARGET_SPEEDUP:.0f}x: {verdict})")
    else:
        print(f"no recipe reaches T (target >= {TARGET_SPEEDUP:.0f}x: MISSED)")

    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "summary.csv", index=False, float_format="%.4g")
    for name in logs:
        shutil.copyfile(args.study / "results" / args.dataset / name / "seed0/train_log.csv", args.out / f"{name}.csv")
    plot(logs, threshold, table, args.out / "time_to_quality.png")


def plot(logs: dict[str, pd.DataFrame], threshold: float, table: pd.DataFrame, path: Path) -> None:
    """FID vs training seconds (log x) for every recipe, T as a line, the time each reaches T marked."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(9, 5.5))
    colours = dict(zip(logs, sns.color_palette("tab10", len(logs))))
    reached = table.set_index("recipe")
    for name, log in logs.items():
        seconds, speedup = reached.loc[name, "seconds_to_T"], reached.loc[name, "speedup"]
        label = f"{name} (TF tutorial recipe)" if name == TUTORIAL else name
        label += f": T at {seconds:.1f} s" + (f", {speedup:.0f}x sooner" if name != TUTORIAL else "") \
            if pd.notna(seconds) else ": never reaches T"
        ax.plot(log["seconds"], log["fid"], color=colours[name], lw=2.5 if name == TUTORIAL else 1.5, label=label)
        if pd.notna(seconds):
            ax.plot(seconds, threshold, "o", color=colours[name], ms=8, mec="black", zorder=5)
    ax.axhline(threshold, color="black", ls="--", lw=1)
    ax.axvline(WINDOW_S, color="grey", ls=":", lw=1)
    ax.set_xscale("log")
    ax.text(WINDOW_S, ax.get_ylim()[1], "10 min ", ha="right", va="top", fontsize=9, color="grey")
    ax.text(100, threshold, f"T = {threshold:.0f}: the tutorial's best within 10 min", ha="center", va="bottom", fontsize=9)
    ax.set_xlabel("training seconds (2 CPU cores, evaluation excluded)")
    ax.set_ylabel("FID in classifier features (lower is better)")
    ax.set_title("Time to quality on MNIST: dots mark the first time each recipe reaches T")
    ax.legend(fontsize=8, loc="lower right")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


if __name__ == "__main__":
    main()
