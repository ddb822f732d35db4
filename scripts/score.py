"""Score any sample set against a dataset's real reference split in the pipeline's classifier.

    python scripts/score.py --dataset mnist --samples X.npz --out metrics.json

X.npz holds `x` (float32 in [-1,1], (N,28,28,1), or uint8 (N,28,28)) and optionally labels `y`.
"""
import numpy as np

from ganbench import cli, paths
from ganbench.classifier import load_classifier
from ganbench.config import load_params
from ganbench.data import load_split
from ganbench.io import write_json
from ganbench.runtime import configure
from ganbench.scoring import as_model_input, score


def run() -> None:
    p = cli.parser(__doc__)
    p.add_argument("--samples", required=True, help=".npz with x (and optionally y)")
    p.add_argument("--out", required=True, help="metrics JSON to write")
    args = p.parse_args()
    eval_params = load_params(args.params)["eval"]
    configure(eval_params["latent_seed"])
    try:
        with np.load(args.samples, allow_pickle=False) as f:
            x, y = as_model_input(f["x"], args.samples), (f["y"] if "y" in f else None)
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"{args.samples}: cannot read samples: {exc}") from None
    x_ref, _ = load_split(paths.data_npz(args.dataset), eval_params["reference"])
    result = score(x, x_ref, load_classifier(paths.classifier_model(args.dataset)), eval_params, y)
    write_json(args.out, {"dataset": args.dataset, "samples_file": args.samples, **result})


if __name__ == "__main__":
    cli.main(run)
