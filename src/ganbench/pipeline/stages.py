"""The pipeline's stages, declared once. Both front ends come from this table:

- `dvc.yaml` is generated from it (`ganbench dag`, `ganbench.pipeline.dvc_yaml`) and committed; a test
  regenerates it and fails on any difference;
- the Snakemake rules (`rules/stages.smk`) are created from it in a loop when the Snakefile loads.

A stage is one command, `python scripts/<name>.py <args>`, run once per cell of its matrix
(datasets x variants x seeds, or a subset). Its dependencies are the files it reads (`inputs`,
path templates from `ganbench.paths`), its code (the script and its import closure,
`ganbench.pipeline.codedeps`), and the params keys it reads (`params`, dotted; `{variant}` is the cell's
variant), which is what makes editing one variant rerun only that variant's cells. `gathers` are
inputs over every variant and seed (or dataset) of the study: Snakemake lists the files, DVC depends
on their directory (its matrix cannot list a params-dependent set of files).
"""
from __future__ import annotations

from dataclasses import dataclass

from ganbench import paths
from ganbench.reporting import outputs
from ganbench.reporting.figures import FIGURES
from ganbench.reporting.picks import ROLES

DATASET, VARIANT, SEED = "dataset", "variant", "seed"
RUN = paths.RUN


@dataclass(frozen=True)
class Output:
    """A declared output. `kind`: "out" (DVC-cached), "metric" or "plot" (DVC metrics / plots);
    `cache=False` keeps a small file in git; `plot` holds DVC plot properties (x, y);
    `report`: the file goes into `snakemake --report`, with report/<caption>.rst as its caption;
    `directory`: the output is a directory (Snakemake's `directory()`)."""

    path: str
    kind: str = "out"
    cache: bool = True
    plot: dict | None = None
    report: bool = False
    caption: str | None = None
    directory: bool = False


@dataclass(frozen=True)
class Gather:
    """Input `path` expanded over `over` (wildcards) for every value in the study; `rows` says which
    variants: "trained" (the grid), "all" (the grid and the real-data row)."""

    path: str
    over: tuple[str, ...]
    rows: str = "trained"


@dataclass(frozen=True)
class Stage:
    """`runs` names the script when it is not the stage's own (score_real runs scripts/score.py)."""

    name: str
    matrix: tuple[str, ...]
    args: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[Output, ...] = ()
    params: tuple[str, ...] = ()
    gathers: tuple[Gather, ...] = ()
    runs: str | None = None

    @property
    def script(self) -> str:
        return f"scripts/{self.runs or self.name}.py"

    @property
    def command(self) -> str:
        """The command with `{dataset}`-style placeholders for the cell's values."""
        return f"python {self.script} {self.args}".strip()


def _run_file(name: str, run: str = RUN) -> str:
    return f"{run}/{name}"


def _artifact(name: str, run: str = paths.ARTIFACTS) -> str:
    return f"{run}/{name}"


CELL_ARGS = "--dataset {dataset} --variant {variant} --seed {seed}"
VARIANT_PARAMS = ("variants.{variant}", "variant_defaults")
SAMPLES, SAMPLES_HOME = _artifact("samples.npz"), _artifact("samples_home.npz")
REAL_SAMPLES = _artifact("samples.npz", paths.REAL_ARTIFACTS)

