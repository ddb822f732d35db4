"""The metric registry: every figure the study reports about a run, once, with how to show and rank it.

One entry per figure (quality metrics from scoring, and what a run cost), read by every table and
figure that shows them: the Markdown table beside each metrics.json (`evaluation.score_table`), the
study table and its seed means (`reporting.summary`), the picks (`reporting.picks`, which rank by
`report.quality`), the report's variant table, the leaderboard (the DVC metrics) and the scores
figure. The params schema's `report.quality` enum is generated from the rankable entries
(`ganbench dag`). Adding a metric is: compute it (`evaluation/metrics/`), put it in the score
(`evaluation.scoring.score`), and one entry here.

`source` says where a run's value comes from: "score" (the top level of metrics.json, the generator at
the full budget), "home" (metrics_home.json, at the home budget; the key without its `home_`),
"per_class" (a mean over classes of metrics.json's per_class block, `reporting.summary`), "train"
(train.json), "profile" (the variant's results/profile/<variant>.json) or "derived" (from the
others, `reporting.summary`). `timing` marks what the machine that ran a job measured (seconds, rates,
memory, cores busy): it differs between two runs of the same code, so the study tables keep it apart
(results/timing/) and two runs of a study give byte-identical summaries and leaderboards.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """`lower_is_better`: True / False, or None for a cost or a count that is neither good nor bad;
    `digits`: decimals shown; `scale` and `unit` for display (parameters in millions); `leaderboard`:
    in the DVC leaderboard; `plotted`: a panel of the scores figure; `table`: a column of the report's
    variant table; `home_shown`: its value at the home budget is in the leaderboard and the report's table too
    (every rankable score metric has a `home_<key>` entry, for the home pick, `home_entries`)."""

    key: str
    label: str
    lower_is_better: bool | None
    digits: int
    source: str
    leaderboard: bool = False
    plotted: bool = False
    table: bool = False
    scale: float = 1.0
    unit: str = ""
    home_shown: bool = False
    timing: bool = False

    @property
    def rankable(self) -> bool:
        """A quality figure the picks may rank by (params `report.quality`)."""
        return self.lower_is_better is not None and self.source in ("score", "per_class")

    def direction(self) -> str:
        return {True: "lower is better", False: "higher is better", None: ""}[self.lower_is_better]

    def format(self, value: float | None) -> str:
        """`value` for people: scaled, with `digits` decimals and the unit; 'n/a' when missing."""
        if value is None or value != value:  # None or NaN
            return "n/a"
        return f"{value * self.scale:.{self.digits}f}{self.unit}"


METRICS: tuple[Metric, ...] = (
    Metric("fid", "FID", True, 2, "score", leaderboard=True, plotted=True, table=True, home_shown=True),
    Metric("kid_mean", "KID", True, 4, "score", table=True),
    Metric("kid_std", "KID std over subsets", None, 4, "score"),
    Metric("kid_se", "KID standard error", None, 4, "score"),
    Metric("classifier_score", "classifier score (max 10)", False, 2, "score", plotted=True),
    Metric("precision", "precision", False, 3, "score", leaderboard=True, plotted=True, table=True),
    Metric("recall", "recall", False, 3, "score", leaderboard=True, plotted=True, table=True),
    Metric("density", "density", False, 3, "score", plotted=True),
    Metric("coverage", "coverage", False, 3, "score", plotted=True),
    Metric("classes_covered", "classes", False, 0, "score"),
    Metric("kl_to_uniform", "KL to uniform", True, 3, "score"),
    Metric("conditional_accuracy", "conditional accuracy", False, 3, "score"),
    Metric("intra_fid_mean_by_label", "intra-FID (label)", True, 2, "per_class"),
    Metric("intra_fid_mean_by_predicted", "intra-FID (pred.)", True, 2, "per_class", table=True),
    Metric("class_recall_mean_by_label", "class recall (label)", False, 3, "per_class"),
    Metric("class_recall_mean_by_predicted", "class recall (pred.)", False, 3, "per_class"),
    Metric("class_coverage_mean_by_label", "class coverage (label)", False, 3, "per_class"),
    Metric("class_coverage_mean_by_predicted", "class coverage (pred.)", False, 3, "per_class"),
    Metric("train_gflop", "train GFLOP", None, 0, "train", leaderboard=True, table=True),
    Metric("train_seconds", "train s", None, 0, "train", table=True, timing=True),
    Metric("steps_done", "steps", None, 0, "train", table=True),
    Metric("home_gflop", "home GFLOP", None, 0, "train"),
    Metric("home_seconds", "home s", None, 0, "train", timing=True),
    Metric("cores_busy", "cores busy", None, 2, "train", timing=True),
    Metric("peak_rss_mb", "peak MB (train)", None, 0, "train", timing=True),
    Metric("generator_params", "G params", None, 2, "profile", leaderboard=True, table=True, scale=1e-6, unit=" M"),
    Metric("discriminator_params", "D params", None, 2, "profile", scale=1e-6, unit=" M"),
    Metric("generator_mflops_per_image", "G MFLOP/img", None, 1, "profile", table=True),
    Metric("train_step_gflops", "GFLOP/step", None, 2, "profile"),
    Metric("latency_ms_median", "G ms/img", None, 2, "profile", timing=True),
    Metric("latency_ms_p95", "G ms/img p95", None, 2, "profile", timing=True),
    Metric("throughput_images_per_s", "G img/s", None, 0, "profile", timing=True),
    Metric("train_step_seconds", "s/step", None, 4, "derived", timing=True),
    Metric("train_achieved_gflops_per_s", "achieved GFLOP/s", None, 1, "derived", timing=True),
)


def home_entries(metrics: tuple[Metric, ...]) -> tuple[Metric, ...]:
    """`home_<key>` for every rankable score metric: its value for the generator at the home budget
    (metrics_home.json), which the home pick ranks by."""
    return tuple(Metric(f"home_{m.key}", f"{m.label} at the home budget", m.lower_is_better, m.digits, "home",
                        leaderboard=m.home_shown, table=m.home_shown)
                 for m in metrics if m.rankable and m.source == "score")


METRICS = METRICS + home_entries(METRICS)
BY_KEY = {m.key: m for m in METRICS}


def metric(key: str) -> Metric:
    return BY_KEY[key]


def keys(source: str) -> tuple[str, ...]:
    """The keys whose values come from `source`, in registry order."""
    return tuple(m.key for m in METRICS if m.source == source)


def timing() -> tuple[str, ...]:
    """The keys the machine that ran a job measured (`Metric.timing`), in registry order."""
    return tuple(m.key for m in METRICS if m.timing)


def rankable() -> list[str]:
    """The keys params `report.quality` may name: whole-set scores, which also have a `home_` entry
    for the home pick (the schema's enum is generated from this)."""
    return [m.key for m in METRICS if m.rankable and m.source == "score"]
