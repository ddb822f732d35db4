"""Where the hours go: Snakemake's benchmark files summed per stage, written only for a complete study and
only after a Snakemake run that did the work."""
import yaml
from helpers import REPO, snakemake

from ganbench.pipeline import hours
from ganbench.pipeline.profiles import materialise

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def write_benchmark(root, path, seconds, rss=500.0, cpu=None):
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(HEADER + f"{seconds}\t0:00:01\t{rss}\t0\t0\t0\t0\t0\t0\t{cpu or seconds}\n")


def test_jobs_are_summed_per_stage_and_only_a_complete_study_is_written(tmp_path):
    params = yaml.safe_load(materialise("smoke", REPO / "profiles"))
    missing = hours.missing_benchmarks(params, tmp_path)
    assert "logs/benchmarks/train/mnist/dcgan_ns/seed0.tsv" in missing and "logs/benchmarks/report/report.tsv" in missing
    for i, path in enumerate(missing):
        write_benchmark(tmp_path, path, 10.0 if "/train/" in path else 1.0, rss=100.0 + i)
    write_benchmark(tmp_path, "logs/benchmarks/sync/dvc_commit.tsv", 30.0)  # bookkeeping, timed as a job of its own
    assert hours.missing_benchmarks(params, tmp_path) == []
    write_benchmark(tmp_path, "logs/benchmarks/train/mnist/gone_variant/seed0.tsv", 99.0)  # not in the study
    table = hours.per_stage(hours.read_jobs([p for p in hours.study_benchmarks(params, tmp_path) if p.is_file()]))
    assert table.loc["train", "jobs"] == 4 and table.loc["train", "seconds"] == 40.0
    assert list(table.index[:2]) == ["train", "sync"]  # the costliest first
    assert hours.write(params, tmp_path) == tmp_path / hours.HOURS_MD
    text = (tmp_path / hours.HOURS_MD).read_text()
    assert "| train | 4 | 0.7 min | 10.0 s |" in text and "| sync | 1 |" in text
    assert "| dcgan_ns | 2 | 0.3 min | 10 s | 50.0 % |" in text  # training per variant: two datasets, one seed


def test_a_partial_run_leaves_the_last_accounting_in_place(tmp_path):
    params = yaml.safe_load(materialise("smoke", REPO / "profiles"))
    write_benchmark(tmp_path, "logs/benchmarks/train/mnist/dcgan_ns/seed0.tsv", 10.0)
    (tmp_path / "results").mkdir()
    (tmp_path / hours.HOURS_MD).write_text("the last complete study\n")
    assert hours.write(params, tmp_path) is None
    assert (tmp_path / hours.HOURS_MD).read_text() == "the last complete study\n"


def test_a_touch_or_dry_run_stamps_nothing_and_leaves_dvc_and_the_accounting_alone(repo_copy):
    """`snakemake --touch` (what `ganbench sync --from dvc` runs) marks outputs current in seconds: its hooks
    neither stamp a run start nor run the DVC commit and `ganbench hours`, which would write its seconds of
    bookkeeping into the last study's hours.md as that study's wall time. A dry run calls no hook either."""
    root = repo_copy("touch", profile="smoke")
    for output in ("data/mnist/data.npz", "data/mnist/card.json"):  # fetch_data's outputs, as `dvc pull` leaves them
        (root / output).parent.mkdir(parents=True, exist_ok=True)
        (root / output).write_text("")
    (root / "results").mkdir()
    (root / hours.HOURS_MD).write_text("the last complete study\n")
    for flag in ("--dry-run", "--touch"):
        log = snakemake(root, "--cores", "1", "--forcerun", "fetch_data", flag, "data/mnist/data.npz")
    assert "1 of 1 steps (100%) done" in log  # the touch job ran (the forced fetch_data); its hooks did not
    assert not (root / hours.STARTED).exists() and not (root / hours.BENCHMARKS / "sync").exists()
    assert (root / hours.HOURS_MD).read_text() == "the last complete study\n"
