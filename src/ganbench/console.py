"""`ganbench`: the user-facing commands. The pipeline's stages stay `python scripts/<stage>.py`.

    ganbench leaderboard                # the study's results: variants as rows, headline metrics as columns
    ganbench study --hours 2            # run the study for at most 2 h; land what it prints (resumes anywhere)
    ganbench status [--check]           # landed, stale, absent or not run; --check: exit 1 on a stale record
    ganbench score --dataset mnist --samples my.npz --out my.json   # score any sample set (+ my.md)
    ganbench profile smoke              # make profiles/smoke.yaml (over default) the study: params.yaml
    ganbench sync --from dvc            # after dvc repro/checkout/pull: Snakemake agrees (or --from snakemake)
    ganbench hours                      # Snakemake's job times per stage -> results/hours.md (after a study)
    ganbench plots-diff [REV ...]       # `dvc plots diff` as PNG + self-contained HTML (works offline)
    ganbench remote [URL] [--local]     # set up the DVC remote (default ../ganbench-dvc-remote)
    ganbench dag [--check]              # regenerate dvc.yaml, the schema's name lists, the report captions and the
                                        # docs' generated blocks (or --check: exit 1 naming what is stale)
    ganbench rebuild mnist/cdcgan/0     # a landed cell's heavy outputs made again, compared with dvc.lock and git
    ganbench prove HEAD~1 mnist/cdcgan/0   # run cells at a commit and at HEAD: is the code change neutral here?
    ganbench relock                     # record proven code changes of stale stages in dvc.lock
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ganbench import cli


def _leaderboard(args: argparse.Namespace) -> None:
    from ganbench.errors import GanbenchError
    from ganbench.io import read_json
    from ganbench.reporting.leaderboard import table

    try:
        board = read_json(args.file)
    except (OSError, ValueError) as exc:
        raise GanbenchError(f"{args.file}: cannot read the leaderboard ({exc.__class__.__name__}): a study builds it "
                            "when its last cell lands (`ganbench status` says how far it is)") from None
    print(table(board, args.quality))


def _status(args: argparse.Namespace) -> int:
    from ganbench.config import load_params
    from ganbench.machine import fingerprint
    from ganbench.pipeline.status import clone_state, render
    from ganbench.pipeline.study import progress

    state = clone_state()
    print(progress(load_params(args.params), state.state, fingerprint()["class"]))
    print(render(state))
    return 1 if args.check and state.stale else 0


def _study(args: argparse.Namespace) -> None:
    from ganbench.pipeline import docs
    from ganbench.pipeline.study import run_part

    print(run_part(args.hours, args.params).report())
    docs.write(names=docs.STUDY_BLOCKS)  # where the study stands, and its hours, land with the part's records


def _score(args: argparse.Namespace) -> None:
    from ganbench.evaluation.score_file import score_files

    score_files(args.dataset, args.samples, args.out, args.params, args.allow_nonfinite)


def _profile(args: argparse.Namespace) -> None:
    from ganbench.pipeline.profiles import use_profile

    use_profile(args.name, args.params)
    print(f"{args.params} <- profiles/{args.name}.yaml")


def _sync(args: argparse.Namespace) -> int:
    from ganbench.pipeline.frontends import commit_to_dvc, touch_snakemake
    from ganbench.pipeline.hours import timed_as_job

    if args.source == "snakemake":
        with timed_as_job("sync", "dvc_commit"):  # counted in results/hours.md beside the stages' jobs
            commit_to_dvc()
        return 0
    return 0 if touch_snakemake() else 1


def _hours(args: argparse.Namespace) -> None:
    from ganbench.config import load_params
    from ganbench.pipeline.hours import missing_benchmarks, write

    params = load_params(args.params)
    written = write(params)
    if written:
        print(written)
    else:
        missing = missing_benchmarks(params)
        print(f"results/hours.md kept: {len(missing)} stage cells have no benchmark file (e.g. {missing[0]}); "
              "it sums a complete study only")


def _plots_diff(args: argparse.Namespace) -> None:
    from ganbench.errors import GanbenchError
    from ganbench.reporting.plots_diff import overlay_specs, render

    specs = overlay_specs(args.revisions, args.targets)
    if not specs:
        raise GanbenchError(f"no DVC plots found for revisions {args.revisions or ['workspace', 'HEAD']}")
    for png in render(specs, args.out):
        print(png)


def _remote(args: argparse.Namespace) -> None:
    from ganbench.pipeline.remote import configure

    configure(args.url, args.name, local=args.local)


def _dag(args: argparse.Namespace) -> int:
    from ganbench.pipeline import captions, docs, dvc_yaml, schema_enums

    if not args.check:  # the schema first: the settings page is generated from it
        print(dvc_yaml.write(), schema_enums.write(), *captions.write(), *docs.write(), sep="\n")
        return 0
    problems = [] if dvc_yaml.DVC_YAML.read_text() == dvc_yaml.render() else [str(dvc_yaml.DVC_YAML)]
    problems += [str(schema_enums.SCHEMA)] if schema_enums.stale() else []
    problems += [str(p) for p in captions.stale()]
    problems += docs.stale()
    if problems:
        print(f"{', '.join(problems)}: not what the stage table, the registries, the schema, profiles/ and the "
              "shipped records generate: run `ganbench dag`", file=sys.stderr)
    return 1 if problems else 0


def _rebuild(args: argparse.Namespace) -> int:
    from ganbench.pipeline.rebuild import rebuild

    return rebuild(args.cells)


def _prove(args: argparse.Namespace) -> int:
    from ganbench.pipeline.prove import prove

    return prove(args.old_rev, args.cells)


def _relock(args: argparse.Namespace) -> None:
    from ganbench.pipeline.relock import relock

    relock()


def build_parser() -> argparse.ArgumentParser:
    from ganbench.pipeline.remote import DEFAULT_NAME, DEFAULT_URL
    from ganbench.reporting.outputs import LEADERBOARD_JSON

    p = argparse.ArgumentParser(prog="ganbench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    board = sub.add_parser("leaderboard", help="print the study's leaderboard (results/leaderboard.json) as a table")
    board.add_argument("--file", default=LEADERBOARD_JSON, help="leaderboard JSON (default: %(default)s)")
    board.add_argument("--quality", help="the metric to sort by (default: the one the picks ranked by)")
    board.set_defaults(run=_leaderboard)
    status = cli.add_stage_flags(sub.add_parser("status", help="cells landed and left; landed records current or "
                                                             "stale, heavy outputs absent, stages not run"), dataset=False)
    status.add_argument("--check", action="store_true", help="exit 1 if a landed record is stale (CI)")
    status.set_defaults(run=_status)
    study = cli.add_stage_flags(sub.add_parser("study", help="run the study's pending cells for at most --hours, "
                                                           "then print what to land"), dataset=False)
    study.add_argument("--hours", type=float, required=True, help="the part's time box: no cell starts that would "
                                                                  "not end by then")
    study.set_defaults(run=_study)
    score = cli.add_stage_flags(sub.add_parser("score", help="score a sample set (.npz) in the pipeline's classifier"))
    score.add_argument("--samples", required=True, nargs="+", help=".npz with x (and optionally labels y)")
    score.add_argument("--out", required=True, nargs="+", help="metrics JSON per sample file (a Markdown table beside it)")
    score.add_argument("--allow-nonfinite", action="store_true", help="record NaN/inf samples as diverged")
    score.set_defaults(run=_score)
    profile = cli.add_stage_flags(sub.add_parser("profile", help="make a profile the study (writes params.yaml)"),
                                  dataset=False)
    profile.add_argument("name", help="a file in profiles/ (without .yaml)")
    profile.set_defaults(run=_profile)
    sync = sub.add_parser("sync", help="bring one front end's bookkeeping in step with the other's work")
    sync.add_argument("--from", dest="source", choices=["snakemake", "dvc"], required=True,
                      help="the front end that did the work")
    sync.set_defaults(run=_sync)
    hours = cli.add_stage_flags(sub.add_parser("hours", help="sum Snakemake's job accounting per stage into "
                                                             "results/hours.md"), dataset=False)
    hours.set_defaults(run=_hours)
    plots = sub.add_parser("plots-diff", help="`dvc plots diff` as PNG and self-contained HTML")
    plots.add_argument("revisions", nargs="*", help="git revisions or experiment names (default: workspace vs HEAD)")
    plots.add_argument("--targets", nargs="*", help="plot files or names from dvc.yaml (default: all)")
    plots.add_argument("--out", type=Path, default=Path("results/plots_diff"), help="output folder")
    plots.set_defaults(run=_plots_diff)
    remote = sub.add_parser("remote", help="set up the DVC remote for dvc push / pull")
    remote.add_argument("url", nargs="?", default=DEFAULT_URL, help="directory, s3://, gs:// or ssh:// URL")
    remote.add_argument("--name", default=DEFAULT_NAME)
    remote.add_argument("--local", action="store_true", help="write .dvc/config.local (this clone only)")
    remote.set_defaults(run=_remote)
    dag = sub.add_parser("dag", help="regenerate dvc.yaml, the schema's name lists, the report captions and the "
                                     "docs' generated blocks")
    dag.add_argument("--check", action="store_true", help="only check that they are current (exit 1 naming the "
                                                          "stale files and blocks)")
    dag.set_defaults(run=_dag)
    rebuild = sub.add_parser("rebuild", help="make landed cells' heavy outputs again; compare them with dvc.lock "
                                             "(exit 1 if any differs)")
    rebuild.add_argument("cells", nargs="+", metavar="DATASET/VARIANT/SEED")
    rebuild.set_defaults(run=_rebuild)
    prove = sub.add_parser("prove", help="run cells at OLD_REV and at HEAD in worktrees; write the proof "
                                         "(exit 1 if any output differs)")
    prove.add_argument("old_rev", metavar="OLD_REV", help="the commit to compare HEAD with")
    prove.add_argument("cells", nargs="+", metavar="DATASET/VARIANT/SEED")
    prove.set_defaults(run=_prove)
    sub.add_parser("relock", help="record in dvc.lock the code of stale stages whose change a proof covers").set_defaults(
        run=_relock)
    return p


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    cli.main(lambda: args.run(args))
