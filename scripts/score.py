"""Score any sample set against a dataset's reference split in the pipeline's classifier.

    python scripts/score.py --dataset mnist --samples X.npz --out metrics.json

writes metrics.json and, for people, the same as a Markdown table (metrics.md, `--out` with .md).
X.npz holds `x` (float32 in [-1,1], (N,28,28,1), or uint8 (N,28,28)) and optionally labels `y`.
The embedded reference split is read from results/classifier/<dataset>/reference.npz when it
matches the classifier and params, and computed on the fly otherwise.
"""
import sys
import time
from pathlib import Path

from ganbench import cli, paths
from ganbench.classifier import Embedder, load_classifier, weights_sha256
from ganbench.config import load_params
from ganbench.data import load_split
from ganbench.io import atomic_path, write_json
from ganbench.reference import cached_reference
from ganbench.runtime import configure
from ganbench.score_table import render_markdown
from ganbench.scoring import read_samples, score


def run() -> None:
    p = cli.parser(__doc__)
    p.add_argument("--samples", required=True, help=".npz with x (and optionally y)")
    p.add_argument("--out", required=True, help="metrics JSON to write")
    p.add_argument("--allow-nonfinite", action="store_true",
                   help="record a set with NaN/inf samples as diverged instead of failing (the pipeline does)")
    args = p.parse_args()
    if Path(args.out).suffix == ".md":
        p.error(f"--out {args.out}: the JSON path; its .md table is written beside it")
    eval_params = load_params(args.params)["eval"]
    configure(eval_params["latent_seed"])
    x, y = read_samples(args.samples, args.allow_nonfinite)
    if len(x) != eval_params["samples"]:
        print(f"warning: {args.samples}: {len(x)} samples, but eval.samples is {eval_params['samples']}; FID is "
              "biased in N, so compare these metrics only with sets of the same size", file=sys.stderr)
    classifier = load_classifier(paths.classifier_model(args.dataset))
    embed = Embedder(classifier)
    reference = cached_reference(paths.reference_npz(args.dataset), embed,
                                 lambda split: load_split(paths.data_npz(args.dataset), split),
                                 eval_params, weights_sha256(classifier))
    started = time.perf_counter()
    result = score(x, reference, embed, eval_params, y)
    print(f"scored {len(x)} samples in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    result = {"dataset": args.dataset, "samples_file": str(args.samples), **result}
    write_json(args.out, result)
    with atomic_path(Path(args.out).with_suffix(".md")) as tmp:
        tmp.write_text(render_markdown(result, f"{args.dataset}: {args.samples}"))


if __name__ == "__main__":
    cli.main(run)
