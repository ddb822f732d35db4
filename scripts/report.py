"""Merge the per-dataset summaries into results/summary.csv and results/summary.json (their timing
columns into results/timing.csv and .json), write the leaderboard (results/leaderboard.json, the study's
DVC metrics), results/report.md (per dataset the home AI and enterprise AI picks (results/picks/) with
their evidence, the time-to-threshold table, every variant's scores and the loss ranking) and the HTML
report's front page (results/report_front.rst: the picks, then the ladders)."""
import pandas as pd

from ganbench import cli
from ganbench.config import load_params
from ganbench.io import atomic_path, read_json, write_json
from ganbench.reporting import leaderboard, outputs, summary
from ganbench.reporting.picks import ROLES, from_record
from ganbench.reporting.report import front_page, render


def run() -> None:
    args = cli.parser(__doc__, dataset=False).parse_args()
    params = load_params(args.params)
    runs = pd.concat([summary.read_runs(d) for d in params["datasets"]], ignore_index=True)
    figures = {d: summary.read_figures(d) for d in params["datasets"]}
    chosen = {d: {role: from_record(read_json(outputs.picks_json(d))[role]) for role in ROLES} for d in params["datasets"]}
    for table, path in zip(summary.split(runs), (outputs.SUMMARY_CSV, outputs.TIMING_CSV)):
        with atomic_path(path) as tmp:
            table.to_csv(tmp, index=False, float_format=summary.FLOAT_FORMAT)
    for part, path in zip(summary.split_figures(figures), (outputs.SUMMARY_JSON, outputs.TIMING_JSON)):
        write_json(path, part)
    write_json(outputs.LEADERBOARD_JSON, leaderboard.build(figures, chosen, params["report"]["quality"]))
    with atomic_path(outputs.REPORT_MD) as tmp:
        tmp.write_text(render(figures, runs, chosen, params) + "\n")
    with atomic_path(outputs.REPORT_FRONT) as tmp:
        tmp.write_text(front_page(figures, runs, chosen, params))


if __name__ == "__main__":
    cli.main(run)
