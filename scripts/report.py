"""Merge the per-dataset summaries into results/summary.csv and results/summary.json, and write
results/report.md: per dataset the home pick (best quality within params.yaml's home budget) and
the data-centre pick (best at any cost), with mean +- std over seeds and a table."""
import pandas as pd

from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.io import atomic_path, read_json, write_json
from ganbench.report import render


def run() -> None:
    args = cli.parser(__doc__, dataset=False).parse_args()
    params = load_params(args.params)
    runs = pd.concat([pd.read_csv(paths.dataset_summary(d, "csv")) for d in params["datasets"]], ignore_index=True)
    summary = {d: read_json(paths.dataset_summary(d, "json"))[d] for d in params["datasets"]}
    with atomic_path(paths.SUMMARY_CSV) as tmp:
        runs.to_csv(tmp, index=False, float_format="%.6g")
    write_json(paths.SUMMARY_JSON, summary)
    with atomic_path(paths.REPORT_MD) as tmp:
        tmp.write_text(render(summary, runs, params["report"], params) + "\n")


if __name__ == "__main__":
    cli.main(run)
