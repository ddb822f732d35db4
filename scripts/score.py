"""Score any sample set against a dataset's reference split in the pipeline's classifier.

    python scripts/score.py --dataset mnist --samples X.npz --out metrics.json   (= `ganbench score ...`)

writes metrics.json and, for people, the same as a Markdown table beside it (metrics.md); several
--samples files take as many --out files, in order, scored with the classifier loaded once.
X.npz holds `x` (float32 in [-1,1], (N,28,28,1), or uint8 (N,28,28)) and optionally labels `y`.
"""
from ganbench import cli
from ganbench.evaluation.score_file import score_files


def run() -> None:
    p = cli.parser(__doc__)
    p.add_argument("--samples", required=True, nargs="+", help=".npz with x (and optionally y)")
    p.add_argument("--out", required=True, nargs="+", help="metrics JSON to write per sample file (its .md beside it)")
    p.add_argument("--allow-nonfinite", action="store_true",
                   help="record a set with NaN/inf samples as diverged instead of failing (the pipeline does)")
    args = p.parse_args()
    score_files(args.dataset, args.samples, args.out, args.params, args.allow_nonfinite)


if __name__ == "__main__":
    cli.main(run)
