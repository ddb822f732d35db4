"""Where the hours go: Snakemake's own accounting of every job, summed per stage.

Every rule has a `benchmark:` file (logs/benchmarks/<stage>/<cell>.tsv: wall seconds, peak RSS, CPU
seconds of the job's processes, written by Snakemake). They are timing, not results, so they stay
out of DVC's outputs and out of every stage's inputs; `ganbench hours` (run by the Snakefile's
`onsuccess:` after a study) sums them per stage (and the training per variant) into results/hours.md and results/hours.csv,
with the wall time of the Snakemake run that just finished (from the stamp `onstart:` writes).
It rewrites them only when every stage cell of the study has its benchmark file: a run that did
part of the work (one variant rerun) leaves the accounting of the last complete study in place. A
`snakemake --touch` run (`ganbench sync --from dvc`) does no work, so the Snakefile's hooks skip it:
no run start, no DVC commit, no hours.
"""
from __future__ import annotations

import contextlib
import resource
import time
from pathlib import Path
from typing import Iterator

import pandas as pd

from ganbench.io import atomic_path

BENCHMARKS = Path("logs/benchmarks")
STARTED = Path("logs/run_started")  # written by the Snakefile's onstart: epoch seconds
HOURS_MD, HOURS_CSV = Path("results/hours.md"), Path("results/hours.csv")


@contextlib.contextmanager
def timed_as_job(stage: str, name: str, root: Path = Path(".")) -> Iterator[None]:
    """Time a piece of bookkeeping that is not a Snakemake job (the DVC commit after a study) and write
    it as a benchmark file of its own, so that results/hours.md counts it too: logs/benchmarks/<stage>/<name>.tsv."""
    started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    yield
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    path = root / BENCHMARKS / stage / f"{name}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(f"s\tmax_rss\tcpu_time\n{time.perf_counter() - started:.4f}\t{after.ru_maxrss / 1024:.2f}\t"
                       f"{cpu_seconds:.2f}\n")


def read_jobs(paths: list[Path]) -> pd.DataFrame:
    """One row per job: stage, cell, seconds, max_rss (MB), cpu_time (s), from the benchmark files
    `paths` (logs/benchmarks/<stage>/<cell>.tsv)."""
    rows = []
    for tsv in paths:
        table = pd.read_csv(tsv, sep="\t")
        if table.empty:
            continue
        last = table.iloc[-1]  # `--benchmark-repeats` would add rows; the last is the job as run
        cell = tsv.parts[tsv.parts.index("benchmarks") + 1:]
        rows.append({"stage": cell[0], "cell": str(Path(*cell).with_suffix("")), "seconds": float(last["s"]),
                     "max_rss_mb": pd.to_numeric(last.get("max_rss"), errors="coerce"),
                     "cpu_seconds": pd.to_numeric(last.get("cpu_time"), errors="coerce")})
    return pd.DataFrame(rows, columns=["stage", "cell", "seconds", "max_rss_mb", "cpu_seconds"])


def study_benchmarks(params: dict, root: Path = Path(".")) -> list[Path]:
    """The benchmark files of the study's stage cells (over params' grid), whether they exist or not,
    and the bookkeeping timed as a job of its own (logs/benchmarks/sync/)."""
    from snakemake.io import expand

    from ganbench.pipeline import snakemake_glue as glue
    from ganbench.pipeline.stages import STAGES

    values = glue.grid(params)
    cells = [root / path for stage in STAGES
             for path in expand(glue.benchmark(stage), **{w: values[w] for w in stage.matrix})]
    return cells + sorted((root / BENCHMARKS / "sync").glob("*.tsv"))


def per_stage(jobs: pd.DataFrame) -> pd.DataFrame:
    """Jobs, total and mean wall seconds, share of all job seconds, peak RSS and cores busy per stage,
    the costliest stage first."""
    table = jobs.groupby("stage").agg(jobs=("cell", "count"), seconds=("seconds", "sum"),
                                      mean_seconds=("seconds", "mean"), max_rss_mb=("max_rss_mb", "max"),
                                      cpu_seconds=("cpu_seconds", "sum"))
    table["share"] = table["seconds"] / table["seconds"].sum()
    table["cores_busy"] = table["cpu_seconds"] / table["seconds"]
    return table.sort_values("seconds", ascending=False)


def training_per_variant(jobs: pd.DataFrame) -> pd.DataFrame:
    """The training jobs (cells train/<dataset>/<variant>/<seed>) summed per variant: runs, total and mean
    wall seconds, share of all training; the costliest first. Where a study's hours go is mostly here."""
    train = jobs[jobs["stage"] == "train"].assign(variant=lambda j: j["cell"].str.split("/").str[2])
    table = train.groupby("variant").agg(runs=("cell", "count"), seconds=("seconds", "sum"),
                                         mean_seconds=("seconds", "mean"))
    table["share"] = table["seconds"] / table["seconds"].sum()
    return table.sort_values("seconds", ascending=False)


def render(table: pd.DataFrame, wall_seconds: float | None, variants: pd.DataFrame | None = None) -> str:
    total = table["seconds"].sum()
    lines = ["# Where the hours go", "",
             "Snakemake's job accounting (`benchmark:` files in logs/benchmarks/), summed per stage over the jobs "
             "whose outputs the study holds (a job rerun later counts once, at its last run). Job seconds add up "
             "across jobs that ran side by side, so their sum can exceed the wall time.", ""]
    if wall_seconds is not None:
        lines += [f"Wall time of the last Snakemake run, to the end of its bookkeeping: {wall_seconds / 60:.1f} min.", ""]
    lines += ["| stage | jobs | job time | mean per job | share | cores busy | peak RSS |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for stage, row in table.iterrows():
        lines.append(f"| {stage} | {int(row.jobs)} | {row.seconds / 60:.1f} min | {row.mean_seconds:.1f} s | "
                     f"{100 * row.share:.1f} % | {row.cores_busy:.2f} | {row.max_rss_mb:.0f} MB |")
    lines.append(f"| all | {int(table['jobs'].sum())} | {total / 60:.1f} min | | 100 % | | |")
    if variants is not None and len(variants):
        lines += ["", "Training per variant (every dataset and seed):", "",
                  "| variant | runs | job time | mean per run | share of training |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {name} | {int(row.runs)} | {row.seconds / 60:.1f} min | {row.mean_seconds:.0f} s | "
                  f"{100 * row.share:.1f} % |" for name, row in variants.iterrows()]
    return "\n".join(lines) + "\n"


def missing_benchmarks(params: dict, root: Path = Path(".")) -> list[str]:
    """The study's stage cells that have no benchmark file under `root` (relative paths)."""
    return [str(p.relative_to(root)) for p in study_benchmarks(params, root)
            if not p.is_file() and p.parent.name != "sync"]


def write(params: dict, root: Path = Path(".")) -> Path | None:
    """Write results/hours.md and .csv from the benchmark files under `root` if every stage cell of
    the study has one; returns the .md path, or None (nothing written) when some are missing."""
    if missing_benchmarks(params, root):
        return None
    jobs = read_jobs([p for p in study_benchmarks(params, root) if p.is_file()])
    table = per_stage(jobs)
    stamp = root / STARTED
    wall = time.time() - float(stamp.read_text()) if stamp.is_file() else None
    with atomic_path(root / HOURS_CSV) as tmp:
        table.to_csv(tmp, float_format="%.6g")
    with atomic_path(root / HOURS_MD) as tmp:
        tmp.write_text(render(table, wall, training_per_variant(jobs)))
    return root / HOURS_MD