STAGES: tuple[Stage, ...] = (
    Stage("fetch_data", (DATASET,), "--dataset {dataset}",
          outputs=(Output(paths.DATA_NPZ), Output(paths.DATA_CARD, cache=False)), params=("data",)),
    Stage("train_classifier", (DATASET,), "--dataset {dataset}", inputs=(paths.DATA_NPZ,),
          outputs=(Output(paths.CLASSIFIER_MODEL, cache=False), Output(paths.CLASSIFIER_METRICS, cache=False)),
          params=("classifier",)),
    Stage("real_samples", (DATASET, SEED), "--dataset {dataset} --seed {seed}", inputs=(paths.DATA_NPZ,),
          outputs=(Output(REAL_SAMPLES), Output(_run_file("grid.png", paths.REAL_RUN), "plot", cache=False)),
          params=("eval.samples",)),
    Stage("train", (DATASET, VARIANT, SEED), CELL_ARGS, inputs=(paths.DATA_NPZ, paths.CLASSIFIER_MODEL),
          outputs=(Output(_artifact("generator.keras")), Output(_artifact("generator_home.keras")),
                   Output(_run_file("train.json"), cache=False),
                   Output(_run_file("train_log.csv"), "plot", cache=False, plot={"x": "gflop", "y": "fid"}),
                   Output(_run_file("frames"), cache=False, directory=True), Output(_artifact("progress.gif"))),
          params=(*VARIANT_PARAMS, "budget", "eval.latent_seed", "eval.reference")),
    Stage("generate", (DATASET, VARIANT, SEED), CELL_ARGS,
          inputs=(_artifact("generator.keras"), _artifact("generator_home.keras")),
          outputs=(Output(SAMPLES), Output(SAMPLES_HOME), Output(_run_file("grid.png"), "plot", cache=False)),
          params=("eval.samples", "eval.latent_seed")),
    Stage("score", (DATASET, VARIANT, SEED),  # the generator at the full budget and at the home budget
          f"--dataset {{dataset}} --samples {SAMPLES} {SAMPLES_HOME} "
          f"--out {_run_file('metrics.json')} {_run_file('metrics_home.json')} --allow-nonfinite",
          inputs=(SAMPLES, SAMPLES_HOME, paths.DATA_NPZ, paths.CLASSIFIER_MODEL),
          outputs=(Output(_run_file("metrics.json"), cache=False), Output(_run_file("metrics.md"), cache=False),
                   Output(_run_file("metrics_home.json"), cache=False),
                   Output(_run_file("metrics_home.md"), cache=False)),
          params=("eval",)),
    Stage("score_real", (DATASET, SEED),  # the real-data row, scored by the same command as a variant
          f"--dataset {{dataset}} --samples {REAL_SAMPLES} "
          f"--out {_run_file('metrics.json', paths.REAL_RUN)} --allow-nonfinite",
          inputs=(REAL_SAMPLES, paths.DATA_NPZ, paths.CLASSIFIER_MODEL),
          outputs=(Output(_run_file("metrics.json", paths.REAL_RUN), cache=False),
                   Output(_run_file("metrics.md", paths.REAL_RUN), cache=False)), params=("eval",),
          runs="score"),
    Stage("profile", (VARIANT,), "--variant {variant}",  # a property of the variant, not of a run
          outputs=(Output(paths.PROFILE_JSON, cache=False),), params=VARIANT_PARAMS),
    Stage("summarize", (DATASET,), "--dataset {dataset}",
          gathers=(Gather(_run_file("metrics.json"), (VARIANT, SEED), rows="all"),
                   Gather(_run_file("metrics_home.json"), (VARIANT, SEED)),
                   Gather(_run_file("train.json"), (VARIANT, SEED)),
                   Gather(_run_file("train_log.csv"), (VARIANT, SEED)),
                   Gather(paths.PROFILE_JSON, (VARIANT,))),
          outputs=tuple(Output(path, cache=False) for path in (outputs.DATASET_SUMMARY_CSV, outputs.DATASET_SUMMARY_JSON,
                                                               outputs.DATASET_TIMING_CSV, outputs.DATASET_TIMING_JSON)),
          params=("variants", "seeds", "report.thresholds")),
    Stage("pick", (DATASET,), "--dataset {dataset}", inputs=(outputs.DATASET_SUMMARY_CSV,),
          gathers=(Gather(_run_file("frames"), (VARIANT, SEED)),),
          outputs=(Output(outputs.PICKS_JSON, cache=False),
                   *(Output(outputs.PICK_GIF.replace("{role}", role), cache=False, report=True, caption=f"pick_{role}")
                     for role in ROLES)),
          params=("report", "seeds", "budget", "variants")),
    Stage("report", (), "",
          gathers=tuple(Gather(path, (DATASET,)) for path in (outputs.DATASET_SUMMARY_CSV, outputs.DATASET_SUMMARY_JSON,
                                                              outputs.DATASET_TIMING_CSV, outputs.DATASET_TIMING_JSON,
                                                              outputs.PICKS_JSON)),
          outputs=(Output(outputs.SUMMARY_CSV, cache=False), Output(outputs.SUMMARY_JSON, cache=False),
                   Output(outputs.TIMING_CSV, cache=False), Output(outputs.TIMING_JSON, cache=False),
                   Output(outputs.LEADERBOARD_JSON, "metric", cache=False),
                   Output(outputs.REPORT_MD, cache=False, report=True), Output(outputs.REPORT_FRONT, cache=False)),
          params=("datasets", "seeds", "variants", "variant_defaults", "budget", "eval.samples", "report")),
    Stage("plot", (DATASET,), "--dataset {dataset}", inputs=(outputs.DATASET_SUMMARY_CSV, outputs.DATASET_TIMING_CSV),
          gathers=(Gather(_run_file("train_log.csv"), (VARIANT, SEED)), Gather(_run_file("frames"), (VARIANT, SEED)),
                   Gather(_run_file("grid.png"), (VARIANT, SEED), rows="all")),
          outputs=tuple(Output(outputs.PLOT.replace("{name}", fig.name), "plot", cache=False, report=True,
                               caption=f"figures/{fig.name}") for fig in FIGURES),
          params=("variants", "variant_defaults", "seeds", "budget", "report")),
)


def stage(name: str) -> Stage:
    return next(s for s in STAGES if s.name == name)
