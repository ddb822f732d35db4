"""Embed a dataset's reference split in its classifier once, for every score to reuse:
results/classifier/<dataset>/reference.npz (features, probs, labels, k-NN radii in eval.knn_space and
FID Gaussians, overall and per class, and what they came from)."""
from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.data.splits import load_split
from ganbench.evaluation.embedding import Embedder, load_classifier
from ganbench.evaluation.identity import weights_sha256
from ganbench.evaluation.reference import build_reference, save_reference
from ganbench.runtime import configure


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    eval_params = load_params(args.params)["eval"]
    configure(eval_params["latent_seed"])
    classifier = load_classifier(paths.classifier_model(args.dataset))
    x_ref, y_ref = load_split(paths.data_npz(args.dataset), eval_params["reference"])
    reference = build_reference(Embedder(classifier), x_ref, y_ref, eval_params, weights_sha256(classifier))
    save_reference(reference, paths.reference_npz(args.dataset))


if __name__ == "__main__":
    cli.main(run)
