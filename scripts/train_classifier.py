"""Train the LeNet reference classifier of one dataset; write the model and its test accuracy."""
import time

from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.data.splits import load_split
from ganbench.evaluation.classifier import evaluate, train_classifier
from ganbench.evaluation.identity import weights_sha256
from ganbench.io import write_json
from ganbench.model_files import save_model
from ganbench.runtime import configure


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    params = load_params(args.params)
    settings = params["classifier"]
    configure(settings["seed"])
    x_train, y_train = load_split(paths.data_npz(args.dataset), "train", settings["train_samples"])
    x_test, y_test = load_split(paths.data_npz(args.dataset), "test")
    started = time.perf_counter()
    model = train_classifier(x_train, y_train, settings["epochs"], settings["batch"], settings["lr"],
                             settings["seed"])
    seconds = time.perf_counter() - started
    save_model(model, paths.classifier_model(args.dataset))
    write_json(paths.classifier_metrics(args.dataset), {
        "dataset": args.dataset, **evaluate(model, x_test, y_test), "train_samples": len(x_train),
        "train_seconds": round(seconds, 2), "classifier_sha256": weights_sha256(model)})


if __name__ == "__main__":
    cli.main(run)
