"""Pipeline overhead and memory, on the finished study in the current directory.

    python benchmarks/pipeline_overhead.py

Prints (targets from issue 9):
  - `dvc status` and `snakemake -n` wall time with everything up to date (<= 2 s, <= 5 s),
  - data fetch + verify + normalize of both datasets from the offline sources into a temporary
    directory (<= 60 s; the raw download cache ~/.cache/ganbench is used when present),
  - peak RSS of one training job (max over the study's train.json) and of a scoring run of a
    study sample set (<= 2 GiB each).
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ganbench.data.fetch import fetch_dataset

GIB_MB = 1024


def timed(cmd: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - started, (done.stdout + done.stderr).strip().splitlines()[-1:]


def child_peak_rss_mb(cmd: list[str]) -> float:
    """Peak RSS (MiB) of `cmd` alone: measured by a fresh interpreter that runs only that child."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    return float(subprocess.run([sys.executable, "-c", probe, *cmd], check=True, capture_output=True,
                                text=True).stdout.split()[-1])


def main() -> None:
    for cmd, target in ((["dvc", "status"], 2.0), (["snakemake", "-n", "--quiet"], 5.0)):
        seconds, last = timed(cmd)
        print(f"{' '.join(cmd):24s} {seconds:6.2f} s (target <= {target:.0f} s) | {last[0] if last else ''}")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        for name in ("mnist", "fashion"):
            fetch_dataset(name, Path(tmp) / name)
        print(f"{'fetch + verify both':24s} {time.perf_counter() - started:6.2f} s (target <= 60 s)")
    train_rss = [json.loads(p.read_text()).get("peak_rss_mb") for p in Path("results").glob("*/*/seed*/train.json")]
    train_rss = [r for r in train_rss if r]
    if train_rss:
        print(f"{'training peak RSS':24s} {max(train_rss) / GIB_MB:6.2f} GiB max over {len(train_rss)} jobs (target <= 2)")
    samples = sorted(p for p in Path("results").glob("*/*/seed0/samples.npz") if p.parts[2] != "real")
    if samples:
        dataset = samples[0].parts[1]
        with tempfile.TemporaryDirectory() as tmp:
            rss = child_peak_rss_mb([sys.executable, "scripts/score.py", "--dataset", dataset, "--samples",
                                     str(samples[0]), "--out", str(Path(tmp) / "metrics.json")]) / GIB_MB
        print(f"{'scoring peak RSS':24s} {rss:6.2f} GiB for {samples[0]} (target <= 2)")


if __name__ == "__main__":
    main()
